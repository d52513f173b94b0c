package plugintest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/protobuf/proto"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// CSRFToken is the CSRF token the harness hands the plugin on every request.
const CSRFToken = "plugintest-csrf-token"

// allMarker stands in the Token of an actor from AllPermissions until a
// call replaces it with a real token.
const allMarker = "plugintest:all-permissions"

// callTimeout bounds every call the harness makes to the plugin.
const callTimeout = 30 * time.Second

// ErrNoRoute is returned by HTTP for a method and path no manifest route
// matches (the core answers 404 without asking the plugin).
var ErrNoRoute = errors.New("plugintest: no route of the manifest matches")

// Harness is a running plugin process wired to a TestHost.
type Harness struct {
	// Client is the raw contract client, for calls the helpers do not cover.
	Client *contract.ClientV1
	// Plugin is go-plugin's handle on the process.
	Plugin *plugin.Client
	// Host is the test Host: its recorded calls, audits, mails and jobs.
	Host *TestHost
	// Manifest is what the plugin's GetManifest returned.
	Manifest *pluginv1.Manifest
	// Fixture is the data the Host answers from.
	Fixture *Fixture
	// Storage is what Configure handed over; DataDir the plugin's directory.
	Storage *pluginv1.Storage
	DataDir string
	// FirstMigrate is the answer to the Migrate Start made (nil if none).
	FirstMigrate *pluginv1.MigrateResponse

	t   testing.TB
	cfg *config

	mu    sync.Mutex
	clock time.Time         // zero: the real clock
	roles map[string]uint64 // "role@unit" → the person AsRole added
}

// Start launches the plugin binary at binaryPath, configures it against a
// TestHost with fresh storage and migrates that storage; the process is
// stopped when the test ends. It fails the test at once, saying why, if the
// plugin does not start, configure or migrate.
func Start(t testing.TB, binaryPath string, opts ...Option) *Harness {
	t.Helper()
	cfg := newConfig(opts)
	h := launch(t, binaryPath, cfg)
	if !cfg.noMigrate {
		resp, err := h.Migrate()
		if err != nil {
			t.Fatalf("plugintest: Migrate failed: %v\n(fix the failing migration; it ran in a transaction, so the storage was left at the previous version)", err)
		}
		h.FirstMigrate = resp
	}
	return h
}

// launch starts and configures the plugin.
func launch(t testing.TB, binaryPath string, cfg *config) *Harness {
	t.Helper()
	abs, err := filepath.Abs(binaryPath)
	if err != nil {
		t.Fatalf("plugintest: %v", err)
	}
	w := &testWriter{t: t}
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  contract.Handshake,
		VersionedPlugins: contract.PluginSets(),
		Cmd:              exec.Command(abs),
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		Logger:           newTestLogger(w),
		StartTimeout:     30 * time.Second,
	})
	t.Cleanup(func() {
		client.Kill()
		w.stop()
	})
	rpc, err := client.Client()
	if err != nil {
		t.Fatalf("plugintest: start %s: %v\n(is it a plugin binary whose main calls sdk.Serve? Build it with go build first)", abs, err)
	}
	if v := client.NegotiatedVersion(); v != contract.ProtocolV1 {
		t.Fatalf("plugintest: %s speaks contract version %d; this plugintest speaks %d", abs, v, contract.ProtocolV1)
	}
	raw, err := rpc.Dispense(contract.PluginName)
	if err != nil {
		t.Fatalf("plugintest: dispense %q from %s: %v", contract.PluginName, abs, err)
	}
	conn, ok := raw.(*contract.ClientV1)
	if !ok {
		t.Fatalf("plugintest: %s dispensed %T, not a contract v1 plugin", abs, raw)
	}
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	defer cancel()
	mresp, err := conn.GetManifest(ctx, &pluginv1.GetManifestRequest{})
	if err != nil {
		t.Fatalf("plugintest: GetManifest failed: %v", err)
	}
	m := mresp.GetManifest()
	if m == nil {
		t.Fatalf("plugintest: GetManifest returned no manifest (set Plugin.Manifest)")
	}
	if err := CheckFixtureRoles(cfg.fixture, m); err != nil {
		t.Fatalf("plugintest: %v", err)
	}
	host := NewTestHost(cfg.fixture, m)
	host.noPupils = cfg.noPupils
	broker := conn.ServeHost(host)
	dataDir := t.TempDir()
	st := cfg.storage
	if st == nil {
		st = &pluginv1.Storage{Driver: "sqlite", Dsn: filepath.Join(dataDir, m.GetId()+".db")}
	}
	if _, err := conn.Configure(ctx, &pluginv1.ConfigureRequest{HostBrokerId: broker, Storage: st, CoreVersion: "", DataDir: dataDir}); err != nil {
		t.Fatalf("plugintest: Configure failed: %v\n(the plugin could not reach the Host or open its %s storage)", err, st.GetDriver())
	}
	return &Harness{Client: conn, Plugin: client, Host: host, Manifest: m, Fixture: cfg.fixture, Storage: st, DataDir: dataDir, t: t, cfg: cfg}
}

