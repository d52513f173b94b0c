package store

import (
	"fmt"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
)

// MyAnswers returns person's answers to the round by item (nil when they
// have not answered): for them alone, to correct.
func (s *Store) MyAnswers(roundID, personID uint64) (map[string]int, error) {
	var resp SurveyResponse
	if err := s.q().Where("round_id = ? AND person_id = ?", roundID, personID).Limit(1).Find(&resp).Error; err != nil {
		return nil, fmt.Errorf("your answers to round %d: %w", roundID, err)
	}
	if resp.ID == 0 {
		return nil, nil
	}
	var as []SurveyAnswer
	if err := s.q().Where("response_id = ?", resp.ID).Find(&as).Error; err != nil {
		return nil, fmt.Errorf("your answers to round %d: %w", roundID, err)
	}
	out := make(map[string]int, len(as))
	for _, a := range as {
		out[a.Item] = a.Value
	}
	return out, nil
}

// CorrectAnswers replaces person's answers to a round while it is open
// (every statement answered again, as on the first time); the response
// keeps its school. All or nothing.
func (s *Store) CorrectAnswers(roundID, personID uint64, answers map[string]int) (*SurveyResponse, error) {
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
	var resp SurveyResponse
	err := s.Tx(func(tx *Store) error {
		r, err := tx.Round(roundID)
		if err != nil {
			return err
		}
		if !r.Open {
			return conflict("the survey round %s is closed: answers can be corrected only while it is open", r.Label)
		}
		if err := tx.q().Where("round_id = ? AND person_id = ?", roundID, personID).Limit(1).Find(&resp).Error; err != nil {
			return fmt.Errorf("your answer to round %d: %w", roundID, err)
		}
		if resp.ID == 0 {
			return fmt.Errorf("your answer to round %d: %w", roundID, ErrNotFound)
		}
		for _, it := range rules.SurveyItems {
			res := tx.q().Model(&SurveyAnswer{}).Where("response_id = ? AND item = ?", resp.ID, it.Key).Update("value", answers[it.Key])
			if res.Error != nil {
				return fmt.Errorf("correct answer %s: %w", it.Key, res.Error)
			}
			if res.RowsAffected == 0 {
				row := SurveyAnswer{TenantID: s.tenant, ResponseID: resp.ID, Item: it.Key, Value: answers[it.Key]}
				if err := tx.db.Create(&row).Error; err != nil {
					return fmt.Errorf("correct answer %s: %w", it.Key, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("correct answers to survey round %d: %w", roundID, err)
	}
	return &resp, nil
}
