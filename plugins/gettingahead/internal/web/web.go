// Package web is Getting Ahead London's pages: server-rendered fragments
// the core wraps in its shell, built from the SDK's shared components, and
// the forms that change the programme's records. Routes is the single list
// of routes: the manifest declares it and it serves them.
//
// The core enforces each route's one permission before a request arrives.
// On top of it the plugin checks what only it knows (access.go): whether
// the user runs the cohort (the manage permission held at the cohort's
// unit), is the coach or the participant of a record, or is the
// headteacher of a participant who shares their record. Private notes of a
// session are shown to their author, and to the other side of the pair
// only when shared; never to anyone else.
package web

import (
	"embed"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/rules"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/store"
)

// Permissions the plugin declares.
const (
	// PermRead: see the programme's front page and one's own part in it: a
	// participant their record and coach, a coach their participants.
	PermRead = "gettingahead.programme.read"
	// PermApply: apply to a cohort as an aspiring head.
	PermApply = "gettingahead.application.submit"
	// PermCoaching: act in one's own pair, as its coach or participant: rank
	// the other side, log sessions, write one's private notes, and (a
	// participant) record self-assessments and outcomes. The plugin checks
	// that the record is the user's own.
	PermCoaching = "gettingahead.coaching.write"
	// PermManage: run a cohort (checked at the cohort's unit): applications,
	// coaches, the match, withdrawals, events, every pair's hours. Never the
	// sessions' private notes.
	PermManage = "gettingahead.cohort.manage"
	// PermShared: as a headteacher, see the programme record of a
	// participant at one's school who shares it (checked at the school).
	PermShared = "gettingahead.shared.read"
	// PermReport: read a cohort's report for the funder (at the cohort's unit).
	PermReport = "gettingahead.report.read"
	// PermExport: download the evaluator's anonymised export (at the cohort's unit).
	PermExport = "gettingahead.research.export"
)

//go:embed templates/*.html
var templateFS embed.FS

var tmpl = template.Must(template.New("").Funcs(ui.FuncMap()).Funcs(template.FuncMap{
	"date": func(s string) string {
		if s == "" {
			return "—"
		}
		return rules.FormatDate(store.ParseDate(s))
	},
	"hours":   rules.Hours,
	"post":    rules.PostLabel,
	"phase":   rules.PhaseLabel,
	"mode":    rules.ModeLabel,
	"outcome": rules.OutcomeLabel,
	"themes":  func(s store.Session) string { return rules.List(s.ThemeList(), rules.ThemeLabel) },
	"status":  store.StatusLabel,
	"kind":    rules.EventKindLabel,
	"dash": func(s string) string {
		if strings.TrimSpace(s) == "" {
			return "—"
		}
		return s
	},
}).ParseFS(templateFS, "templates/*.html"))

