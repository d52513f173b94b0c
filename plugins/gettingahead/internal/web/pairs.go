package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/rules"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/store"
)

type pairsView struct {
	Header ui.Header
	Stats  ui.Stats
	Pairs  ui.Table
}

var pairColumns = []ui.Column{
	{Key: "pair", Label: "Pair", Sortable: true}, {Key: "started", Label: "Since", Sortable: true},
	{Key: "sessions", Label: "Sessions", Numeric: true, Sortable: true}, {Key: "hours", Label: "Hours", Numeric: true, Sortable: true},
	{Key: "sofar", Label: "Expected so far", Numeric: true}, {Key: "pace", Label: "Pace"}, {Key: "last", Label: "Last session", Sortable: true},
}

// pairsPage lists a cohort's pairs with their hours against the expectation.
func pairsPage(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	d, err := q.managedCohort(PermManage)
	if err != nil {
		return err
	}
	c := d.Cohort
	order, err := ui.ParseSort(r.URL.Query(), pairColumns, ui.Sort{Key: "pair"})
	if err != nil {
		return &sdk.HTTPError{Status: http.StatusBadRequest, Message: err.Error()}
	}
	var rows []ui.Row
	minutes, underWay, quiet := 0, 0, 0
	var soFar float64
	for _, p := range d.Pairs {
		minutes += p.Tally.Minutes
		soFar += p.SoFar
		pace := ui.Badge(paceTone(p.Pace), p.Pace.Label())
		if p.Quiet {
			quiet++
			pace = template.HTML(string(pace) + " " + string(ui.Badge(ui.Danger, fmt.Sprintf("No session in %d days", p.QuietDays))))
		}
		if p.Active() {
			underWay++
		} else {
			pace = ui.Badge(ui.Neutral, "Ended "+rules.FormatDate(store.ParseDate(p.EndedOn)))
		}
		var last any = ""
		if p.Tally.Last != "" {
			last = store.ParseDate(p.Tally.Last)
		}
		rows = append(rows, ui.Row{"pair": ui.Link{Label: p.Participant + " with " + p.Coach, Href: sdk.URL(r, "/pairs/"+itoa(p.ID))},
			"started": store.ParseDate(p.StartedOn), "sessions": p.Tally.Sessions, "hours": float64(p.Tally.Minutes) / 60,
			"sofar": soFarText(p.SoFar), "pace": pace, "last": last})
	}
	ui.SortRows(rows, order)
	v := pairsView{Header: ui.Header{Crumbs: cohortCrumbs(r, c), Title: "Pairs and hours",
		Lead: fmt.Sprintf("Each pair is expected to have %d hours of coaching in the year, evenly from its start.", c.ExpectedHours)},
		Stats: ui.Stats{
			{Value: rules.Hours(minutes) + " h", Label: "Coaching logged in the cohort", N: len(d.Pairs)},
			{Value: fmt.Sprintf("%.1f h", soFar), Label: "Expected by now"},
			{Value: strconv.Itoa(quiet), Label: "Pairs with no session in six weeks", N: underWay},
		},
		Pairs: ui.Table{Caption: "Pairs", ID: "pairs", Rows: rows, Sort: order, Query: r.URL.Query(), Empty: "No pair yet: publish the match.", Columns: pairColumns}}
	return render(w, r, http.StatusOK, "Pairs", "pairs", v)
}

func soFarText(h float64) string { return fmt.Sprintf("%.1f", h) }

type pairPageView struct {
	Header     ui.Header
	Facts      []fact
	Stats      ui.Stats
	Sessions   ui.Table
	ShowNotes  bool
	Log        *ui.Form
	Themes     []ui.Field
	ThemeError string
	Other      string
}

func pairPage(w http.ResponseWriter, r *http.Request) error { return showPair(w, r, nil) }

