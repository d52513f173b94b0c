package store

import (
	"slices"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/rules"
)

// Queries of the core's home and school pages (package web, extensions.go):
// each reads a whole batch in one statement, for the short deadline the core
// gives them.

// CohortsFrom lists the cohorts of the school year starting in first and
// later ones, the latest year first.
func (s *Store) CohortsFrom(first int) ([]Cohort, error) {
	var cs []Cohort
	return cs, s.q(&Cohort{}).Where("start_year >= ?", first).Order("start_year DESC, name, id").Find(&cs).Error
}

// ParticipantsAt lists the participants of cohorts still taking part, at
// schools (every school when schools is nil), by name.
func (s *Store) ParticipantsAt(cohortIDs, schools []uint64) ([]Participant, error) {
	if len(cohortIDs) == 0 {
		return nil, nil
	}
	var ps []Participant
	q := s.q(&Participant{}).Where("cohort_id IN ? AND withdrawn_on = ''", cohortIDs)
	if schools != nil {
		q = q.Where("school_id IN ?", schools)
	}
	return ps, q.Order("name, id").Find(&ps).Error
}

// CoachesAt lists the coaches of cohorts still taking part, at schools
// (every school when schools is nil), by name.
func (s *Store) CoachesAt(cohortIDs, schools []uint64) ([]Coach, error) {
	if len(cohortIDs) == 0 {
		return nil, nil
	}
	var cs []Coach
	q := s.q(&Coach{}).Where("cohort_id IN ? AND withdrawn_on = ''", cohortIDs)
	if schools != nil {
		q = q.Where("school_id IN ?", schools)
	}
	return cs, q.Order("name, id").Find(&cs).Error
}

// ActivePairsOf lists the pairs under way of a side's people, the earliest first.
func (s *Store) ActivePairsOf(side string, memberIDs []uint64) ([]Pair, error) {
	if len(memberIDs) == 0 {
		return nil, nil
	}
	col := "participant_id"
	if side == SideCoach {
		col = "coach_id"
	}
	var ps []Pair
	return ps, s.q(&Pair{}).Where(col+" IN ? AND ended_on = ''", memberIDs).Order("id").Find(&ps).Error
}

// ActivePairsIn lists the pairs under way of cohorts, the earliest first.
func (s *Store) ActivePairsIn(cohortIDs []uint64) ([]Pair, error) {
	if len(cohortIDs) == 0 {
		return nil, nil
	}
	var ps []Pair
	return ps, s.q(&Pair{}).Where("cohort_id IN ? AND ended_on = ''", cohortIDs).Order("id").Find(&ps).Error
}

// Ranked returns which of rankers (of side) have ranked anyone.
func (s *Store) Ranked(side string, rankerIDs []uint64) (map[uint64]bool, error) {
	out := map[uint64]bool{}
	if len(rankerIDs) == 0 {
		return out, nil
	}
	var got []uint64
	err := s.q(&Ranking{}).Where("side = ? AND ranker_id IN ?", side, rankerIDs).Distinct("ranker_id").Pluck("ranker_id", &got).Error
	for _, id := range got {
		out[id] = true
	}
	return out, err
}

// RunState is where a cohort's match stands: whether a run was published,
// and the last run if it is a draft not yet published (0 for none).
type RunState struct {
	Published bool
	Draft     uint64
	DraftKind string
}

// RunStates returns the match state of cohorts, by cohort (a cohort never
// run is absent). It reads the runs without their problems and results.
func (s *Store) RunStates(cohortIDs []uint64) (map[uint64]RunState, error) {
	out := map[uint64]RunState{}
	if len(cohortIDs) == 0 {
		return out, nil
	}
	var runs []MatchRun
	if err := s.q(&MatchRun{}).Select("id, cohort_id, kind, published_on").Where("cohort_id IN ?", cohortIDs).Order("id").Find(&runs).Error; err != nil {
		return nil, err
	}
	for _, r := range runs { // the earliest first: the last run decides the draft
		st := out[r.CohortID]
		if r.PublishedOn != "" {
			st.Published, st.Draft, st.DraftKind = true, 0, ""
		} else {
			st.Draft, st.DraftKind = r.ID, r.Kind
		}
		out[r.CohortID] = st
	}
	return out, nil
}

