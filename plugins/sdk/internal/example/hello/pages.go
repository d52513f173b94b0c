package main

import (
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
	"github.com/challengepartners/upwards/plugins/sdk/ui"
)

// routes declares each route of the plugin once: its method, path,
// permission, scope and handler. The SDK derives the manifest's routes from
// it (manifest.go declares none) and it serves them.
func routes() *sdk.Router {
	rt := sdk.NewRouter()
	rt.Handle(sdk.Endpoint{Method: "GET", Path: "/", Permission: permRead, Scope: sdk.ScopeAnywhere,
		Summary: "Greetings and the actor's schools"}, index)
	rt.HandleFunc(sdk.Endpoint{Method: "POST", Path: "/greetings", Permission: permWrite, Scope: sdk.ScopeAnywhere,
		Summary: "Post a greeting"}, create)
	rt.HandleFunc(sdk.Endpoint{Method: "GET", Path: "/api/greetings", Permission: permRead, Scope: sdk.ScopeAnywhere,
		Summary: "Greetings as JSON"}, list)
	return rt
}

// page is built from the SDK's shared components (package ui), so it looks
// like every other programme's pages.
var page = template.Must(template.New("index").Funcs(ui.FuncMap()).Parse(`
{{ui .Header}}
{{if .Overdue}}<p class="error"><strong>Overdue:</strong> greetings were due by {{.Due}}.</p>
{{else if .Due}}<p>Greetings are due by {{.Due}}.</p>{{end}}
<h2>Your schools</h2>
<ul>{{range .Schools}}<li>{{.Name}} (URN {{.Urn}})</li>{{else}}<li>None within your reach.</li>{{end}}</ul>
{{if .CanWrite}}
<h2>Send a greeting</h2>
{{uiErrorSummary .Errors .Fields}}
<form method="post" action="{{.Action}}" novalidate>
  {{.CSRF}}
  {{uiFields .Fields}}
  <button type="submit">Send</button>
</form>
{{end}}
{{ui .Greetings}}
`))

// The greetings table's columns; "sent" and "school" sort.
var columns = []ui.Column{
	{Key: "school", Label: "School", Sortable: true},
	{Key: "message", Label: "Greeting"},
	{Key: "sent", Label: "Sent", Sortable: true},
}

type view struct {
	Header    ui.Header
	Schools   []*pluginv1.School
	Names     map[uint64]string
	Greetings ui.Table
	CanWrite  bool
	Action    string
	CSRF      template.HTML
	Fields    []ui.Field
	Errors    ui.Errors
	// Due is the due_by setting as people read it ("Fri 17 Jul 2026"), and
	// Overdue whether that London date has passed.
	Due     string
	Overdue bool
}

// load gathers the page with one batched call per kind of data.
func load(r *http.Request) (*view, error) {
	ctx := r.Context()
	order, err := ui.ParseSort(r.URL.Query(), columns, ui.Sort{Key: "sent", Desc: true})
	if err != nil {
		return nil, err
	}
	host := sdk.HostFrom(ctx)
	schools, err := host.Schools(ctx) // every school the actor reaches, in one call
	if err != nil {
		return nil, err
	}
	can, err := host.Can(ctx, permWrite, 0)
	if err != nil {
		return nil, err
	}
	settings, err := host.Settings(ctx)
	if err != nil {
		return nil, err
	}
	v := &view{Header: ui.Header{Title: "Hello", Lead: "Greetings between the schools of your organisation."},
		Schools: schools, Names: map[uint64]string{}, CanWrite: can, Action: sdk.URL(r, "/greetings"), CSRF: sdk.CSRFField(r)}
	v.Due, v.Overdue = due(settings[settingDueBy], sdk.Today(ctx))
	options := []ui.Option{{Value: "", Label: "Choose a school"}}
	for _, s := range schools {
		v.Names[s.GetId()] = s.GetName()
		options = append(options, ui.Option{Value: strconv.FormatUint(s.GetId(), 10), Label: s.GetName()})
	}
	v.Fields = []ui.Field{
		{Kind: ui.Select, Name: "school_id", Label: "School", Options: options, Required: true},
		{Kind: ui.Text, Name: "message", Label: "Greeting", Hint: "Up to 280 characters", Required: true},
	}
	var gs []greeting
	if err := sdk.Tenant(ctx).Order("id DESC").Limit(50).Find(&gs).Error; err != nil {
		return nil, err
	}
	rows := make([]ui.Row, len(gs))
	for i, g := range gs {
		rows[i] = ui.Row{"school": v.Names[g.SchoolID], "message": g.Message, "sent": g.CreatedAt}
	}
	ui.SortRows(rows, order)
	v.Greetings = ui.Table{Caption: "Greetings", Columns: columns, Rows: rows, Sort: order, Query: r.URL.Query(),
		Empty: "No greetings yet.", ID: "greetings"}
	return v, nil
}

