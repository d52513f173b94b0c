package store

import (
	"fmt"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/booking"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
)

// Counts of the extension points (issue 18): the home page asks for the
// figures and to-dos on every visit, so they are counted by the database
// (COUNT, SUM, GROUP BY, EXISTS) in a statement or two instead of loading
// a year's reviews, seats, feedback, reviewers and members to count them
// here. Each says which definition it counts; the tests check them
// against a count of the loaded rows on the demo.

// YearCounts are a membership year's headline counts up to a day.
type YearCounts struct {
	Reviews     int // scheduled, not cancelled
	ReviewsDone int // of those, started on or before the day
	// Schools that hosted a started review (received reviewer days: team
	// seats, the lead not owed back, times the review's days), and those of
	// them whose reviewers gave at least as many days (rules.CountReciprocity).
	Hosted, Met int
	// Feedback on the year's reviews (cancelled ones' too): how many, and
	// the sums of their overall and CPD scores.
	Feedback, OverallSum, CPDSum int
	Trained                      int // reviewers who attended a reviewer or Lead Reviewer training by the year's end (or the day)
	AoEsAccredited               int `gorm:"column:aoes_accredited"` // accredited within the year
	// Leadership Development Days held in the year up to the day (not
	// cancelled), the places booked on them, their ratings (how many, sum).
	LDDs                      int `gorm:"column:ldds"`
	Pairs, Ratings, RatingSum int
	// Hubs with members this year, and those with a member that hosted one
	// of those days.
	Hubs, HubsHosted int
}

// yearCountsSQL counts a year in one statement: the year's started
// reviews' seats (sd: the reviews first, SQLite's CROSS JOIN keeps that
// order, then their seats from the covering index of seats), the
// days each school received and gave from them (byschool), the year's
// Leadership Development Days so far (ldd), then one row of every count,
// each from its own derived table. Trainings come before their attendance
// and the days before their hosts' memberships for the same reason: a few
// rows first, then an index search for each.
const yearCountsSQL = `
WITH sd AS MATERIALIZED (
	SELECT r.school_id AS host, COALESCE(v.school_id, 0) AS giver, s.seat AS seat, r.days AS days
	FROM reviews r CROSS JOIN seats s
	LEFT JOIN reviewers v ON v.tenant_id = s.tenant_id AND v.id = s.reviewer_id
	WHERE r.tenant_id = @t AND r.year_id = @y AND r.cancelled = @no AND r.starts_on <= @today
	AND s.tenant_id = r.tenant_id AND s.review_id = r.id AND s.withdrawn = @no
), byschool AS (
	SELECT school, SUM(received) AS received, SUM(given) AS given FROM (
		SELECT host AS school, CASE WHEN seat <> @lead THEN days ELSE 0 END AS received, 0 AS given FROM sd
		UNION ALL
		SELECT giver, 0, days FROM sd WHERE giver <> 0
	) u GROUP BY school
), ldd AS MATERIALIZED (
	SELECT id, school_id FROM days
	WHERE tenant_id = @t AND kind = @ldd AND cancelled = @no AND date >= @from AND date < @to
)
SELECT rv.n AS reviews, rv.done AS reviews_done, rc.hosted AS hosted, rc.met AS met,
	fb.n AS feedback, fb.overall AS overall_sum, fb.cpd AS cpd_sum, tr.n AS trained, ao.n AS aoes_accredited,
	ld.n AS ldds, bk.n AS pairs, rt.n AS ratings, rt.total AS rating_sum, hb.n AS hubs, hh.n AS hubs_hosted
FROM (
	SELECT COUNT(*) AS n, COALESCE(SUM(CASE WHEN starts_on <= @today THEN 1 ELSE 0 END), 0) AS done
	FROM reviews WHERE tenant_id = @t AND year_id = @y AND cancelled = @no
) rv
CROSS JOIN (
	SELECT COUNT(*) AS hosted, COALESCE(SUM(CASE WHEN given >= received THEN 1 ELSE 0 END), 0) AS met
	FROM byschool WHERE received > 0
) rc
CROSS JOIN (
	SELECT COUNT(*) AS n, CAST(COALESCE(SUM(overall), 0) AS BIGINT) AS overall, CAST(COALESCE(SUM(cpd), 0) AS BIGINT) AS cpd
	FROM feedback WHERE tenant_id = @t AND review_id IN (SELECT id FROM reviews WHERE tenant_id = @t AND year_id = @y)
) fb
CROSS JOIN (
	SELECT COUNT(DISTINCT a.reviewer_id) AS n FROM trainings k CROSS JOIN attendance a
	WHERE k.tenant_id = @t AND k.kind IN (@reviewer, @leadTraining) AND k.held_on <= @trainedBy
	AND a.tenant_id = k.tenant_id AND a.training_id = k.id AND a.attended = @yes
) tr
CROSS JOIN (
	SELECT COUNT(*) AS n FROM aoes
	WHERE tenant_id = @t AND state = @accredited AND accredited_on >= @yearFrom AND accredited_on < @yearTo
) ao
CROSS JOIN (SELECT COUNT(*) AS n FROM ldd) ld
CROSS JOIN (
	SELECT COUNT(*) AS n FROM bookings WHERE tenant_id = @t AND state = @booked AND day_id IN (SELECT id FROM ldd)
) bk
CROSS JOIN (
	SELECT COUNT(*) AS n, CAST(COALESCE(SUM(score), 0) AS BIGINT) AS total FROM ratings WHERE tenant_id = @t AND day_id IN (SELECT id FROM ldd)
) rt
CROSS JOIN (
	SELECT COUNT(DISTINCT hub_id) AS n FROM members WHERE tenant_id = @t AND year_id = @y AND hub_id <> 0
) hb
CROSS JOIN (
	SELECT COUNT(DISTINCT m.hub_id) AS n FROM ldd CROSS JOIN members m
	WHERE m.tenant_id = @t AND m.year_id = @y AND m.school_id = ldd.school_id AND m.hub_id <> 0
) hh`