func showPair(w http.ResponseWriter, r *http.Request, errs ui.Errors) error {
	q := newReq(r)
	pid, err := id(r, "pair")
	if err != nil {
		return err
	}
	pv, err := q.pair(pid)
	if err != nil {
		return err
	}
	sessions, err := q.s.Sessions([]uint64{pid})
	if err != nil {
		return err
	}
	names, err := q.schoolNames([]uint64{pv.Participant.SchoolID, pv.Coach.SchoolID})
	if err != nil {
		return err
	}
	c := pv.Rel.Cohort
	crumbs := []ui.Crumb{{Label: "Getting Ahead London", Href: sdk.URL(r, "/")}}
	if pv.Rel.Manager {
		crumbs = append(cohortCrumbs(r, c), ui.Crumb{Label: "Pairs and hours", Href: sdk.URL(r, "/cohorts/"+itoa(c.ID)+"/pairs")})
	}
	v := pairPageView{Header: ui.Header{Crumbs: crumbs, Title: pv.Participant.Name + " with " + pv.Coach.Name, Lead: "Coaching in " + c.Name + "."},
		ShowNotes: pv.Rel.Side != ""}
	v.Facts = []fact{{"Participant", pv.Participant.Name + ", " + rules.PostLabel(pv.Participant.Post) + ", " + dash(names[pv.Participant.SchoolID])},
		{"Coach", pv.Coach.Name + ", " + dash(names[pv.Coach.SchoolID])}, {"Since", rules.FormatDate(store.ParseDate(pv.Pair.StartedOn))}}
	switch pv.Rel.Side {
	case store.SideParticipant:
		v.Facts = append(v.Facts, fact{"Your coach's e-mail", dash(pv.Coach.Email)})
		v.Other = "your coach"
	case store.SideCoach:
		v.Facts = append(v.Facts, fact{"Your participant's e-mail", dash(pv.Participant.Email)})
		v.Other = "your participant"
	}
	if !pv.Pair.Active() {
		v.Facts = append(v.Facts, fact{"Ended", rules.FormatDate(store.ParseDate(pv.Pair.EndedOn))})
	}
	minutes := 0
	var rows []ui.Row
	for _, s := range sessions {
		minutes += s.Minutes
		row := ui.Row{"held": store.ParseDate(s.HeldOn), "length": fmt.Sprintf("%d min", s.Minutes), "mode": rules.ModeLabel(s.Mode),
			"themes": rules.List(s.ThemeList(), rules.ThemeLabel), "actions": dash(s.Actions), "by": sideLabel(s.LoggedSide)}
		if v.ShowNotes {
			own, _ := s.NoteOf(pv.Rel.Side)
			row["mine"] = fragment("mynote", map[string]string{"Text": own, "Label": noteLabel(own), "Href": sdk.URL(r, "/sessions/"+itoa(s.ID))})
			theirs, shared := s.NoteOf(otherSide(pv.Rel.Side))
			switch {
			case theirs == "":
				row["theirs"] = "—"
			case shared:
				row["theirs"] = theirs
			default:
				row["theirs"] = "Private"
			}
		}
		rows = append(rows, row)
	}
	end := q.today
	if !pv.Pair.Active() {
		end = store.ParseDate(pv.Pair.EndedOn)
	}
	soFar := rules.ExpectedSoFar(float64(c.ExpectedHours), store.ParseDate(pv.Pair.StartedOn), c.StartYear, end)
	pace := rules.PaceOf(minutes, soFar, float64(c.ExpectedHours))
	v.Stats = ui.Stats{
		{Value: rules.Hours(minutes) + " h", Label: "Coaching logged", N: len(sessions)},
		{Value: fmt.Sprintf("%.1f h of %d h", soFar, c.ExpectedHours), Label: "Expected by now, of the year's"},
		{Value: pace.Label(), Label: "Pace"},
	}
	cols := []ui.Column{{Key: "held", Label: "Date"}, {Key: "length", Label: "Length"}, {Key: "mode", Label: "Mode"},
		{Key: "themes", Label: "Themes"}, {Key: "actions", Label: "Agreed actions"}, {Key: "by", Label: "Logged by"}}
	if v.ShowNotes {
		cols = append(cols, ui.Column{Key: "mine", Label: "Your private note"}, ui.Column{Key: "theirs", Label: "Their note, if shared"})
	}
	v.Sessions = ui.Table{Caption: "Sessions", ID: "sessions", Rows: rows, Columns: cols, Empty: "No session logged yet."}
	if pv.Rel.Side != "" && pv.Pair.Active() {
		form := posted(r, errs)
		fields := []ui.Field{
			{Kind: ui.Date, Name: "held_on", Label: "Date", Required: true, Value: q.today.Format("2006-01-02"), Width: "short"},
			{Kind: ui.Number, Name: "minutes", Label: "Length in minutes", Required: true, Value: "60", Min: strconv.Itoa(rules.MinSessionMinutes), Max: strconv.Itoa(rules.MaxSessionMinutes), Width: "short"},
			{Kind: ui.Select, Name: "mode", Label: "How it was held", Required: true, Options: choices("Choose", rules.Modes)},
			{Kind: ui.Textarea, Name: "actions", Label: "Agreed actions", Hint: "What each of you will do before the next session; both of you see them", Rows: 3},
			{Kind: ui.Textarea, Name: "note", Label: "Your private note", Hint: "Only you read it, unless you share it below", Rows: 3},
			{Kind: ui.Checkbox, Name: "share", Label: "Let " + v.Other + " read my note"},
		}
		v.Log = &ui.Form{Action: sdk.URL(r, "/pairs/"+itoa(pid)+"/sessions"), CSRF: sdk.CSRFField(r), Fields: ui.Bind(fields, form, errs), Errors: errs, Submit: "Log the session"}
		for _, t := range rules.Themes {
			v.Themes = append(v.Themes, ui.Field{Kind: ui.Checkbox, Name: "theme_" + t.Value, Label: t.Label, Checked: form != nil && form.Has("theme_"+t.Value)})
		}
		v.ThemeError = errs.For("themes")
	}
	return render(w, r, statusOf(errs), v.Header.Title, "pair", v)
}

