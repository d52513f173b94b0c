package store

import (
	"fmt"
	"slices"
	"time"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
)

// StarterStrategies is a small catalogue a tenant can start from, two
// strategies per theme, written for the programme's themes.
var StarterStrategies = []Strategy{
	{Theme: string(rules.ThemeAcademicallyCompetent), Title: "Pre-teaching key vocabulary",
		Description: "Before a unit, a para-professional teaches target pupils the words the unit depends on."},
	{Theme: string(rules.ThemeAcademicallyCompetent), Title: "Daily reading with an adult",
		Description: "Ten minutes of one-to-one reading aloud each day, with questions about the text."},
	{Theme: string(rules.ThemeSelfAware), Title: "Plan, monitor, evaluate prompts",
		Description: "Pupils use a three-question card to plan a task, check progress and review what worked."},
	{Theme: string(rules.ThemeSelfAware), Title: "Learning journals",
		Description: "A weekly written reflection on what was learnt, what was hard and what to try next."},
	{Theme: string(rules.ThemeResilient), Title: "Mentoring by a trusted adult",
		Description: "A fortnightly conversation with a named adult about goals, setbacks and next steps."},
	{Theme: string(rules.ThemeResilient), Title: "Growth-mindset feedback",
		Description: "Feedback that names the effort and strategy behind a result, not the pupil's ability."},
}

// AddStrategy adds a strategy to the tenant's catalogue.
func (s *Store) AddStrategy(theme, title, description string) (*Strategy, error) {
	if !rules.Theme(theme).Valid() {
		return nil, invalid("theme", "choose one of the programme's three themes")
	}
	title, err := text("title", title, 200, true)
	if err != nil {
		return nil, err
	}
	if description, err = text("description", description, 4000, false); err != nil {
		return nil, err
	}
	st := &Strategy{TenantID: s.tenant, Theme: theme, Title: title, Description: description}
	var n int64
	if err := s.q().Model(&Strategy{}).Where("title = ?", title).Count(&n).Error; err != nil {
		return nil, fmt.Errorf("check strategy: %w", err)
	}
	if n > 0 {
		return nil, conflict("the catalogue already has a strategy called %s", title)
	}
	if err := s.create(st, "the strategy "+title); err != nil {
		return nil, fmt.Errorf("add strategy: %w", err)
	}
	return st, nil
}

