package store

import (
	"fmt"
	"time"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
)

// Bulk writes, for generated data such as the demo's: each makes the same
// checks as its one-at-a-time counterpart (AddMember, AddToCohort, Respond)
// and writes everything or nothing, in a few statements whatever the number
// of rows, so that a few hundred rows cost a few round trips to the
// database rather than several each.

// batchSize is how many rows one INSERT carries (PostgreSQL allows 65535
// parameters a statement; the widest row here has 10 columns).
const batchSize = 1000

// AddMembers adds people to schools' teams for a programme year, as
// AddMember does each (the same checks; a person already on a school's team
// is a conflict), and returns them with their ids in the order given.
func (s *Store) AddMembers(yearID uint64, members []TeamMember) ([]TeamMember, error) {
	out := make([]TeamMember, len(members))
	type key struct{ school, person uint64 }
	seen := map[key]bool{}
	for i, m := range members {
		m, err := checkMember(m)
		if err != nil {
			return nil, err
		}
		k := key{m.SchoolID, m.PersonID}
		if seen[k] {
			return nil, conflict("%s is on the list twice", m.Name)
		}
		seen[k] = true
		m.ID, m.TenantID, m.YearID = 0, s.tenant, yearID
		out[i] = m
	}
	if len(out) == 0 {
		return out, nil
	}
	err := s.Tx(func(tx *Store) error {
		if _, err := tx.Year(yearID); err != nil {
			return err
		}
		schools := make([]uint64, 0, len(out))
		for _, m := range out {
			schools = append(schools, m.SchoolID)
		}
		var existing []TeamMember
		if err := tx.q().Where("year_id = ? AND school_id IN ?", yearID, dedupe(schools)).Find(&existing).Error; err != nil {
			return err
		}
		for _, e := range existing {
			if seen[key{e.SchoolID, e.PersonID}] {
				return conflict("%s is already on the team", e.Name)
			}
		}
		return tx.db.CreateInBatches(&out, batchSize).Error
	})
	if err != nil {
		return nil, fmt.Errorf("add team members: %w", err)
	}
	return out, nil
}

// StartCohort makes the school's target cohort for the year with pupils
// (the core's ids, already checked to be the school's), as AddToCohort does
// for a school with no cohort yet: every pupil is recorded as added. A
// school that already has a cohort is a conflict (use AddToCohort). It
// returns how many pupils it added.
func (s *Store) StartCohort(yearID, schoolID uint64, pupilIDs []uint64, by uint64) (int, error) {
	ids := dedupe(pupilIDs)
	if len(ids) == 0 {
		return 0, invalid("pupils", "choose at least one pupil")
	}
	err := s.Tx(func(tx *Store) error {
		old, err := tx.CohortOf(yearID, schoolID, false)
		if err != nil {
			return err
		}
		if old != nil {
			return conflict("the school already has a target cohort this year")
		}
		c, err := tx.CohortOf(yearID, schoolID, true)
		if err != nil {
			return err
		}
		at := time.Now().UTC()
		members := make([]CohortMember, len(ids))
		changes := make([]CohortChange, len(ids))
		for i, pid := range ids {
			members[i] = CohortMember{TenantID: s.tenant, CohortID: c.ID, PupilID: pid, AddedBy: by, AddedAt: at}
			changes[i] = CohortChange{TenantID: s.tenant, CohortID: c.ID, PupilID: pid, Change: ChangeAdded, By: by, At: at}
		}
		if err := tx.db.CreateInBatches(&members, batchSize).Error; err != nil {
			return err
		}
		return tx.db.CreateInBatches(&changes, batchSize).Error
	})
	if err != nil {
		return 0, fmt.Errorf("start cohort of school %d: %w", schoolID, err)
	}
	return len(ids), nil
}

// Response is one team member's answers to a round, for their school.
type Response struct {
	SchoolID, PersonID uint64
	Answers            map[string]int
}

// RespondAll records several team members' answers to an open round, as
// Respond does each (every statement answered on the scale; each person on
// the school's team that year; once per person and round).
func (s *Store) RespondAll(roundID uint64, rs []Response) error {
	for _, r := range rs {
		if err := checkAnswers(r.Answers); err != nil {
			return err
		}
	}
	if len(rs) == 0 {
		return nil
	}
	err := s.Tx(func(tx *Store) error {
		round, err := tx.Round(roundID)
		if err != nil {
			return err
		}
		if !round.Open {
			return conflict("the survey round %s is closed", round.Label)
		}
		type key struct{ school, person uint64 }
		schools, people := make([]uint64, len(rs)), make([]uint64, len(rs))
		for i, r := range rs {
			schools[i], people[i] = r.SchoolID, r.PersonID
		}
		var ms []TeamMember
		if err := tx.q().Where("year_id = ? AND school_id IN ?", round.YearID, dedupe(schools)).Find(&ms).Error; err != nil {
			return err
		}
		member := map[key]bool{}
		for _, m := range ms {
			member[key{m.SchoolID, m.PersonID}] = true
		}
		var done []SurveyResponse
		if err := tx.q().Where("round_id = ? AND person_id IN ?", roundID, dedupe(people)).Find(&done).Error; err != nil {
			return err
		}
		answered := map[uint64]bool{}
		for _, d := range done {
			answered[d.PersonID] = true
		}
		at := now()
		resps := make([]SurveyResponse, len(rs))
		for i, r := range rs {
			if !member[key{r.SchoolID, r.PersonID}] {
				return invalid("school", "the survey is for the members of the school's team this year")
			}
			if answered[r.PersonID] {
				return conflict("a person has already answered %s", round.Label)
			}
			answered[r.PersonID] = true
			resps[i] = SurveyResponse{TenantID: s.tenant, RoundID: roundID, PersonID: r.PersonID, SchoolID: r.SchoolID, CreatedAt: at}
		}
		if err := tx.db.CreateInBatches(&resps, batchSize).Error; err != nil {
			return err
		}
		rows := make([]SurveyAnswer, 0, len(rs)*len(rules.SurveyItems))
		for i, r := range rs {
			for _, it := range rules.SurveyItems {
				rows = append(rows, SurveyAnswer{TenantID: s.tenant, ResponseID: resps[i].ID, Item: it.Key, Value: r.Answers[it.Key]})
			}
		}
		return tx.db.CreateInBatches(&rows, batchSize).Error
	})
	if err != nil {
		return fmt.Errorf("answer survey round %d: %w", roundID, err)
	}
	return nil
}

// checkAnswers is Respond's check of one person's answers: every statement
// of the survey, each on the scale, and nothing else.
func checkAnswers(answers map[string]int) error {
	for _, it := range rules.SurveyItems {
		if !rules.ValidAnswer(answers[it.Key]) {
			return invalid("answers", "answer every statement, from strongly disagree to strongly agree")
		}
	}
	for k := range answers {
		if _, ok := rules.SurveyItemByKey(k); !ok {
			return invalid("answers", "answer the statements of the survey only")
		}
	}
	return nil
}
