package store

import (
	"fmt"
	"sort"
	"time"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
)

// listCols are a review's columns but its self-evaluation (which can be
// long): lists of reviews load these; Review loads the whole row.
var listCols = []string{"id", "tenant_id", "year_id", "school_id", "hub_id", "trust_id", "week", "starts_on", "days", "team_size",
	"needs_lead", "cancelled", "self_evaluated_at", "created_at", "updated_at"}

// Reviews returns a year's reviews (cancelled included) by week, then
// school, without their self-evaluations.
func (s *Store) Reviews(yearID uint64) ([]Review, error) {
	var rs []Review
	if err := s.q().Select(listCols).Where("year_id = ?", yearID).Order("week, school_id").Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("reviews of year %d: %w", yearID, err)
	}
	return rs, nil
}

// ReviewsWhere returns a year's reviews of a hub (hubID ≠ 0) or of schools,
// by date, without their self-evaluations; yearID 0 is every year.
func (s *Store) ReviewsWhere(yearID, hubID uint64, schools ...uint64) ([]Review, error) {
	q := s.q().Select(listCols)
	if yearID != 0 {
		q = q.Where("year_id = ?", yearID)
	}
	if hubID != 0 {
		q = q.Where("hub_id = ?", hubID)
	}
	if len(schools) > 0 {
		q = q.Where("school_id IN ?", schools)
	}
	var rs []Review
	if err := q.Order("starts_on, school_id").Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("reviews: %w", err)
	}
	return rs, nil
}

// ReviewsByID returns the reviews with these ids, by id, without their
// self-evaluations.
func (s *Store) ReviewsByID(ids []uint64) (map[uint64]Review, error) {
	out := map[uint64]Review{}
	for start := 0; start < len(ids); start += 1000 {
		var rs []Review
		if err := s.q().Select(listCols).Where("id IN ?", ids[start:min(len(ids), start+1000)]).Find(&rs).Error; err != nil {
			return nil, fmt.Errorf("reviews: %w", err)
		}
		for _, r := range rs {
			out[r.ID] = r
		}
	}
	return out, nil
}

// Review returns the review with id.
func (s *Store) Review(id uint64) (*Review, error) {
	var r Review
	if err := s.first(&r, id, "review"); err != nil {
		return nil, err
	}
	return &r, nil
}

// Weekdays a review may start on: Monday (0) to Friday (4).
var Weekdays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}

// ScheduleInput is the form of a review's schedule.
type ScheduleInput struct {
	Week, Day, Days, TeamSize string // TeamSize "" takes the band's size
	NeedsLead                 string // checkbox
}

// Schedule is a checked schedule.
type Schedule struct {
	Week, Day, Days, TeamSize int
	NeedsLead                 bool
}

// CheckSchedule reads the form: a school week of the year, a start day of
// Monday to Friday, 1 to 3 days within the week, 1 to 8 team seats (by
// default from the host's roll and bands).
func CheckSchedule(in ScheduleInput, roll int, bands []rules.Band) (Schedule, error) {
	var errs Errors
	sc := Schedule{Week: number(&errs, "week", in.Week, 1, rules.WeeksInYear), Day: number(&errs, "day", in.Day, 0, 4),
		Days: number(&errs, "days", in.Days, 1, 3), NeedsLead: checked(in.NeedsLead)}
	if in.TeamSize == "" {
		sc.TeamSize = rules.TeamSize(bands, roll)
	} else {
		sc.TeamSize = number(&errs, "team_size", in.TeamSize, 1, 8)
	}
	if !errs.Has("day") && !errs.Has("days") && sc.Day+sc.Days > 5 {
		errs.Add("days", "A review ends by Friday: start earlier in the week or take fewer days")
	}
	return sc, errs.OrNil()
}

// weekMonday returns the Monday of a year's week.
func (s *Store) weekMonday(yearID uint64, week int) (time.Time, error) {
	var w SchoolWeek
	if err := s.q().Where("year_id = ? AND week = ?", yearID, week).Take(&w).Error; err != nil {
		return time.Time{}, fmt.Errorf("week %d of year %d: %w", week, yearID, err)
	}
	d, err := time.Parse(time.DateOnly, w.StartsOn)
	if err != nil {
		return time.Time{}, fmt.Errorf("week %d of year %d: %w", week, yearID, err)
	}
	return d, nil
}

