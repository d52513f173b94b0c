package sdk

import (
	"context"
	"encoding/json"
	"errors"
	"html/template"
	"io"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

func header(r *pluginv1.HandleHTTPResponse, name string) string {
	for _, h := range r.GetHeaders() {
		if h.GetName() == name && len(h.GetValues()) > 0 {
			return h.GetValues()[0]
		}
	}
	return ""
}

func TestHandleHTTPBuildsTheRequestAndConvertsTheAnswer(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /schools/{unit}/notes", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		_ = json.NewEncoder(w).Encode(map[string]any{
			"unit": r.PathValue("unit"), "q": r.URL.Query().Get("q"), "body": string(body), "host": r.Host,
			"accept": r.Header.Values("Accept"), "tenant": TenantID(r.Context()), "route": Route(r),
			"csrf": CSRFToken(r), "url": URL(r, "/x"), "path": r.URL.Path,
		})
	})
	mux.HandleFunc("GET /page", func(w http.ResponseWriter, r *http.Request) {
		Page(w, r, "Notes & more", template.HTML("<p>hi</p>"+string(CSRFField(r))))
	})
	mux.HandleFunc("GET /go", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, URL(r, "/page"), http.StatusSeeOther)
	})
	mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("kaput") })
	s, _ := testServer(t, &Plugin{Handler: mux})
	ctx := t.Context()
	actor := &pluginv1.Actor{TenantId: 1, UserId: 100}

	resp, err := s.HandleHTTP(ctx, &pluginv1.HandleHTTPRequest{
		Actor: actor, Method: "POST", Path: "/schools/42/notes", RawQuery: "q=a+b", Body: []byte("x=1"),
		Headers:   []*pluginv1.Header{{Name: "accept", Values: []string{"text/html", "application/json"}}, {Name: "Host", Values: []string{"partnership.example"}}},
		CsrfToken: `tok"<`, BasePath: "/p/demo", Route: "/schools/:unit/notes",
	})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(resp.GetBody(), &got); err != nil {
		t.Fatalf("%v: %s", err, resp.GetBody())
	}
	want := map[string]any{"unit": "42", "q": "a b", "body": "x=1", "host": "partnership.example", "tenant": float64(1),
		"route": "/schools/:unit/notes", "csrf": `tok"<`, "url": "/p/demo/x", "path": "/schools/42/notes"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if a, _ := got["accept"].([]any); len(a) != 2 {
		t.Errorf("accept = %v", got["accept"])
	}
	if resp.GetFragment() || resp.GetStatus() != 200 || header(resp, "Content-Type") == "" {
		t.Errorf("JSON answer: status %d fragment %v type %q", resp.GetStatus(), resp.GetFragment(), header(resp, "Content-Type"))
	}

	resp, err = s.HandleHTTP(ctx, &pluginv1.HandleHTTPRequest{Actor: actor, Method: "GET", Path: "/page", CsrfToken: `tok"<`, BasePath: "/p/demo"})
	if err != nil {
		t.Fatal(err)
	}
	if !resp.GetFragment() || resp.GetTitle() != "Notes & more" || header(resp, pageHeader) != "" ||
		string(resp.GetBody()) != `<p>hi</p><input type="hidden" name="_csrf" value="tok&#34;&lt;">` {
		t.Errorf("page: fragment %v title %q body %s headers %v", resp.GetFragment(), resp.GetTitle(), resp.GetBody(), resp.GetHeaders())
	}

	resp, _ = s.HandleHTTP(ctx, &pluginv1.HandleHTTPRequest{Actor: actor, Method: "GET", Path: "/go", BasePath: "/p/demo"})
	if resp.GetStatus() != http.StatusSeeOther || header(resp, "Location") != "/p/demo/page" || resp.GetFragment() {
		t.Errorf("redirect: %d %q", resp.GetStatus(), header(resp, "Location"))
	}
	resp, _ = s.HandleHTTP(ctx, &pluginv1.HandleHTTPRequest{Actor: actor, Method: "GET", Path: "/nowhere"})
	if resp.GetStatus() != http.StatusNotFound {
		t.Errorf("unrouted path answered %d", resp.GetStatus())
	}
	if _, err := s.HandleHTTP(ctx, &pluginv1.HandleHTTPRequest{Actor: actor, Method: "GET", Path: "/boom"}); status.Code(err) != codes.Internal {
		t.Errorf("panicking handler: %v", err)
	}
	if _, err := s.HandleHTTP(ctx, &pluginv1.HandleHTTPRequest{Actor: actor, Method: "GET", Path: "relative"}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("relative path: %v", err)
	}
}

