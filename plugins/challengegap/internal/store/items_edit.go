package store

import (
	"fmt"
	"net/url"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
)

// Corrections to the programme's items: strategies of the catalogue,
// workshop resources, visits and their agreed actions, survey rounds and
// scale-up steps. The rules (README, "Correcting mistakes"):
//
//   - A strategy trialled by a school is never deleted: it is retired
//     (no longer offered for new trials, kept for the trials that used it)
//     and can be brought back.
//   - A survey round with answers is never deleted: close it instead.
//   - A visit with an agreed action marked done is never deleted, nor a
//     done action or scale-up step: they record the school's work (reopen
//     one first if it was marked done by mistake).
//   - Resources are deleted freely.

// UpdateStrategy corrects a strategy's theme, title and description. The
// trials of a retired or trialled strategy show the corrected title.
func (s *Store) UpdateStrategy(id uint64, theme, title, description string) (before, after *Strategy, err error) {
	if !rules.Theme(theme).Valid() {
		return nil, nil, invalid("theme", "choose one of the programme's three themes")
	}
	if title, err = text("title", title, 200, true); err != nil {
		return nil, nil, err
	}
	if description, err = text("description", description, 4000, false); err != nil {
		return nil, nil, err
	}
	err = s.Tx(func(tx *Store) error {
		st, err := tx.Strategy(id)
		if err != nil {
			return err
		}
		var n int64
		if err := tx.q().Model(&Strategy{}).Where("title = ? AND id <> ?", title, id).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return conflict("the catalogue already has a strategy called %s", title)
		}
		before = st
		a := *st
		a.Theme, a.Title, a.Description = theme, title, description
		after = &a
		return tx.q().Model(&Strategy{}).Where("id = ?", id).Updates(map[string]any{"theme": theme, "title": title, "description": description}).Error
	})
	if err != nil {
		return nil, nil, fmt.Errorf("update strategy %d: %w", id, err)
	}
	return before, after, nil
}

// StrategyTrials counts the trials of a strategy (in every year and school).
func (s *Store) StrategyTrials(id uint64) (int64, error) {
	var n int64
	if err := s.q().Model(&Trial{}).Where("strategy_id = ?", id).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("trials of strategy %d: %w", id, err)
	}
	return n, nil
}

