// Command evil is a deliberately malicious raw test plugin. Inside
// HandleHTTP it calls the Host with no token, a forged token, an expired
// token, another plugin's token, a replayed token of an earlier request, and
// its own token with ids of another tenant or outside the user's reach (of
// schools, units, people and pupils); it reports what each attempt got, so
// the test can assert it got nothing.
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc/status"

	"github.com/challengepartners/upwards/core/pluginhost/internal/testplugins/tp"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

type server struct {
	pluginv1.UnimplementedPluginServiceServer
	broker *plugin.GRPCBroker
	mu     sync.Mutex
	host   pluginv1.HostServiceClient
	stash  string // a token kept from an earlier request
}

func (s *server) GetManifest(context.Context, *pluginv1.GetManifestRequest) (*pluginv1.GetManifestResponse, error) {
	return &pluginv1.GetManifestResponse{Manifest: &pluginv1.Manifest{
		Id: "evil", Name: "Evil", Version: "1.0.0", Protocol: 1,
		Permissions: []*pluginv1.PermissionDecl{{Name: "evil.page.view", DefaultRoles: []string{"tenant_admin", "hub_manager", "teacher"}}},
		Routes: []*pluginv1.RouteDecl{
			{Method: "GET", Path: "/", Permission: "evil.page.view", Scope: pluginv1.RouteScope_ROUTE_SCOPE_ANYWHERE},
			{Method: "GET", Path: "/stash", Permission: "evil.page.view", Scope: pluginv1.RouteScope_ROUTE_SCOPE_ANYWHERE},
		},
	}}, nil
}

func (s *server) Configure(_ context.Context, req *pluginv1.ConfigureRequest) (*pluginv1.ConfigureResponse, error) {
	h, err := tp.DialHost(s.broker, req.GetHostBrokerId())
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.host = h
	s.mu.Unlock()
	return &pluginv1.ConfigureResponse{}, nil
}

func (s *server) Migrate(context.Context, *pluginv1.MigrateRequest) (*pluginv1.MigrateResponse, error) {
	return &pluginv1.MigrateResponse{}, nil
}

// outcome is what one attempt got: the gRPC code and how many items.
type outcome struct {
	Code string `json:"code"`
	N    int    `json:"n"`
}

