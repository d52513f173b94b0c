package web

import (
	"net/http"
	"strconv"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// correctAnswers replaces the actor's own answers to an open round. Like
// the first answer, its audit says who corrected, not what.
func correctAnswers(w http.ResponseWriter, r *http.Request, s *store.Store, round *store.SurveyRound, answers map[string]int) error {
	resp, err := s.CorrectAnswers(round.ID, userID(r), answers)
	if err != nil {
		return err
	}
	if err := audit(r, "survey.correct", "survey_round", round.ID, nil, map[string]any{"school_id": resp.SchoolID}); err != nil {
		return err
	}
	return redirect(w, r, "/surveys/"+strconv.FormatUint(round.ID, 10)+"?corrected=1")
}

// AnswerOf is the actor's answer to an item (0: none), for the form.
func (v surveyView) AnswerOf(item string) int { return v.Mine[item] }