// SeedStrategies adds StarterStrategies when the catalogue is empty and
// reports how many it added (0 when the tenant already has a catalogue).
func (s *Store) SeedStrategies() (int, error) {
	added := 0
	err := s.Tx(func(tx *Store) error {
		var n int64
		if err := tx.q().Model(&Strategy{}).Count(&n).Error; err != nil || n > 0 {
			return err
		}
		for _, st := range StarterStrategies {
			if _, err := tx.AddStrategy(st.Theme, st.Title, st.Description); err != nil {
				return err
			}
			added++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("seed strategies: %w", err)
	}
	return added, nil
}

// Strategies lists the catalogue, by theme in programme order, then title.
func (s *Store) Strategies() ([]Strategy, error) {
	var out []Strategy
	if err := s.q().Order("title").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list strategies: %w", err)
	}
	byTheme := make([]Strategy, 0, len(out))
	for _, th := range rules.Themes {
		for _, st := range out {
			if st.Theme == string(th) {
				byTheme = append(byTheme, st)
			}
		}
	}
	return byTheme, nil
}

// Strategy returns strategy id.
func (s *Store) Strategy(id uint64) (*Strategy, error) {
	var st Strategy
	if err := s.first(&st, id); err != nil {
		return nil, fmt.Errorf("strategy %d: %w", id, err)
	}
	return &st, nil
}

// StartTrial records that a school trials a strategy of the catalogue in a year.
func (s *Store) StartTrial(yearID, schoolID, strategyID uint64, startedOn, notes string, by uint64) (*Trial, error) {
	if startedOn != "" {
		if _, err := rules.ParseDate(startedOn); err != nil {
			return nil, invalid("started_on", "%s", err.Error())
		}
	}
	notes, err := text("notes", notes, 4000, false)
	if err != nil {
		return nil, err
	}
	t := &Trial{TenantID: s.tenant, YearID: yearID, SchoolID: schoolID, StrategyID: strategyID, StartedOn: startedOn, Notes: notes, CreatedBy: by}
	err = s.Tx(func(tx *Store) error {
		if _, err := tx.Year(yearID); err != nil {
			return err
		}
		st, err := tx.Strategy(strategyID)
		if err != nil {
			return invalid("strategy", "choose a strategy of the catalogue")
		}
		if st.Retired() {
			return invalid("strategy", "%s is retired from the catalogue: choose another", st.Title)
		}
		var n int64
		if err := tx.q().Model(&Trial{}).Where("year_id = ? AND school_id = ? AND strategy_id = ?", yearID, schoolID, strategyID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return conflict("the school already trials this strategy this year")
		}
		return tx.create(t, "the trial")
	})
	if err != nil {
		return nil, fmt.Errorf("start trial: %w", err)
	}
	return t, nil
}

// Trials lists a school's trials in a year, oldest first.
func (s *Store) Trials(yearID, schoolID uint64) ([]Trial, error) {
	var ts []Trial
	if err := s.q().Where("year_id = ? AND school_id = ?", yearID, schoolID).Order("id").Find(&ts).Error; err != nil {
		return nil, fmt.Errorf("trials of school %d: %w", schoolID, err)
	}
	return ts, nil
}

// DecideTrial records the school's decision on a trial: continue, scale up
// or stop (empty: still running).
func (s *Store) DecideTrial(schoolID, trialID uint64, decision string) (*Trial, error) {
	d := rules.Decision(decision)
	if !d.Valid() {
		return nil, invalid("decision", "choose continue, scale up or stop")
	}
	var t Trial
	if err := s.first(&t, trialID); err != nil || t.SchoolID != schoolID {
		return nil, fmt.Errorf("trial %d: %w", trialID, ErrNotFound)
	}
	at := now()
	t.Decision, t.DecidedAt = decision, &at
	if d == rules.DecisionNone {
		t.DecidedAt = nil
	}
	err := s.q().Model(&Trial{}).Where("id = ?", trialID).Updates(map[string]any{"decision": decision, "decided_at": t.DecidedAt}).Error
	if err != nil {
		return nil, fmt.Errorf("decide trial %d: %w", trialID, err)
	}
	return &t, nil
}

// Trial returns trial id of the school.
func (s *Store) Trial(schoolID, trialID uint64) (*Trial, error) {
	var t Trial
	if err := s.first(&t, trialID); err != nil || t.SchoolID != schoolID {
		return nil, fmt.Errorf("trial %d: %w", trialID, ErrNotFound)
	}
	return &t, nil
}

// SetTrialPupils records which pupils receive the trial's strategy: each
// must be in the school's target cohort for the trial's year. The list
// replaces the previous one.
func (s *Store) SetTrialPupils(schoolID, trialID uint64, pupilIDs []uint64) error {
	return s.Tx(func(tx *Store) error {
		t, err := tx.Trial(schoolID, trialID)
		if err != nil {
			return err
		}
		ids := dedupe(pupilIDs)
		if len(ids) > 0 {
			c, err := tx.CohortOf(t.YearID, schoolID, false)
			if err != nil {
				return err
			}
			if c == nil {
				return invalid("pupils", "choose the target cohort first")
			}
			ms, err := tx.CohortMembers(c.ID, false)
			if err != nil {
				return err
			}
			for _, id := range ids {
				if !slices.ContainsFunc(ms, func(m CohortMember) bool { return m.PupilID == id }) {
					return invalid("pupils", "only pupils of the target cohort can be recorded")
				}
			}
		}
		if err := tx.q().Where("trial_id = ?", trialID).Delete(&TrialPupil{}).Error; err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		now := time.Now().UTC()
		rows := make([]TrialPupil, len(ids))
		for i, id := range ids {
			rows[i] = TrialPupil{TenantID: s.tenant, TrialID: trialID, PupilID: id, CreatedAt: now}
		}
		return tx.db.Create(&rows).Error
	})
}

// TrialPupils returns the pupils receiving each of the trials, by trial.
func (s *Store) TrialPupils(trialIDs ...uint64) (map[uint64][]uint64, error) {
	out := map[uint64][]uint64{}
	if len(trialIDs) == 0 {
		return out, nil
	}
	var rows []TrialPupil
	if err := s.q().Where("trial_id IN ?", trialIDs).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("pupils of trials: %w", err)
	}
	for _, r := range rows {
		out[r.TrialID] = append(out[r.TrialID], r.PupilID)
	}
	return out, nil
}
