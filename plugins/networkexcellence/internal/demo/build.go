package demo

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/roster"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/runner"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// builder builds the demo in one transaction.
type builder struct {
	ctx     context.Context
	s       *store.Store
	net     roster.Network
	people  people
	rng     *rand.Rand
	today   time.Time
	now     time.Time
	summary map[string]int
	members []store.Member
	bands   []rules.Band
	// leadID is the demo Lead Reviewer's register entry.
	leadID uint64
	// reviewers are the register, by id.
	reviewers map[uint64]store.Reviewer
}

func (b *builder) build() error {
	b.summary = map[string]int{}
	var err error
	if b.bands, err = rules.ParseBands(rules.DefaultBands); err != nil {
		return err
	}
	// This year is the one whose first school week has begun.
	cur := rules.YearOf(b.today)
	if rules.SchoolWeeks(cur, sdk.London())[0].Monday.After(b.today) {
		cur--
	}
	prevY, err := b.s.CreateYear(rules.YearLabel(cur-1), sdk.London(), b.now)
	if err != nil {
		return err
	}
	curY, err := b.s.CreateYear(rules.YearLabel(cur), sdk.London(), b.now)
	if err != nil {
		return err
	}
	for _, y := range []*store.Year{prevY, curY} {
		if _, err := roster.Join(b.ctx, b.s, y.ID, b.net, b.now); err != nil {
			return err
		}
	}
	if b.members, err = b.s.Members(curY.ID); err != nil {
		return err
	}
	b.summary["schools"], b.summary["hubs"] = len(b.members), len(b.net.Hubs)
	coords := b.coordinates()
	if err := b.s.SetCoordinates(coords); err != nil {
		return err
	}
	if err := b.register(cur - 1); err != nil {
		return err
	}
	if err := b.unavailable(curY); err != nil {
		return err
	}
	// Last year: every review allocated, held, reported, published.
	if err := b.year(prevY, 0, b.today.AddDate(1, 0, 0)); err != nil {
		return err
	}
	// This year: the host head's school is reviewed this week, its lead the demo Lead Reviewer.
	weeks, err := b.s.Weeks(curY.ID)
	if err != nil {
		return err
	}
	current := 1
	for _, w := range weeks {
		if w.StartsOn <= b.today.Format(time.DateOnly) {
			current = w.Week
		}
	}
	if err := b.year(curY, current, b.today); err != nil {
		return err
	}
	if err := b.plans(curY); err != nil {
		return err
	}
	if err := b.news(); err != nil {
		return err
	}
	return b.directory(prevY, curY, coords)
}

// year schedules every member's review, allocates the year and writes the
// reports and feedback of the reviews ended by `until`. With hostWeek ≠ 0
// the host head's school is reviewed that week, from its Monday, with the
// demo Lead Reviewer pinned to its lead seat, and gets no report: the
// journey writes it; SoonHeadEmail's school is reviewed the next school week
// (or in the year's last week), its self-evaluation still to write.
func (b *builder) year(y *store.Year, hostWeek int, until time.Time) error {
	var host *store.Review
	if hostWeek > 0 && b.people.hostHead != 0 {
		rv, err := b.s.ScheduleReview(y.ID, b.people.hostHead, store.Schedule{Week: hostWeek, Day: 0, Days: 2,
			TeamSize: rules.TeamSize(b.bands, b.roll(b.people.hostHead)), NeedsLead: true}, b.now)
		if err != nil {
			return fmt.Errorf("the host's review: %w", err)
		}
		host = rv
		if b.leadID != 0 {
			if _, err := b.s.SetPin(rv.ID, b.leadID, store.PinSeat, store.LeadSeat, "", 0, b.now); err != nil {
				return err
			}
		}
	}
	if soon := b.people.soonHead; hostWeek > 0 && soon != 0 && soon != b.people.hostHead && b.member(soon) {
		if _, err := b.s.ScheduleReview(y.ID, soon, store.Schedule{Week: min(hostWeek+1, rules.WeeksInYear), Day: 0, Days: 2,
			TeamSize: rules.TeamSize(b.bands, b.roll(soon)), NeedsLead: true}, b.now); err != nil {
			return fmt.Errorf("the review of %s's school: %w", SoonHeadEmail, err)
		}
	}
	if _, err := b.s.ScheduleAll(y.ID, 1, b.bands, b.now); err != nil {
		return err
	}
	weights, err := rules.ParseWeights(rules.DefaultWeights)
	if err != nil {
		return err
	}
	start, err := time.Parse(time.DateOnly, y.StartsOn)
	if err != nil {
		return err
	}
	run, err := runner.Run(b.s, y, runner.Options{Today: start.AddDate(0, 0, -1).Format(time.DateOnly), ReviewedWithin: 3, Weights: weights,
		Reason: "the demo's allocation of the year", Clock: func() time.Time { return b.now }})
	if err != nil {
		return fmt.Errorf("allocate %s: %w", y.Label, err)
	}
	if _, err := b.s.PublishRun(run.ID, 0, b.now); err != nil {
		return err
	}
	b.summary["seats "+y.Label], b.summary["filled "+y.Label] = run.Seats, run.Filled
	return b.reports(y, host, until)
}