// due reads the due_by setting (a London date, "2026-07-17") on today's
// London date: the date as people read it and whether it has passed. An
// empty or malformed setting is no due date.
func due(setting string, today time.Time) (string, bool) {
	d, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(setting), sdk.London())
	if err != nil {
		return "", false
	}
	return d.Format("Mon 2 Jan 2006"), d.Before(today)
}

// index returns its error for the SDK to answer (sdk.HandlerFunc); a sort
// the table does not know is the request's fault (400).
func index(w http.ResponseWriter, r *http.Request) error {
	v, err := load(r)
	var bad *ui.SortError
	if errors.As(err, &bad) {
		return &sdk.HTTPError{Status: http.StatusBadRequest, Message: bad.Error()}
	}
	if err != nil {
		return err
	}
	return sdk.Render(w, r, http.StatusOK, "Hello", page, "index", v)
}

func create(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	msg := strings.TrimSpace(r.PostFormValue("message"))
	school, _ := strconv.ParseUint(r.PostFormValue("school_id"), 10, 64)
	v, err := load(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	if _, known := v.Names[school]; !known {
		v.Errors.Add("school_id", "Choose one of your schools")
	}
	if msg == "" || utf8.RuneCountInString(msg) > 280 {
		v.Errors.Add("message", "Write a greeting of 1 to 280 characters")
	}
	if len(v.Errors) > 0 {
		// The form comes back as the user left it, each problem beside its field.
		v.Fields = ui.Bind(v.Fields, r.PostForm, v.Errors)
		if err := sdk.Render(w, r, http.StatusUnprocessableEntity, "Hello", page, "index", v); err != nil {
			fail(w, r, err)
		}
		return
	}
	// The greeting and its audit entry commit together: once the
	// transaction commits the greeting is saved and audited, whatever the
	// core's audit log says right now (the SDK delivers the entry to it).
	g := greeting{SchoolID: school, Message: msg, CreatedBy: sdk.ActorFrom(ctx).GetUserId(), CreatedAt: sdk.Now(ctx)}
	err = sdk.Tenant(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&g).Error; err != nil {
			return err
		}
		return sdk.AuditTx(ctx, tx, "hello.greeting.create", "greeting", strconv.FormatUint(g.ID, 10), nil, g)
	})
	if err != nil {
		fail(w, r, err)
		return
	}
	ui.Flash(w, "Greeting sent to "+v.Names[school])
	http.Redirect(w, r, sdk.URL(r, "/"), http.StatusSeeOther)
}

func list(w http.ResponseWriter, r *http.Request) {
	var gs []greeting
	if err := sdk.Tenant(r.Context()).Order("id").Find(&gs).Error; err != nil {
		http.Error(w, `{"error":"internal"}`, http.StatusInternalServerError)
		return
	}
	if gs == nil {
		gs = []greeting{}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"greetings": gs})
}

// fail logs err and answers a short error page; a sort the table does not
// know is the request's fault (400).
func fail(w http.ResponseWriter, r *http.Request, err error) {
	var bad *ui.SortError
	if errors.As(err, &bad) {
		sdk.PageStatus(w, r, http.StatusBadRequest, "Hello", template.HTML("<p>"+template.HTMLEscapeString(bad.Error())+"</p>")) //nolint:gosec // escaped
		return
	}
	sdk.Log(r.Context()).Error("hello page failed", "route", sdk.Route(r), "error", err.Error())
	sdk.PageStatus(w, r, http.StatusInternalServerError, "Hello", "<p>Something went wrong; nothing was saved.</p>")
}
