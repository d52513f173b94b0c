package pluginhost

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/tenancy"
	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Limits of Host calls.
const (
	maxIDs          = 5000
	maxPupils       = 20000 // about 1.6 MB of answer, under gRPC's 4 MB default
	maxChecks       = 1000
	maxRoles        = 100
	maxJobPayload   = 1 << 20
	maxEnqueueDelay = 30 * 24 * time.Hour
)

// hostServer is the Host service one plugin process calls back. It knows
// which plugin it serves: a token minted for another plugin is refused.
type hostServer struct {
	pluginv1.UnimplementedHostServiceServer
	rt       *Runtime
	pluginID string
}

// resolve turns the call's actor token into its actor, refusing a missing,
// unknown, revoked or expired token, one minted for another plugin, and a
// tenant that no longer enables the plugin.
func (h *hostServer) resolve(ctx context.Context, token string) (actor, error) {
	h.rt.hostCalls.Add(1)
	a, err := h.rt.tokens.resolve(token)
	if err != nil {
		return actor{}, status.Error(codes.Unauthenticated, err.Error())
	}
	if a.PluginID != h.pluginID {
		h.rt.log.WarnContext(ctx, "plugin presented another plugin's actor token", "plugin", h.pluginID)
		return actor{}, status.Error(codes.PermissionDenied, "the actor token was not issued to this plugin")
	}
	ok, err := h.rt.reg.CachedIsEnabled(ctx, h.pluginID, a.TenantID)
	if err != nil {
		return actor{}, h.internal(ctx, err)
	}
	if !ok {
		return actor{}, status.Error(codes.PermissionDenied, "the plugin is not enabled for the actor's tenant")
	}
	return a, nil
}

// enter resolves the call's actor (resolve) and binds the rest of the
// call to the actor's tenant on PostgreSQL (storage.DB.BindLeaf): the
// services it calls then run, through storage.DB.For, as the tenant role
// with the tenant set, so a query that forgets its tenant filter still
// sees the actor's tenant alone. done releases the binding.
func (h *hostServer) enter(ctx context.Context, token string) (actor, context.Context, func(), error) {
	a, err := h.resolve(ctx, token)
	if err != nil {
		return actor{}, ctx, func() {}, err
	}
	if h.rt.deps.DB == nil {
		return a, ctx, func() {}, nil
	}
	bound, release, err := h.rt.deps.DB.BindLeaf(ctx, a.TenantID)
	if err != nil {
		return actor{}, ctx, func() {}, h.internal(ctx, err)
	}
	return a, bound, release, nil
}

func (h *hostServer) internal(ctx context.Context, err error) error {
	h.rt.log.ErrorContext(ctx, "host call failed", "plugin", h.pluginID, "error", err.Error())
	return status.Error(codes.Internal, "the core could not answer; the request id in its log helps an operator")
}