// Routes declares every route of the plugin once.
func Routes() *sdk.Router {
	rt := sdk.NewRouter()
	any := sdk.ScopeAnywhere
	for _, r := range []struct {
		method, path, perm, summary string
		h                           sdk.HandlerFunc
	}{
		{"GET", "/", PermRead, "The programme: cohorts you run, your coaching, your place, applications", home},
		{"POST", "/cohorts", PermManage, "Start a cohort at a cohort unit you manage", createCohort},
		{"GET", "/cohorts/:cohort", PermManage, "A cohort: its figures, quiet pairs and settings (its programme manager)", cohortPage},
		{"POST", "/cohorts/:cohort", PermManage, "Change a cohort's settings", updateCohort},
		{"GET", "/cohorts/:cohort/apply", PermApply, "The application form of a cohort open for applications", applyPage},
		{"POST", "/cohorts/:cohort/apply", PermApply, "Apply to a cohort", apply},
		{"GET", "/cohorts/:cohort/applications", PermManage, "A cohort's applications and participants", applicationsPage},
		{"POST", "/cohorts/:cohort/applications/:application", PermManage, "Shortlist, accept or decline an application", decide},
		{"GET", "/cohorts/:cohort/coaches", PermManage, "A cohort's coaches", coachesPage},
		{"POST", "/cohorts/:cohort/coaches", PermManage, "Recruit a coach to a cohort", addCoach},
		{"GET", "/cohorts/:cohort/match", PermManage, "The match: rankings, fixed pairs, the draft with its reasons, withdrawals", matchPage},
		{"POST", "/cohorts/:cohort/match/run", PermManage, "Run the match (a draft)", runMatch},
		{"POST", "/cohorts/:cohort/match/rematch", PermManage, "Re-match the people a withdrawal affects (a draft)", rematch},
		{"POST", "/cohorts/:cohort/match/publish", PermManage, "Publish the draft: its new pairs start", publish},
		{"POST", "/cohorts/:cohort/match/fixed", PermManage, "Fix a pair by hand before running the match", fixPair},
		{"POST", "/cohorts/:cohort/match/fixed/:participant/delete", PermManage, "Free a pair fixed by hand", unfixPair},
		{"POST", "/cohorts/:cohort/withdrawals", PermManage, "Record that a coach or participant withdrew", withdraw},
		{"GET", "/cohorts/:cohort/pairs", PermManage, "A cohort's pairs: hours against the expectation, quiet pairs", pairsPage},
		{"GET", "/cohorts/:cohort/events", PermManage, "A cohort's networking events and shadowing days", eventsPage},
		{"POST", "/cohorts/:cohort/events", PermManage, "Add a networking event or shadowing day", addEvent},
		{"GET", "/events/:event", PermManage, "An event and who attended", eventPage},
		{"POST", "/events/:event/attendance", PermManage, "Record who attended an event", setAttendance},
		{"GET", "/cohorts/:cohort/report", PermReport, "The funder's report: figures from the cohort's records", reportPage},
		{"GET", "/cohorts/:cohort/export", PermExport, "The evaluator's anonymised export (a zip of CSV files and their dictionaries)", export},
		{"GET", "/participants/:participant", PermRead, "A participant's record (the participant, their coach, the programme manager)", participantPage},
		{"POST", "/participants/:participant/share", PermCoaching, "Share one's record with one's headteacher, or stop", setShare},
		{"POST", "/participants/:participant/outcomes", PermCoaching, "Record an application for headship or a promotion (the participant)", addOutcome},
		{"GET", "/participants/:participant/assessment/:round", PermRead, "The self-assessment of a round (the participant)", assessmentPage},
		{"POST", "/participants/:participant/assessment/:round", PermCoaching, "Save the self-assessment of a round (the participant)", saveAssessment},
		{"GET", "/participants/:participant/rankings", PermRead, "A participant's ranking of the coaches", rankingsPage(store.SideParticipant)},
		{"POST", "/participants/:participant/rankings", PermCoaching, "Save a participant's ranking of the coaches", saveRankings(store.SideParticipant)},
		{"GET", "/coaches/:coach", PermRead, "A coach's profile and participants (the coach, the programme manager)", coachPage},
		{"POST", "/coaches/:coach", PermRead, "Correct a coach's profile (the coach or the programme manager)", updateCoach},
		{"GET", "/coaches/:coach/rankings", PermRead, "A coach's ranking of the participants", rankingsPage(store.SideCoach)},
		{"POST", "/coaches/:coach/rankings", PermCoaching, "Save a coach's ranking of the participants", saveRankings(store.SideCoach)},
		{"GET", "/pairs/:pair", PermRead, "A pair's sessions and hours (its coach and participant, the programme manager)", pairPage},
		{"POST", "/pairs/:pair/sessions", PermCoaching, "Log a session (the pair's coach or participant)", logSession},
		{"GET", "/sessions/:session", PermRead, "One's private note on a session", notePage},
		{"POST", "/sessions/:session", PermCoaching, "Write one's private note on a session and whether the other side may read it", saveNote},
		{"GET", "/shared", PermShared, "Participants at your school who share their record with you", sharedPage},
		{"GET", "/shared/:participant", PermShared, "A participant's record, shared with their headteacher", sharedParticipant},
	} {
		rt.Handle(sdk.Endpoint{Method: r.method, Path: r.path, Permission: r.perm, Scope: any, Summary: r.summary}, r.h)
	}
	return rt
}

// req is what a handler works with: the request's context, its Host and
// store, the actor and today's London date.
type req struct {
	r     *http.Request
	host  *sdk.Host
	s     *store.Store
	user  uint64
	today time.Time
}