// ScheduleReview adds a member school's review for the year.
func (s *Store) ScheduleReview(yearID, schoolID uint64, sc Schedule, at time.Time) (*Review, error) {
	m, err := s.Member(yearID, schoolID)
	if err != nil {
		return nil, Invalid("school", "Choose a member school of the year")
	}
	monday, err := s.weekMonday(yearID, sc.Week)
	if err != nil {
		return nil, err
	}
	r := Review{TenantID: s.tenant, YearID: yearID, SchoolID: schoolID, HubID: m.HubID, TrustID: m.TrustID, Week: sc.Week,
		StartsOn: monday.AddDate(0, 0, sc.Day).Format(time.DateOnly), Days: sc.Days, TeamSize: sc.TeamSize, NeedsLead: sc.NeedsLead,
		CreatedAt: at, UpdatedAt: at}
	if err := s.create(&r, m.Name+"'s review this year"); err != nil {
		return nil, err
	}
	return &r, nil
}

// UpdateReview changes a review's schedule; it returns it before and
// after. A review whose team is published keeps its week: withdraw the
// team's seats first.
func (s *Store) UpdateReview(id uint64, sc Schedule, at time.Time) (before, after *Review, err error) {
	r, err := s.Review(id)
	if err != nil {
		return nil, nil, err
	}
	b := *r
	if r.Cancelled {
		return nil, nil, conflict("the review is cancelled")
	}
	if sc.Week != r.Week {
		n, err := s.activeSeats(id)
		if err != nil {
			return nil, nil, err
		}
		if n > 0 {
			return nil, nil, conflict("the review's team is published (%d %s): withdraw the seats before moving it to another week", n, plural(n, "seat", "seats"))
		}
	}
	monday, err := s.weekMonday(r.YearID, sc.Week)
	if err != nil {
		return nil, nil, err
	}
	r.Week, r.StartsOn, r.Days, r.TeamSize, r.NeedsLead, r.UpdatedAt = sc.Week, monday.AddDate(0, 0, sc.Day).Format(time.DateOnly), sc.Days, sc.TeamSize, sc.NeedsLead, at
	if err := s.q().Model(&Review{}).Where("id = ?", id).Updates(map[string]any{"week": r.Week, "starts_on": r.StartsOn, "days": r.Days,
		"team_size": r.TeamSize, "needs_lead": r.NeedsLead, "updated_at": at}).Error; err != nil {
		return nil, nil, fmt.Errorf("update review %d: %w", id, err)
	}
	return &b, r, nil
}

// CancelReview cancels a review whose report is not submitted, withdrawing
// its seats.
func (s *Store) CancelReview(id uint64, at time.Time) (*Review, error) {
	r, err := s.Review(id)
	if err != nil {
		return nil, err
	}
	if r.Cancelled {
		return nil, conflict("the review is cancelled already")
	}
	if rep, err := s.ReportOf(id); err != nil {
		return nil, err
	} else if rep != nil && rep.State != rules.Draft {
		return nil, conflict("the review's report is %s: a review with a report cannot be cancelled", rules.StateLabel(rep.State))
	}
	if err := s.q().Model(&Seat{}).Where("review_id = ? AND withdrawn = ?", id, false).
		Updates(map[string]any{"withdrawn": true, "withdraw_why": "the review was cancelled", "withdrawn_at": at}).Error; err != nil {
		return nil, fmt.Errorf("withdraw the seats of review %d: %w", id, err)
	}
	if err := s.q().Model(&Review{}).Where("id = ?", id).Updates(map[string]any{"cancelled": true, "updated_at": at}).Error; err != nil {
		return nil, fmt.Errorf("cancel review %d: %w", id, err)
	}
	r.Cancelled = true
	return r, nil
}