// member reports whether the school is a member this year.
func (b *builder) member(school uint64) bool {
	return slices.ContainsFunc(b.members, func(m store.Member) bool { return m.SchoolID == school })
}

// roll is a member school's pupils on roll.
func (b *builder) roll(school uint64) int {
	for _, m := range b.members {
		if m.SchoolID == school {
			return m.PupilsOnRoll
		}
	}
	return 0
}

// hubCentres are plausible centres of the real hubs' areas (latitude, longitude).
var hubCentres = map[string][2]float64{
	"London West Hub": {51.51, -0.34}, "Wootton Bassett Hub": {51.54, -1.90}, "Tendring Hub": {51.85, 1.15},
	"London Special and AP Hub": {51.53, -0.10}, "Compton Hub": {52.59, -2.15}, "Transform Hub": {52.95, -1.15},
	"Portsmouth Hub": {50.82, -1.08}, "Three Shires Hub": {52.28, -1.58}, "North West Hub": {53.48, -2.24},
	"Impact Alliance Hub": {52.48, -1.89}, "East Midlands South Hub": {52.63, -1.13}, "Inspire Partnership Hub": {51.48, 0.06},
	"Camden Hub": {51.54, -0.14}, "South East London Hub": {51.44, -0.02}, "Kingsbridge Hub": {50.28, -3.78},
	"Cornwall Hub": {50.26, -5.05}, "East Midlands North Hub": {53.12, -1.20}, "Ash Field Hub": {52.66, -1.08},
	"Torbay Hub": {50.46, -3.53}, "Herts and Bucks Hub": {51.75, -0.47}, "Chiltern Hub": {51.68, -0.72},
	"Challenger Hub": {51.38, -0.10}, "Somerset Hub": {51.10, -2.95}, "Waltham Forest Hub": {51.59, -0.01},
	"Pickhurst Juniors Hub": {51.39, 0.00}, "East London Hub": {51.53, 0.05}, "East Coast Hub": {52.48, 1.75},
	"Haberdashers’ Aske’s Hub": {51.47, -0.05}, "Enfield Hub": {51.65, -0.08}, "Cheam Hub": {51.36, -0.21},
	"Bengeworth Hub": {52.09, -1.94},
}

// coordinates places each member school near its hub's centre.
func (b *builder) coordinates() map[uint64][2]float64 {
	out := map[uint64][2]float64{}
	for _, m := range b.members {
		c, ok := hubCentres[b.net.Hubs[m.HubID]]
		if !ok {
			c = [2]float64{51.51, -0.13}
		}
		out[m.SchoolID] = [2]float64{c[0] + (b.rng.Float64()-0.5)*0.16, c[1] + (b.rng.Float64()-0.5)*0.24}
	}
	return out
}

// unavailable marks a few weeks of the year unavailable for some reviewers
// (in order of id, so the same seed gives the same weeks), never for the
// demo Lead Reviewer, who is pinned to this week's review.
func (b *builder) unavailable(y *store.Year) error {
	var us []store.UnavailableWeek
	ids := slices.Sorted(maps.Keys(b.reviewers))
	for _, id := range ids {
		if id == b.leadID {
			continue
		}
		for k := b.rng.IntN(4); k > 0; k-- {
			us = append(us, store.UnavailableWeek{YearID: y.ID, ReviewerID: id, Week: 1 + b.rng.IntN(rules.WeeksInYear)})
		}
	}
	seen := map[[2]uint64]bool{}
	var uniq []store.UnavailableWeek
	for _, u := range us {
		k := [2]uint64{u.ReviewerID, uint64(u.Week)}
		if !seen[k] {
			seen[k] = true
			uniq = append(uniq, u)
		}
	}
	return b.s.InsertUnavailable(uniq)
}
