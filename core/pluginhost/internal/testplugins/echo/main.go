// Command echo is a well-behaved raw test plugin (with panels=1, one that
// also contributes to the core's pages, some of it against the contract): pages, a unit-scoped
// route, jobs, a schedule, settings, mail and a role of its own
// ("{id}.helper"). Its id, name and version are set at build time (-ldflags
// -X), so one source gives several builds; extra=1 adds a permission, a role
// and a route (an upgrade that needs an operator's confirmation).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"os"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/challengepartners/upwards/core/pluginhost/internal/testplugins/tp"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

var (
	pluginID = "echo"
	name     = "Echo"
	version  = "1.0.0"
	// tickCron is the schedule of job tick.
	tickCron = "@every 1s"
	extra    = ""
	// panels=1 declares the three extension points (extensions.go).
	panels = ""
)

func manifest() *pluginv1.Manifest {
	view, admin := pluginID+".page.view", pluginID+".admin.manage"
	helper := pluginID + ".helper"
	get, post := "GET", "POST"
	anywhere := pluginv1.RouteScope_ROUTE_SCOPE_ANYWHERE
	m := &pluginv1.Manifest{
		Id: pluginID, Name: name, Version: version, Protocol: 1, MinCoreVersion: "0.4.0",
		Roles: []*pluginv1.RoleDecl{{Name: helper, Label: name + " helper", Description: "Helps with " + name + ": opens its pages."}},
		Permissions: []*pluginv1.PermissionDecl{
			{Name: view, Description: "Open the echo pages", DefaultRoles: []string{"tenant_admin", "hub_manager", "teacher", helper}},
			{Name: admin, Description: "Administer echo", DefaultRoles: []string{"tenant_admin"}},
		},
		Routes: []*pluginv1.RouteDecl{
			{Method: get, Path: "/", Permission: view, Scope: anywhere},
			{Method: post, Path: "/form", Permission: view, Scope: anywhere},
			{Method: get, Path: "/units/:unit", Permission: "core.school.read", Scope: pluginv1.RouteScope_ROUTE_SCOPE_UNIT, UnitParam: "unit"},
			{Method: get, Path: "/admin", Permission: admin, Scope: pluginv1.RouteScope_ROUTE_SCOPE_TENANT},
			{Method: get, Path: "/raw", Permission: "authenticated", Scope: anywhere},
			{Method: post, Path: "/enqueue", Permission: view, Scope: anywhere},
			{Method: get, Path: "/pid", Permission: "authenticated", Scope: anywhere},
			{Method: get, Path: "/settings", Permission: "authenticated", Scope: anywhere},
			{Method: post, Path: "/mail", Permission: "authenticated", Scope: anywhere},
			{Method: get, Path: "/broken", Permission: "authenticated", Scope: anywhere},
			{Method: get, Path: "/flash", Permission: "authenticated", Scope: anywhere},
			{Method: get, Path: "/images", Permission: "authenticated", Scope: anywhere},
			{Method: post, Path: "/outbox", Permission: "authenticated", Scope: anywhere},
		},
		Navigation: []*pluginv1.NavItem{
			{Label: name, Path: "/", Permission: view},
			{Label: name + " admin", Path: "/admin", Permission: admin},
		},
		Jobs: []*pluginv1.JobDecl{
			{Name: "record", MaxRetry: 1, TimeoutSeconds: 30},
			{Name: "tick", TimeoutSeconds: 30},
			{Name: "refuse", MaxRetry: 5, TimeoutSeconds: 30},
		},
		Schedules: []*pluginv1.ScheduleDecl{{Job: "tick", Cron: tickCron}},
		Settings: []*pluginv1.SettingDecl{
			{Key: "greeting", Label: "Greeting", Type: pluginv1.SettingType_SETTING_TYPE_STRING, DefaultValue: "hello"},
			{Key: "reply_to", Label: "Reply-to address", Type: pluginv1.SettingType_SETTING_TYPE_EMAIL},
		},
		Events: []string{"tenant.enabled", "tenant.disabled", "school.changed", "unit.archived", "unit.unarchived"},
	}
	if panels != "" {
		m.Extensions = []*pluginv1.ExtensionDecl{
			{Kind: pluginv1.Extension_EXTENSION_SCHOOL_PANEL, Permission: view},
			{Kind: pluginv1.Extension_EXTENSION_TODOS, Permission: view},
			{Kind: pluginv1.Extension_EXTENSION_FIGURES, Permission: admin},
		}
	}
	if extra != "" {
		use, coach := pluginID+".extra.use", pluginID+".coach"
		m.Roles = append(m.Roles, &pluginv1.RoleDecl{Name: coach, Label: name + " coach", Description: "Coaches with " + name + "."})
		m.Permissions = append(m.Permissions, &pluginv1.PermissionDecl{Name: use, Description: "Use the extra page", DefaultRoles: []string{"hub_manager", coach}})
		m.Routes = append(m.Routes, &pluginv1.RouteDecl{Method: get, Path: "/extra", Permission: use, Scope: anywhere})
	}
	return m
}

