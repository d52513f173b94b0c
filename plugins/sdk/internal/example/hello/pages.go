package main

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

func routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", index)
	mux.HandleFunc("POST /greetings", create)
	mux.HandleFunc("GET /api/greetings", list)
	return mux
}

var page = template.Must(template.New("index").Parse(`
<h1>Hello</h1>
{{if .Error}}<p class="error">{{.Error}}</p>{{end}}
{{if .Saved}}<p role="status">Your greeting was saved.</p>{{end}}
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
	Saved     bool
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
	v := &view{Schools: schools, Names: map[uint64]string{}, CanWrite: can, Action: sdk.URL(r, "/greetings"), CSRF: sdk.CSRFField(r)}
	for _, s := range schools {
		v.Names[s.GetId()] = s.GetName()
	}
	if err := sdk.Tenant(ctx).Order("id DESC").Limit(50).Find(&v.Greetings).Error; err != nil {
		return nil, err
	}
	return v, nil
}

func index(w http.ResponseWriter, r *http.Request) {
	v, err := load(r)
	if err != nil {
		fail(w, r, err)
		return
	}
	v.Saved = r.URL.Query().Get("saved") == "1"
	if err := sdk.Render(w, r, http.StatusOK, "Hello", page, "index", v); err != nil {
		fail(w, r, err)
	}
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
	// The greeting and its audit entry commit together: once the
	// transaction commits the greeting is saved and audited, whatever the
	// core's audit log says right now (the SDK delivers the entry to it).
	g := greeting{SchoolID: school, Message: msg, CreatedBy: sdk.ActorFrom(ctx).GetUserId()}
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
	http.Redirect(w, r, sdk.URL(r, "/?saved=1"), http.StatusSeeOther)
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