func (h *Harness) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), callTimeout)
}

// actor builds an Actor for a person of the fixture (0: the system actor).
func (h *Harness) actor(userID uint64, all bool) *pluginv1.Actor {
	f := h.Fixture
	a := &pluginv1.Actor{TenantId: f.Tenant.ID, TenantSlug: f.Tenant.Slug, TenantName: f.Tenant.Name, UserId: userID,
		RequestId: "plugintest-" + strconv.FormatInt(time.Now().UnixNano(), 36)}
	if all {
		a.Token = allMarker
	}
	if p := f.person(userID); p != nil {
		a.UserEmail, a.UserName, a.Grants = p.GetEmail(), p.GetName(), p.GetGrants()
	}
	return a
}

// As is the actor of a person of the fixture, holding what their grants give.
func (h *Harness) As(personID uint64) *pluginv1.Actor {
	if h.Fixture.person(personID) == nil {
		h.t.Fatalf("plugintest: the fixture has no person %d", personID)
	}
	return h.actor(personID, false)
}

// AllPermissions is the fixture's tenant admin holding every permission
// (the core's and the plugin's) everywhere.
func (h *Harness) AllPermissions() *pluginv1.Actor { return h.actor(h.Fixture.People[0].GetId(), true) }

// NoGrants is a signed-in person holding no role at all.
func (h *Harness) NoGrants() *pluginv1.Actor {
	for _, p := range h.Fixture.People {
		if len(p.GetGrants()) == 0 {
			return h.actor(p.GetId(), false)
		}
	}
	h.t.Fatalf("plugintest: the fixture has no person without grants")
	return nil
}

// System is the tenant's system actor (user 0), as for a scheduled job.
func (h *Harness) System() *pluginv1.Actor { return h.actor(0, false) }

// bind mints a Host token and an audit seal for a, as the core does for
// every call, and returns the actor to send and the revoke.
func (h *Harness) bind(a *pluginv1.Actor) (*pluginv1.Actor, func()) {
	if a == nil {
		a = h.System()
	}
	out, _ := proto.Clone(a).(*pluginv1.Actor)
	out.Token = h.Host.mint(a.GetUserId(), a.GetTenantId(), a.GetToken() == allMarker)
	if c := h.Clock(); !c.IsZero() {
		out.ClockUnixMicro = c.UnixMicro()
	}
	out.AuditSeal = h.Host.AuditSeal(out)
	return out, func() { h.Host.Revoke(out.Token) }
}

// Migrate calls Migrate.
func (h *Harness) Migrate() (*pluginv1.MigrateResponse, error) {
	ctx, cancel := h.ctx()
	defer cancel()
	return h.Client.Migrate(ctx, &pluginv1.MigrateRequest{})
}

// Health calls CheckHealth.
func (h *Harness) Health() (*pluginv1.CheckHealthResponse, error) {
	ctx, cancel := h.ctx()
	defer cancel()
	return h.Client.CheckHealth(ctx, &pluginv1.CheckHealthRequest{})
}

// RunJob runs job as actor (nil: the system actor) with payload.
func (h *Harness) RunJob(actor *pluginv1.Actor, job string, payload []byte) error {
	a, revoke := h.bind(actor)
	defer revoke()
	ctx, cancel := h.ctx()
	defer cancel()
	_, err := h.Client.RunJob(ctx, &pluginv1.RunJobRequest{Actor: a, Job: job, Payload: payload, Attempt: 1})
	return err
}

// Event sends the core event typ about unit to the plugin, as actor.
func (h *Harness) Event(actor *pluginv1.Actor, typ string, unitID uint64) error {
	a, revoke := h.bind(actor)
	defer revoke()
	ctx, cancel := h.ctx()
	defer cancel()
	_, err := h.Client.OnEvent(ctx, &pluginv1.OnEventRequest{Actor: a, Type: typ, UnitId: unitID})
	return err
}

