// Package web is the plugin's pages: server-rendered html/template
// fragments the core wraps in its shell, and the forms that change the
// programme's records. Routes is the single list of routes: the manifest
// declares it and the handler serves it, so the two never disagree.
//
// The core enforces each route's one permission (and, for UNIT routes,
// that the school is within the user's reach) before a request arrives.
// On top of it the plugin checks what only it knows: whether the user is
// the lead of a cluster, its programme lead, or on a school's team this
// year (see the package README for why this lives in the plugin).
package web

import (
	"embed"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/format"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/matrix"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// Permissions the plugin declares.
const (
	// PermRead: see the programme (years, clusters, recruitment, catalogue)
	// and the pages of schools within reach.
	PermRead = "challengegap.programme.read"
	// PermManage: set up programme years and clusters, name the leads,
	// keep the catalogue. Checked at the cluster's unit for cluster changes.
	PermManage = "challengegap.programme.manage"
	// PermSchoolLead: act as a school's leader: express interest, choose
	// the team, decide on trials.
	PermSchoolLead = "challengegap.school.lead"
	// PermSchoolWork: work as a member of the school's team (with team
	// membership checked by the plugin): record strategies trialled.
	PermSchoolWork = "challengegap.school.work"
	// PermCohortRead: see a school's target cohort, pupil by pupil (pupil
	// data: school staff and trust leaders, never the central team).
	PermCohortRead = "challengegap.cohort.read"
	// PermCohortWrite: choose the target cohort (team members and school
	// leaders, with team membership checked by the plugin).
	PermCohortWrite = "challengegap.cohort.write"
)

// Settings of the plugin.
const (
	SettingExamYears  = "exam_years"
	SettingCohortSize = "cohort_size"
	SettingSnapshots  = "snapshots"
)

// AuditPrefix starts every audit action of the plugin.
const AuditPrefix = "challengegap."

//go:embed templates/*.html
var templateFS embed.FS

var tmpl = template.Must(template.New("").Funcs(ui.FuncMap()).Funcs(template.FuncMap{
	"roleLabel":     func(s string) string { return rules.Role(s).Label() },
	"subjectLabel":  func(s string) string { return rules.Subject(s).Label() },
	"paraLabel":     func(s string) string { return rules.ParaType(s).Label() },
	"themeLabel":    func(s string) string { return rules.Theme(s).Label() },
	"decisionLabel": func(s string) string { return rules.Decision(s).Label() },
	"workshopTitle": rules.WorkshopTitle,
	"phaseLabel":    phaseLabel,
	"list":          func(xs ...string) []string { return xs },
	"add":           func(a, b float64) float64 { return a + b },
	"sub":           func(a, b float64) float64 { return a - b },
	"half":          func(a float64) float64 { return a / 2 },
	"add1":          func(i int) int { return i + 1 },
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
	"rows": func(f figures) []figures { return []figures{f} },
	"join": strings.Join,
	"svgOf": func(p matrix.Plot, from, to string) svgData {
		return newSVG("m", p, from, to, false)
	},
	"svgLabelled": func(p matrix.Plot, from, to string) svgData {
		return newSVG("m", p, from, to, true)
	},
	"signed":   format.Signed,
	"number":   format.Number,
	"showDate": store.ShowDate,
	"areShort": func(s string) string { return rules.ARE(s).Short() },
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	},
	"dash": func(s string) string {
		if s == "" {
			return "—"
		}
		return s
	},
}).ParseFS(templateFS, "templates/*.html"))

// Route is one route: the manifest's declaration and its handler.
type Route struct {
	Method     string
	Path       string // Echo-style, as in the manifest: /clusters/:cluster
	Permission string
	Scope      pluginv1.RouteScope
	UnitParam  string
	Summary    string
	handle     func(w http.ResponseWriter, r *http.Request) error
}

const (
	anywhere = pluginv1.RouteScope_ROUTE_SCOPE_ANYWHERE
	tenant   = pluginv1.RouteScope_ROUTE_SCOPE_TENANT
	unit     = pluginv1.RouteScope_ROUTE_SCOPE_UNIT
)