// OnEvent records each core event in the tenant's audit log through the Host.
func (s *server) OnEvent(ctx context.Context, req *pluginv1.OnEventRequest) (*pluginv1.OnEventResponse, error) {
	_, err := s.hostClient().Audit(ctx, &pluginv1.AuditRequest{ActorToken: req.GetActor().GetToken(), Action: pluginID + ".event",
		EntityType: "event", EntityId: req.GetType()})
	return &pluginv1.OnEventResponse{}, err
}

type server struct {
	pluginv1.UnimplementedPluginServiceServer
	broker *plugin.GRPCBroker
	mu     sync.Mutex
	host   pluginv1.HostServiceClient
	// forms and records count the forms posted and the record jobs run,
	// which its figure says (a change the core must see to answer afresh).
	forms, records atomic.Int64
}

func (s *server) hostClient() pluginv1.HostServiceClient {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.host
}

func (s *server) GetManifest(context.Context, *pluginv1.GetManifestRequest) (*pluginv1.GetManifestResponse, error) {
	return &pluginv1.GetManifestResponse{Manifest: manifest()}, nil
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

func (s *server) CheckHealth(context.Context, *pluginv1.CheckHealthRequest) (*pluginv1.CheckHealthResponse, error) {
	return &pluginv1.CheckHealthResponse{Status: pluginv1.HealthStatus_HEALTH_STATUS_OK}, nil
}

func (s *server) HandleHTTP(ctx context.Context, req *pluginv1.HandleHTTPRequest) (*pluginv1.HandleHTTPResponse, error) {
	a := req.GetActor()
	host := s.hostClient()
	switch req.GetRoute() {
	case "/":
		return tp.Fragment(name+" home", fmt.Sprintf(`<h1 data-testid="echo-home">%s %s for %s</h1>
<form method="post" action="%s/form"><input type="hidden" name="_csrf" value="%s"><input name="note"><button>Send</button></form>`,
			html.EscapeString(name), version, html.EscapeString(a.GetUserEmail()), req.GetBasePath(), html.EscapeString(req.GetCsrfToken()))), nil
	case "/form":
		form, _ := url.ParseQuery(string(req.GetBody()))
		s.forms.Add(1)
		return tp.Text(200, "note="+form.Get("note")), nil
	case "/units/:unit":
		id, _ := strconv.ParseUint(req.GetPath()[len("/units/"):], 10, 64)
		resp, err := host.GetSchools(ctx, &pluginv1.GetSchoolsRequest{ActorToken: a.GetToken(), Ids: []uint64{id}})
		if err != nil {
			return nil, err
		}
		names := ""
		for _, sc := range resp.GetSchools() {
			names += sc.GetName() + ";"
		}
		return tp.Fragment("Unit", `<p data-testid="schools">`+html.EscapeString(names)+`</p>`), nil
	case "/admin":
		return tp.Fragment(name+" admin", `<p data-testid="echo-admin">admin</p>`), nil
	case "/images":
		// A page showing images from the origins given as ?o=… (image_origins).
		q, _ := url.ParseQuery(req.GetRawQuery())
		r := tp.Fragment("Images", `<p data-testid="images">images</p>`)
		r.ImageOrigins = q["o"]
		return r, nil
	case "/raw":
		var headers []string
		for _, h := range req.GetHeaders() {
			for _, v := range h.GetValues() {
				headers = append(headers, h.GetName()+": "+v)
			}
		}
		r := tp.JSON(map[string]any{"user": a.GetUserId(), "tenant": a.GetTenantSlug(), "grants": len(a.GetGrants()), "path": req.GetPath(),
			"query": req.GetRawQuery(), "route": req.GetRoute(), "base": req.GetBasePath(), "headers": headers, "has_token": a.GetToken() != ""})
		r.Status = 201
		r.Headers = append(r.Headers,
			&pluginv1.Header{Name: "Set-Cookie", Values: []string{"upwards_session=stolen; Path=/", "echo_pref=dark; Path=/"}},
			&pluginv1.Header{Name: "Connection", Values: []string{"close"}},
			&pluginv1.Header{Name: "Content-Security-Policy", Values: []string{"default-src *"}},
			&pluginv1.Header{Name: "X-Echo", Values: []string{"yes"}})
		return r, nil
	case "/enqueue":
		resp, err := host.Enqueue(ctx, &pluginv1.EnqueueRequest{ActorToken: a.GetToken(), Job: "record", Payload: req.GetBody()})
		if err != nil {
			return nil, err
		}
		return tp.Text(200, resp.GetTaskId()), nil
	case "/pid":
		return tp.Text(200, strconv.Itoa(os.Getpid())), nil
	case "/settings":
		resp, err := host.GetSettings(ctx, &pluginv1.GetSettingsRequest{ActorToken: a.GetToken()})
		if err != nil {
			return nil, err
		}
		return tp.JSON(resp.GetSettings()), nil
	case "/mail":
		q, _ := url.ParseQuery(req.GetRawQuery())
		pid, _ := strconv.ParseUint(q.Get("person"), 10, 64)
		resp, err := host.SendMail(ctx, &pluginv1.SendMailRequest{ActorToken: a.GetToken(), PersonId: pid, To: q.Get("to"), Subject: "Hello", Body: "From echo"})
		if err != nil {
			return tp.Text(200, "error: "+status.Code(err).String()), nil
		}
		return tp.Text(200, fmt.Sprint(resp.GetMailId())), nil
	case "/broken":
		return nil, status.Error(codes.Internal, "echo is broken here")
	case "/flash": // a page that confirms something on itself (ui.Flash on a fragment)
		r := tp.Fragment("Flash", `<p data-testid="flash-page">shown with its flash</p>`)
		r.Headers = append(r.Headers, &pluginv1.Header{Name: "X-Upwards-Flash", Values: []string{"Settings%20saved"}})
		return r, nil
	case "/outbox":
		// Delivers an audit entry made by the request's actor, sealed with
		// the seal the core gave this call, as the SDK's outbox does.
		q, _ := url.ParseQuery(req.GetRawQuery())
		resp, err := host.DeliverAudit(ctx, &pluginv1.DeliverAuditRequest{Entries: []*pluginv1.AuditEntry{{
			Key: q.Get("key"), Seal: a.GetAuditSeal(), TenantId: a.GetTenantId(), UserId: a.GetUserId(), UserEmail: a.GetUserEmail(),
			RequestId: a.GetRequestId(), Action: pluginID + ".outbox", EntityType: "note", EntityId: q.Get("key"), AfterJson: `{"n":1}`,
		}}})
		if err != nil {
			return tp.Text(200, "error: "+status.Code(err).String()), nil
		}
		return tp.JSON(map[string]any{"recorded": resp.GetRecorded(), "refused": resp.GetRefused()}), nil
	case "/extra":
		return tp.Fragment(name+" extra", `<p data-testid="echo-extra">extra `+html.EscapeString(version)+`</p>`), nil
	}
	return tp.Text(404, "no such echo page"), nil
}

func (s *server) RunJob(ctx context.Context, req *pluginv1.RunJobRequest) (*pluginv1.RunJobResponse, error) {
	a := req.GetActor()
	host := s.hostClient()
	switch req.GetJob() {
	case "record":
		s.records.Add(1)
		after, _ := json.Marshal(map[string]any{"attempt": req.GetAttempt(), "user": a.GetUserId(), "tenant": a.GetTenantSlug()})
		_, err := host.Audit(ctx, &pluginv1.AuditRequest{ActorToken: a.GetToken(), Action: pluginID + ".job.ran", EntityType: "job",
			EntityId: string(req.GetPayload()), AfterJson: string(after)})
		return &pluginv1.RunJobResponse{}, err
	case "tick":
		_, err := host.Audit(ctx, &pluginv1.AuditRequest{ActorToken: a.GetToken(), Action: pluginID + ".tick", EntityType: "tenant",
			EntityId: a.GetTenantSlug()})
		return &pluginv1.RunJobResponse{}, err
	case "refuse":
		return nil, status.Error(codes.FailedPrecondition, "nothing to do, do not retry")
	}
	return nil, status.Errorf(codes.InvalidArgument, "no job %q", req.GetJob())
}

func main() {
	tp.Serve(func(b *plugin.GRPCBroker) pluginv1.PluginServiceServer { return &server{broker: b} })
}
