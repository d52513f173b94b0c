// Package web is the trial's pages: server-rendered fragments the core
// wraps in its shell, built from the SDK's ui components, and the forms
// that change the trial's records. Routes declares every route once, on an
// sdk.Router, so the manifest and the handler never disagree.
//
// The core enforces each route's one permission (for UNIT routes, at the
// school or delivery centre in the path) before a request arrives; the
// handlers narrow what they show to the schools the actor reaches (Host
// Schools) and check what only the plugin knows: that a delegate answers
// for themself, that a facilitator is trained at the centre.
//
// Concealment: no page shows an arm before its wave is allocated (there is
// none to show: the store makes the allocation only from the committed
// seed), and no page, download or log line shows a seed before it is
// revealed. The evaluator's pages (/research) name schools and centres by
// their trial codes and people by nothing at all.
package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
	"github.com/challengepartners/upwards/plugins/eal/internal/store"
)

// Permissions the plugin declares.
const (
	// PermRead: see the trial's pages (phases, CONSORT, progress) and the
	// pages of the schools and centres within reach, by name.
	PermRead = "eal.trial.read"
	// PermManage: run the trial (the trial manager): trials, centres,
	// facilitators' training, recruitment, eligibility, agreements,
	// withdrawals, the randomisation and the evaluator's exports.
	PermManage = "eal.trial.manage"
	// PermJoin: act for a school (at the school): express its interest and
	// name its delegates.
	PermJoin = "eal.school.join"
	// PermCentre: run a delivery centre (at the centre): date its three
	// days and record its delegates' attendance.
	PermCentre = "eal.centre.run"
	// PermSession: log a course day and its fidelity (at the centre; the
	// person must be trained as a facilitator there).
	PermSession = "eal.session.log"
	// PermAssess: answer one's own self-assessment as a delegate.
	PermAssess = "eal.delegate.assess"
	// PermPupils: record a school's EAL pupils' proficiency codes, scores,
	// GCSE results and parents' objections (at the school, with
	// core.pupil.read there).
	PermPupils = "eal.pupil.write"
	// PermResearch: the evaluator's view: the allocation, the CONSORT
	// diagram and the exports, pseudonymised, nothing identifying.
	PermResearch = "eal.research.read"
	// PermPupilRead is the core's permission to see pupil-level data.
	PermPupilRead = "core.pupil.read"
)

// Settings of the plugin.
const (
	SettingPhases        = "eligible_phases"
	SettingMinEAL        = "eligible_min_eal_percent"
	SettingExcludeOthers = "exclude_other_trials"
	SettingStratifyBy    = "stratify_by"
	SettingEALCut        = "stratify_eal_cut"
	SettingFSMCut        = "stratify_fsm_cut"
	SettingPupilYears    = "pupil_year_groups"
)

