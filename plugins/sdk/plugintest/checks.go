package plugintest

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// A check returns the problems it found, each a sentence an author can act on.
type check struct {
	name string
	fn   func(h *Harness) []string
}

var checks = []check{
	{"manifest", checkManifest},
	{"migrate", checkMigrate},
	{"routes_guarded", checkRoutesGuarded},
	{"routes_answer", checkRoutesAnswer},
	{"jobs", checkJobs},
	{"health", checkHealth},
	{"extensions", checkExtensions},
}

// checkManifest validates the manifest as the core does at install.
func checkManifest(h *Harness) []string {
	err := contract.ValidateManifest(h.Manifest, "", CorePermissions, CoreRoles)
	var me *contract.ManifestError
	switch {
	case err == nil:
	case errors.As(err, &me):
		out := make([]string, 0, len(me.Problems))
		for _, p := range me.Problems {
			out = append(out, "manifest: "+p+" (the core refuses to install it)")
		}
		return out
	default:
		return []string{"manifest: " + err.Error()}
	}
	if h.Manifest.GetProtocol() != contract.ProtocolV1 {
		return []string{fmt.Sprintf("manifest: protocol is %d; set it to %d", h.Manifest.GetProtocol(), contract.ProtocolV1)}
	}
	return nil
}

// checkMigrate migrates fresh storage, then again: the second must change nothing.
func checkMigrate(h *Harness) []string {
	first := h.FirstMigrate
	if first == nil {
		var err error
		if first, err = h.Migrate(); err != nil {
			return []string{fmt.Sprintf("Migrate on fresh storage failed: %v (fix the failing migration; the storage was left at the previous version)", err)}
		}
		h.FirstMigrate = first
	}
	var out []string
	want := h.Manifest.GetStorageSchemaVersion()
	if first.GetFromVersion() != 0 {
		out = append(out, fmt.Sprintf("Migrate on fresh storage reported from_version %d; fresh storage is at 0", first.GetFromVersion()))
	}
	if first.GetToVersion() != want {
		out = append(out, fmt.Sprintf("Migrate reached version %d but the manifest's storage_schema_version is %d: make them agree", first.GetToVersion(), want))
	}
	second, err := h.Migrate()
	switch {
	case err != nil:
		out = append(out, fmt.Sprintf("a second Migrate failed: %v (Migrate must be idempotent: the core calls it at every start)", err))
	case second.GetFromVersion() != first.GetToVersion() || second.GetToVersion() != first.GetToVersion():
		out = append(out, fmt.Sprintf("a second Migrate went from %d to %d, not %d to %d: Migrate must be idempotent (apply each step once and record it)",
			second.GetFromVersion(), second.GetToVersion(), first.GetToVersion(), first.GetToVersion()))
	}
	return out
}

func routeKey(r *pluginv1.RouteDecl) string { return r.GetMethod() + " " + r.GetPath() }

// checkRoutesGuarded checks every route names the permission the core
// enforces before the plugin sees the request, and where it must hold.
func checkRoutesGuarded(h *Harness) []string {
	var out []string
	for _, r := range h.Manifest.GetRoutes() {
		key := routeKey(r)
		if r.GetPermission() == "" {
			out = append(out, fmt.Sprintf("route %s declares no permission: the core refuses unguarded routes; declare the permission it needs (e.g. %s.<object>.read)", key, h.Manifest.GetId()))
		}
		switch r.GetScope() {
		case pluginv1.RouteScope_ROUTE_SCOPE_UNIT:
			if r.GetUnitParam() == "" {
				out = append(out, fmt.Sprintf("route %s has scope UNIT but no unit_param: name the :parameter that holds the unit id", key))
			} else if _, ok := matchParams(r.GetPath())[r.GetUnitParam()]; !ok {
				out = append(out, fmt.Sprintf("route %s has unit_param %q, which is not a :parameter of its path", key, r.GetUnitParam()))
			}
		case pluginv1.RouteScope_ROUTE_SCOPE_ANYWHERE, pluginv1.RouteScope_ROUTE_SCOPE_TENANT:
		default:
			out = append(out, fmt.Sprintf("route %s has no scope: say where its permission must hold (ANYWHERE, TENANT or UNIT)", key))
		}
	}
	return out
}

func matchParams(path string) map[string]bool {
	out := map[string]bool{}
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, ":") {
			out[seg[1:]] = true
		}
	}
	return out
}