func sideLabel(s string) string {
	if s == store.SideCoach {
		return "Coach"
	}
	return "Participant"
}

func otherSide(s string) string {
	if s == store.SideCoach {
		return store.SideParticipant
	}
	return store.SideCoach
}

func noteLabel(own string) string {
	if own == "" {
		return "Write a note"
	}
	return "Read or change your note"
}

// logSession logs a session of the actor's own pair.
func logSession(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	pid, err := id(r, "pair")
	if err != nil {
		return err
	}
	pv, err := q.pair(pid)
	if err != nil {
		return err
	}
	if err := onlySelf(pv.Rel); err != nil {
		return err
	}
	var themes []string
	for _, t := range rules.Themes {
		if r.PostForm.Has("theme_" + t.Value) {
			themes = append(themes, t.Value)
		}
	}
	_, err = q.s.LogSession(pid, store.SessionInput{HeldOn: r.PostFormValue("held_on"), Minutes: formInt(r, "minutes"), Mode: r.PostFormValue("mode"),
		Themes: themes, Actions: r.PostFormValue("actions"), Note: r.PostFormValue("note"), ShareNote: r.PostForm.Has("share"),
		Side: pv.Rel.Side, PersonID: q.user, Today: q.today, CohortStart: pv.Rel.Cohort.StartYear})
	errs, err := failed(err)
	if err != nil {
		return err
	}
	if errs != nil {
		return showPair(w, r, errs)
	}
	return done(w, r, "Session logged", "/pairs/"+itoa(pid))
}

type noteView struct {
	Header  ui.Header
	Session []fact
	Form    ui.Form
}

func notePage(w http.ResponseWriter, r *http.Request) error { return showNote(w, r, nil) }

// session loads a session of the path and the actor's side in its pair:
// only the pair's two people write notes.
func (q *req) session() (store.Session, pairView, error) {
	sid, err := id(q.r, "session")
	if err != nil {
		return store.Session{}, pairView{}, err
	}
	s, err := q.s.Session(sid)
	if err != nil {
		_, err = failed(err)
		return s, pairView{}, err
	}
	pv, err := q.pair(s.PairID)
	if err != nil {
		return s, pv, err
	}
	if pv.Rel.Side == "" {
		return s, pv, sdk.ErrNotFound // the manager reads no private note
	}
	return s, pv, nil
}

func showNote(w http.ResponseWriter, r *http.Request, errs ui.Errors) error {
	q := newReq(r)
	s, pv, err := q.session()
	if err != nil {
		return err
	}
	note, shared := s.NoteOf(pv.Rel.Side)
	other := "your participant"
	if pv.Rel.Side == store.SideParticipant {
		other = "your coach"
	}
	fields := []ui.Field{
		{Kind: ui.Textarea, Name: "note", Label: "Your private note", Value: note, Rows: 6},
		{Kind: ui.Checkbox, Name: "share", Label: "Let " + other + " read it", Checked: shared},
	}
	v := noteView{Header: ui.Header{Crumbs: []ui.Crumb{{Label: "Getting Ahead London", Href: sdk.URL(r, "/")},
		{Label: pv.Participant.Name + " with " + pv.Coach.Name, Href: sdk.URL(r, "/pairs/"+itoa(pv.Pair.ID))}}, Title: "Your note on the session of " + rules.FormatDate(store.ParseDate(s.HeldOn))},
		Session: []fact{{"Themes", rules.List(s.ThemeList(), rules.ThemeLabel)}, {"Agreed actions", dash(s.Actions)}},
		Form:    ui.Form{Action: sdk.URL(r, "/sessions/"+itoa(s.ID)), CSRF: sdk.CSRFField(r), Fields: ui.Bind(fields, posted(r, errs), errs), Errors: errs, Submit: "Save the note"}}
	return render(w, r, statusOf(errs), "Your note", "note", v)
}

func saveNote(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	s, pv, err := q.session()
	if err != nil {
		return err
	}
	_, err = q.s.SetNote(s.ID, pv.Rel.Side, r.PostFormValue("note"), r.PostForm.Has("share"))
	errs, err := failed(err)
	if err != nil {
		return err
	}
	if errs != nil {
		return showNote(w, r, errs)
	}
	return done(w, r, "Note saved", "/pairs/"+itoa(pv.Pair.ID))
}
