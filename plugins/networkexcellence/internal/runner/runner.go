// Package runner runs the reviewer allocation on the programme's records:
// it gathers a run's period from the store (the reviews not yet started of
// a term or the year, the register, training, availability, past years'
// seats, reciprocity, pins and forbidden pairs, the published seats to keep
// on a re-run), builds the Problem (package problem), solves it exactly
// (package allocate) and saves the proposal with its explanations. It
// reads no clock and calls no Host: the caller gives today and the
// settings, and audits the run in the same transaction.
package runner

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/allocate"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/problem"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// Options are a run's settings.
type Options struct {
	Term           int    // 0: the whole year; else rules.Autumn, Spring or Summer
	Today          string // YYYY-MM-DD: reviews starting after today are allocated
	ReviewedWithin int
	Weights        rules.Weights
	By             uint64
	Reason         string // why it was run (e.g. after a withdrawal)
	// Clock measures the solve (the caller's clock; nil: not measured).
	Clock func() time.Time
}

// ErrNothingToAllocate is returned when the period has no review left to allocate.
var ErrNothingToAllocate = errors.New("no review of the period is still to come")

// Refused is the solver refusing the Problem (a pin breaking a rule, pins
// that do not fit): Faults name the reviews and reviewers at fault.
type Refused struct{ Faults []string }

func (e *Refused) Error() string {
	return "the allocation cannot start: " + strings.Join(e.Faults, "; ")
}

// Input gathers the Problem's input for a year's period.
func Input(s *store.Store, y *store.Year, o Options) (problem.Input, map[uint64]string, error) {
	in := problem.Input{Weeks: rules.WeeksInYear, ReviewedWithin: o.ReviewedWithin, Weights: o.Weights, Credit: map[uint64]int{}}
	weeks, err := s.Weeks(y.ID)
	if err != nil {
		return in, nil, err
	}
	termOf := map[int]int{}
	for _, w := range weeks {
		termOf[w.Week] = w.Term
	}
	reviews, err := s.Reviews(y.ID)
	if err != nil {
		return in, nil, err
	}
	members, err := s.Members(y.ID)
	if err != nil {
		return in, nil, err
	}
	place := map[uint64]problem.Place{}
	schoolName := map[uint64]string{}
	for _, m := range members {
		schoolName[m.SchoolID] = m.Name
		place[m.SchoolID] = problem.Place{School: m.SchoolID, Hub: m.HubID, Trust: m.TrustID, Lat: m.Latitude, Lng: m.Longitude}
	}
	inPeriod := map[uint64]bool{}
	for _, rv := range reviews {
		if rv.Cancelled || rv.StartsOn <= o.Today || (o.Term != 0 && termOf[rv.Week] != o.Term) {
			continue
		}
		inPeriod[rv.ID] = true
		host := place[rv.SchoolID]
		host.School, host.Hub, host.Trust = rv.SchoolID, rv.HubID, rv.TrustID
		in.Reviews = append(in.Reviews, problem.Review{ID: rv.ID, Host: host, Week: rv.Week, TeamSize: rv.TeamSize, NeedsLead: rv.NeedsLead})
	}
	if len(in.Reviews) == 0 {
		return in, nil, ErrNothingToAllocate
	}
	reviewers, err := s.Reviewers()
	if err != nil {
		return in, nil, err
	}
	trained, err := s.Trained(o.Today)
	if err != nil {
		return in, nil, err
	}
	unavailable, err := s.Unavailable(y.ID)
	if err != nil {
		return in, nil, err
	}
	seats, err := s.SeatsOfYear(y.ID)
	if err != nil {
		return in, nil, err
	}
	elsewhere := map[uint64]int{}
	days := map[uint64]store.Review{}
	for _, rv := range reviews {
		days[rv.ID] = rv
	}
	var recip []rules.SeatDays
	schoolOf := map[uint64]uint64{}
	for _, r := range reviewers {
		schoolOf[r.ID] = r.SchoolID
	}
	for _, x := range seats {
		if inPeriod[x.ReviewID] {
			in.Previous = append(in.Previous, allocate.Assignment{Review: problem.ReviewKey(x.ReviewID), Reviewer: problem.ReviewerKey(x.ReviewerID), Seat: allocate.Seat(x.Seat)})
		} else {
			elsewhere[x.ReviewerID]++
		}
		rv := days[x.ReviewID]
		recip = append(recip, rules.SeatDays{Host: rv.SchoolID, ReviewerSchool: schoolOf[x.ReviewerID], Lead: x.Seat == store.LeadSeat, Days: rv.Days})
	}
	// Past years: seats by how many years ago; last year's count as load
	// and, with this year's, as reciprocity.
	years, err := s.Years()
	if err != nil {
		return in, nil, err
	}
	lastYear := map[uint64]int{}
	ago := 0
	for _, py := range years { // newest first
		if py.StartsOn >= y.StartsOn {
			continue
		}
		ago++
		if ago > max(o.ReviewedWithin, 1)+5 {
			break
		}
		past, err := s.SeatsOfYear(py.ID)
		if err != nil {
			return in, nil, err
		}
		prs, err := s.Reviews(py.ID)
		if err != nil {
			return in, nil, err
		}
		host := map[uint64]store.Review{}
		for _, rv := range prs {
			host[rv.ID] = rv
		}
		for _, x := range past {
			rv := host[x.ReviewID]
			in.History = append(in.History, problem.Visit{Reviewer: x.ReviewerID, ReviewerSchool: schoolOf[x.ReviewerID], Host: rv.SchoolID, YearsAgo: ago})
			if ago == 1 {
				lastYear[x.ReviewerID]++
				recip = append(recip, rules.SeatDays{Host: rv.SchoolID, ReviewerSchool: schoolOf[x.ReviewerID], Lead: x.Seat == store.LeadSeat, Days: rv.Days})
			}
		}
	}
	for _, rc := range rules.CountReciprocity(recip) {
		if c := rc.Credit(); c > 0 {
			in.Credit[rc.School] = c
		}
	}
	away := []uint64{}
	for _, r := range reviewers {
		if _, ok := place[r.SchoolID]; !ok && r.SchoolID != 0 {
			away = append(away, r.SchoolID)
		}
	}
	ever, err := s.SchoolsEver(uniq(away))
	if err != nil {
		return in, nil, err
	}
	for _, r := range reviewers {
		home, ok := place[r.SchoolID]
		if !ok && r.SchoolID != 0 {
			m := ever[r.SchoolID]
			home = problem.Place{School: r.SchoolID, Hub: m.HubID, Trust: m.TrustID, Lat: m.Latitude, Lng: m.Longitude}
		}
		in.Reviewers = append(in.Reviewers, problem.Reviewer{ID: r.ID, Home: home, Lead: r.Lead, Trained: trained[r.ID], Active: r.Active,
			MaxReviews: r.MaxReviews, Unavailable: unavailable[r.ID], SeatsElsewhere: elsewhere[r.ID], LastYear: lastYear[r.ID]})
	}
	pins, err := s.PinsOf(y.ID)
	if err != nil {
		return in, nil, err
	}
	for _, p := range pins {
		pair := problem.Pair{Review: p.ReviewID, Reviewer: p.ReviewerID, Seat: allocate.Seat(p.Seat), Why: p.Why}
		if p.Kind == store.PinSeat {
			in.Pins = append(in.Pins, pair)
		} else {
			in.Forbidden = append(in.Forbidden, pair)
		}
	}
	out := map[uint64]string{}
	for _, rv := range reviews {
		out[rv.ID] = schoolName[rv.SchoolID]
	}
	for _, r := range reviewers {
		out[^r.ID] = r.Name
	}
	return in, out, nil
}