// checkRoutesAnswer requests every route as an actor holding every
// permission (and routes open to any signed-in user also as one holding
// none): none may fail, and a route without parameters must be routed.
func checkRoutesAnswer(h *Harness) []string {
	var out []string
	unit := firstSchool(h.Fixture)
	for _, r := range h.Manifest.GetRoutes() {
		key := routeKey(r)
		if h.cfg.skipRoutes[key] {
			continue
		}
		path := h.cfg.paths[key]
		if path == "" {
			path = examplePath(r, unit)
		}
		var form url.Values
		if r.GetMethod() != http.MethodGet {
			form = h.cfg.forms[key]
			if form == nil {
				form = url.Values{}
			}
		}
		actors := []*pluginv1.Actor{h.AllPermissions()}
		who := []string{"an actor holding every permission"}
		if r.GetPermission() == contract.PermAuthenticated {
			actors, who = append(actors, h.NoGrants()), append(who, "a signed-in person holding no role")
		}
		for i, a := range actors {
			resp, err := h.HTTP(a, r.GetMethod(), path, form)
			switch {
			case err != nil:
				out = append(out, fmt.Sprintf("%s (as %s, path %s): HandleHTTP failed: %v", key, who[i], path, err))
			case resp.GetStatus() >= 500 || resp.GetStatus() != 0 && resp.GetStatus() < 100:
				out = append(out, fmt.Sprintf("%s (as %s, path %s) answered %d: %s", key, who[i], path, resp.GetStatus(), snippet(resp.GetBody())))
			case resp.GetStatus() == http.StatusNotFound && !hasParams(r.GetPath()):
				out = append(out, fmt.Sprintf("%s answered 404 although the manifest declares it: does the handler route it? (declare it once with sdk.Router; with http.ServeMux: %q)",
					key, r.GetMethod()+" "+muxPattern(r.GetPath())))
			case resp.GetFragment() && len(resp.GetBody()) == 0:
				out = append(out, fmt.Sprintf("%s (as %s) answered an empty page: write the page's HTML after sdk.MarkPage, or use sdk.Page", key, who[i]))
			}
		}
	}
	return out
}

func muxPattern(path string) string {
	if path == "/" {
		return "/{$}"
	}
	parts := strings.Split(path, "/")
	for i, p := range parts {
		switch {
		case p == "*":
			parts[i] = "{rest...}"
		case strings.HasPrefix(p, ":"):
			parts[i] = "{" + p[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

func firstSchool(f *Fixture) uint64 {
	if len(f.Schools) > 0 {
		return f.Schools[0].GetId()
	}
	return f.RootUnitID
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	if s == "" {
		return "(empty body)"
	}
	return s
}

// checkJobs runs every declared job: a scheduled one as the tenant's system
// actor (user 0), as a schedule runs it; others as an actor holding every
// permission. An undeclared job must be refused with NOT_FOUND.
func checkJobs(h *Harness) []string {
	var out []string
	scheduled := map[string]bool{}
	for _, s := range h.Manifest.GetSchedules() {
		scheduled[s.GetJob()] = true
	}
	for _, j := range h.Manifest.GetJobs() {
		payload, ok := h.cfg.jobPayloads[j.GetName()]
		if !ok {
			payload = []byte("{}")
		}
		actor, who := h.AllPermissions(), "an actor holding every permission"
		if scheduled[j.GetName()] {
			actor, who = h.System(), "the tenant's system actor (user 0, as its schedule runs it)"
		}
		if err := h.RunJob(actor, j.GetName(), payload); err != nil {
			hint := ""
			if status.Code(err) == codes.NotFound {
				hint = fmt.Sprintf(" (add %q to Plugin.Jobs)", j.GetName())
			}
			out = append(out, fmt.Sprintf("job %s failed as %s with payload %s: %v%s", j.GetName(), who, payload, err, hint))
		}
	}
	err := h.RunJob(h.AllPermissions(), "plugintest_undeclared_job", []byte("{}"))
	if status.Code(err) != codes.NotFound {
		out = append(out, fmt.Sprintf("RunJob of an undeclared job answered %v; it must answer NOT_FOUND", err))
	}
	return out
}

// checkHealth wants CheckHealth to answer OK.
func checkHealth(h *Harness) []string {
	resp, err := h.Health()
	switch {
	case err != nil:
		return []string{fmt.Sprintf("CheckHealth failed: %v", err)}
	case resp.GetStatus() != pluginv1.HealthStatus_HEALTH_STATUS_OK:
		return []string{fmt.Sprintf("CheckHealth answered %v (%s); a configured, migrated plugin should be OK", resp.GetStatus(), resp.GetMessage())}
	}
	return nil
}
