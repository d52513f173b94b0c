package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
	"github.com/challengepartners/upwards/plugins/eal/internal/store"
)

// mePage is a delegate's own course: their schools' trials, the course
// days once their school is allocated to the intervention, the days
// attended, and the self-assessments before and after the course.
func mePage(w http.ResponseWriter, r *http.Request) error { return renderMe(w, r, form{}) }

func renderMe(w http.ResponseWriter, r *http.Request, f form) error {
	ctx := r.Context()
	s := st(r)
	me := sdk.ActorFrom(ctx).GetUserId()
	dels, err := s.DelegatesOf(me)
	if err != nil {
		return err
	}
	body := ui.Header{Crumbs: []ui.Crumb{{Label: "EAL trial", Href: sdk.URL(r, "/")}}, Title: "Your course",
		Lead: "The course days and your self-assessments before and after the course."}.HTML()
	if len(dels) == 0 {
		return show(w, r, http.StatusOK, "Your course", html(body, para("You are not named as a delegate of a school in a trial.")))
	}
	ids := make([]uint64, len(dels))
	for i, d := range dels {
		ids[i] = d.ID
	}
	answers, err := s.Assessments(ids...)
	if err != nil {
		return err
	}
	att, err := s.Attendances(ids...)
	if err != nil {
		return err
	}
	for _, d := range dels {
		sec, err := delegateSection(r, s, d, answers, att, f)
		if err != nil {
			return err
		}
		body = html(body, sec)
	}
	return show(w, r, f.status(), "Your course", body)
}

func delegateSection(r *http.Request, s *store.Store, d store.Delegate, answers []store.SelfAssessment, att []store.Attendance, f form) (template.HTML, error) {
	ts, err := s.TrialSchoolByID(d.TrialSchoolID)
	if err != nil {
		return "", err
	}
	t, err := s.Trial(ts.TrialID)
	if err != nil {
		return "", err
	}
	var course template.HTML
	switch ts.Arm {
	case store.ArmIntervention:
		days, err := s.Days(ts.CentreID)
		if err != nil {
			return "", err
		}
		present := map[int]bool{}
		for _, a := range att {
			if a.DelegateID == d.ID && a.Present {
				present[a.Day] = true
			}
		}
		var rows []ui.Row
		for _, cd := range days {
			rows = append(rows, ui.Row{"day": fmt.Sprintf("Day %d", cd.Day), "on": date(cd.HeldOn), "present": yesNo(present[cd.Day])})
		}
		course = ui.Table{Caption: "Your course days", ID: fmt.Sprintf("days-%d", d.ID), Columns: []ui.Column{{Key: "day", Label: "Day"},
			{Key: "on", Label: "Date"}, {Key: "present", Label: "Attended"}}, Rows: rows, Empty: "The centre has not dated its days yet."}.HTML()
	case store.ArmControl:
		course = para("Your school carries on as usual during the trial; it is offered the course after the trial.")
	default:
		course = para("Your school has not been allocated yet.")
	}
	body := html(dl("Subject", d.Subject), course)
	done := map[string]store.SelfAssessment{}
	for _, a := range answers {
		if a.DelegateID == d.ID {
			done[a.Kind] = a
		}
	}
	for _, k := range []rules.Assessment{rules.Pre, rules.Post} {
		if a, ok := done[string(k)]; ok {
			pairs := []string{}
			for i, it := range rules.Items {
				pairs = append(pairs, it.Label, rules.Scale[a.Answers()[i]-1])
			}
			body = html(body, tag("h3", k.Label()), dl(pairs...))
			continue
		}
		if k == rules.Post && done[string(rules.Pre)].ID == 0 {
			continue
		}
		name := fmt.Sprintf("assess-%d-%s", d.ID, k)
		var fields []ui.Field
		for _, it := range rules.Items {
			opts := []ui.Option{{Value: "", Label: "Choose"}}
			for i, l := range rules.Scale {
				opts = append(opts, ui.Option{Value: strconv.Itoa(i + 1), Label: l})
			}
			fields = append(fields, ui.Field{Kind: ui.Select, Name: it.Key, ID: fmt.Sprintf("%s-%s", name, it.Key), Label: it.Label, Options: opts, Required: true})
		}
		body = html(body, tag("h3", k.Label()), postForm(r, fmt.Sprintf("/me/delegates/%d/assessments", d.ID), "Save your answers", f, name, fields,
			template.HTML(`<input type="hidden" name="kind" value="`+string(k)+`">`)))
	}
	return section(fmt.Sprintf("delegate-%d", d.ID), t.Name, body), nil
}

// saveAssessment records the actor's own self-assessment.
func saveAssessment(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := pathID(r, "delegate")
	if err != nil {
		return err
	}
	kind := rules.Assessment(r.PostFormValue("kind"))
	err = commit(w, r, func(s *store.Store) (change, error) {
		d, err := s.Delegate(id)
		if err != nil {
			return change{}, err
		}
		if d.PersonID != sdk.ActorFrom(ctx).GetUserId() {
			return change{}, sdk.ErrForbidden // a delegate answers for themself only
		}
		if kind == rules.Post {
			pre, err := s.Assessments(d.ID)
			if err != nil {
				return change{}, err
			}
			if len(pre) == 0 {
				return change{}, fmt.Errorf("%w: answer the self-assessment before the course first", store.ErrConflict)
			}
		}
		var answers []int
		for _, it := range rules.Items {
			n, _ := strconv.Atoi(r.PostFormValue(it.Key))
			answers = append(answers, n)
		}
		a, err := s.SaveAssessment(d.ID, kind, answers, sdk.Now(ctx))
		return change{"delegate.assessment", "self_assessment", a.ID, nil, a, "/me", "Your answers are saved"}, err
	})
	if errs, ok := formErrors(err); ok {
		return renderMe(w, r, refused(r, fmt.Sprintf("assess-%d-%s", id, kind), errs))
	}
	return err
}
