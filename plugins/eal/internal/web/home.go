package web

import (
	"crypto/rand"
	"fmt"
	"html/template"
	"net/http"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/eal/internal/export"
	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
	"github.com/challengepartners/upwards/plugins/eal/internal/store"
)

// home lists the trials, with the form to set one up for the trial
// manager.
func home(w http.ResponseWriter, r *http.Request) error {
	return homePage(w, r, form{})
}

func homePage(w http.ResponseWriter, r *http.Request, f form) error {
	ctx := r.Context()
	trials, err := st(r).Trials()
	if err != nil {
		return err
	}
	ok, err := sdk.HostFrom(ctx).Authorize(ctx, sdk.Check{Permission: PermManage}, sdk.Check{Permission: PermAssess}, sdk.Check{Permission: PermResearch})
	if err != nil {
		return err
	}
	manage, assess, research := ok[0], ok[1], ok[2]
	today := sdk.Today(ctx)
	rows := make([]ui.Row, len(trials))
	for i, t := range trials {
		phase, begun := t.Schedule().On(today)
		ph := phase.Label()
		if !begun {
			ph = "Starts " + date(t.RecruitmentOn)
		}
		rows[i] = ui.Row{"name": ui.Link{Label: t.Name, Href: sdk.URL(r, "/trials/"+u64(t.ID))}, "registration": t.RegistrationID, "phase": ph}
	}
	var links []ui.Link
	if assess {
		links = append(links, ui.Link{Label: "Your course", Href: sdk.URL(r, "/me"), Secondary: true})
	}
	if research {
		links = append(links, ui.Link{Label: "The evaluator's view", Href: sdk.URL(r, "/research"), Secondary: true})
	}
	body := html(ui.Header{Title: "EAL in the mainstream classroom", Actions: links,
		Lead: "The three-day course for classroom teachers on the language demands of their subjects, run as a randomised controlled trial."}.HTML(),
		ui.Table{Caption: "Trials", ID: "trials", Columns: []ui.Column{{Key: "name", Label: "Trial"}, {Key: "registration", Label: "Registration"},
			{Key: "phase", Label: "Phase today"}}, Rows: rows, Empty: "No trial yet."}.HTML())
	if manage {
		body = html(body, section("new-trial", "Set up a trial", postForm(r, "/trials", "Set up the trial", f, "trial", trialFields(store.Trial{}))))
	}
	return show(w, r, f.status(), "EAL trial", body)
}

// trialFields are the fields of a trial's name, registration and phases.
func trialFields(t store.Trial) []ui.Field {
	fs := []ui.Field{
		{Kind: ui.Text, Name: "name", Label: "Name", Value: t.Name, Required: true},
		{Kind: ui.Text, Name: "registration_id", Label: "Registration", Hint: "The trial registry's id, e.g. ISRCTN10577124", Value: t.RegistrationID, Required: true, Width: "short"},
	}
	sched := t.Schedule()
	for i, p := range rules.Phases {
		fs = append(fs, ui.Field{Kind: ui.Date, Name: "phase_" + string(p), Label: p.Label() + " starts", Value: sched[i], Required: true, Width: "short"})
	}
	return fs
}

func trialInput(r *http.Request) store.TrialInput {
	in := store.TrialInput{Name: r.PostFormValue("name"), RegistrationID: r.PostFormValue("registration_id")}
	for i, p := range rules.Phases {
		in.Schedule[i] = r.PostFormValue("phase_" + string(p))
	}
	return in
}

// createTrial sets up a trial with a fresh secret for its pseudonyms and
// every export column listed in its data-sharing agreement to begin with.
func createTrial(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return fmt.Errorf("draw the trial's secret: %w", err)
	}
	err := commit(w, r, func(s *store.Store) (change, error) {
		t, err := s.CreateTrial(trialInput(r), secret, export.Known(), sdk.Now(ctx))
		return change{"trial.create", "trial", t.ID, nil, t, "/trials/" + u64(t.ID), "Trial set up"}, err
	})
	if errs, ok := formErrors(err); ok {
		return homePage(w, r, refused(r, "trial", errs))
	}
	return err
}

// badge is a status badge.
func badge(tone ui.Tone, text string) template.HTML { return ui.Badge(tone, text) }