// Routes declares every route of the plugin with its handler.
func Routes() *sdk.Router {
	rt := sdk.NewRouter()
	anywhere, tenant, unit := sdk.ScopeAnywhere, sdk.ScopeTenant, sdk.ScopeUnit
	add := func(method, path, perm string, scope pluginv1.RouteScope, unitParam, summary string, h sdk.HandlerFunc) {
		rt.Handle(sdk.Endpoint{Method: method, Path: path, Permission: perm, Scope: scope, UnitParam: unitParam, Summary: summary}, wrap(h))
	}
	add("GET", "/", PermRead, anywhere, "", "The trials and your place in them", home)
	add("POST", "/trials", PermManage, tenant, "", "Set up a trial", createTrial)
	add("GET", "/trials/:trial", PermRead, anywhere, "", "A trial: phases, CONSORT diagram, progress per centre and school", trialPage)
	add("POST", "/trials/:trial", PermManage, tenant, "", "Correct a trial's name, registration and phases", updateTrial)
	add("POST", "/trials/:trial/centres", PermManage, tenant, "", "Add a delivery centre to a trial", addCentre)
	add("POST", "/trials/:trial/schools", PermManage, tenant, "", "Record a school's interest in a trial", addSchool)
	add("GET", "/trials/:trial/centres/:unit", PermRead, unit, "unit", "A delivery centre: its days, facilitators, delegates and sessions", centrePage)
	add("POST", "/trials/:trial/centres/:unit/facilitators", PermManage, tenant, "", "Record a facilitator's training at a centre", addFacilitator)
	add("POST", "/trials/:trial/centres/:unit/days", PermCentre, unit, "unit", "Date a centre's three course days", setDays)
	add("POST", "/trials/:trial/centres/:unit/attendance", PermCentre, unit, "unit", "Record a course day's attendance", setAttendance)
	add("POST", "/trials/:trial/centres/:unit/sessions", PermSession, unit, "unit", "Log a course day and its fidelity (trained facilitator)", logSession)
	add("GET", "/trials/:trial/schools/:unit", PermRead, unit, "unit", "A school in a trial: eligibility, agreement, delegates, pupils' baseline, withdrawal", schoolPage)
	add("POST", "/trials/:trial/schools/:unit/interest", PermJoin, unit, "unit", "Express the school's interest in a trial", expressInterest)
	add("POST", "/trials/:trial/schools/:unit/eligibility", PermManage, tenant, "", "Check a school's eligibility", checkEligibility)
	add("POST", "/trials/:trial/schools/:unit/agreement", PermManage, tenant, "", "Record a school's signed agreement and named lead", recordAgreement)
	add("POST", "/trials/:trial/schools/:unit/delegates", PermJoin, unit, "unit", "Name a teacher of the school as a delegate", addDelegate)
	add("POST", "/trials/:trial/schools/:unit/withdraw", PermManage, tenant, "", "Record a school's withdrawal, its stage and reason", withdrawSchool)
	add("POST", "/trials/:trial/schools/:unit/waitlist", PermManage, tenant, "", "Record that a control school was offered the course after the trial", offerWaitlist)
	add("GET", "/trials/:trial/schools/:unit/pupils", PermPupilRead, unit, "unit", "A school's EAL pupils in the trial: proficiency codes, scores, GCSE results", pupilsPage)
	add("POST", "/trials/:trial/schools/:unit/pupils", PermPupils, unit, "unit", "Add the school's EAL pupils to the trial", addPupils)
	add("POST", "/trials/:trial/schools/:unit/pupils/points", PermPupils, unit, "unit", "Record the pupils' proficiency codes and scores at a point", savePoints)
	add("POST", "/trials/:trial/schools/:unit/pupils/gcse", PermPupils, unit, "unit", "Record the pupils' GCSE results", saveGCSE)
	add("POST", "/trials/:trial/schools/:unit/pupils/:pupil/objection", PermPupils, unit, "unit", "Record a parent's objection: the pupil leaves every later export", recordObjection)
	add("GET", "/trials/:trial/randomisation", PermManage, tenant, "", "The randomisation: freeze, commit, allocate, reveal; the balance table", randomisationPage)
	add("POST", "/trials/:trial/waves", PermManage, tenant, "", "Freeze the list of the schools ready to be randomised", freezeWave)
	add("POST", "/trials/:trial/waves/:wave/commit", PermManage, tenant, "", "Draw the secret seed and record the commitment", commitWave)
	add("POST", "/trials/:trial/waves/:wave/allocate", PermManage, tenant, "", "Allocate the wave's schools from the committed seed (once)", allocateWave)
	add("POST", "/trials/:trial/waves/:wave/reveal", PermManage, tenant, "", "Reveal the wave's seed", revealWave)
	add("GET", "/trials/:trial/exports", PermManage, tenant, "", "The evaluator's exports and the columns the data-sharing agreement lists", exportsPage)
	add("POST", "/trials/:trial/exports", PermManage, tenant, "", "Freeze a new version of the evaluator's export", createExport)
	add("POST", "/trials/:trial/dsa", PermManage, tenant, "", "Record the columns the data-sharing agreement lists", setDSA)
	add("GET", "/me", PermAssess, anywhere, "", "Your course as a delegate: days and self-assessments", mePage)
	add("POST", "/me/delegates/:delegate/assessments", PermAssess, anywhere, "", "Answer your self-assessment before or after the course", saveAssessment)
	add("GET", "/research", PermResearch, anywhere, "", "The evaluator's view: the trials, pseudonymised", researchHome)
	add("GET", "/research/trials/:trial", PermResearch, anywhere, "", "The evaluator's view of a trial: allocation by trial code, re-derivation, CONSORT, exports", researchTrial)
	add("GET", "/research/trials/:trial/waves/:wave/:file", PermResearch, anywhere, "", "A wave's frozen list, commitment, allocation or revealed seed, as a file", waveFile)
	add("GET", "/research/trials/:trial/consort.svg", PermResearch, anywhere, "", "The CONSORT flow diagram as an SVG file", consortSVG)
	add("GET", "/research/trials/:trial/exports/:version", PermResearch, anywhere, "", "Download one frozen version of the evaluator's export", downloadExport)
	return rt
}

