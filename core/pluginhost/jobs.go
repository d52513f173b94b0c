package pluginhost

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/jobs"
	"github.com/challengepartners/upwards/core/tenancy"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Defaults of a job whose manifest leaves max_retry or timeout_seconds 0.
const (
	DefaultJobMaxRetry = 3
	DefaultJobTimeout  = 10 * time.Minute
)

// TaskType is the asynq task type of plugin id's job.
func TaskType(id, job string) string { return "plugin:" + id + ":" + job }

// fanoutType is the task type of plugin id's schedules: it enqueues the
// scheduled job once per tenant enabling the plugin. Job names cannot start
// with "_", so it never collides with a job.
func fanoutType(id string) string { return "plugin:" + id + ":_schedule" }

// jobPayload is the payload of a plugin job task.
type jobPayload struct {
	TenantID uint `json:"tenant_id"`
	// UserID is 0 for a job run for the tenant (a schedule).
	UserID  uint   `json:"user_id"`
	Payload []byte `json:"payload,omitempty"`
}

type fanoutPayload struct {
	Job string `json:"job"`
	// Zone is the time zone whose tenants this firing is for; empty: every
	// enabling tenant (an "@every" schedule, or a task queued by an older core).
	Zone string `json:"zone,omitempty"`
}

// RegisterJobs registers on reg a handler for every job of every installed
// plugin, and the plugins' schedules as a schedule source: the worker running
// the schedules re-reads the registry (jobs.Options.ScheduleSync), so the
// schedules of a plugin installed, upgraded, enabled or disabled while it
// runs start and stop without a restart. Call it before the worker starts;
// jobs of plugins installed later are registered by Sync and by the source.
func (rt *Runtime) RegisterJobs(ctx context.Context, reg *jobs.Registry) error {
	rt.mu.Lock()
	rt.jobsReg = reg
	rt.mu.Unlock()
	plugins, err := rt.reg.List(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, p := range plugins {
		m, err := rt.manifest(p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, rt.registerPluginJobs(p.ID, m))
	}
	reg.AddScheduleSource(rt.schedules)
	return errors.Join(errs...)
}

// schedules lists the fan-out schedules of every plugin that at least one
// tenant enables and whose build has not failed: one per manifest schedule
// and time zone of the enabling tenants (tenant setting timezone, default
// Europe/London), its cron prefixed with CRON_TZ=<zone>, so "0 7 * * *" fires
// at 07:00 in each tenant's zone, summer time or not. The fan-out enqueues the
// job for the tenants enabling the plugin in that zone when it fires, so a
// tenant that disables the plugin is left out at once. An "@every" schedule
// is the same in every zone: one entry for all tenants.
func (rt *Runtime) schedules(ctx context.Context) ([]jobs.Schedule, error) {
	plugins, err := rt.reg.List(ctx)
	if err != nil {
		return nil, err
	}
	enabled, err := rt.reg.enablements(ctx)
	if err != nil {
		return nil, err
	}
	var tenants []uint
	for _, ts := range enabled {
		tenants = append(tenants, ts...)
	}
	zoneOf, err := rt.deps.Tenancy.Timezones(ctx, tenants)
	if err != nil {
		return nil, err
	}
	var out []jobs.Schedule
	for _, p := range plugins {
		if len(enabled[p.ID]) == 0 || p.State == StateFailed {
			continue
		}
		m, err := rt.manifest(p)
		if err != nil {
			rt.log.WarnContext(ctx, "schedules of a plugin left out", "plugin", p.ID, "error", err.Error())
			continue
		}
		if err := rt.registerPluginJobs(p.ID, m); err != nil {
			return nil, err
		}
		zones := map[string]bool{}
		for _, t := range enabled[p.ID] {
			zones[zoneOf[t]] = true
		}
		for _, s := range m.GetSchedules() {
			if strings.HasPrefix(s.GetCron(), "@every ") {
				body, _ := json.Marshal(fanoutPayload{Job: s.GetJob()})
				out = append(out, jobs.Schedule{Cronspec: s.GetCron(), TaskType: fanoutType(p.ID), Payload: body})
				continue
			}
			for _, z := range slices.Sorted(maps.Keys(zones)) {
				body, _ := json.Marshal(fanoutPayload{Job: s.GetJob(), Zone: z})
				out = append(out, jobs.Schedule{Cronspec: "CRON_TZ=" + z + " " + s.GetCron(), TaskType: fanoutType(p.ID), Payload: body})
			}
		}
	}
	return out, nil
}

// registerPluginJobs registers the handlers of m's jobs not yet registered.
func (rt *Runtime) registerPluginJobs(id string, m *pluginv1.Manifest) error {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	reg := rt.jobsReg
	if reg == nil {
		return nil
	}
	handle := func(taskType string, h jobs.Handler, opts ...asynq.Option) {
		if rt.jobTypes[taskType] {
			return
		}
		for _, t := range reg.Types() {
			if t == taskType {
				rt.jobTypes[taskType] = true
				return
			}
		}
		reg.Handle(taskType, h, opts...)
		rt.jobTypes[taskType] = true
	}
	for _, j := range m.GetJobs() {
		retry, timeout := int(j.GetMaxRetry()), time.Duration(j.GetTimeoutSeconds())*time.Second
		if retry == 0 {
			retry = DefaultJobMaxRetry
		}
		if timeout == 0 {
			timeout = DefaultJobTimeout
		}
		name := j.GetName()
		handle(TaskType(id, name), func(ctx context.Context, payload []byte) error {
			return rt.runJob(ctx, id, name, payload)
		}, asynq.MaxRetry(retry), asynq.Timeout(timeout))
	}
	if len(m.GetSchedules()) > 0 {
		handle(fanoutType(id), func(ctx context.Context, payload []byte) error {
			return rt.fanout(ctx, id, payload)
		}, asynq.MaxRetry(3), asynq.Timeout(time.Minute))
	}
	return nil
}

// runJob runs one plugin job through RunJob, with an actor token for its
// tenant and user. A tenant that no longer enables the plugin, a job the
// manifest no longer declares, or a user gone refuse it for good, as does
// the plugin answering FAILED_PRECONDITION; other errors are retried.
func (rt *Runtime) runJob(ctx context.Context, id, job string, raw []byte) error {
	var jp jobPayload
	if err := json.Unmarshal(raw, &jp); err != nil {
		return jobs.Permanent(fmt.Errorf("plugin %s job %s: bad payload: %w", id, job, err))
	}
	p, m, err := rt.current(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return jobs.Permanent(fmt.Errorf("plugin %s is not installed", id))
	}
	if err != nil {
		return err
	}
	decl := jobDecl(m, job)
	if decl == nil {
		return jobs.Permanent(fmt.Errorf("plugin %s %s declares no job %q", id, p.Version, job))
	}
	ok, err := rt.reg.IsEnabled(ctx, id, jp.TenantID)
	if err != nil {
		return err
	}
	if !ok {
		return jobs.Permanent(fmt.Errorf("plugin %s is not enabled for tenant %d", id, jp.TenantID))
	}
	t, err := rt.deps.Tenancy.TenantByID(ctx, jp.TenantID)
	if errors.Is(err, tenancy.ErrNotFound) {
		return jobs.Permanent(fmt.Errorf("tenant %d is gone", jp.TenantID))
	}
	if err != nil {
		return err
	}
	act := actor{PluginID: id, TenantID: t.ID, UserID: jp.UserID}
	pa := &pluginv1.Actor{TenantId: uint64(t.ID), TenantSlug: t.Slug, TenantName: t.Name}
	if jp.UserID != 0 {
		u, err := rt.deps.Identity.GetUser(ctx, t.ID, jp.UserID)
		if errors.Is(err, identity.ErrNotFound) {
			return jobs.Permanent(fmt.Errorf("user %d of tenant %d is gone", jp.UserID, t.ID))
		}
		if err != nil {
			return err
		}
		if u.Disabled() {
			return jobs.Permanent(fmt.Errorf("user %d of tenant %d is disabled", jp.UserID, t.ID))
		}
		act.UserEmail = u.Email
		pa.UserId, pa.UserEmail, pa.UserName = uint64(u.ID), u.Email, u.Name
		if pa.Grants, err = rt.grants(ctx, t.ID, u.ID); err != nil {
			return err
		}
	}
	attempt := int32(1)
	if at, ok := jobs.AttemptFrom(ctx); ok {
		attempt = int32(at.Retried) + 1
		act.RequestID, pa.RequestId = "job:"+at.TaskID, "job:"+at.TaskID
	}
	conn, in, err := rt.acquire(ctx, p)
	if err != nil {
		return err
	}
	ttl := rt.opts.TokenTTL
	if d := time.Duration(decl.GetTimeoutSeconds())*time.Second + time.Minute; d > ttl {
		ttl = d
	}
	tok, revoke := rt.tokens.mint(act, ttl)
	defer revoke()
	pa.Token, pa.AuditSeal = tok, rt.auditSeal(act)
	begin := time.Now()
	_, err = conn.RunJob(ctx, &pluginv1.RunJobRequest{Actor: pa, Job: job, Payload: jp.Payload, Attempt: attempt})
	in.observe(time.Since(begin))
	// Failed or not, the job may have changed the tenant's data.
	rt.noteChange(ctx, id, t.ID, jp.UserID)
	if err != nil {
		code := status.Code(err)
		err = fmt.Errorf("plugin %s job %s: %w", id, job, err)
		if code == codes.FailedPrecondition {
			return jobs.Permanent(err)
		}
		return err
	}
	return nil
}

// RunJob runs plugin id's job now, in this process, for tenantID as userID
// (0: the tenant's system actor), with the same checks and actor as a
// queued job. The demo install uses it to let a plugin build its own demo
// data.
func (rt *Runtime) RunJob(ctx context.Context, id, job string, tenantID, userID uint, payload []byte) error {
	raw, err := json.Marshal(jobPayload{TenantID: tenantID, UserID: userID, Payload: payload})
	if err != nil {
		return fmt.Errorf("plugin %s job %s: %w", id, job, err)
	}
	return rt.runJob(ctx, id, job, raw)
}

// fanout enqueues a scheduled job once for every tenant enabling the plugin
// (in the firing's time zone, when it names one).
// Each child's task id derives from the schedule task's, so a retried
// fan-out enqueues no duplicates.
func (rt *Runtime) fanout(ctx context.Context, id string, raw []byte) error {
	var f fanoutPayload
	if err := json.Unmarshal(raw, &f); err != nil {
		return jobs.Permanent(fmt.Errorf("plugin %s schedule: bad payload: %w", id, err))
	}
	if rt.deps.Jobs == nil {
		return errors.New("no job client")
	}
	tenants, err := rt.reg.EnabledTenants(ctx, id)
	if err != nil {
		return err
	}
	if f.Zone != "" {
		zoneOf, err := rt.deps.Tenancy.Timezones(ctx, tenants)
		if err != nil {
			return err
		}
		tenants = slices.DeleteFunc(tenants, func(t uint) bool { return zoneOf[t] != f.Zone })
	}
	parent, _ := asynq.GetTaskID(ctx)
	var errs []error
	for _, t := range tenants {
		var opts []asynq.Option
		if parent != "" {
			opts = append(opts, asynq.TaskID(fmt.Sprintf("%s:%s:%d", parent, f.Job, t)))
		}
		_, err := rt.deps.Jobs.Enqueue(ctx, TaskType(id, f.Job), jobPayload{TenantID: t}, opts...)
		if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) && !errors.Is(err, asynq.ErrDuplicateTask) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// grants returns the user's roles as the contract shows them, from the
// permission state in memory (no query per request).
func (rt *Runtime) grants(ctx context.Context, tenantID, userID uint) ([]*pluginv1.RoleGrant, error) {
	gs, err := rt.deps.Authz.CachedGrants(ctx, tenantID, userID)
	if err != nil {
		return nil, err
	}
	out := make([]*pluginv1.RoleGrant, len(gs))
	for i, g := range gs {
		out[i] = &pluginv1.RoleGrant{Role: g.Role, UnitId: uint64(g.UnitID)}
	}
	return out, nil
}