func TestCallsBeforeConfigureAreRefused(t *testing.T) {
	s := newServer(&Plugin{Manifest: testManifest(), Handler: http.NotFoundHandler(), Jobs: map[string]JobFunc{"work": func(context.Context, []byte) error { return nil }}}, nil)
	if _, err := s.HandleHTTP(t.Context(), &pluginv1.HandleHTTPRequest{Method: "GET", Path: "/"}); status.Code(err) != codes.FailedPrecondition {
		t.Errorf("HandleHTTP: %v", err)
	}
	if _, err := s.RunJob(t.Context(), &pluginv1.RunJobRequest{Job: "work"}); status.Code(err) != codes.FailedPrecondition {
		t.Errorf("RunJob: %v", err)
	}
	if _, err := s.Migrate(t.Context(), &pluginv1.MigrateRequest{}); status.Code(err) != codes.FailedPrecondition {
		t.Errorf("Migrate: %v", err)
	}
	if _, err := s.Configure(t.Context(), &pluginv1.ConfigureRequest{}); status.Code(err) != codes.FailedPrecondition {
		t.Errorf("Configure without a broker: %v", err)
	}
	h, _ := s.CheckHealth(t.Context(), &pluginv1.CheckHealthRequest{})
	if h.GetStatus() != pluginv1.HealthStatus_HEALTH_STATUS_DEGRADED {
		t.Errorf("health before Configure: %v", h)
	}
}

func TestRunJobMapsErrorsToRetryOrNot(t *testing.T) {
	var seen struct {
		tenant  uint64
		attempt int
		payload string
		host    bool
	}
	s, _ := testServer(t, &Plugin{Jobs: map[string]JobFunc{
		"work": func(ctx context.Context, payload []byte) error {
			seen.tenant, seen.attempt, seen.payload, seen.host = TenantID(ctx), Attempt(ctx), string(payload), HostFrom(ctx) != nil
			return nil
		},
		"flaky": func(context.Context, []byte) error { return errors.New("the exam board is down") },
		"bad":   func(context.Context, []byte) error { return Permanent(errors.New("no such review")) },
		"panic": func(context.Context, []byte) error { panic("kaput") },
	}})
	ctx := t.Context()
	actor := &pluginv1.Actor{TenantId: 1}
	if _, err := s.RunJob(ctx, &pluginv1.RunJobRequest{Actor: actor, Job: "work", Payload: []byte(`{"a":1}`), Attempt: 2}); err != nil {
		t.Fatal(err)
	}
	if seen.tenant != 1 || seen.attempt != 2 || seen.payload != `{"a":1}` || !seen.host {
		t.Errorf("job saw %+v", seen)
	}
	for job, want := range map[string]codes.Code{"flaky": codes.Unknown, "bad": codes.FailedPrecondition, "panic": codes.Unknown, "missing": codes.NotFound} {
		_, err := s.RunJob(ctx, &pluginv1.RunJobRequest{Actor: actor, Job: job})
		if status.Code(err) != want {
			t.Errorf("job %s: %v, want %v", job, err, want)
		}
	}
}

