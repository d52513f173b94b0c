package store

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/rules"
)

// Assessment is a participant's self-assessment in one round.
type Assessment struct {
	ID            uint64 `gorm:"primaryKey"`
	TenantID      uint64
	ParticipantID uint64
	Round         string // rules.RoundStart or rules.RoundEnd
	TakenOn       string
	Scores        string // JSON: item key → 1..5
	UpdatedAt     time.Time
}

// TableName is the assessments table.
func (Assessment) TableName() string { return "assessments" }

// ScoreMap decodes the scores.
func (a Assessment) ScoreMap() map[string]int {
	m := map[string]int{}
	_ = json.Unmarshal([]byte(a.Scores), &m)
	return m
}

// SaveAssessment records (or corrects) a participant's answers in round,
// every item answered 1 to 5.
func (s *Store) SaveAssessment(participantID uint64, round string, scores map[string]int, day time.Time) (Assessment, error) {
	if _, err := s.Participant(participantID); err != nil {
		return Assessment{}, err
	}
	var v Invalid
	if !rules.ValidRound(round) {
		return Assessment{}, fmt.Errorf("round %q: %w", round, ErrNotFound)
	}
	for _, key := range rules.CheckScores(scores) {
		v.add("item_"+key, "Choose a point from %d to %d", rules.MinScore, rules.MaxScore)
	}
	if err := v.orNil(); err != nil {
		return Assessment{}, err
	}
	kept := map[string]int{}
	for _, it := range rules.Items {
		kept[it.Key] = scores[it.Key]
	}
	b, _ := json.Marshal(kept)
	a := Assessment{TenantID: s.tenant, ParticipantID: participantID, Round: round, TakenOn: dateOf(day), Scores: string(b), UpdatedAt: s.now}
	err := s.change("assessment.save", "assessment", func(tx *Store) (uint64, any, any, error) {
		var old Assessment
		err := tx.q(&Assessment{}).Where("participant_id = ? AND round = ?", participantID, round).Take(&old).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound):
			err = tx.db.Create(&a).Error
		case err == nil:
			a.ID = old.ID
			err = tx.q(&Assessment{}).Where("id = ?", old.ID).Updates(map[string]any{"taken_on": a.TakenOn, "scores": a.Scores, "updated_at": a.UpdatedAt}).Error
		}
		return a.ID, nil, map[string]any{"participant_id": participantID, "round": round}, err
	})
	return a, err
}

// Assessments returns the self-assessments of participants, by participant and round.
func (s *Store) Assessments(participantIDs []uint64) (map[uint64]map[string]Assessment, error) {
	out := map[uint64]map[string]Assessment{}
	if len(participantIDs) == 0 {
		return out, nil
	}
	var as []Assessment
	if err := s.q(&Assessment{}).Where("participant_id IN ?", participantIDs).Find(&as).Error; err != nil {
		return nil, err
	}
	for _, a := range as {
		if out[a.ParticipantID] == nil {
			out[a.ParticipantID] = map[string]Assessment{}
		}
		out[a.ParticipantID][a.Round] = a
	}
	return out, nil
}

// Outcome is a career step a participant records: an application for a
// headship or a promotion, with its date.
type Outcome struct {
	ID            uint64 `gorm:"primaryKey"`
	TenantID      uint64
	ParticipantID uint64
	Kind          string // rules.Outcomes
	On            string `gorm:"column:on_date"`
	Detail        string // e.g. the school; optional
	RecordedBy    uint64
	CreatedAt     time.Time
}

// TableName is the outcomes table.
func (Outcome) TableName() string { return "outcomes" }

// OutcomeInput is an outcome as the form gives it.
type OutcomeInput struct {
	Kind, On, Detail string
	By               uint64
	Today            time.Time
}

// AddOutcome records a participant's application or promotion, dated from
// the start of their cohort's year and not after today.
func (s *Store) AddOutcome(participantID uint64, in OutcomeInput) (Outcome, error) {
	p, err := s.Participant(participantID)
	if err != nil {
		return Outcome{}, err
	}
	c, err := s.Cohort(p.CohortID)
	if err != nil {
		return Outcome{}, err
	}
	var v Invalid
	if !rules.ValidOutcome(in.Kind) {
		v.add("kind", "Choose what happened")
	}
	on, err := time.Parse(time.DateOnly, strings.TrimSpace(in.On))
	from, _ := rules.YearBounds(c.StartYear)
	switch {
	case err != nil:
		v.add("on", "Give the date, e.g. %s", in.Today.Format(time.DateOnly))
	case on.Before(from):
		v.add("on", "Give a date from the start of the programme (%s)", from.Format(time.DateOnly))
	case on.After(rules.Date(in.Today)):
		v.add("on", "The date is in the future: record it once it has happened")
	}
	in.Detail = text(&v, "detail", in.Detail, 400, false)
	if err := v.orNil(); err != nil {
		return Outcome{}, err
	}
	o := Outcome{TenantID: s.tenant, ParticipantID: participantID, Kind: in.Kind, On: dateOf(on), Detail: in.Detail, RecordedBy: in.By, CreatedAt: s.now}
	err = s.change("outcome.create", "outcome", func(tx *Store) (uint64, any, any, error) {
		err := tx.db.Create(&o).Error
		return o.ID, nil, map[string]any{"participant_id": participantID, "kind": o.Kind, "on": o.On}, err
	})
	return o, err
}

// Outcomes lists the outcomes of participants by date.
func (s *Store) Outcomes(participantIDs []uint64) ([]Outcome, error) {
	if len(participantIDs) == 0 {
		return nil, nil
	}
	var os []Outcome
	return os, s.q(&Outcome{}).Where("participant_id IN ?", participantIDs).Order("on_date, id").Find(&os).Error
}

// researchKey is the tenant's secret for the evaluator's pseudonyms.
type researchKey struct {
	TenantID  uint64 `gorm:"primaryKey;autoIncrement:false"`
	Secret    string
	CreatedAt time.Time
}

func (researchKey) TableName() string { return "research_keys" }

// ResearchSecret returns the tenant's secret for research pseudonyms,
// making it (32 random bytes) the first time. It never leaves the plugin's
// storage: the same participant has the same pseudonym in every export.
func (s *Store) ResearchSecret() ([]byte, error) {
	var k researchKey
	err := s.q(&researchKey{}).Take(&k).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, fmt.Errorf("research key: %w", err)
		}
		k = researchKey{TenantID: s.tenant, Secret: hex.EncodeToString(b), CreatedAt: s.now}
		if err := s.db.Create(&k).Error; err != nil && !errors.Is(err, gorm.ErrDuplicatedKey) {
			return nil, fmt.Errorf("research key: %w", err)
		}
		if err := s.q(&researchKey{}).Take(&k).Error; err != nil {
			return nil, fmt.Errorf("research key: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("research key: %w", err)
	}
	return hex.DecodeString(k.Secret)
}

// RecordExport audits that the evaluator's export of a cohort was taken,
// with how many rows each file held: an export of people's records is an
// access the audit log must show.
func (s *Store) RecordExport(cohortID uint64, rows map[string]int) error {
	return s.change("research.export", "cohort", func(tx *Store) (uint64, any, any, error) {
		return cohortID, nil, map[string]any{"rows": rows}, nil
	})
}