// Routes lists every route of the plugin.
func Routes() []Route {
	return []Route{
		{"GET", "/", PermRead, anywhere, "", "The programme: years, your clusters and schools", home},
		{"POST", "/years", PermRead, anywhere, "", "Add a programme year (managers, or a cluster's programme lead)", createYear},
		{"GET", "/years/:year", PermRead, anywhere, "", "A programme year's clusters", yearPage},
		{"GET", "/years/:year/overview", PermManage, tenant, "", "The programme year across all clusters: progress and figures (central team)", yearOverview},
		{"GET", "/years/:year/overview/csv", PermManage, tenant, "", "Download the year's progress and figures as CSV", yearOverviewCSV},
		{"POST", "/years/:year/clusters", PermManage, tenant, "", "Add a cluster to a programme year", createCluster},
		{"GET", "/years/:year/edit", PermManage, tenant, "", "Correct or delete a programme year", editYearPage},
		{"POST", "/years/:year/edit", PermManage, tenant, "", "Correct a programme year's label (until the first baseline)", updateYear},
		{"POST", "/years/:year/delete", PermManage, tenant, "", "Delete a programme year that holds nothing", deleteYear},
		{"GET", "/recruitment", PermRead, anywhere, "", "Clusters open for recruitment", recruitment},
		{"GET", "/clusters/:cluster", PermRead, anywhere, "", "A cluster: leads, schools, requests, trios, workshops", clusterPage},
		{"GET", "/clusters/:cluster/matrix", PermRead, anywhere, "", "The cluster's matrix: every target pupil, pseudonymous (its leads and its schools' staff)", clusterMatrix},
		{"GET", "/clusters/:cluster/trios/:trio/matrix", PermRead, anywhere, "", "A trio's matrix: its three schools' target pupils, pseudonymous", trioMatrix},
		{"GET", "/clusters/:cluster/report", PermRead, anywhere, "", "A cluster's report: aggregates with small counts suppressed (printable)", clusterReport},
		{"GET", "/clusters/:cluster/report/csv", PermRead, anywhere, "", "Download a cluster's report as CSV", clusterReportCSV},
		{"POST", "/clusters/:cluster/leads", PermManage, anywhere, "", "Name a cluster's facilitation school, lead and programme lead", setLeads},
		{"POST", "/clusters/:cluster/schools", PermManage, anywhere, "", "Add a school to a cluster directly", addSchool},
		{"GET", "/clusters/:cluster/edit", PermManage, tenant, "", "Rename or delete a cluster", editClusterPage},
		{"POST", "/clusters/:cluster/edit", PermManage, tenant, "", "Rename a cluster", updateCluster},
		{"POST", "/clusters/:cluster/delete", PermManage, tenant, "", "Delete a cluster whose schools have no data in its year", deleteCluster},
		{"GET", "/clusters/:cluster/schools/:school", PermRead, anywhere, "", "A school's place in a cluster: take it out or move it (cluster lead)", placePage},
		{"POST", "/clusters/:cluster/schools/:school/remove", PermRead, anywhere, "", "Take a school out of a cluster before its baseline (cluster lead)", removeSchool},
		{"POST", "/clusters/:cluster/schools/:school/withdraw", PermRead, anywhere, "", "Mark a school that left after its baseline as withdrawn (cluster lead)", withdrawSchool},
		{"POST", "/clusters/:cluster/schools/:school/move", PermManage, anywhere, "", "Move a school to another cluster of the year (manager of both)", moveSchool},
		{"POST", "/clusters/:cluster/recruiting", PermRead, anywhere, "", "Open or close a cluster for recruitment (cluster lead)", setRecruiting},
		{"POST", "/clusters/:cluster/requests/:participant", PermRead, anywhere, "", "Accept or decline a school's interest (cluster lead)", decide},
		{"POST", "/clusters/:cluster/trios", PermRead, anywhere, "", "Form a trio (cluster lead)", createTrio},
		{"GET", "/clusters/:cluster/trios/:trio/edit", PermRead, anywhere, "", "Change or dissolve a trio (cluster lead)", trioPage},
		{"POST", "/clusters/:cluster/trios/:trio/edit", PermRead, anywhere, "", "Rename a trio or change its schools (cluster lead)", updateTrio},
		{"POST", "/clusters/:cluster/trios/:trio/delete", PermRead, anywhere, "", "Dissolve a trio (cluster lead)", deleteTrio},
		{"GET", "/workshops/:workshop", PermRead, anywhere, "", "A workshop: date, attendance, resources", workshopPage},
		{"POST", "/workshops/:workshop", PermRead, anywhere, "", "Set a workshop's date, venue and notes (cluster lead)", updateWorkshop},
		{"POST", "/workshops/:workshop/attendance", PermRead, anywhere, "", "Record attendance (cluster lead)", setAttendance},
		{"POST", "/workshops/:workshop/resources", PermRead, anywhere, "", "Share a resource (cluster lead)", addResource},
		{"GET", "/workshops/:workshop/resources/:resource/edit", PermRead, anywhere, "", "Correct or delete a workshop's resource (cluster lead)", editResourcePage},
		{"POST", "/workshops/:workshop/resources/:resource/edit", PermRead, anywhere, "", "Correct a workshop's resource (cluster lead)", updateResource},
		{"POST", "/workshops/:workshop/resources/:resource/delete", PermRead, anywhere, "", "Delete a workshop's resource (cluster lead)", deleteResource},
		{"GET", "/schools/:unit", PermRead, anywhere, "", "A school in the programme: team, trials, visits", schoolPage},
		{"POST", "/schools/:unit/interest", PermSchoolLead, unit, "unit", "Express the school's interest in a cluster", expressInterest},
		{"POST", "/schools/:unit/team", PermSchoolLead, unit, "unit", "Add a member to the school's team", addMember},
		{"POST", "/schools/:unit/team/:member/delete", PermSchoolLead, unit, "unit", "Take a member off the school's team", removeMember},
		{"POST", "/schools/:unit/trials", PermSchoolWork, unit, "unit", "Record a strategy the school trials (team member)", startTrial},
		{"POST", "/schools/:unit/trials/:trial", PermSchoolLead, unit, "unit", "Decide on a trial: continue, scale up or stop", decideTrial},
		{"GET", "/schools/:unit/trials/:trial", PermCohortRead, unit, "unit", "A trial and the cohort pupils receiving it", trialPage},
		{"POST", "/schools/:unit/trials/:trial/pupils", PermCohortWrite, unit, "unit", "Record the cohort pupils receiving a trialled strategy", setTrialPupils},
		{"POST", "/schools/:unit/trials/:trial/reach", PermSchoolWork, unit, "unit", "Record the year groups and classes a scaled-up strategy reaches (team member)", setReach},
		{"POST", "/schools/:unit/trials/:trial/steps", PermSchoolWork, unit, "unit", "Add a step to a scale-up plan (team member)", addStep},
		{"POST", "/schools/:unit/trials/:trial/steps/:step", PermSchoolWork, unit, "unit", "Mark a scale-up step done or open (team member)", setStepDone},
		{"GET", "/schools/:unit/trials/:trial/steps/:step/edit", PermSchoolWork, unit, "unit", "Correct or delete a scale-up step (team member)", editStepPage},
		{"POST", "/schools/:unit/trials/:trial/steps/:step/edit", PermSchoolWork, unit, "unit", "Correct a scale-up step (team member)", updateStep},
		{"POST", "/schools/:unit/trials/:trial/steps/:step/delete", PermSchoolWork, unit, "unit", "Delete a scale-up step not done (team member)", deleteStep},
		{"GET", "/schools/:unit/report", PermRead, anywhere, "", "A school's report: impact, staff survey, trials, case study (printable)", schoolReport},
		{"GET", "/schools/:unit/report/csv", PermRead, anywhere, "", "Download a school's report as CSV", schoolReportCSV},
		{"POST", "/schools/:unit/casestudy", PermSchoolLead, unit, "unit", "Write the school's case study: the challenge, the response, the outcome", saveCaseStudy},
		{"GET", "/schools/:unit/cohort", PermCohortRead, unit, "unit", "A school's target cohort, with eligibility warnings", cohortPage},
		{"POST", "/schools/:unit/cohort", PermCohortWrite, unit, "unit", "Add pupils to the target cohort (team member or leader)", addToCohort},
		{"POST", "/schools/:unit/cohort/baseline", PermSchoolLead, unit, "unit", "Take the baseline: freeze the target cohort", freezeCohort},
		{"GET", "/schools/:unit/cohort/:member", PermCohortRead, unit, "unit", "A cohort pupil: warnings, another intervention, taking out", cohortMemberPage},
		{"POST", "/schools/:unit/cohort/:member/remove", PermCohortWrite, unit, "unit", "Take a pupil out of the target cohort", removeFromCohort},
		{"POST", "/schools/:unit/cohort/:member/intervention", PermCohortWrite, unit, "unit", "Record whether a cohort pupil receives another intervention", setIntervention},
		{"GET", "/schools/:unit/matrix", PermCohortRead, unit, "unit", "The school's matrix: its cohort's movement between two snapshots", schoolMatrix},
		{"POST", "/schools/:unit/snapshots", PermCohortWrite, unit, "unit", "Add a termly snapshot after the baseline", addSnapshot},
		{"GET", "/assets/grid.js", PermRead, anywhere, "", "The snapshot grid's script: pasting a block from a spreadsheet", gridScript},
		{"GET", "/schools/:unit/snapshots/:snapshot", PermCohortRead, unit, "unit", "A snapshot's entry grid: one row per cohort pupil", snapshotPage},
		{"POST", "/schools/:unit/snapshots/:snapshot", PermCohortWrite, unit, "unit", "Save a snapshot's grid (all rows or none)", saveSnapshot},
		{"GET", "/schools/:unit/snapshots/:snapshot/csv", PermCohortRead, unit, "unit", "Download a snapshot as CSV", downloadSnapshot},
		{"POST", "/schools/:unit/snapshots/:snapshot/delete", PermCohortWrite, unit, "unit", "Delete a termly snapshot that holds no data (the latest)", deleteSnapshot},
		{"POST", "/schools/:unit/snapshots/:snapshot/csv", PermCohortWrite, unit, "unit", "Upload a snapshot's CSV (all rows or none, errors by row)", uploadSnapshot},
		{"POST", "/schools/:unit/visits", PermRead, anywhere, "", "Record a visit to the school (programme lead)", addVisit},
		{"POST", "/visits/:visit/actions", PermRead, anywhere, "", "Record an action agreed at a visit", addAction},
		{"POST", "/visits/:visit/actions/:action", PermRead, anywhere, "", "Mark an agreed action done or open", setActionDone},
		{"GET", "/visits/:visit/edit", PermRead, anywhere, "", "Correct or delete a visit and its agreed actions", editVisitPage},
		{"POST", "/visits/:visit/edit", PermRead, anywhere, "", "Correct a visit's date and notes (programme lead)", updateVisit},
		{"POST", "/visits/:visit/delete", PermRead, anywhere, "", "Delete a visit without actions done (programme lead)", deleteVisit},
		{"POST", "/visits/:visit/actions/:action/edit", PermRead, anywhere, "", "Correct an agreed action", updateAction},
		{"POST", "/visits/:visit/actions/:action/delete", PermRead, anywhere, "", "Delete an agreed action not done", deleteAction},
		{"POST", "/years/:year/surveys", PermRead, anywhere, "", "Open a round of the staff survey in a programme year (managers, or a programme lead of the year)", createRound},
		{"GET", "/surveys/:round", PermRead, anywhere, "", "A round of the staff survey: the form for a school's team member", surveyPage},
		{"POST", "/surveys/:round", PermRead, anywhere, "", "Answer a round of the staff survey (team member, once)", answerSurvey},
		{"POST", "/surveys/:round/open", PermRead, anywhere, "", "Close or reopen a round of the staff survey (managers, or a programme lead of the year)", setRoundOpen},
		{"GET", "/surveys/:round/edit", PermManage, tenant, "", "Rename or delete a round of the staff survey", editRoundPage},
		{"POST", "/surveys/:round/edit", PermManage, tenant, "", "Rename a round of the staff survey", updateRound},
		{"POST", "/surveys/:round/delete", PermManage, tenant, "", "Delete a round nobody answered", deleteRound},
		{"GET", "/strategies", PermRead, anywhere, "", "The catalogue of strategies by theme", strategiesPage},
		{"POST", "/strategies", PermManage, tenant, "", "Add a strategy to the catalogue", addStrategy},
		{"POST", "/strategies/starter", PermManage, tenant, "", "Add the starter strategies to an empty catalogue", seedStrategies},
		{"GET", "/strategies/:strategy/edit", PermManage, tenant, "", "Correct, retire or delete a strategy of the catalogue", editStrategyPage},
		{"POST", "/strategies/:strategy/edit", PermManage, tenant, "", "Correct a strategy of the catalogue", updateStrategy},
		{"POST", "/strategies/:strategy/retire", PermManage, tenant, "", "Retire a strategy (kept for its trials, no longer offered) or bring it back", retireStrategy},
		{"POST", "/strategies/:strategy/delete", PermManage, tenant, "", "Delete a strategy no school has trialled", deleteStrategy},
	}
}