// ScheduleAll schedules every member without a review this year in weeks
// from..38: each school goes to the week with the fewest reviews so far,
// then the fewest of its hub, then the earliest, in order of hub and name;
// each starts on a Tuesday for 2 days with a lead and the band's team. It
// returns the reviews made.
func (s *Store) ScheduleAll(yearID uint64, from int, bands []rules.Band, at time.Time) ([]Review, error) {
	if from < 1 || from > rules.WeeksInYear {
		return nil, conflict("the year's school weeks are over: no week is left to schedule in")
	}
	members, err := s.Members(yearID)
	if err != nil {
		return nil, err
	}
	existing, err := s.Reviews(yearID)
	if err != nil {
		return nil, err
	}
	weeks, err := s.Weeks(yearID)
	if err != nil {
		return nil, err
	}
	has := map[uint64]bool{}
	perWeek := map[int]int{}
	perHubWeek := map[[2]uint64]int{}
	for _, r := range existing {
		has[r.SchoolID] = true
		if !r.Cancelled {
			perWeek[r.Week]++
			perHubWeek[[2]uint64{r.HubID, uint64(r.Week)}]++
		}
	}
	sort.SliceStable(members, func(i, j int) bool { return members[i].HubID < members[j].HubID })
	var out []Review
	for _, m := range members {
		if has[m.SchoolID] {
			continue
		}
		best := 0
		for w := from; w <= rules.WeeksInYear; w++ {
			if best == 0 || perWeek[w] < perWeek[best] ||
				perWeek[w] == perWeek[best] && perHubWeek[[2]uint64{m.HubID, uint64(w)}] < perHubWeek[[2]uint64{m.HubID, uint64(best)}] {
				best = w
			}
		}
		perWeek[best]++
		perHubWeek[[2]uint64{m.HubID, uint64(best)}]++
		monday, err := time.Parse(time.DateOnly, weeks[best-1].StartsOn)
		if err != nil {
			return nil, fmt.Errorf("week %d: %w", best, err)
		}
		out = append(out, Review{TenantID: s.tenant, YearID: yearID, SchoolID: m.SchoolID, HubID: m.HubID, TrustID: m.TrustID, Week: best,
			StartsOn: monday.AddDate(0, 0, 1).Format(time.DateOnly), Days: 2, TeamSize: rules.TeamSize(bands, m.PupilsOnRoll),
			NeedsLead: true, CreatedAt: at, UpdatedAt: at})
	}
	if len(out) > 0 {
		if err := s.db.CreateInBatches(&out, 200).Error; err != nil {
			return nil, fmt.Errorf("schedule reviews: %w", err)
		}
	}
	return out, nil
}

// SaveSelfEvaluation records the host's self-evaluation before the report
// is submitted; it returns the review before and after.
func (s *Store) SaveSelfEvaluation(id uint64, sef string, at time.Time) (before, after *Review, err error) {
	r, err := s.Review(id)
	if err != nil {
		return nil, nil, err
	}
	var errs Errors
	sef = text(&errs, "self_evaluation", sef, 20000, true)
	if len(errs) > 0 {
		return nil, nil, errs
	}
	if rep, err := s.ReportOf(id); err != nil {
		return nil, nil, err
	} else if rep != nil && rep.State != rules.Draft {
		return nil, nil, conflict("the report is %s: the self-evaluation it rests on can no longer change", lower(rules.StateLabel(rep.State)))
	}
	b := *r
	r.SelfEvaluation, r.SelfEvaluatedAt, r.UpdatedAt = sef, &at, at
	if err := s.q().Model(&Review{}).Where("id = ?", id).Updates(map[string]any{"self_evaluation": sef, "self_evaluated_at": at, "updated_at": at}).Error; err != nil {
		return nil, nil, fmt.Errorf("save the self-evaluation of review %d: %w", id, err)
	}
	return &b, r, nil
}

// Ends is the review's last day (YYYY-MM-DD).
func (r Review) Ends() string {
	d, err := time.Parse(time.DateOnly, r.StartsOn)
	if err != nil {
		return r.StartsOn
	}
	return d.AddDate(0, 0, r.Days-1).Format(time.DateOnly)
}

func lower(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}
