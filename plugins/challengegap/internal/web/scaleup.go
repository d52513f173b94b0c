package web

import (
	"net/http"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// planRow is a strategy the school decided to scale up, with its plan, as
// the school page shows it.
type planRow struct {
	Trial    store.Trial
	Strategy string
	store.Plan
}

// scaleUpPlans returns the plans of the trials decided "scale up".
func scaleUpPlans(s *store.Store, trials []store.Trial, title func(uint64) string) ([]planRow, error) {
	var ids []uint64
	for _, t := range trials {
		if rules.Decision(t.Decision) == rules.DecisionScaleUp {
			ids = append(ids, t.ID)
		}
	}
	plans, err := s.Plans(ids...)
	if err != nil {
		return nil, err
	}
	var out []planRow
	for _, t := range trials {
		if p, ok := plans[t.ID]; ok {
			out = append(out, planRow{Trial: t, Strategy: title(t.StrategyID), Plan: *p})
		}
	}
	return out, nil
}

// loadPlanTrial reads the school and the trial of the path for a change to
// its scale-up plan: a school leader or a member of the trial year's team.
func loadPlanTrial(r *http.Request) (*schoolContext, *store.Trial, error) {
	sc, err := loadSchool(r)
	if err != nil {
		return nil, nil, err
	}
	tid, err := id(r, "trial")
	if err != nil {
		return nil, nil, err
	}
	t, err := sc.s.Trial(sc.school, tid)
	if err != nil {
		return nil, nil, err
	}
	if sc.year == nil || sc.year.ID != t.YearID {
		return nil, nil, errNotFound
	}
	if !sc.access.CanTrial() {
		return nil, nil, errForbidden
	}
	return sc, t, nil
}

func setReach(w http.ResponseWriter, r *http.Request) error {
	sc, t, err := loadPlanTrial(r)
	if err != nil {
		return err
	}
	p, err := sc.s.SetReach(sc.school, t.ID, r.PostFormValue("year_groups"), r.PostFormValue("classes"), userID(r))
	if err != nil {
		return err
	}
	if err := audit(r, "scaleup.reach", "trial", t.ID, nil, p); err != nil {
		return err
	}
	return redirect(w, r, schoolPath(sc.school, t.YearID)+"#scale-up")
}

func addStep(w http.ResponseWriter, r *http.Request) error {
	sc, t, err := loadPlanTrial(r)
	if err != nil {
		return err
	}
	step, err := sc.s.AddStep(sc.school, t.ID, r.PostFormValue("what"), r.PostFormValue("who"), r.PostFormValue("due_on"), userID(r))
	if err != nil {
		return err
	}
	if err := audit(r, "scaleup.step", "scaleup_step", step.ID, nil, step); err != nil {
		return err
	}
	return redirect(w, r, schoolPath(sc.school, t.YearID)+"#scale-up")
}

func setStepDone(w http.ResponseWriter, r *http.Request) error {
	sc, t, err := loadPlanTrial(r)
	if err != nil {
		return err
	}
	sid, err := id(r, "step")
	if err != nil {
		return err
	}
	step, err := sc.s.SetStepDone(sc.school, t.ID, sid, r.PostFormValue("done") == "1")
	if err != nil {
		return err
	}
	if err := audit(r, "scaleup.step_done", "scaleup_step", step.ID, nil, map[string]any{"done": step.Done()}); err != nil {
		return err
	}
	return redirect(w, r, schoolPath(sc.school, t.YearID)+"#scale-up")
}