func newReq(r *http.Request) *req {
	ctx := r.Context()
	if r.Method == http.MethodPost {
		_ = r.ParseForm() // a malformed body leaves the form empty: every field is then refused as missing
	}
	audit := func(tx *gorm.DB, action, entityType, entityID string, before, after any) error {
		return sdk.AuditTx(ctx, tx, action, entityType, entityID, before, after)
	}
	return &req{r: r, host: sdk.HostFrom(ctx), s: store.New(sdk.Tenant(ctx), sdk.TenantID(ctx), audit, sdk.Now(ctx)),
		user: sdk.ActorFrom(ctx).GetUserId(), today: rules.Date(sdk.Today(ctx))}
}

// id reads the path parameter name as an id; a malformed one is 404.
func id(r *http.Request, name string) (uint64, error) {
	v, err := strconv.ParseUint(r.PathValue(name), 10, 64)
	if err != nil || v == 0 {
		return 0, sdk.ErrNotFound
	}
	return v, nil
}

// formInt reads a whole number from the form; -1 when absent or malformed.
func formInt(r *http.Request, name string) int {
	v, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue(name)))
	if err != nil {
		return -1
	}
	return v
}

func formID(r *http.Request, name string) uint64 { return parseID(r.PostFormValue(name)) }

// parseID reads an id; 0 when it is not one.
func parseID(s string) uint64 {
	v, _ := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	return v
}

// failed turns a store error into the handler's answer: the form's field
// errors (ok), or an error for the SDK to answer (404 for a missing record,
// 409 with the rule for a conflict).
func failed(err error) (ui.Errors, error) {
	if err == nil {
		return nil, nil
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, sdk.ErrNotFound
	}
	if errors.Is(err, store.ErrConflict) {
		msg := err.Error()
		if i := strings.Index(msg, store.ErrConflict.Error()+": "); i >= 0 {
			msg = msg[i+len(store.ErrConflict.Error())+2:]
		}
		return nil, &sdk.HTTPError{Status: http.StatusConflict, Message: "Nothing was saved: " + msg + "."}
	}
	if errs, ok := ui.ErrorsOf(err); ok {
		return errs, nil
	}
	return nil, err
}

// done confirms a saved change and sends the browser to the plugin path next.
func done(w http.ResponseWriter, r *http.Request, msg, next string) error {
	ui.Flash(w, msg)
	http.Redirect(w, r, sdk.URL(r, next), http.StatusSeeOther)
	return nil
}

// render answers the template name as a page with status.
func render(w http.ResponseWriter, r *http.Request, status int, title, name string, data any) error {
	return sdk.Render(w, r, status, title, tmpl, name, data)
}

// statusOf is 422 for a refused form, else 200.
func statusOf(errs ui.Errors) int {
	if len(errs) > 0 {
		return http.StatusUnprocessableEntity
	}
	return http.StatusOK
}

// posted is the form to bind to a page's fields: the posted one when the
// page answers a refused form, nil otherwise.
func posted(r *http.Request, errs ui.Errors) url.Values {
	if len(errs) > 0 {
		return r.PostForm
	}
	return nil
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// options builds select options from items.
func options[T any](first string, items []T, f func(T) (uint64, string)) []ui.Option {
	out := []ui.Option{{Value: "", Label: first}}
	for _, it := range items {
		v, l := f(it)
		out = append(out, ui.Option{Value: itoa(v), Label: l})
	}
	return out
}

func choices(first string, cs []rules.Choice) []ui.Option {
	out := []ui.Option{{Value: "", Label: first}}
	for _, c := range cs {
		out = append(out, ui.Option{Value: c.Value, Label: c.Label})
	}
	return out
}

// fragment renders the template name as HTML to put in a table cell.
func fragment(name string, data any) template.HTML {
	var b strings.Builder
	if err := tmpl.ExecuteTemplate(&b, name, data); err != nil {
		return template.HTML(template.HTMLEscapeString("(" + err.Error() + ")")) //nolint:gosec // escaped
	}
	return template.HTML(b.String()) //nolint:gosec // html/template escaped it
}

func decideForm(action string, csrf template.HTML, a store.Application) template.HTML {
	return fragment("decide", map[string]any{"Action": action, "CSRF": csrf, "Status": a.Status, "Name": a.Name})
}