func TestManifestHealthEventsAndSubjects(t *testing.T) {
	var events []Event
	healthErr := error(nil)
	p := &Plugin{
		Migrations: []Migration{{Version: 1, Name: "x", Up: func(tx *gorm.DB) error { return nil }}, {Version: 3, Name: "y", Up: func(tx *gorm.DB) error { return nil }}},
		OnEvent:    func(_ context.Context, ev Event) error { events = append(events, ev); return nil },
		Health:     func(context.Context) error { return healthErr },
	}
	s, _ := testServer(t, p)
	ctx := t.Context()
	m, _ := s.GetManifest(ctx, &pluginv1.GetManifestRequest{})
	if m.GetManifest().GetProtocol() != 1 || m.GetManifest().GetStorageSchemaVersion() != 3 || p.Manifest.GetProtocol() != 0 {
		t.Errorf("manifest: protocol %d, storage %d (the plugin's own manifest must stay untouched)", m.GetManifest().GetProtocol(), m.GetManifest().GetStorageSchemaVersion())
	}
	if got := m.GetManifest().GetMinCoreVersion(); got != "" {
		t.Errorf("min_core_version of a manifest without roles became %q", got)
	}
	if r, err := s.Migrate(ctx, &pluginv1.MigrateRequest{}); err != nil || r.GetToVersion() != 3 {
		t.Errorf("migrate: %v, %v", r, err)
	}
	p.Manifest.StorageSchemaVersion = 2
	if _, err := s.Migrate(ctx, &pluginv1.MigrateRequest{}); status.Code(err) != codes.FailedPrecondition || !strings.Contains(err.Error(), "storage_schema_version is 2 but the highest migration is 3") {
		t.Errorf("mismatched storage version: %v", err)
	}

	for _, c := range []struct {
		err  error
		want pluginv1.HealthStatus
	}{{nil, pluginv1.HealthStatus_HEALTH_STATUS_OK}, {Degraded(errors.New("slow")), pluginv1.HealthStatus_HEALTH_STATUS_DEGRADED}, {errors.New("down"), pluginv1.HealthStatus_HEALTH_STATUS_ERROR}} {
		healthErr = c.err
		if h, err := s.CheckHealth(ctx, &pluginv1.CheckHealthRequest{}); err != nil || h.GetStatus() != c.want {
			t.Errorf("health with %v: %v, %v", c.err, h, err)
		}
	}

	if _, err := s.OnEvent(ctx, &pluginv1.OnEventRequest{Actor: &pluginv1.Actor{TenantId: 1}, Type: "school.changed", UnitId: 10}); err != nil || len(events) != 1 || events[0] != (Event{"school.changed", 10}) {
		t.Errorf("event: %v %v", events, err)
	}
	// Without handlers, subject requests answer empty; a subject must be one id.
	subj := &pluginv1.Subject{Id: &pluginv1.Subject_PupilId{PupilId: 1000}}
	if r, err := s.ExportSubject(ctx, &pluginv1.ExportSubjectRequest{Subject: subj}); err != nil || len(r.GetFiles()) != 0 {
		t.Errorf("export: %v %v", r, err)
	}
	if r, err := s.EraseSubject(ctx, &pluginv1.EraseSubjectRequest{Subject: subj}); err != nil || r.GetErased() != 0 {
		t.Errorf("erase: %v %v", r, err)
	}
	if _, err := s.EraseSubject(ctx, &pluginv1.EraseSubjectRequest{Subject: &pluginv1.Subject{}}); status.Code(err) != codes.InvalidArgument {
		t.Errorf("empty subject: %v", err)
	}
}

func TestMatchRoute(t *testing.T) {
	cases := []struct {
		pattern, path string
		want          map[string]string
	}{
		{"/", "/", map[string]string{}},
		{"/schools/:unit", "/schools/42", map[string]string{"unit": "42"}},
		{"/schools/:unit", "/schools/42/x", nil},
		{"/a/:x/b/:y", "/a/1/b/two%20words", map[string]string{"x": "1", "y": "two words"}},
		{"/files/*", "/files/a/b.csv", map[string]string{"*": "a/b.csv"}},
		{"/other", "/schools", nil},
	}
	for _, c := range cases {
		got := matchRoute(c.pattern, c.path)
		if (got == nil) != (c.want == nil) || len(got) != len(c.want) {
			t.Errorf("%s %s = %v, want %v", c.pattern, c.path, got, c.want)
			continue
		}
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("%s %s: %s = %q, want %q", c.pattern, c.path, k, got[k], v)
			}
		}
	}
}

// A manifest that declares roles is served with min_core_version raised to
// the first core that knows roles, so an older core refuses the plugin
// naming that version; the plugin's own manifest stays as written.
func TestManifestWithRolesNeedsACoreThatKnowsThem(t *testing.T) {
	m := testManifest()
	m.MinCoreVersion = "0.2.0"
	m.Roles = []*pluginv1.RoleDecl{{Name: PluginRole(m.GetId(), "coach"), Label: "Coach"}}
	s := newServer(&Plugin{Manifest: m}, nil)
	got, err := s.GetManifest(t.Context(), &pluginv1.GetManifestRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if v := got.GetManifest().GetMinCoreVersion(); v != contract.CoreVersionRoles {
		t.Fatalf("served min_core_version %q, want %s", v, contract.CoreVersionRoles)
	}
	if m.GetMinCoreVersion() != "0.2.0" {
		t.Errorf("the plugin's own manifest was changed to %q", m.GetMinCoreVersion())
	}
	err = contract.ValidateManifest(got.GetManifest(), "0.3.0", nil, CoreRoles())
	if err == nil || !strings.Contains(err.Error(), "needs core 0.4.0 or later") {
		t.Errorf("a 0.3.0 core: want a refusal naming 0.4.0, got %v", err)
	}
}