func ids(q url.Values, key string) []uint64 {
	var out []uint64
	for _, s := range strings.Split(q.Get(key), ",") {
		if id, err := strconv.ParseUint(s, 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

func (s *server) HandleHTTP(ctx context.Context, req *pluginv1.HandleHTTPRequest) (*pluginv1.HandleHTTPResponse, error) {
	s.mu.Lock()
	host, stash := s.host, s.stash
	s.mu.Unlock()
	own := req.GetActor().GetToken()
	if req.GetRoute() == "/stash" {
		s.mu.Lock()
		s.stash = own
		s.mu.Unlock()
		return tp.Text(200, "stashed"), nil
	}
	q, _ := url.ParseQuery(req.GetRawQuery())
	foreign, outside := ids(q, "foreign"), ids(q, "outside")
	person, _ := strconv.ParseUint(q.Get("person"), 10, 64)
	var b [32]byte
	_, _ = rand.Read(b[:])
	forged := base64.RawURLEncoding.EncodeToString(b[:])
	all := append(append([]uint64{}, foreign...), outside...)

	res := map[string]outcome{}
	schools := func(name, tok string, which []uint64) {
		r, err := host.GetSchools(ctx, &pluginv1.GetSchoolsRequest{ActorToken: tok, Ids: which})
		res[name] = outcome{status.Code(err).String(), len(r.GetSchools())}
	}
	units := func(name, tok string, which []uint64) {
		r, err := host.GetOrgUnits(ctx, &pluginv1.GetOrgUnitsRequest{ActorToken: tok, Ids: which})
		res[name] = outcome{status.Code(err).String(), len(r.GetUnits())}
	}
	schools("no_token", "", all)
	schools("forged_token", forged, all)
	schools("expired_token", q.Get("expired"), all)
	schools("other_plugin_token", q.Get("other"), all)
	schools("replayed_token", stash, all)
	schools("foreign_schools", own, foreign)
	schools("outside_schools", own, outside)
	units("foreign_units", own, foreign)
	units("outside_units", own, outside)
	units("other_plugin_units", q.Get("other"), nil)
	r, err := host.GetPeople(ctx, &pluginv1.GetPeopleRequest{ActorToken: own, Ids: []uint64{person}})
	res["foreign_person"] = outcome{status.Code(err).String(), len(r.GetPeople())}
	r, err = host.GetPeople(ctx, &pluginv1.GetPeopleRequest{ActorToken: own, UnitIds: all})
	res["people_at_foreign_units"] = outcome{status.Code(err).String(), len(r.GetPeople())}
	var checks []*pluginv1.Check
	for _, id := range all {
		checks = append(checks, &pluginv1.Check{Permission: "core.school.read", UnitId: id})
	}
	a, err := host.Authorize(ctx, &pluginv1.AuthorizeRequest{ActorToken: own, Checks: checks})
	granted := 0
	for _, ok := range a.GetAllowed() {
		if ok {
			granted++
		}
	}
	res["authorize_foreign"] = outcome{status.Code(err).String(), granted}
	_, err = host.Audit(ctx, &pluginv1.AuditRequest{ActorToken: own, Action: "role.grant", EntityType: "role_grant", EntityId: "1"})
	res["audit_core_action"] = outcome{status.Code(err).String(), 0}
	_, err = host.Audit(ctx, &pluginv1.AuditRequest{ActorToken: q.Get("other"), Action: "echo.forged", EntityType: "x", EntityId: "1"})
	res["audit_as_other_plugin"] = outcome{status.Code(err).String(), 0}
	_, err = host.Enqueue(ctx, &pluginv1.EnqueueRequest{ActorToken: own, Job: "record"})
	res["enqueue_undeclared_job"] = outcome{status.Code(err).String(), 0}
	_, err = host.Enqueue(ctx, &pluginv1.EnqueueRequest{ActorToken: q.Get("other"), Job: "record"})
	res["enqueue_as_other_plugin"] = outcome{status.Code(err).String(), 0}
	_, err = host.SendMail(ctx, &pluginv1.SendMailRequest{ActorToken: own, PersonId: person, Subject: "x", Body: "y"})
	res["mail_foreign_person"] = outcome{status.Code(err).String(), 0}
	st, err := host.GetSettings(ctx, &pluginv1.GetSettingsRequest{ActorToken: ""})
	res["settings_no_token"] = outcome{status.Code(err).String(), len(st.GetSettings())}
	pp, err := host.GetPupils(ctx, &pluginv1.GetPupilsRequest{ActorToken: own})
	res["pupils"] = outcome{status.Code(err).String(), len(pp.GetPupils())}
	pp, err = host.GetPupils(ctx, &pluginv1.GetPupilsRequest{ActorToken: own, Ids: ids(q, "pupils")})
	res["foreign_pupils"] = outcome{status.Code(err).String(), len(pp.GetPupils())}
	pp, err = host.GetPupils(ctx, &pluginv1.GetPupilsRequest{ActorToken: own, SchoolIds: all})
	res["pupils_at_foreign_schools"] = outcome{status.Code(err).String(), len(pp.GetPupils())}
	pp, err = host.GetPupils(ctx, &pluginv1.GetPupilsRequest{ActorToken: q.Get("other"), Ids: ids(q, "pupils")})
	res["pupils_other_plugin_token"] = outcome{status.Code(err).String(), len(pp.GetPupils())}
	pp, err = host.GetPupils(ctx, &pluginv1.GetPupilsRequest{ActorToken: stash, Ids: ids(q, "pupils")})
	res["pupils_replayed_token"] = outcome{status.Code(err).String(), len(pp.GetPupils())}
	// The control: its own token reaches what the user may see.
	schools("own_reach", own, nil)
	return tp.JSON(res), nil
}

func main() {
	tp.Serve(func(b *plugin.GRPCBroker) pluginv1.PluginServiceServer { return &server{broker: b} })
}
