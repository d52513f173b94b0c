package store

import (
	"fmt"
	"time"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
)

// SurveyRound is one round of the staff survey in a programme year (such
// as "Summer 2018"); team members answer it once each while it is open.
type SurveyRound struct {
	ID        uint64    `gorm:"primaryKey" json:"id"`
	TenantID  uint64    `gorm:"not null" json:"-"`
	YearID    uint64    `gorm:"not null" json:"year_id"`
	Label     string    `gorm:"size:100;not null" json:"label"`
	Open      bool      `gorm:"not null;default:true" json:"open"`
	CreatedAt time.Time `json:"created_at"`
}

// TableName is the table of survey rounds.
func (SurveyRound) TableName() string { return "survey_rounds" }

// SurveyResponse is one team member's answers to a round, counted for the
// school whose team they are on.
type SurveyResponse struct {
	ID        uint64    `gorm:"primaryKey" json:"id"`
	TenantID  uint64    `gorm:"not null" json:"-"`
	RoundID   uint64    `gorm:"not null" json:"round_id"`
	PersonID  uint64    `gorm:"not null" json:"person_id"`
	SchoolID  uint64    `gorm:"not null" json:"school_id"`
	CreatedAt time.Time `json:"created_at"`
}

// TableName is the table of survey responses.
func (SurveyResponse) TableName() string { return "survey_responses" }

// SurveyAnswer is the answer to one item (1 strongly disagree … 5 strongly agree).
type SurveyAnswer struct {
	ID         uint64 `gorm:"primaryKey" json:"-"`
	TenantID   uint64 `gorm:"not null" json:"-"`
	ResponseID uint64 `gorm:"not null" json:"response_id"`
	Item       string `gorm:"size:32;not null" json:"item"`
	Value      int    `gorm:"not null" json:"value"`
}

// TableName is the table of survey answers.
func (SurveyAnswer) TableName() string { return "survey_answers" }

// CreateRound adds a survey round to a programme year, open for answers.
func (s *Store) CreateRound(yearID uint64, label string) (*SurveyRound, error) {
	label, err := text("label", label, 100, true)
	if err != nil {
		return nil, err
	}
	r := &SurveyRound{TenantID: s.tenant, YearID: yearID, Label: label, Open: true, CreatedAt: now()}
	err = s.Tx(func(tx *Store) error {
		if _, err := tx.Year(yearID); err != nil {
			return err
		}
		var n int64
		if err := tx.q().Model(&SurveyRound{}).Where("year_id = ? AND label = ?", yearID, label).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return conflict("the year already has a survey round called %s", label)
		}
		return tx.create(r, "the survey round")
	})
	if err != nil {
		return nil, fmt.Errorf("create survey round: %w", err)
	}
	return r, nil
}

// Rounds lists a year's survey rounds, oldest first.
func (s *Store) Rounds(yearID uint64) ([]SurveyRound, error) {
	var out []SurveyRound
	if err := s.q().Where("year_id = ?", yearID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("survey rounds of year %d: %w", yearID, err)
	}
	return out, nil
}

// Round returns survey round id.
func (s *Store) Round(id uint64) (*SurveyRound, error) {
	var r SurveyRound
	if err := s.first(&r, id); err != nil {
		return nil, fmt.Errorf("survey round %d: %w", id, err)
	}
	return &r, nil
}

// SetRoundOpen opens or closes a round for answers.
func (s *Store) SetRoundOpen(id uint64, open bool) (*SurveyRound, error) {
	r, err := s.Round(id)
	if err != nil {
		return nil, err
	}
	if err := s.q().Model(&SurveyRound{}).Where("id = ?", id).Update("open", open).Error; err != nil {
		return nil, fmt.Errorf("open survey round %d: %w", id, err)
	}
	r.Open = open
	return r, nil
}

// Respond records a team member's answers to a round, for the school
// whose team they are on in the round's year. Every item is answered on
// the scale; a person answers a round once.
func (s *Store) Respond(roundID, schoolID, personID uint64, answers map[string]int) (*SurveyResponse, error) {
	for _, it := range rules.SurveyItems {
		if !rules.ValidAnswer(answers[it.Key]) {
			return nil, invalid("answers", "answer every statement, from strongly disagree to strongly agree")
		}
	}
	for k := range answers {
		if _, ok := rules.SurveyItemByKey(k); !ok {
			return nil, invalid("answers", "answer the statements of the survey only")
		}
	}
	resp := &SurveyResponse{TenantID: s.tenant, RoundID: roundID, PersonID: personID, SchoolID: schoolID, CreatedAt: now()}
	err := s.Tx(func(tx *Store) error {
		r, err := tx.Round(roundID)
		if err != nil {
			return err
		}
		if !r.Open {
			return conflict("the survey round %s is closed", r.Label)
		}
		member, err := tx.IsMember(r.YearID, schoolID, personID)
		if err != nil {
			return err
		}
		if !member {
			return invalid("school", "the survey is for the members of the school's team this year")
		}
		done, err := tx.HasResponded(roundID, personID)
		if err != nil {
			return err
		}
		if done {
			return conflict("you have already answered %s", r.Label)
		}
		if err := tx.create(resp, "your answer to this round"); err != nil {
			return err
		}
		rows := make([]SurveyAnswer, 0, len(rules.SurveyItems))
		for _, it := range rules.SurveyItems {
			rows = append(rows, SurveyAnswer{TenantID: s.tenant, ResponseID: resp.ID, Item: it.Key, Value: answers[it.Key]})
		}
		return tx.db.Create(&rows).Error
	})
	if err != nil {
		return nil, fmt.Errorf("answer survey round %d: %w", roundID, err)
	}
	return resp, nil
}

// HasResponded reports whether person answered the round.
func (s *Store) HasResponded(roundID, personID uint64) (bool, error) {
	var n int64
	if err := s.q().Model(&SurveyResponse{}).Where("round_id = ? AND person_id = ?", roundID, personID).Count(&n).Error; err != nil {
		return false, fmt.Errorf("check survey answer: %w", err)
	}
	return n > 0, nil
}

// SurveyTallies counts the answers to a round by school and item (all
// schools when schoolIDs is empty), and the responses by school. Two queries.
func (s *Store) SurveyTallies(roundID uint64, schoolIDs ...uint64) (tallies map[uint64]map[string]rules.Tally, responses map[uint64]int, err error) {
	q := s.q().Where("round_id = ?", roundID)
	if len(schoolIDs) > 0 {
		q = q.Where("school_id IN ?", schoolIDs)
	}
	var rs []SurveyResponse
	if err := q.Find(&rs).Error; err != nil {
		return nil, nil, fmt.Errorf("survey responses: %w", err)
	}
	tallies, responses = map[uint64]map[string]rules.Tally{}, map[uint64]int{}
	if len(rs) == 0 {
		return tallies, responses, nil
	}
	schoolOf := make(map[uint64]uint64, len(rs))
	ids := make([]uint64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
		schoolOf[r.ID] = r.SchoolID
		responses[r.SchoolID]++
	}
	var as []SurveyAnswer
	if err := s.q().Where("response_id IN ?", ids).Find(&as).Error; err != nil {
		return nil, nil, fmt.Errorf("survey answers: %w", err)
	}
	for _, a := range as {
		sc := schoolOf[a.ResponseID]
		if tallies[sc] == nil {
			tallies[sc] = map[string]rules.Tally{}
		}
		t := tallies[sc][a.Item]
		t.Add(a.Value)
		tallies[sc][a.Item] = t
	}
	return tallies, responses, nil
}
