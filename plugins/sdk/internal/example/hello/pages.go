package main

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
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

var page = template.Must(template.New("index").Parse(`
<h1>Hello</h1>
{{if .Overdue}}<p class="error"><strong>Overdue:</strong> greetings were due by {{.Due}}.</p>
{{else if .Due}}<p>Greetings are due by {{.Due}}.</p>{{end}}
{{if .Error}}<p class="error">{{.Error}}</p>{{end}}
<h2>Your schools</h2>
<ul>{{range .Schools}}<li>{{.Name}} (URN {{.Urn}})</li>{{else}}<li>None within your reach.</li>{{end}}</ul>
{{if .CanWrite}}
<form method="post" action="{{.Action}}">
  {{.CSRF}}
  <label>School <select name="school_id">{{range .Schools}}<option value="{{.Id}}">{{.Name}}</option>{{end}}</select></label>
  <label>Greeting <input name="message" maxlength="280" value="{{.Message}}" required></label>
  <button>Send</button>
</form>
{{end}}
<h2>Greetings</h2>
<ul>{{range .Greetings}}<li>{{index $.Names .SchoolID}}: {{.Message}}</li>{{else}}<li>No greetings yet.</li>{{end}}</ul>
`))

type view struct {
	Schools   []*pluginv1.School
	Names     map[uint64]string
	Greetings []greeting
	CanWrite  bool
	Action    string
	CSRF      template.HTML
	Error     string
	Message   string
	// Due is the due_by setting as people read it ("Fri 17 Jul 2026"), and
	// Overdue whether that London date has passed.
	Due     string
	Overdue bool
}

// load gathers the page with one batched call per kind of data.
func load(r *http.Request) (*view, error) {
	ctx := r.Context()
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
	v := &view{Schools: schools, Names: map[uint64]string{}, CanWrite: can, Action: sdk.URL(r, "/greetings"), CSRF: sdk.CSRFField(r)}
	v.Due, v.Overdue = due(settings[settingDueBy], sdk.Today(ctx))
	for _, s := range schools {
		v.Names[s.GetId()] = s.GetName()
	}
	if err := sdk.Tenant(ctx).Order("id DESC").Limit(50).Find(&v.Greetings).Error; err != nil {
		return nil, err
	}
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

// index returns its error for the SDK to answer (sdk.HandlerFunc).
func index(w http.ResponseWriter, r *http.Request) error {
	v, err := load(r)
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
	_, known := v.Names[school]
	switch {
	case msg == "" || utf8.RuneCountInString(msg) > 280:
		v.Error = "Write a greeting of 1 to 280 characters."
	case !known:
		v.Error = "Choose one of your schools."
	}
	if v.Error != "" {
		v.Message = msg
		if err := sdk.Render(w, r, http.StatusUnprocessableEntity, "Hello", page, "index", v); err != nil {
			fail(w, r, err)
		}
		return
	}
	g := greeting{SchoolID: school, Message: msg, CreatedBy: sdk.ActorFrom(ctx).GetUserId(), CreatedAt: sdk.Now(ctx)}
	if err := sdk.Tenant(ctx).Create(&g).Error; err != nil {
		fail(w, r, err)
		return
	}
	if err := sdk.HostFrom(ctx).Audit(ctx, "hello.greeting.create", "greeting", strconv.FormatUint(g.ID, 10), nil, g); err != nil {
		fail(w, r, err)
		return
	}
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

// fail logs err and answers a short error page.
func fail(w http.ResponseWriter, r *http.Request, err error) {
	sdk.Log(r.Context()).Error("hello page failed", "route", sdk.Route(r), "error", err.Error())
	sdk.PageStatus(w, r, http.StatusInternalServerError, "Hello", "<p>Something went wrong; nothing was saved.</p>")
}