// reach is where the actor holds perm: every unit (all), or the set. The
// tenant's system actor (user 0, a job run for the tenant) reads the whole tenant.
func (h *hostServer) reach(ctx context.Context, a actor, perm string) (bool, map[uint]bool, error) {
	if a.UserID == 0 {
		return true, nil, nil
	}
	all, ids, err := h.rt.deps.Authz.Reach(ctx, a.TenantID, a.UserID, perm)
	if err != nil {
		return false, nil, err
	}
	set := make(map[uint]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	return all, set, nil
}

func checkIDs(ids []uint64) ([]uint, error) {
	if len(ids) > maxIDs {
		return nil, status.Errorf(codes.InvalidArgument, "at most %d ids per call", maxIDs)
	}
	out := make([]uint, 0, len(ids))
	for _, id := range ids {
		if id > 0 && id <= uint64(^uint(0)) {
			out = append(out, uint(id))
		}
	}
	return out, nil
}

// GetSchools returns the schools the actor may read (core.school.read).
func (h *hostServer) GetSchools(ctx context.Context, req *pluginv1.GetSchoolsRequest) (*pluginv1.GetSchoolsResponse, error) {
	a, ctx, done, err := h.enter(ctx, req.GetActorToken())
	if err != nil {
		return nil, err
	}
	defer done()
	ids, err := checkIDs(req.GetIds())
	if err != nil {
		return nil, err
	}
	all, set, err := h.reach(ctx, a, authz.PermSchoolRead)
	if err != nil {
		return nil, h.internal(ctx, err)
	}
	units, err := h.rt.units(ctx, a.TenantID, ids, []string{"school"}, all, set)
	if err != nil {
		return nil, h.internal(ctx, err)
	}
	parents, err := h.rt.parents(ctx, a.TenantID, units)
	if err != nil {
		return nil, h.internal(ctx, err)
	}
	out := &pluginv1.GetSchoolsResponse{}
	for _, u := range units {
		out.Schools = append(out.Schools, schoolProto(u, parents[u.ID]))
	}
	return out, nil
}

// GetOrgUnits returns the org units the actor may read (core.orgunit.read).
func (h *hostServer) GetOrgUnits(ctx context.Context, req *pluginv1.GetOrgUnitsRequest) (*pluginv1.GetOrgUnitsResponse, error) {
	a, ctx, done, err := h.enter(ctx, req.GetActorToken())
	if err != nil {
		return nil, err
	}
	defer done()
	ids, err := checkIDs(req.GetIds())
	if err != nil {
		return nil, err
	}
	var kinds []string
	for _, k := range req.GetKinds() {
		name, ok := kindNames[k]
		if !ok {
			return nil, status.Errorf(codes.InvalidArgument, "unknown org unit kind %v", k)
		}
		kinds = append(kinds, name)
	}
	all, set, err := h.reach(ctx, a, authz.PermOrgUnitRead)
	if err != nil {
		return nil, h.internal(ctx, err)
	}
	units, err := h.rt.units(ctx, a.TenantID, ids, kinds, all, set)
	if err != nil {
		return nil, h.internal(ctx, err)
	}
	parents, err := h.rt.parents(ctx, a.TenantID, units)
	if err != nil {
		return nil, h.internal(ctx, err)
	}
	out := &pluginv1.GetOrgUnitsResponse{}
	for _, u := range units {
		out.Units = append(out.Units, &pluginv1.OrgUnit{Id: uint64(u.ID), Kind: kindEnum(u.Kind), Name: u.Name, ParentIds: toU64(parents[u.ID]),
			Archived: u.Archived()})
	}
	return out, nil
}

// GetPeople returns the people the actor may read (core.user.read): a
// person is visible through a role granted within the actor's reach, and
// only those grants are shown (only those of the asked roles, if any).
func (h *hostServer) GetPeople(ctx context.Context, req *pluginv1.GetPeopleRequest) (*pluginv1.GetPeopleResponse, error) {
	a, ctx, done, err := h.enter(ctx, req.GetActorToken())
	if err != nil {
		return nil, err
	}
	defer done()
	q := peopleQuery{roles: req.GetRoles(), descendants: req.GetIncludeDescendants()}
	if q.ids, err = checkIDs(req.GetIds()); err != nil {
		return nil, err
	}
	if q.units, err = checkIDs(req.GetUnitIds()); err != nil {
		return nil, err
	}
	if len(q.roles) > maxRoles {
		return nil, status.Errorf(codes.InvalidArgument, "at most %d roles per call", maxRoles)
	}
	for i, r := range q.roles {
		if r == "" || len(r) > 64 {
			return nil, status.Errorf(codes.InvalidArgument, "role %d: a role name is 1 to 64 characters", i+1)
		}
	}
	// Asked only for ids that cannot exist: nobody (never "everybody").
	if len(req.GetIds()) > 0 && len(q.ids) == 0 || len(req.GetUnitIds()) > 0 && len(q.units) == 0 {
		return &pluginv1.GetPeopleResponse{}, nil
	}
	all, set, err := h.reach(ctx, a, authz.PermUserRead)
	if err != nil {
		return nil, h.internal(ctx, err)
	}
	people, err := h.rt.people(ctx, a.TenantID, q, all, set)
	if err != nil {
		return nil, h.internal(ctx, err)
	}
	return &pluginv1.GetPeopleResponse{People: people}, nil
}

// GetSchoolNames returns the id and name of the tenant's schools among ids,
// within the actor's reach or not: a plugin may name a school it refers to
// (the host school of a day another school books) without learning anything
// else about it. No URN, phase, parents or people: those stay within reach
// (GetSchools). Ids of other units or tenants are left out as if absent.
func (h *hostServer) GetSchoolNames(ctx context.Context, req *pluginv1.GetSchoolNamesRequest) (*pluginv1.GetSchoolNamesResponse, error) {
	a, ctx, done, err := h.enter(ctx, req.GetActorToken())
	if err != nil {
		return nil, err
	}
	defer done()
	ids, err := checkIDs(req.GetIds())
	if err != nil {
		return nil, err
	}
	out := &pluginv1.GetSchoolNamesResponse{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID   uint
		Name string
	}
	err = h.rt.deps.DB.WithContext(ctx).Model(&tenancy.Unit{}).Select("id, name").
		Where("tenant_id = ? AND kind = ? AND id IN ?", a.TenantID, string(tenancy.KindSchool), ids).Order("id").Scan(&rows).Error
	if err != nil {
		return nil, h.internal(ctx, fmt.Errorf("school names: %w", err))
	}
	for _, r := range rows {
		out.Schools = append(out.Schools, &pluginv1.SchoolName{Id: uint64(r.ID), Name: r.Name})
	}
	return out, nil
}

// GetPupils returns the pupils with these ids and/or on roll at these
// schools (with neither: every pupil on roll within the actor's reach) at
// schools where the actor holds core.pupil.read; others are left out as if
// absent. The tenant's system actor (a plugin job) gets none: a job acts for
// no one who could be allowed to see a child's record. Every answer is
// recorded in the audit log with the pupils' ids, through "plugin:<id>".
func (h *hostServer) GetPupils(ctx context.Context, req *pluginv1.GetPupilsRequest) (*pluginv1.GetPupilsResponse, error) {
	a, ctx, done, err := h.enter(ctx, req.GetActorToken())
	if err != nil {
		return nil, err
	}
	defer done()
	ids, err := checkIDs(req.GetIds())
	if err != nil {
		return nil, err
	}
	schoolIDs, err := checkIDs(req.GetSchoolIds())
	if err != nil {
		return nil, err
	}
	out := &pluginv1.GetPupilsResponse{}
	// Asked only for ids that cannot exist: nothing (never "every pupil").
	if a.UserID == 0 || len(req.GetIds()) > 0 && len(ids) == 0 || len(req.GetSchoolIds()) > 0 && len(schoolIDs) == 0 {
		return out, nil
	}
	if h.rt.deps.Pupils == nil {
		return nil, status.Error(codes.Unavailable, "this process has no pupil service")
	}
	ps, err := h.rt.deps.Pupils.Select(audit.WithActor(ctx, auditActor(a)), pupils.UserActor(a.UserID, "plugin:"+h.pluginID),
		a.TenantID, pupils.Selection{IDs: ids, SchoolIDs: schoolIDs, Max: maxPupils})
	if errors.Is(err, pupils.ErrTooMany) {
		return nil, status.Errorf(codes.InvalidArgument, "more than %d pupils match: ask for fewer schools at a time", maxPupils)
	}
	if err != nil {
		return nil, h.internal(ctx, err)
	}
	for _, p := range ps {
		out.Pupils = append(out.Pupils, pupilProto(p))
	}
	return out, nil
}

// Authorize answers each check for the actor: at the unit, or anywhere in
// the tenant for unit 0. The tenant's system actor holds no permission.
func (h *hostServer) Authorize(ctx context.Context, req *pluginv1.AuthorizeRequest) (*pluginv1.AuthorizeResponse, error) {
	a, ctx, done, err := h.enter(ctx, req.GetActorToken())
	if err != nil {
		return nil, err
	}
	defer done()
	if len(req.GetChecks()) > maxChecks {
		return nil, status.Errorf(codes.InvalidArgument, "at most %d checks per call", maxChecks)
	}
	out := &pluginv1.AuthorizeResponse{Allowed: make([]bool, len(req.GetChecks()))}
	if a.UserID == 0 {
		return out, nil
	}
	az := h.rt.deps.Authz
	for i, c := range req.GetChecks() {
		if c.GetPermission() == authz.PermPublic {
			continue // a plugin never learns anything from "public"
		}
		var ok bool
		if c.GetUnitId() == 0 {
			ok, err = az.CanSomewhere(ctx, a.TenantID, a.UserID, c.GetPermission())
		} else if c.GetUnitId() <= uint64(^uint(0)) {
			ok, err = az.Can(ctx, a.TenantID, a.UserID, c.GetPermission(), uint(c.GetUnitId()))
		}
		if err != nil {
			return nil, h.internal(ctx, err)
		}
		out.Allowed[i] = ok
	}
	return out, nil
}

// Enqueue queues one of the plugin's own jobs for the actor's tenant.
func (h *hostServer) Enqueue(ctx context.Context, req *pluginv1.EnqueueRequest) (*pluginv1.EnqueueResponse, error) {
	a, ctx, done, err := h.enter(ctx, req.GetActorToken())
	if err != nil {
		return nil, err
	}
	defer done()
	p, m, err := h.rt.current(ctx, h.pluginID)
	if err != nil {
		return nil, h.internal(ctx, err)
	}
	if jobDecl(m, req.GetJob()) == nil {
		return nil, status.Errorf(codes.InvalidArgument, "job %q is not declared in the manifest of %s %s", req.GetJob(), p.ID, p.Version)
	}
	if len(req.GetPayload()) > maxJobPayload {
		return nil, status.Errorf(codes.InvalidArgument, "a job payload is at most %d bytes", maxJobPayload)
	}
	delay := time.Duration(req.GetDelaySeconds()) * time.Second
	if delay < 0 || delay > maxEnqueueDelay {
		return nil, status.Errorf(codes.InvalidArgument, "delay_seconds must be 0 to %d", int(maxEnqueueDelay.Seconds()))
	}
	if h.rt.deps.Jobs == nil {
		return nil, status.Error(codes.Unavailable, "this process has no job queue")
	}
	if err := h.rt.registerPluginJobs(p.ID, m); err != nil {
		return nil, h.internal(ctx, err)
	}
	var opts []asynq.Option
	if delay > 0 {
		opts = append(opts, asynq.ProcessIn(delay))
	}
	id, err := h.rt.deps.Jobs.Enqueue(ctx, TaskType(p.ID, req.GetJob()),
		jobPayload{TenantID: a.TenantID, UserID: a.UserID, Payload: req.GetPayload()}, opts...)
	if err != nil {
		return nil, h.internal(ctx, err)
	}
	return &pluginv1.EnqueueResponse{TaskId: id}, nil
}

// Audit appends an entry, made by the actor, to the tenant's audit log. The
// action must be the plugin's own: "<id>.<…>". It is not transactional: the
// plugin's change has committed before it calls, so a failure here leaves
// the change unaudited. Plugins built on SDK 0.4 keep the entry in an
// outbox in the change's transaction and deliver it (DeliverAudit).
func (h *hostServer) Audit(ctx context.Context, req *pluginv1.AuditRequest) (*pluginv1.AuditResponse, error) {
	a, ctx, done, err := h.enter(ctx, req.GetActorToken())
	if err != nil {
		return nil, err
	}
	defer done()
	action := req.GetAction()
	if err := contract.CheckAuditFields(h.pluginID, action, req.GetEntityType(), req.GetEntityId()); err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	before, err := jsonDoc("before_json", req.GetBeforeJson())
	if err != nil {
		return nil, err
	}
	after, err := jsonDoc("after_json", req.GetAfterJson())
	if err != nil {
		return nil, err
	}
	ch := audit.Change{TenantID: a.TenantID, Action: action, EntityType: req.GetEntityType(), EntityID: req.GetEntityId(),
		Before: before, After: after}
	if err := audit.Check(ch); err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	if err := audit.Record(audit.WithActor(ctx, auditActor(a)), h.rt.deps.DB.For(ctx, a.TenantID), ch); err != nil {
		return nil, h.internal(ctx, err)
	}
	return &pluginv1.AuditResponse{}, nil
}

func jsonDoc(field, s string) (any, error) {
	if s == "" {
		return nil, nil
	}
	if !json.Valid([]byte(s)) {
		return nil, status.Errorf(codes.InvalidArgument, "%s is not a JSON document", field)
	}
	return json.RawMessage(s), nil
}

// auditActor names the actor in the audit log: the user (by email), or the
// plugin for a job run for the tenant.
func auditActor(a actor) audit.Actor {
	if a.UserID == 0 {
		return audit.Actor{Label: "plugin:" + a.PluginID, RequestID: a.RequestID}
	}
	uid := a.UserID
	return audit.Actor{UserID: &uid, Label: a.UserEmail, RequestID: a.RequestID}
}

// SettingPrefix is the prefix of plugin id's keys among the tenant settings.
func SettingPrefix(id string) string { return "plugin." + id + "." }

// GetSettings returns the tenant's settings of the plugin (keys without the
// "plugin.<id>." prefix) over the manifest's defaults.
func (h *hostServer) GetSettings(ctx context.Context, req *pluginv1.GetSettingsRequest) (*pluginv1.GetSettingsResponse, error) {
	a, ctx, done, err := h.enter(ctx, req.GetActorToken())
	if err != nil {
		return nil, err
	}
	defer done()
	out, _, err := h.settings(ctx, a.TenantID)
	if err != nil {
		return nil, h.internal(ctx, err)
	}
	return &pluginv1.GetSettingsResponse{Settings: out}, nil
}

// settings returns the plugin's settings for the tenant over its manifest's
// defaults, and the manifest.
func (h *hostServer) settings(ctx context.Context, tenantID uint) (map[string]string, *pluginv1.Manifest, error) {
	_, m, err := h.rt.current(ctx, h.pluginID)
	if err != nil {
		return nil, nil, err
	}
	out := map[string]string{}
	for _, s := range m.GetSettings() {
		out[s.GetKey()] = s.GetDefaultValue()
	}
	all, err := h.rt.deps.Tenancy.Settings(ctx, tenantID)
	if err != nil {
		return nil, nil, err
	}
	prefix := SettingPrefix(h.pluginID)
	for k, v := range all {
		if strings.HasPrefix(k, prefix) {
			out[strings.TrimPrefix(k, prefix)] = v
		}
	}
	return out, m, nil
}

// current returns the registered build of plugin id and its manifest.
func (rt *Runtime) current(ctx context.Context, id string) (Plugin, *pluginv1.Manifest, error) {
	p, err := rt.reg.CachedGet(ctx, id)
	if err != nil {
		return p, nil, err
	}
	m, err := rt.manifest(p)
	return p, m, err
}

func jobDecl(m *pluginv1.Manifest, name string) *pluginv1.JobDecl {
	for _, j := range m.GetJobs() {
		if j.GetName() == name {
			return j
		}
	}
	return nil
}

func toU64(ids []uint) []uint64 {
	out := make([]uint64, len(ids))
	for i, id := range ids {
		out[i] = uint64(id)
	}
	return out
}

func idString(id uint) string { return strconv.FormatUint(uint64(id), 10) }