// Headline is a tenant's headline figures: a school year's cohorts and
// their people, pairs and coaching, and the promotions of every cohort.
type Headline struct {
	Year                   int      // the school year's first calendar year
	Cohorts                []Cohort // the year's cohorts
	Participants           int      // accepted in the year's cohorts, the withdrawn included
	Withdrawn              int
	Coaches, Places        int // still taking part
	PairsActive            int
	Sessions, Minutes      int
	ExpectedHours          int // per pair, of the year's first cohort
	AllParticipants        int // in every cohort
	FirstYear              int // of the earliest cohort
	PromotedHead, Promoted int // participants of every cohort promoted to headship, to any post
}

// HeadlineOf returns the headline figures of the latest school year that
// has a cohort and starts no later than first (the year running); false
// when the tenant has no cohort then. Six statements, whatever the size.
func (s *Store) HeadlineOf(first int) (Headline, bool, error) {
	var h Headline
	all, err := s.Cohorts()
	if err != nil {
		return h, false, err
	}
	var yearIDs, allIDs []uint64
	for _, c := range all { // the latest year first
		allIDs = append(allIDs, c.ID)
		if h.Year == 0 && c.StartYear <= first {
			h.Year = c.StartYear
		}
		if h.FirstYear == 0 || c.StartYear < h.FirstYear {
			h.FirstYear = c.StartYear
		}
	}
	if h.Year == 0 {
		return h, false, nil
	}
	for _, c := range all {
		if c.StartYear == h.Year {
			h.Cohorts = append(h.Cohorts, c)
			yearIDs = append(yearIDs, c.ID)
		}
	}
	slices.SortFunc(h.Cohorts, func(a, b Cohort) int { return int(a.ID) - int(b.ID) })
	h.ExpectedHours = h.Cohorts[0].ExpectedHours
	var parts []struct {
		CohortID     uint64
		N, Withdrawn int
	}
	if err := s.q(&Participant{}).Select("cohort_id, COUNT(*) AS n, SUM(CASE WHEN withdrawn_on <> '' THEN 1 ELSE 0 END) AS withdrawn").
		Where("cohort_id IN ?", allIDs).Group("cohort_id").Scan(&parts).Error; err != nil {
		return h, false, err
	}
	for _, p := range parts {
		h.AllParticipants += p.N
		if slices.Contains(yearIDs, p.CohortID) {
			h.Participants += p.N
			h.Withdrawn += p.Withdrawn
		}
	}
	var coaches struct{ N, Places int }
	if err := s.q(&Coach{}).Select("COUNT(*) AS n, COALESCE(SUM(capacity), 0) AS places").Where("cohort_id IN ? AND withdrawn_on = ''", yearIDs).
		Scan(&coaches).Error; err != nil {
		return h, false, err
	}
	h.Coaches, h.Places = coaches.N, coaches.Places
	var pairs int64
	if err := s.q(&Pair{}).Where("cohort_id IN ? AND ended_on = ''", yearIDs).Count(&pairs).Error; err != nil {
		return h, false, err
	}
	h.PairsActive = int(pairs)
	var sessions struct{ N, Minutes int }
	if err := s.db.Table("sessions").Select("COUNT(*) AS n, COALESCE(SUM(sessions.minutes), 0) AS minutes").
		Joins("JOIN pairs ON pairs.id = sessions.pair_id AND pairs.tenant_id = sessions.tenant_id").
		Where("sessions.tenant_id = ? AND pairs.cohort_id IN ?", s.tenant, yearIDs).Scan(&sessions).Error; err != nil {
		return h, false, err
	}
	h.Sessions, h.Minutes = sessions.N, sessions.Minutes
	var promos []struct {
		ParticipantID uint64
		Kind          string
	}
	if err := s.q(&Outcome{}).Select("DISTINCT participant_id, kind").
		Where("kind IN ?", []string{rules.PromotedHeadship, rules.PromotedDeputy, rules.PromotedOther}).Scan(&promos).Error; err != nil {
		return h, false, err
	}
	head, any := map[uint64]bool{}, map[uint64]bool{}
	for _, p := range promos {
		any[p.ParticipantID] = true
		if p.Kind == rules.PromotedHeadship {
			head[p.ParticipantID] = true
		}
	}
	h.PromotedHead, h.Promoted = len(head), len(any)
	return h, true, nil
}