// DeleteStrategy deletes a strategy no school has trialled; a trialled one
// is refused (retire it instead).
func (s *Store) DeleteStrategy(id uint64) (*Strategy, error) {
	var out *Strategy
	err := s.Tx(func(tx *Store) error {
		st, err := tx.Strategy(id)
		if err != nil {
			return err
		}
		n, err := tx.StrategyTrials(id)
		if err != nil {
			return err
		}
		if n > 0 {
			return conflict("%s was trialled by schools (%d %s): retire it instead, so that it is no longer offered", st.Title, n, plural(n, "trial", "trials"))
		}
		out = st
		return tx.q().Where("id = ?", id).Delete(&Strategy{}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("delete strategy %d: %w", id, err)
	}
	return out, nil
}

// SetStrategyRetired retires a strategy (no longer offered for new trials)
// or brings it back.
func (s *Store) SetStrategyRetired(id uint64, retired bool) (*Strategy, error) {
	var out *Strategy
	err := s.Tx(func(tx *Store) error {
		st, err := tx.Strategy(id)
		if err != nil {
			return err
		}
		if st.Retired() == retired {
			out = st
			return nil
		}
		st.RetiredAt = nil
		if retired {
			at := now()
			st.RetiredAt = &at
		}
		out = st
		return tx.q().Model(&Strategy{}).Where("id = ?", id).Update("retired_at", st.RetiredAt).Error
	})
	if err != nil {
		return nil, fmt.Errorf("retire strategy %d: %w", id, err)
	}
	return out, nil
}

// checkLink validates a resource's optional http(s) link.
func checkLink(link string) (string, error) {
	link, err := text("url", link, 500, false)
	if err != nil {
		return "", err
	}
	if link != "" {
		u, err := url.Parse(link)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", invalid("url", "must be a web address starting http:// or https://")
		}
	}
	return link, nil
}

// Resource returns resource id of the workshop.
func (s *Store) Resource(workshopID, resourceID uint64) (*Resource, error) {
	var r Resource
	if err := s.first(&r, resourceID); err != nil || r.WorkshopID != workshopID {
		return nil, fmt.Errorf("resource %d: %w", resourceID, ErrNotFound)
	}
	return &r, nil
}

// UpdateResource corrects a resource's title and link.
func (s *Store) UpdateResource(workshopID, resourceID uint64, title, link string) (before, after *Resource, err error) {
	if title, err = text("title", title, 200, true); err != nil {
		return nil, nil, err
	}
	if link, err = checkLink(link); err != nil {
		return nil, nil, err
	}
	err = s.Tx(func(tx *Store) error {
		r, err := tx.Resource(workshopID, resourceID)
		if err != nil {
			return err
		}
		before = r
		a := *r
		a.Title, a.URL = title, link
		after = &a
		return tx.q().Model(&Resource{}).Where("id = ?", resourceID).Updates(map[string]any{"title": title, "url": link}).Error
	})
	if err != nil {
		return nil, nil, fmt.Errorf("update resource %d: %w", resourceID, err)
	}
	return before, after, nil
}

// DeleteResource deletes a resource shared at a workshop.
func (s *Store) DeleteResource(workshopID, resourceID uint64) (*Resource, error) {
	var out *Resource
	err := s.Tx(func(tx *Store) error {
		r, err := tx.Resource(workshopID, resourceID)
		if err != nil {
			return err
		}
		out = r
		return tx.q().Where("id = ?", resourceID).Delete(&Resource{}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("delete resource %d: %w", resourceID, err)
	}
	return out, nil
}

// UpdateVisit corrects a visit's date and notes (the visitor stays).
func (s *Store) UpdateVisit(id uint64, visitedOn, notes string) (before, after *Visit, err error) {
	if _, err := rules.ParseDate(visitedOn); err != nil {
		return nil, nil, invalid("visited_on", "%s", err.Error())
	}
	if notes, err = text("notes", notes, 8000, false); err != nil {
		return nil, nil, err
	}
	err = s.Tx(func(tx *Store) error {
		v, err := tx.Visit(id)
		if err != nil {
			return err
		}
		before = v
		a := *v
		a.VisitedOn, a.Notes = visitedOn, notes
		after = &a
		return tx.q().Model(&Visit{}).Where("id = ?", id).Updates(map[string]any{"visited_on": visitedOn, "notes": notes}).Error
	})
	if err != nil {
		return nil, nil, fmt.Errorf("update visit %d: %w", id, err)
	}
	return before, after, nil
}

// DoneActions counts a visit's agreed actions marked done.
func (s *Store) DoneActions(visitID uint64) (int64, error) {
	var n int64
	if err := s.q().Model(&Action{}).Where("visit_id = ? AND done = ?", visitID, true).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("done actions of visit %d: %w", visitID, err)
	}
	return n, nil
}

// DeleteVisit deletes a visit recorded by mistake, with its agreed actions;
// refused once an action is marked done (the school's work is recorded).
func (s *Store) DeleteVisit(id uint64) (*Visit, []Action, error) {
	var (
		out     *Visit
		actions []Action
	)
	err := s.Tx(func(tx *Store) error {
		v, err := tx.Visit(id)
		if err != nil {
			return err
		}
		n, err := tx.DoneActions(id)
		if err != nil {
			return err
		}
		if n > 0 {
			return conflict("the visit has %d agreed %s marked done, which record the school's work: correct the visit instead of deleting it", n, plural(n, "action", "actions"))
		}
		byVisit, err := tx.Actions(id)
		if err != nil {
			return err
		}
		out, actions = v, byVisit[id]
		if err := tx.q().Where("visit_id = ?", id).Delete(&Action{}).Error; err != nil {
			return err
		}
		return tx.q().Where("id = ?", id).Delete(&Visit{}).Error
	})
	if err != nil {
		return nil, nil, fmt.Errorf("delete visit %d: %w", id, err)
	}
	return out, actions, nil
}

// Action returns agreed action id of the visit.
func (s *Store) Action(visitID, actionID uint64) (*Action, error) {
	var a Action
	if err := s.first(&a, actionID); err != nil || a.VisitID != visitID {
		return nil, fmt.Errorf("action %d: %w", actionID, ErrNotFound)
	}
	return &a, nil
}

// UpdateAction corrects an agreed action's text and due date.
func (s *Store) UpdateAction(visitID, actionID uint64, textIn, dueOn string) (before, after *Action, err error) {
	t, err := text("text", textIn, 1000, true)
	if err != nil {
		return nil, nil, err
	}
	if dueOn != "" {
		if _, err := rules.ParseDate(dueOn); err != nil {
			return nil, nil, invalid("due_on", "%s", err.Error())
		}
	}
	err = s.Tx(func(tx *Store) error {
		a, err := tx.Action(visitID, actionID)
		if err != nil {
			return err
		}
		before = a
		b := *a
		b.Text, b.DueOn = t, dueOn
		after = &b
		return tx.q().Model(&Action{}).Where("id = ?", actionID).Updates(map[string]any{"text": t, "due_on": dueOn}).Error
	})
	if err != nil {
		return nil, nil, fmt.Errorf("update action %d: %w", actionID, err)
	}
	return before, after, nil
}

// DeleteAction deletes an agreed action that is not marked done.
func (s *Store) DeleteAction(visitID, actionID uint64) (*Action, error) {
	var out *Action
	err := s.Tx(func(tx *Store) error {
		a, err := tx.Action(visitID, actionID)
		if err != nil {
			return err
		}
		if a.Done {
			return conflict("the action is marked done: it records the school's work. Reopen it first if that was a mistake")
		}
		out = a
		return tx.q().Where("id = ?", actionID).Delete(&Action{}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("delete action %d: %w", actionID, err)
	}
	return out, nil
}

// RenameRound corrects a survey round's label (unique in its year).
func (s *Store) RenameRound(id uint64, label string) (before, after *SurveyRound, err error) {
	if label, err = text("label", label, 100, true); err != nil {
		return nil, nil, err
	}
	err = s.Tx(func(tx *Store) error {
		r, err := tx.Round(id)
		if err != nil {
			return err
		}
		var n int64
		if err := tx.q().Model(&SurveyRound{}).Where("year_id = ? AND label = ? AND id <> ?", r.YearID, label, id).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return conflict("the year already has a survey round called %s", label)
		}
		before = r
		a := *r
		a.Label = label
		after = &a
		return tx.q().Model(&SurveyRound{}).Where("id = ?", id).Update("label", label).Error
	})
	if err != nil {
		return nil, nil, fmt.Errorf("rename survey round %d: %w", id, err)
	}
	return before, after, nil
}

// RoundResponses counts the answers to a survey round.
func (s *Store) RoundResponses(id uint64) (int64, error) {
	var n int64
	if err := s.q().Model(&SurveyResponse{}).Where("round_id = ?", id).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("answers to survey round %d: %w", id, err)
	}
	return n, nil
}

// DeleteRound deletes a survey round nobody answered; a round with answers
// is refused (close it instead).
func (s *Store) DeleteRound(id uint64) (*SurveyRound, error) {
	var out *SurveyRound
	err := s.Tx(func(tx *Store) error {
		r, err := tx.Round(id)
		if err != nil {
			return err
		}
		n, err := tx.RoundResponses(id)
		if err != nil {
			return err
		}
		if n > 0 {
			return conflict("%s has %d %s: they count in the reports. Close the round instead", r.Label, n, plural(n, "answer", "answers"))
		}
		out = r
		return tx.q().Where("id = ?", id).Delete(&SurveyRound{}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("delete survey round %d: %w", id, err)
	}
	return out, nil
}

// Step returns step id of the school's trial.
func (s *Store) Step(schoolID, trialID, stepID uint64) (*ScaleUpStep, error) {
	if _, err := s.Trial(schoolID, trialID); err != nil {
		return nil, err
	}
	var st ScaleUpStep
	if err := s.first(&st, stepID); err != nil || st.TrialID != trialID {
		return nil, fmt.Errorf("step %d: %w", stepID, ErrNotFound)
	}
	return &st, nil
}

// UpdateStep corrects a scale-up step's what, who and due date.
func (s *Store) UpdateStep(schoolID, trialID, stepID uint64, what, who, dueOn string) (before, after *ScaleUpStep, err error) {
	if what, err = text("what", what, 1000, true); err != nil {
		return nil, nil, err
	}
	if who, err = text("who", who, 200, false); err != nil {
		return nil, nil, err
	}
	if dueOn != "" {
		if _, err := rules.ParseDate(dueOn); err != nil {
			return nil, nil, invalid("due_on", "%s", err.Error())
		}
	}
	err = s.Tx(func(tx *Store) error {
		st, err := tx.Step(schoolID, trialID, stepID)
		if err != nil {
			return err
		}
		before = st
		a := *st
		a.What, a.Who, a.DueOn = what, who, dueOn
		after = &a
		return tx.q().Model(&ScaleUpStep{}).Where("id = ?", stepID).Updates(map[string]any{"what": what, "who": who, "due_on": dueOn}).Error
	})
	if err != nil {
		return nil, nil, fmt.Errorf("update step %d: %w", stepID, err)
	}
	return before, after, nil
}

// DeleteStep deletes a scale-up step that is not done.
func (s *Store) DeleteStep(schoolID, trialID, stepID uint64) (*ScaleUpStep, error) {
	var out *ScaleUpStep
	err := s.Tx(func(tx *Store) error {
		st, err := tx.Step(schoolID, trialID, stepID)
		if err != nil {
			return err
		}
		if st.Done() {
			return conflict("the step is done: it records the school's work. Reopen it first if that was a mistake")
		}
		out = st
		return tx.q().Where("id = ?", stepID).Delete(&ScaleUpStep{}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("delete step %d: %w", stepID, err)
	}
	return out, nil
}
