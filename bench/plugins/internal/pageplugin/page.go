// Package pageplugin is the page the plugin benchmark serves two ways: as a
// real plugin process (cmd/pageplugin, through the core's proxy and the Host
// API) and mounted in-process in the core. Both run this package's Handler;
// only the Data behind it differs (Host calls, or direct core calls).
package pageplugin

import (
	"bytes"
	"context"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"sync/atomic"
)

// ID is the plugin's id; its routes live under /p/benchpage/.
const ID = "benchpage"

// Permissions of the page.
const (
	PermRead  = "benchpage.page.read"
	PermWrite = "benchpage.page.write"
)

// PageTitleHeader marks a page response (the SDK's page marker): the body
// is a fragment the core wraps in its shell.
const PageTitleHeader = "X-Upwards-Page-Title"

// School is what the page shows of one school.
type School struct {
	ID      uint64
	Name    string
	URN     string
	Parents int
}

// Data is everything the page reads about the actor: the schools within
// reach, in one batched call, and whether the actor may write.
type Data interface {
	Schools(ctx context.Context) ([]School, error)
	CanWrite(ctx context.Context) (bool, error)
}

// Stats counts pages served and Data calls made for them.
type Stats struct {
	pages, calls atomic.Int64
}

// Snapshot is Stats at one moment, as GET /stats answers it.
type Snapshot struct {
	Pages int64 `json:"pages"`
	Calls int64 `json:"calls"`
}

// Snapshot reads the counters.
func (s *Stats) Snapshot() Snapshot {
	return Snapshot{Pages: s.pages.Load(), Calls: s.calls.Load()}
}

// counted counts each call of the Data it wraps.
type counted struct {
	d Data
	s *Stats
}

func (c counted) Schools(ctx context.Context) ([]School, error) {
	c.s.calls.Add(1)
	return c.d.Schools(ctx)
}

func (c counted) CanWrite(ctx context.Context) (bool, error) {
	c.s.calls.Add(1)
	return c.d.CanWrite(ctx)
}

var page = template.Must(template.New("index").Parse(`
<h1>Schools</h1>
<ul>{{range .Schools}}<li>{{.Name}} (URN {{.URN}}, {{.Parents}} groups)</li>{{else}}<li>None within your reach.</li>{{end}}</ul>
{{if .CanWrite}}<p><a href="{{.Base}}/new">Add a note</a></p>{{end}}
`))

type view struct {
	Schools  []School
	CanWrite bool
	Base     string
}

// Handler answers GET / (the page) and GET /stats (the counters as JSON).
// data returns the request's Data; every call to it is counted in stats.
func Handler(data func(r *http.Request) Data, stats *Stats) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		d := counted{d: data(r), s: stats}
		stats.pages.Add(1)
		schools, err := d.Schools(ctx)
		if err != nil {
			http.Error(w, "schools unavailable", http.StatusBadGateway)
			return
		}
		can, err := d.CanWrite(ctx)
		if err != nil {
			http.Error(w, "permission check failed", http.StatusBadGateway)
			return
		}
		var buf bytes.Buffer
		if err := page.Execute(&buf, view{Schools: schools, CanWrite: can, Base: "/p/" + ID}); err != nil {
			http.Error(w, "render failed", http.StatusInternalServerError)
			return
		}
		w.Header().Set(PageTitleHeader, url.PathEscape("Schools"))
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(buf.Bytes())
	})
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(stats.Snapshot())
	})
	return mux
}