// YearCounts counts year y's figures up to today (YYYY-MM-DD): reviews
// and reciprocity as of today, reviewers trained by the year's end or
// today, whichever is first, Leadership Development Days held from the
// year's start to its end or today, Areas of Excellence accredited in the
// whole year.
func (s *Store) YearCounts(y *Year, today string) (YearCounts, error) {
	yearTo := y.EndsOn + "~" // the end day included
	to := yearTo
	if today < to {
		to = today + "~"
	}
	args := map[string]any{
		"t": s.tenant, "y": y.ID, "no": false, "yes": true, "today": today, "lead": LeadSeat,
		"reviewer": TrainReviewer, "leadTraining": TrainLead, "trainedBy": min(y.EndsOn, today),
		"accredited": AoEAccredited, "yearFrom": y.StartsOn, "yearTo": yearTo,
		"ldd": KindLDD, "from": y.StartsOn, "to": to, "booked": booking.Booked,
	}
	var c YearCounts
	if err := s.rawDB().Raw(yearCountsSQL, args).Scan(&c).Error; err != nil {
		return c, fmt.Errorf("count year %d: %w", y.ID, err)
	}
	return c, nil
}

// DraftGroup is how many of a year's reviews starting on a day, lasting
// so many days, have no report yet or a draft one.
type DraftGroup struct {
	StartsOn string
	Days     int
	N        int
}

// ReportCounts counts a year's reviews (not cancelled) whose report the
// host agreed (to publish), and groups by start and length those whose
// report is not written or a draft and which started before
// startedBefore: the caller decides which are overdue by their due date
// (a rule of the settings), at most a few groups a week.
func (s *Store) ReportCounts(yearID uint64, startedBefore string) (agreed int, drafts []DraftGroup, err error) {
	var n int64
	err = s.db.Table("reviews AS r").
		Joins("JOIN reports p ON p.tenant_id = r.tenant_id AND p.review_id = r.id").
		Where("r.tenant_id = ? AND r.year_id = ? AND r.cancelled = ? AND p.state = ?", s.tenant, yearID, false, rules.Agreed).
		Count(&n).Error
	if err != nil {
		return 0, nil, fmt.Errorf("reports agreed in year %d: %w", yearID, err)
	}
	err = s.db.Table("reviews AS r").
		Select("r.starts_on AS starts_on, r.days AS days, COUNT(*) AS n").
		Joins("LEFT JOIN reports p ON p.tenant_id = r.tenant_id AND p.review_id = r.id").
		Where("r.tenant_id = ? AND r.year_id = ? AND r.cancelled = ?", s.tenant, yearID, false).
		Where("(p.state IS NULL OR p.state = ? OR p.state = ?)", "", rules.Draft).
		Where("(r.days < 1 OR r.starts_on < ?)", startedBefore).
		Group("r.starts_on, r.days").Order("r.starts_on, r.days").
		Scan(&drafts).Error
	if err != nil {
		return 0, nil, fmt.Errorf("reports to write in year %d: %w", yearID, err)
	}
	return int(n), drafts, nil
}

// FilledSeats counts each review's seats not withdrawn, by review.
func (s *Store) FilledSeats(reviewIDs []uint64) (map[uint64]int, error) {
	out := map[uint64]int{}
	if len(reviewIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ReviewID uint64
		N        int
	}
	if err := s.q().Model(&Seat{}).Select("review_id, COUNT(*) AS n").Where("review_id IN ? AND withdrawn = ?", reviewIDs, false).
		Group("review_id").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("seats of reviews: %w", err)
	}
	for _, r := range rows {
		out[r.ReviewID] = r.N
	}
	return out, nil
}

// PanelAoE is an accredited Area of Excellence as a school panel counts
// it: its title, date and terms' labels.
type PanelAoE struct {
	SchoolID     uint64
	Title        string
	AccreditedOn string
	Terms        []string // labels, as tagged ("" for a tag whose term is gone)
}

