package web

import (
	"net/http"
	"strconv"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// Correcting the programme's items. Each is changed by those who may
// create it: strategies and survey rounds by managers, a workshop's
// resources by the cluster's leads, visits by the programme lead or
// managers (their agreed actions also by the school's leaders), scale-up
// steps by the school's leaders and this year's team. The rules live in
// the store (items_edit.go) and the README.

// --- strategies (challengegap.programme.manage at the root) ---

func loadStrategy(r *http.Request) (*store.Store, *store.Strategy, error) {
	sid, err := id(r, "strategy")
	if err != nil {
		return nil, nil, err
	}
	s := st(r)
	strat, err := s.Strategy(sid)
	return s, strat, err
}

func editStrategyPage(w http.ResponseWriter, r *http.Request) error {
	s, strat, err := loadStrategy(r)
	if err != nil {
		return err
	}
	trials, err := s.StrategyTrials(strat.ID)
	if err != nil {
		return err
	}
	themes := make([]editOption, len(rules.Themes))
	for i, th := range rules.Themes {
		themes[i] = editOption{Value: string(th), Label: th.Label(), Selected: string(th) == strat.Theme}
	}
	base := idPath("/strategies/", strat.ID, "")
	edit := editForm{ID: "strategy", Heading: "Correct the strategy", Action: base + "/edit", Submit: "Save",
		Note: "Schools that trial it see the corrected title and description.",
		Fields: []editField{{Name: "theme", Label: "Theme", Type: "select", Required: true, Options: themes},
			textField("title", "Title", strat.Title, 200, true),
			{Name: "description", Label: "Description", Type: "textarea", Value: strat.Description, Max: 4000}}}
	retire := editForm{ID: "retire", Heading: "Retire the strategy", Action: base + "/retire", Submit: "Retire " + strat.Title,
		Note:   "A retired strategy is no longer offered when a school records a trial; the trials that used it keep it.",
		Fields: []editField{hiddenField("retired", "1")}}
	if strat.Retired() {
		retire.Heading, retire.Submit, retire.Note = "Bring the strategy back", "Bring back "+strat.Title, "It is retired: schools are not offered it for new trials."
		retire.Fields = []editField{hiddenField("retired", "0")}
	}
	del := deleteForm("Delete the strategy", "Only a strategy no school has trialled can be deleted.", "",
		base+"/delete", "Delete "+strat.Title, "Yes, delete "+strat.Title+" for good")
	if trials > 0 {
		del.Refused = "Schools have trialled " + strat.Title + " (" + strconv.FormatInt(trials, 10) + " " + plural64(trials, "trial", "trials") +
			"): it stays in the catalogue for them. Retire it instead."
	}
	return renderEdit(w, r, editView{Title: "Correct or retire " + strat.Title, Back: "/strategies", BackLabel: "Strategies",
		Forms: []editForm{edit, retire, del}})
}

func plural64(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func updateStrategy(w http.ResponseWriter, r *http.Request) error {
	s, strat, err := loadStrategy(r)
	if err != nil {
		return err
	}
	before, after, err := s.UpdateStrategy(strat.ID, r.PostFormValue("theme"), r.PostFormValue("title"), r.PostFormValue("description"))
	if err != nil {
		return err
	}
	if err := audit(r, "strategy.update", "strategy", strat.ID, before, after); err != nil {
		return err
	}
	return redirect(w, r, "/strategies")
}

func retireStrategy(w http.ResponseWriter, r *http.Request) error {
	s, strat, err := loadStrategy(r)
	if err != nil {
		return err
	}
	var retired bool
	switch r.PostFormValue("retired") {
	case "1":
		retired = true
	case "0":
	default:
		return &store.ValidationError{Field: "retired", Message: "choose to retire the strategy or bring it back"}
	}
	after, err := s.SetStrategyRetired(strat.ID, retired)
	if err != nil {
		return err
	}
	action := map[bool]string{true: "strategy.retire", false: "strategy.restore"}[retired]
	if err := audit(r, action, "strategy", strat.ID, map[string]bool{"retired": strat.Retired()}, map[string]bool{"retired": after.Retired()}); err != nil {
		return err
	}
	return redirect(w, r, "/strategies")
}

func deleteStrategy(w http.ResponseWriter, r *http.Request) error {
	s, strat, err := loadStrategy(r)
	if err != nil {
		return err
	}
	if err := confirmed(r); err != nil {
		return err
	}
	gone, err := s.DeleteStrategy(strat.ID)
	if err != nil {
		return err
	}
	if err := audit(r, "strategy.delete", "strategy", gone.ID, gone, nil); err != nil {
		return err
	}
	return redirect(w, r, "/strategies")
}

// --- workshop resources (the cluster's leads) ---

func loadResource(r *http.Request) (*store.Store, *store.Workshop, *store.Resource, error) {
	s, wk, _, acc, err := loadWorkshop(r)
	if err != nil {
		return nil, nil, nil, err
	}
	if !acc.CanLead() {
		return nil, nil, nil, errForbidden
	}
	rid, err := id(r, "resource")
	if err != nil {
		return nil, nil, nil, err
	}
	res, err := s.Resource(wk.ID, rid)
	return s, wk, res, err
}

func editResourcePage(w http.ResponseWriter, r *http.Request) error {
	_, wk, res, err := loadResource(r)
	if err != nil {
		return err
	}
	base := idPath("/workshops/", wk.ID, idPath("/resources/", res.ID, ""))
	edit := editForm{ID: "resource", Heading: "Correct the resource", Action: base + "/edit", Submit: "Save",
		Fields: []editField{textField("title", "Title", res.Title, 200, true),
			{Name: "url", Label: "Link (optional)", Type: "url", Value: res.URL, Max: 500}}}
	del := deleteForm("Delete the resource", "It is no longer listed at the workshop nor sent in the next newsletter.", "",
		base+"/delete", "Delete "+res.Title, "Yes, delete "+res.Title)
	return renderEdit(w, r, editView{Title: "Correct or delete " + res.Title, Back: workshopPath(wk.ID),
		BackLabel: "Workshop " + strconv.Itoa(wk.Number) + ": " + rules.WorkshopTitle(wk.Number), Forms: []editForm{edit, del}})
}

func updateResource(w http.ResponseWriter, r *http.Request) error {
	s, wk, res, err := loadResource(r)
	if err != nil {
		return err
	}
	before, after, err := s.UpdateResource(wk.ID, res.ID, r.PostFormValue("title"), r.PostFormValue("url"))
	if err != nil {
		return err
	}
	if err := audit(r, "workshop.resource.update", "resource", res.ID, before, after); err != nil {
		return err
	}
	return redirect(w, r, workshopPath(wk.ID))
}

func deleteResource(w http.ResponseWriter, r *http.Request) error {
	s, wk, res, err := loadResource(r)
	if err != nil {
		return err
	}
	if err := confirmed(r); err != nil {
		return err
	}
	gone, err := s.DeleteResource(wk.ID, res.ID)
	if err != nil {
		return err
	}
	if err := audit(r, "workshop.resource.delete", "resource", gone.ID, gone, nil); err != nil {
		return err
	}
	return redirect(w, r, workshopPath(wk.ID))
}

// --- visits and agreed actions ---

// auditVisit is what the audit log keeps of a visit: no notes or visitor's
// name, as when it is recorded.
func auditVisit(v *store.Visit) map[string]any {
	return map[string]any{"id": v.ID, "school_id": v.SchoolID, "visited_on": v.VisitedOn}
}

func visitPath(v *store.Visit) string { return idPath("/visits/", v.ID, "") }

// editVisitPage corrects a visit (the programme lead or managers) and its
// agreed actions (also the school's leaders).
func editVisitPage(w http.ResponseWriter, r *http.Request) error {
	s, vi, acc, err := visitAccess(r)
	if err != nil {
		return err
	}
	names, err := s.Schools(vi.SchoolID)
	if err != nil {
		return err
	}
	var forms []editForm
	if acc.Cluster.CanVisit() {
		forms = append(forms, editForm{ID: "visit", Heading: "Correct the visit", Action: visitPath(vi) + "/edit", Submit: "Save",
			Fields: []editField{{Name: "visited_on", Label: "Date", Type: "date", Value: vi.VisitedOn, Required: true},
				{Name: "notes", Label: "Notes", Type: "textarea", Value: vi.Notes, Max: 8000}}})
	}
	byVisit, err := s.Actions(vi.ID)
	if err != nil {
		return err
	}
	for _, a := range byVisit[vi.ID] {
		ap := visitPath(vi) + idPath("/actions/", a.ID, "")
		key := "action-" + strconv.FormatUint(a.ID, 10)
		forms = append(forms, editForm{ID: key, Heading: "Agreed action: " + a.Text, Action: ap + "/edit", Submit: "Save the action",
			Fields: []editField{textField("text", "Agreed action", a.Text, 1000, true),
				{Name: "due_on", Label: "By", Type: "date", Value: a.DueOn}}})
		del := deleteForm("Delete the action", "", "", ap+"/delete", "Delete this action", "Yes, delete this action")
		del.ID = key + "-delete"
		if a.Done {
			del.Refused = "It is marked done, which records the school's work. Reopen it on the school's page first if that was a mistake."
		}
		forms = append(forms, del)
	}
	if acc.Cluster.CanVisit() {
		done, err := s.DoneActions(vi.ID)
		if err != nil {
			return err
		}
		del := deleteForm("Delete the visit", "Its agreed actions go with it.", "", visitPath(vi)+"/delete",
			"Delete the visit of "+vi.VisitedOn, "Yes, delete the visit of "+vi.VisitedOn)
		if done > 0 {
			del.Refused = "The visit has " + strconv.FormatInt(done, 10) + " agreed " + plural64(done, "action", "actions") +
				" marked done, which record the school's work: correct the visit instead."
		}
		forms = append(forms, del)
	}
	return renderEdit(w, r, editView{Title: "Visit to " + nameOr(names, vi.SchoolID) + " on " + vi.VisitedOn,
		Back: schoolPath(vi.SchoolID, vi.YearID), BackLabel: nameOr(names, vi.SchoolID), Forms: forms})
}

// visitForVisitor is the visit of the path for the programme lead or managers.
func visitForVisitor(r *http.Request) (*store.Store, *store.Visit, error) {
	s, vi, acc, err := visitAccess(r)
	if err != nil {
		return nil, nil, err
	}
	if !acc.Cluster.CanVisit() {
		return nil, nil, errForbidden
	}
	return s, vi, nil
}

func updateVisit(w http.ResponseWriter, r *http.Request) error {
	s, vi, err := visitForVisitor(r)
	if err != nil {
		return err
	}
	before, after, err := s.UpdateVisit(vi.ID, r.PostFormValue("visited_on"), r.PostFormValue("notes"))
	if err != nil {
		return err
	}
	if err := audit(r, "visit.update", "visit", vi.ID, auditVisit(before), auditVisit(after)); err != nil {
		return err
	}
	return redirect(w, r, schoolPath(vi.SchoolID, vi.YearID))
}

func deleteVisit(w http.ResponseWriter, r *http.Request) error {
	s, vi, err := visitForVisitor(r)
	if err != nil {
		return err
	}
	if err := confirmed(r); err != nil {
		return err
	}
	gone, actions, err := s.DeleteVisit(vi.ID)
	if err != nil {
		return err
	}
	before := auditVisit(gone)
	before["actions"] = len(actions)
	if err := audit(r, "visit.delete", "visit", gone.ID, before, nil); err != nil {
		return err
	}
	return redirect(w, r, schoolPath(vi.SchoolID, vi.YearID))
}

func updateAction(w http.ResponseWriter, r *http.Request) error {
	s, vi, err := visitContext(r)
	if err != nil {
		return err
	}
	aid, err := id(r, "action")
	if err != nil {
		return err
	}
	before, after, err := s.UpdateAction(vi.ID, aid, r.PostFormValue("text"), r.PostFormValue("due_on"))
	if err != nil {
		return err
	}
	if err := audit(r, "visit.action.update", "visit_action", aid, before, after); err != nil {
		return err
	}
	return redirect(w, r, schoolPath(vi.SchoolID, vi.YearID))
}

func deleteAction(w http.ResponseWriter, r *http.Request) error {
	s, vi, err := visitContext(r)
	if err != nil {
		return err
	}
	aid, err := id(r, "action")
	if err != nil {
		return err
	}
	if err := confirmed(r); err != nil {
		return err
	}
	gone, err := s.DeleteAction(vi.ID, aid)
	if err != nil {
		return err
	}
	if err := audit(r, "visit.action.delete", "visit_action", gone.ID, gone, nil); err != nil {
		return err
	}
	return redirect(w, r, schoolPath(vi.SchoolID, vi.YearID))
}

// --- survey rounds (challengegap.programme.manage at the root) ---

func loadRoundOnly(r *http.Request) (*store.Store, *store.SurveyRound, error) {
	rid, err := id(r, "round")
	if err != nil {
		return nil, nil, err
	}
	s := st(r)
	round, err := s.Round(rid)
	return s, round, err
}

func roundPath(id uint64) string { return idPath("/surveys/", id, "") }

func editRoundPage(w http.ResponseWriter, r *http.Request) error {
	s, round, err := loadRoundOnly(r)
	if err != nil {
		return err
	}
	n, err := s.RoundResponses(round.ID)
	if err != nil {
		return err
	}
	edit := editForm{ID: "round", Heading: "Correct the name", Action: roundPath(round.ID) + "/edit", Submit: "Save",
		Fields: []editField{textField("label", "Name of the round", round.Label, 100, true)}}
	del := deleteForm("Delete the round", "Only a round nobody has answered can be deleted.", "",
		roundPath(round.ID)+"/delete", "Delete "+round.Label, "Yes, delete "+round.Label+" for good")
	if n > 0 {
		del.Refused = round.Label + " has " + strconv.FormatInt(n, 10) + " " + plural64(n, "answer", "answers") +
			", which count in the reports: it cannot be deleted. Close the round instead."
	}
	return renderEdit(w, r, editView{Title: "Correct or delete " + round.Label, Back: roundPath(round.ID), BackLabel: "Staff survey: " + round.Label,
		Forms: []editForm{edit, del}})
}

func updateRound(w http.ResponseWriter, r *http.Request) error {
	s, round, err := loadRoundOnly(r)
	if err != nil {
		return err
	}
	before, after, err := s.RenameRound(round.ID, r.PostFormValue("label"))
	if err != nil {
		return err
	}
	if err := audit(r, "survey.update", "survey_round", round.ID, before, after); err != nil {
		return err
	}
	return redirect(w, r, roundPath(round.ID))
}

func deleteRound(w http.ResponseWriter, r *http.Request) error {
	s, round, err := loadRoundOnly(r)
	if err != nil {
		return err
	}
	if err := confirmed(r); err != nil {
		return err
	}
	gone, err := s.DeleteRound(round.ID)
	if err != nil {
		return err
	}
	if err := audit(r, "survey.delete", "survey_round", gone.ID, gone, nil); err != nil {
		return err
	}
	return redirect(w, r, yearPath(gone.YearID)+"#surveys")
}

// --- scale-up steps (the school's leaders and this year's team) ---

func loadStep(r *http.Request) (*schoolContext, *store.Trial, *store.ScaleUpStep, error) {
	sc, t, err := loadPlanTrial(r)
	if err != nil {
		return nil, nil, nil, err
	}
	sid, err := id(r, "step")
	if err != nil {
		return nil, nil, nil, err
	}
	step, err := sc.s.Step(sc.school, t.ID, sid)
	return sc, t, step, err
}

func stepPath(school uint64, t *store.Trial, stepID uint64) string {
	return idPath("/schools/", school, idPath("/trials/", t.ID, idPath("/steps/", stepID, "")))
}

func editStepPage(w http.ResponseWriter, r *http.Request) error {
	sc, t, step, err := loadStep(r)
	if err != nil {
		return err
	}
	year := hiddenField("year", strconv.FormatUint(t.YearID, 10))
	base := stepPath(sc.school, t, step.ID)
	edit := editForm{ID: "step", Heading: "Correct the step", Action: base + "/edit", Submit: "Save",
		Fields: []editField{year, textField("what", "Step", step.What, 1000, true), textField("who", "Who", step.Who, 200, false),
			{Name: "due_on", Label: "By", Type: "date", Value: step.DueOn}}}
	del := deleteForm("Delete the step", "", "", base+"/delete", "Delete this step", "Yes, delete this step")
	del.Fields = []editField{year}
	if step.Done() {
		del.Refused = "The step is done, which records the school's work. Reopen it on the school's page first if that was a mistake."
	}
	return renderEdit(w, r, editView{Title: "Scale-up step: " + step.What, Back: schoolPath(sc.school, t.YearID) + "#scale-up",
		BackLabel: "The school's page", Forms: []editForm{edit, del}})
}

func updateStep(w http.ResponseWriter, r *http.Request) error {
	sc, t, step, err := loadStep(r)
	if err != nil {
		return err
	}
	before, after, err := sc.s.UpdateStep(sc.school, t.ID, step.ID, r.PostFormValue("what"), r.PostFormValue("who"), r.PostFormValue("due_on"))
	if err != nil {
		return err
	}
	if err := audit(r, "scaleup.step_update", "scaleup_step", step.ID, before, after); err != nil {
		return err
	}
	return redirect(w, r, schoolPath(sc.school, t.YearID)+"#scale-up")
}

func deleteStep(w http.ResponseWriter, r *http.Request) error {
	sc, t, step, err := loadStep(r)
	if err != nil {
		return err
	}
	if err := confirmed(r); err != nil {
		return err
	}
	gone, err := sc.s.DeleteStep(sc.school, t.ID, step.ID)
	if err != nil {
		return err
	}
	if err := audit(r, "scaleup.step_delete", "scaleup_step", gone.ID, gone, nil); err != nil {
		return err
	}
	return redirect(w, r, schoolPath(sc.school, t.YearID)+"#scale-up")
}