// wrap maps the store's errors to answers: not found 404, a conflict 409
// with its message (which names records by code, never a person).
func wrap(h sdk.HandlerFunc) sdk.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		err := h(w, r)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, store.ErrNotFound):
			return fmt.Errorf("%w: %w", sdk.ErrNotFound, err)
		case errors.Is(err, store.ErrConflict):
			return &sdk.HTTPError{Status: http.StatusConflict, Message: conflictMessage(err)}
		}
		if _, ok := ui.ErrorsOf(err); ok {
			return &sdk.HTTPError{Status: http.StatusUnprocessableEntity, Message: "The form was refused: " + err.Error()}
		}
		return err
	}
}

// conflictMessage is the conflict's rule and way out, without the
// "conflict: " of its wrapping.
func conflictMessage(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, store.ErrConflict.Error()+": "); i >= 0 {
		msg = msg[i+len(store.ErrConflict.Error())+2:]
	}
	if msg == "" {
		return "The change is not possible in the record's present state."
	}
	return strings.ToUpper(msg[:1]) + msg[1:] + "."
}

// st is the request's store, bound to the actor's tenant.
func st(r *http.Request) *store.Store {
	return store.New(sdk.Tenant(r.Context()), sdk.TenantID(r.Context()))
}

// pathID reads a numeric path parameter; a bad one is 404.
func pathID(r *http.Request, name string) (uint64, error) {
	v, err := strconv.ParseUint(r.PathValue(name), 10, 64)
	if err != nil || v == 0 {
		return 0, fmt.Errorf("%s %q: %w", name, r.PathValue(name), sdk.ErrNotFound)
	}
	return v, nil
}

// loadTrial loads the trial named in the path.
func loadTrial(r *http.Request) (store.Trial, error) {
	id, err := pathID(r, "trial")
	if err != nil {
		return store.Trial{}, err
	}
	return st(r).Trial(id)
}

// change is one audited write and where to go after it.
type change struct {
	Action, Entity string // "school.withdraw", "trial_school"
	ID             uint64
	Before, After  any
	Next           string // the plugin path to redirect to
	Flash          string // what to confirm on the next page
}

// commit runs write in a transaction with its audit entry (sdk.AuditTx),
// then confirms and redirects. A refused write leaves nothing: neither the
// change nor its entry.
func commit(w http.ResponseWriter, r *http.Request, write func(s *store.Store) (change, error)) error {
	ctx := r.Context()
	var c change
	err := sdk.Tenant(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		if c, err = write(store.New(tx, sdk.TenantID(ctx))); err != nil {
			return err
		}
		return sdk.AuditTx(ctx, tx, "eal."+c.Action, c.Entity, strconv.FormatUint(c.ID, 10), c.Before, c.After)
	})
	if err != nil {
		return err
	}
	if c.Flash != "" {
		ui.Flash(w, c.Flash)
	}
	http.Redirect(w, r, sdk.URL(r, c.Next), http.StatusSeeOther)
	return nil
}

// formErrors returns the field errors of a refused form, if err is one.
func formErrors(err error) (ui.Errors, bool) {
	if err == nil {
		return nil, false
	}
	return ui.ErrorsOf(err)
}

// form is a refused form to show again: which form, what was typed and
// what was wrong. The zero form is a fresh page.
type form struct {
	Name   string
	Values map[string][]string
	Errs   ui.Errors
}