// PanelAoEs returns the accredited Areas of Excellence of these schools
// with their terms' labels, by school and title, in one statement (an AoE
// without terms once, with no label).
func (s *Store) PanelAoEs(schools []uint64) ([]PanelAoE, error) {
	if len(schools) == 0 {
		return nil, nil
	}
	var rows []struct {
		ID           uint64
		SchoolID     uint64
		Title        string
		AccreditedOn string
		Tagged       bool
		Label        string
	}
	err := s.db.Table("aoes AS a").
		Select("a.id AS id, a.school_id AS school_id, a.title AS title, a.accredited_on AS accredited_on, "+
			"t.id IS NOT NULL AS tagged, COALESCE(m.label, '') AS label").
		Joins("LEFT JOIN aoe_terms t ON t.tenant_id = a.tenant_id AND t.aoe_id = a.id").
		Joins("LEFT JOIN terms m ON m.tenant_id = t.tenant_id AND m.id = t.term_id").
		Where("a.tenant_id = ? AND a.state = ? AND a.school_id IN ?", s.tenant, AoEAccredited, schools).
		Order("a.school_id, a.title, a.id, t.id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("areas of excellence of schools: %w", err)
	}
	var out []PanelAoE
	var last uint64
	for _, r := range rows {
		if len(out) == 0 || r.ID != last {
			out = append(out, PanelAoE{SchoolID: r.SchoolID, Title: r.Title, AccreditedOn: r.AccreditedOn})
			last = r.ID
		}
		if r.Tagged {
			a := &out[len(out)-1]
			a.Terms = append(a.Terms, r.Label)
		}
	}
	return out, nil
}

// DayToRate is a day a person was booked on, with whether they rated it.
type DayToRate struct {
	ID    uint64
	Kind  string
	Title string
	Date  string
	Rated bool
}

// DaysToRate returns the days, not cancelled, from from to to (inclusive),
// on which a booking holding a place names the person, and whether they
// rated each, by date, in one statement.
func (s *Store) DaysToRate(person uint64, from, to string) ([]DayToRate, error) {
	var out []DayToRate
	err := s.db.Table("days AS d").
		Select("d.id AS id, d.kind AS kind, d.title AS title, d.date AS date, "+
			"EXISTS (SELECT 1 FROM ratings r WHERE r.tenant_id = d.tenant_id AND r.day_id = d.id AND r.person_id = ?) AS rated", person).
		Where("d.tenant_id = ? AND d.cancelled = ? AND d.date >= ? AND d.date <= ?", s.tenant, false, from, to).
		Where("d.id IN (?)", s.q().Model(&Booking{}).Select("day_id").Where("state = ? AND (person1 = ? OR person2 = ?)", booking.Booked, person, person)).
		Order("d.date, d.id").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("days to rate: %w", err)
	}
	return out, nil
}

// ReportStates returns the reports of these reviews with only what the
// panels and to-dos say of them (state and the dates it was reached, never
// the text), by review id.
func (s *Store) ReportStates(reviewIDs []uint64) (map[uint64]Report, error) {
	out := map[uint64]Report{}
	for start := 0; start < len(reviewIDs); start += 1000 {
		var rs []Report
		if err := s.q().Select("review_id", "state", "submitted_at", "agreed_at", "published_at").
			Where("review_id IN ?", reviewIDs[start:min(len(reviewIDs), start+1000)]).Find(&rs).Error; err != nil {
			return nil, fmt.Errorf("reports: %w", err)
		}
		for _, r := range rs {
			out[r.ReviewID] = r
		}
	}
	return out, nil
}

// SchoolNamesEver returns each of these schools' name in the latest year
// it was a member (for naming schools of past reviews), by school id.
func (s *Store) SchoolNamesEver(schools []uint64) (map[uint64]string, error) {
	out := map[uint64]string{}
	if len(schools) == 0 {
		return out, nil
	}
	var ms []Member
	if err := s.q().Select("school_id", "name").Where("school_id IN ?", schools).Order("year_id").Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("schools: %w", err)
	}
	for _, m := range ms {
		out[m.SchoolID] = m.Name
	}
	return out, nil
}

// HubNamesOfMembers returns the name of the hub each of these schools is
// a member in, in year yearID, by school; a school in no hub, or in a hub
// without a name, is not in it. One statement: the members joined to the
// hubs.
func (s *Store) HubNamesOfMembers(yearID uint64, schools []uint64) (map[uint64]string, error) {
	out := map[uint64]string{}
	if len(schools) == 0 {
		return out, nil
	}
	var rows []struct {
		SchoolID uint64
		Name     string
	}
	err := s.db.Table("members AS m").Select("m.school_id AS school_id, h.name AS name").
		Joins("JOIN hubs h ON h.tenant_id = m.tenant_id AND h.unit_id = m.hub_id").
		Where("m.tenant_id = ? AND m.year_id = ? AND m.school_id IN ?", s.tenant, yearID, schools).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("hubs of members of year %d: %w", yearID, err)
	}
	for _, r := range rows {
		if r.Name != "" {
			out[r.SchoolID] = r.Name
		}
	}
	return out, nil
}