var keyRE = regexp.MustCompile(`\b([RP])(\d+)\b`)

// Name replaces the Problem's ids in a message ("R12", "P7") by the
// review's school and the reviewer's name; names maps a review id to its
// school's name and ^reviewer id to the reviewer's name.
func Name(msg string, names map[uint64]string) string {
	return keyRE.ReplaceAllStringFunc(msg, func(k string) string {
		if id := problem.ReviewID(k); id != 0 {
			if n, ok := names[id]; ok {
				return "the review of " + n
			}
		}
		if id := problem.ReviewerID(k); id != 0 {
			if n, ok := names[^id]; ok {
				return n
			}
		}
		return k
	})
}

// Run solves a year's period and saves the proposal (superseding earlier
// proposals). It returns the run, or ErrNothingToAllocate, or *Refused.
func Run(s *store.Store, y *store.Year, o Options) (*store.Run, error) {
	in, names, err := Input(s, y, o)
	if err != nil {
		return nil, err
	}
	built := problem.Build(in)
	var start time.Time
	if o.Clock != nil {
		start = o.Clock()
	}
	a, err := allocate.Solve(built.Problem)
	var ie *allocate.InputError
	if errors.As(err, &ie) {
		r := &Refused{}
		for _, f := range ie.Faults {
			r.Faults = append(r.Faults, Name(f.String(), names))
		}
		return nil, r
	}
	if err != nil {
		return nil, fmt.Errorf("solve: %w", err)
	}

	run := &store.Run{YearID: y.ID, Term: o.Term, Seats: a.Seats, Filled: a.Filled, Cost: a.Cost, Kept: a.Kept, Changed: a.Changed,
		Reason: o.Reason, CreatedBy: o.By}
	if o.Clock != nil {
		run.CreatedAt = o.Clock()
		run.Millis = run.CreatedAt.Sub(start).Milliseconds()
	}
	var lines []string
	for _, n := range built.Notes {
		lines = append(lines, Name(n, names))
	}
	lines = append(lines, a.Shortfall...)
	if len(in.Previous) == 0 {
		run.Kept, run.Changed = 0, 0
	}
	run.Shortfall = strings.Join(lines, "\n")
	seats := make([]store.RunSeat, len(a.Assignments))
	for i, p := range a.Assignments {
		parts, _ := json.Marshal(p.Parts)
		if len(p.Parts) == 0 {
			parts = nil
		}
		seats[i] = store.RunSeat{ReviewID: problem.ReviewID(p.Review), ReviewerID: problem.ReviewerID(p.Reviewer), Seat: string(p.Seat),
			Cost: p.Cost, Parts: string(parts), Pinned: p.Pinned, Kept: p.Kept, Eligible: p.Eligible}
	}
	unfilled := make([]store.RunUnfilled, len(a.Unfilled))
	for i, u := range a.Unfilled {
		unfilled[i] = store.RunUnfilled{ReviewID: problem.ReviewID(u.Review), Seat: string(u.Seat), Count: u.Count, Why: u.Why()}
	}
	if err := s.SaveRun(run, seats, unfilled); err != nil {
		return nil, err
	}
	return run, nil
}

// Why explains a proposed seat in words, as the solver does.
func Why(x store.RunSeat) string {
	p := allocate.Placed{Cost: x.Cost, Pinned: x.Pinned, Kept: x.Kept, Eligible: x.Eligible}
	if x.Parts != "" {
		_ = json.Unmarshal([]byte(x.Parts), &p.Parts)
	}
	return p.Why()
}

func uniq(ids []uint64) []uint64 {
	slices.Sort(ids)
	return slices.Compact(ids)
}