// Decls returns the routes as the manifest declares them.
func Decls() []*pluginv1.RouteDecl {
	rs := Routes()
	out := make([]*pluginv1.RouteDecl, len(rs))
	for i, r := range rs {
		out[i] = &pluginv1.RouteDecl{Method: r.Method, Path: r.Path, Permission: r.Permission, Scope: r.Scope, UnitParam: r.UnitParam, Summary: r.Summary}
	}
	return out
}

// Handler serves Routes.
func Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range Routes() {
		pattern := rt.Method + " " + muxPath(rt.Path)
		h := rt.handle
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) { serve(w, r, h) })
	}
	return mux
}

// muxPath turns "/clusters/:cluster" into "/clusters/{cluster}" and "/" into "/{$}".
func muxPath(p string) string {
	if p == "/" {
		return "/{$}"
	}
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") {
			parts[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// Errors a handler returns to answer with a status page.
var (
	errForbidden = errors.New("forbidden")
	errNotFound  = errors.New("not found")
)

// serve runs h and answers its error: 404, 403, 422 (bad input, nothing
// saved), 409 (a conflict, nothing saved) or 500.
func serve(w http.ResponseWriter, r *http.Request, h func(http.ResponseWriter, *http.Request) error) {
	err := h(w, r)
	if err == nil || badParam(w, r, err) {
		return
	}
	var v *store.ValidationError
	var qe *queryParamError
	switch {
	case errors.As(err, &qe):
		problem(w, r, http.StatusBadRequest, "Bad address", "The address's "+qe.Param+" cannot be used: "+qe.Message+".")
	case errors.Is(err, errNotFound) || errors.Is(err, store.ErrNotFound):
		problem(w, r, http.StatusNotFound, "Not found", "There is no such page in Challenge the Gap, or it belongs elsewhere.")
	case errors.Is(err, errForbidden):
		problem(w, r, http.StatusForbidden, "Not allowed", "Nothing was saved: this is for the cluster's lead or programme lead, the school's leaders, or its team this year.")
	case errors.As(err, &v):
		problem(w, r, http.StatusUnprocessableEntity, "Nothing was saved", fieldLabel(v.Field)+": "+v.Message+". Go back to correct it; your input is kept.")
	case errors.Is(err, store.ErrConflict):
		msg := err.Error()
		if i := strings.Index(msg, store.ErrConflict.Error()+": "); i >= 0 {
			msg = msg[i+len(store.ErrConflict.Error())+2:]
		}
		problem(w, r, http.StatusConflict, "Nothing was saved", upperFirst(msg)+".")
	default:
		sdk.Log(r.Context()).Error("challengegap page failed", "route", sdk.Route(r), "error", err.Error())
		problem(w, r, http.StatusInternalServerError, "Something went wrong", "Nothing was saved. If it happens again, give an administrator the time it happened.")
	}
}

func problem(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	body := template.HTML(`<h1>` + template.HTMLEscapeString(title) + `</h1><p class="error">` + template.HTMLEscapeString(msg) +
		`</p><p><a href="` + template.HTMLEscapeString(sdk.URL(r, "/")) + `">Challenge the Gap</a></p>`) //nolint:gosec // escaped
	sdk.PageStatus(w, r, status, title, body)
}

var fieldLabels = map[string]string{
	"label": "Academic year", "unit": "Cluster", "name": "Name", "schools": "Schools", "message": "Message", "note": "Note",
	"facilitation_school": "Facilitation school", "person": "Person", "role": "Role", "subject": "Subject", "para_type": "Type",
	"held_on": "Date", "venue": "Venue", "notes": "Notes", "present": "Attendance", "title": "Title", "url": "Link",
	"visited_on": "Date of the visit", "visitor": "Visitor", "text": "Action", "due_on": "Due date", "theme": "Theme",
	"description": "Description", "strategy": "Strategy", "started_on": "Start date", "decision": "Decision", "year": "Programme year",
	"school": "School", "cluster": "Cluster", "what": "Step", "answers": "Answers", "challenge": "The challenge", "response": "The response", "outcome": "The outcome", "who": "Who", "year_groups": "Year groups", "classes": "Classes", "pupils": "Pupils", "reason": "Reason", "taken_on": "Date of the snapshot", "snapshot": "Snapshot", "lead": "Cluster lead", "programme_lead": "Programme lead",
	"confirm": "Confirmation", "retired": "Retirement", "withdrawn_on": "Date the school left",
}

func fieldLabel(f string) string {
	if l, ok := fieldLabels[f]; ok {
		return l
	}
	return upperFirst(strings.ReplaceAll(f, "_", " "))
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// render answers the template name as a page.
func render(w http.ResponseWriter, r *http.Request, title, name string, data any) error {
	return sdk.Render(w, r, http.StatusOK, title, tmpl, name, data)
}

// renderStatus is render with an HTTP status.
func renderStatus(w http.ResponseWriter, r *http.Request, status int, title, name string, data any) error {
	return sdk.Render(w, r, status, title, tmpl, name, data)
}

// redirect answers a successful POST with 303 to the plugin path.
func redirect(w http.ResponseWriter, r *http.Request, path string) error {
	http.Redirect(w, r, sdk.URL(r, path), http.StatusSeeOther)
	return nil
}

// id reads a path parameter as an id; a malformed one is a 404.
func id(r *http.Request, name string) (uint64, error) {
	v, err := strconv.ParseUint(r.PathValue(name), 10, 64)
	if err != nil || v == 0 {
		return 0, errNotFound
	}
	return v, nil
}

// formID reads an optional id field of a form (0 when empty); a malformed
// value is a validation error naming field.
func formID(r *http.Request, field string) (uint64, error) {
	s := strings.TrimSpace(r.PostFormValue(field))
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, &store.ValidationError{Field: field, Message: "choose one of the options"}
	}
	return v, nil
}

// common is what every page's template needs.
type common struct {
	Base string
	CSRF template.HTML
}

func commonOf(r *http.Request) common { return common{Base: sdk.BasePath(r), CSRF: sdk.CSRFField(r)} }

// st is the request's store, bound to the actor's tenant.
func st(r *http.Request) *store.Store {
	ctx := r.Context()
	return store.New(sdk.Tenant(ctx), sdk.TenantID(ctx))
}

// audit records a change by the actor; action is below the plugin's prefix.
func audit(r *http.Request, action, entity string, entityID uint64, before, after any) error {
	ctx := r.Context()
	if err := sdk.HostFrom(ctx).Audit(ctx, AuditPrefix+action, entity, strconv.FormatUint(entityID, 10), before, after); err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// userID is the actor's user id.
func userID(r *http.Request) uint64 { return sdk.ActorFrom(r.Context()).GetUserId() }

// phaseLabel is a phase as people say it ("all_through" → "All-through").
func phaseLabel(phase string) string {
	switch phase {
	case "":
		return "Not recorded"
	case "all_through":
		return "All-through"
	case "sixteen_plus":
		return "16 plus"
	case "alternative_provision":
		return "Alternative provision"
	}
	return upperFirst(phase)
}

// phaseName turns the Host's phase into the rules' name ("primary", "all_through"; "" when unspecified).
func phaseName(p pluginv1.Phase) string {
	return store.SchoolFromHost(&pluginv1.School{Phase: p}).Phase
}

// schoolRecord is the plugin's record of a school read from the Host.
func schoolRecord(s *pluginv1.School) store.School { return store.SchoolFromHost(s) }