// HTTP requests method and path (below the plugin's base, with its query,
// e.g. "/greetings?page=2") as actor, the way the core would: the manifest
// route must match (ErrNoRoute otherwise) and its permission and scope are
// enforced first (403, or 404 outside the actor's reach, without asking the
// plugin). A form is sent url-encoded, with the CSRF token added. It returns
// the contract's answer, whose status is 0 when the plugin set none; Request,
// Get and Post return it as a Response.
func (h *Harness) HTTP(actor *pluginv1.Actor, method, path string, form url.Values) (*pluginv1.HandleHTTPResponse, error) {
	req := &pluginv1.HandleHTTPRequest{Method: method, Path: path}
	if i := strings.IndexByte(path, '?'); i >= 0 {
		req.Path, req.RawQuery = path[:i], path[i+1:]
	}
	if form != nil {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		if f.Get("_csrf") == "" {
			f.Set("_csrf", CSRFToken)
		}
		req.Body = []byte(f.Encode())
		req.Headers = append(req.Headers, &pluginv1.Header{Name: "Content-Type", Values: []string{"application/x-www-form-urlencoded"}})
	}
	return h.Do(actor, req)
}

// Do sends req as actor, filling in the route, base path and CSRF token
// when empty and enforcing the route's permission like HTTP.
func (h *Harness) Do(actor *pluginv1.Actor, req *pluginv1.HandleHTTPRequest) (*pluginv1.HandleHTTPResponse, error) {
	decl, params := findRoute(h.Manifest, req.GetMethod(), req.GetPath())
	if decl == nil {
		return nil, fmt.Errorf("%w %s %s", ErrNoRoute, req.GetMethod(), req.GetPath())
	}
	if resp := h.refuse(actor, decl, params); resp != nil {
		return resp, nil
	}
	a, revoke := h.bind(actor)
	defer revoke()
	req.Actor = a
	if req.Route == "" {
		req.Route = decl.GetPath()
	}
	if req.BasePath == "" {
		req.BasePath = "/p/" + h.Manifest.GetId()
	}
	if req.CsrfToken == "" {
		req.CsrfToken = CSRFToken
	}
	ctx, cancel := h.ctx()
	defer cancel()
	resp, err := h.Client.HandleHTTP(ctx, req)
	if err == nil {
		// The core refuses an answer naming bad image origins (502).
		if cerr := contract.CheckImageOrigins(resp.GetImageOrigins()); cerr != nil {
			return textResponse(http.StatusBadGateway, "refused by the core: "+cerr.Error()), nil
		}
	}
	return resp, err
}

// refuse enforces a route's permission and scope as the core does; nil
// lets the request through.
func (h *Harness) refuse(actor *pluginv1.Actor, d *pluginv1.RouteDecl, params map[string]string) *pluginv1.HandleHTTPResponse {
	if actor == nil || actor.GetUserId() == 0 {
		return textResponse(http.StatusNotFound, "refused by the core: pages need a signed-in user")
	}
	info := actorInfo{userID: actor.GetUserId(), all: actor.GetToken() == allMarker}
	perm := d.GetPermission()
	var ok bool
	switch d.GetScope() {
	case pluginv1.RouteScope_ROUTE_SCOPE_TENANT:
		ok = h.Host.can(info, perm, h.Fixture.RootUnitID)
	case pluginv1.RouteScope_ROUTE_SCOPE_UNIT:
		unit, err := strconv.ParseUint(params[d.GetUnitParam()], 10, 64)
		if err != nil || !h.Fixture.hasUnit(unit) || !h.Host.can(info, perm, unit) {
			return textResponse(http.StatusNotFound, "refused by the core: no such unit within the actor's reach")
		}
		ok = true
	default:
		ok = h.Host.can(info, perm, 0)
	}
	if !ok {
		return textResponse(http.StatusForbidden, "refused by the core: the actor lacks "+perm)
	}
	return nil
}

func textResponse(code int, body string) *pluginv1.HandleHTTPResponse {
	return &pluginv1.HandleHTTPResponse{Status: int32(code), Body: []byte(body),
		Headers: []*pluginv1.Header{{Name: "Content-Type", Values: []string{"text/plain; charset=utf-8"}}}}
}