// bind fills fields from the refused form when it is this one.
func (f form) bind(name string, fields []ui.Field) []ui.Field {
	if f.Name != name {
		return fields
	}
	return ui.Bind(fields, f.Values, f.Errs)
}

// summary is the error box of the refused form, when it is this one.
func (f form) summary(name string, fields []ui.Field) template.HTML {
	if f.Name != name || len(f.Errs) == 0 {
		return ""
	}
	return ui.ErrorSummary(f.Errs, fields...)
}

// refused builds the form state of a refused post.
func refused(r *http.Request, name string, errs ui.Errors) form {
	return form{Name: name, Values: r.PostForm, Errs: errs}
}

func esc(s string) string { return template.HTMLEscapeString(s) }

// html joins fragments into one.
func html(parts ...template.HTML) template.HTML {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(string(p))
	}
	return template.HTML(b.String()) //nolint:gosec // joins fragments already escaped
}

// tag wraps escaped text in an element, e.g. tag("h2", "Centres").
func tag(name, text string) template.HTML {
	return template.HTML("<" + name + ">" + esc(text) + "</" + name + ">") //nolint:gosec // escaped
}

// para is a paragraph of escaped text.
func para(text string) template.HTML { return tag("p", text) }

// section is an h2 and its content, in a <section> labelled by it.
func section(id, title string, body ...template.HTML) template.HTML {
	return html(template.HTML(`<section aria-labelledby="`+esc(id)+`"><h2 id="`+esc(id)+`">`+esc(title)+`</h2>`), html(body...), "</section>")
}

// postForm is a form posting fields to action with one button.
func postForm(r *http.Request, action, submit string, f form, name string, fields []ui.Field, extra ...template.HTML) template.HTML {
	fields = f.bind(name, fields)
	return html(template.HTML(`<form method="post" action="`+esc(sdk.URL(r, action))+`" novalidate>`), sdk.CSRFField(r),
		f.summary(name, fields), fieldsHTML(fields), html(extra...),
		template.HTML(`<button type="submit">`+esc(submit)+`</button></form>`))
}

func fieldsHTML(fs []ui.Field) template.HTML {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(string(f.HTML()))
	}
	return template.HTML(b.String()) //nolint:gosec // components escape
}

// button is a form with only a button (and hidden fields).
func button(r *http.Request, action, label string, hidden map[string]string) template.HTML {
	var b strings.Builder
	b.WriteString(`<form method="post" action="` + esc(sdk.URL(r, action)) + `">` + string(sdk.CSRFField(r)))
	for k, v := range hidden {
		b.WriteString(`<input type="hidden" name="` + esc(k) + `" value="` + esc(v) + `">`)
	}
	b.WriteString(`<button type="submit">` + esc(label) + `</button></form>`)
	return template.HTML(b.String()) //nolint:gosec // escaped
}

// dl is a description list of label/value pairs (values escaped).
func dl(pairs ...string) template.HTML {
	var b strings.Builder
	b.WriteString("<dl>")
	for i := 0; i+1 < len(pairs); i += 2 {
		b.WriteString("<dt>" + esc(pairs[i]) + "</dt><dd>" + esc(dash(pairs[i+1])) + "</dd>")
	}
	b.WriteString("</dl>")
	return template.HTML(b.String()) //nolint:gosec // escaped
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// date shows a "YYYY-MM-DD" date as "Mon 4 Sep 2017" ("—" for none).
func date(s string) string {
	if s == "" {
		return "—"
	}
	d, err := rules.ParseDate(s)
	if err != nil {
		return s
	}
	return d.Format("Mon 2 Jan 2006")
}

// show renders a page with status (200, or 422 for a refused form).
func show(w http.ResponseWriter, r *http.Request, status int, title string, body template.HTML) error {
	sdk.PageStatus(w, r, status, title, body)
	return nil
}

// status is 422 for a refused form and 200 otherwise.
func (f form) status() int {
	if len(f.Errs) > 0 {
		return http.StatusUnprocessableEntity
	}
	return http.StatusOK
}

func u64(id uint64) string { return strconv.FormatUint(id, 10) }
