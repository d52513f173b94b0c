package pluginhost

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/robfig/cron/v3"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/jobs"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/tenancy"
)

// Jobs run through RunJob with an actor: a job a request enqueues acts for
// its user; a schedule fans out to every enabling tenant and acts for the
// tenant; a tenant that no longer enables the plugin is refused for good.
func TestJobsRunThroughRunJobWithActor(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{})
	e.install("echo", e.a)
	e.must(e.rt.RegisterJobs(e.ctx, e.jreg))
	for _, tt := range []string{"plugin:echo:record", "plugin:echo:tick", "plugin:echo:_schedule"} {
		if !slices.Contains(e.jreg.Types(), tt) {
			t.Fatalf("task type %s not registered: %v", tt, e.jreg.Types())
		}
	}
	w := jobs.NewWorker(e.redis, e.jreg, jobs.Options{PollInterval: 50 * time.Millisecond, Logger: testLogger(), ShutdownTimeout: time.Second})
	e.must(w.Start())
	t.Cleanup(w.Shutdown)

	resp, body := e.do(http.MethodPost, e.a.host, e.a.hubMgrTok, "/p/echo/enqueue", strings.NewReader("job-1"), nil)
	if resp.StatusCode != 200 || body == "" {
		t.Fatalf("enqueue: %d %s", resp.StatusCode, body)
	}
	var ev audit.Event
	eventually(t, 5*time.Second, "the job ran", func() bool {
		return e.db.Where("tenant_id = ? AND action = ? AND entity_id = ?", e.a.tenant.ID, "echo.job.ran", "job-1").Take(&ev).Error == nil
	})
	var after struct {
		Attempt int
		User    uint
		Tenant  string
	}
	e.must(json.Unmarshal([]byte(ev.After), &after))
	if ev.ActorUserID == nil || *ev.ActorUserID != e.a.hubMgr.ID || ev.ActorLabel != e.a.hubMgr.Email || after.Attempt != 1 || after.User != e.a.hubMgr.ID || after.Tenant != "alpha" {
		t.Fatalf("the job acted as %+v (%s)", ev, ev.After)
	}
	var tick audit.Event
	eventually(t, 5*time.Second, "the schedule ran for tenant A", func() bool {
		return e.db.Where("tenant_id = ? AND action = ?", e.a.tenant.ID, "echo.tick").Take(&tick).Error == nil
	})
	if tick.ActorUserID != nil || tick.ActorLabel != "plugin:echo" || tick.EntityID != "alpha" {
		t.Fatalf("the scheduled job acted as %+v", tick)
	}
	if n := e.auditCount(e.b.tenant.ID, "echo.tick"); n != 0 {
		t.Fatalf("the schedule ran %d times for tenant B, which does not enable echo", n)
	}
	payload := func(tenant, user uint) []byte {
		b, _ := json.Marshal(jobPayload{TenantID: tenant, UserID: user})
		return b
	}
	if err := e.rt.runJob(e.ctx, "echo", "record", payload(e.b.tenant.ID, 0)); !jobs.IsPermanent(err) || !strings.Contains(err.Error(), "not enabled") {
		t.Fatalf("a job of a tenant without the plugin: %v", err)
	}
	if err := e.rt.runJob(e.ctx, "echo", "refuse", payload(e.a.tenant.ID, 0)); !jobs.IsPermanent(err) || !strings.Contains(err.Error(), "do not retry") {
		t.Fatalf("FAILED_PRECONDITION from the plugin: %v", err)
	}
	if err := e.rt.runJob(e.ctx, "echo", "record", payload(e.a.tenant.ID, e.b.admin.ID)); !jobs.IsPermanent(err) {
		t.Fatalf("a job for a user of another tenant: %v", err)
	}
	// The worker stops first: a scheduled tick may still be running, and
	// its token lives until it ends.
	w.Shutdown()
	if n := e.rt.tokens.live(); n != 0 {
		t.Fatalf("%d actor tokens outlive their jobs", n)
	}
}

// A plugin installed and enabled through another process (as the CLI does)
// while a worker runs gets its schedule without a restart, and the schedule
// goes when no tenant enables the plugin any more.
func TestSchedulesFollowTheRegistryWhileAWorkerRuns(t *testing.T) {
	eachDialect(t, func(t *testing.T, d storage.Dialect) {
		e := newEnv(t, d, Options{SyncInterval: 200 * time.Millisecond})
		e.must(e.rt.RegisterJobs(e.ctx, e.jreg))
		w := jobs.NewWorker(e.redis, e.jreg, jobs.Options{PollInterval: 50 * time.Millisecond, Logger: testLogger(),
			ShutdownTimeout: time.Second, ScheduleSync: 200 * time.Millisecond})
		e.must(w.Start())
		t.Cleanup(w.Shutdown)
		entries := func() []string {
			es, err := asynq.NewInspector(e.redis.ClientOpt()).SchedulerEntries()
			e.must(err)
			var out []string
			for _, en := range es {
				out = append(out, en.Spec+" "+en.Task.Type())
			}
			slices.Sort(out)
			return out
		}
		eventually(t, 5*time.Second, "the worker to run the schedules", w.Scheduling)
		want := []string{"@every 1s plugin:echo:_schedule"}

		// Another process installs echo; no tenant enables it yet: no schedule.
		cli := NewRegistry(e.db, RegistryOptions{CoreVersion: "1.0.0", Logger: testLogger()})
		p, err := cli.Install(e.ctx, binary("echo"), false)
		e.must(err)
		time.Sleep(1500 * time.Millisecond)
		if got := entries(); slices.Contains(got, want[0]) {
			t.Fatalf("a plugin no tenant enables is scheduled: %v", got)
		}
		e.must(cli.Enable(e.ctx, p.ID, e.a.tenant.ID))
		eventually(t, 10*time.Second, "the schedule to appear", func() bool { return slices.Contains(entries(), want[0]) })
		eventually(t, 10*time.Second, "the scheduled job to run for tenant A", func() bool { return e.auditCount(e.a.tenant.ID, "echo.tick") > 0 })
		if n := e.auditCount(e.b.tenant.ID, "echo.tick"); n != 0 {
			t.Fatalf("the schedule ran %d times for tenant B, which does not enable echo", n)
		}

		e.must(cli.Disable(e.ctx, p.ID, e.a.tenant.ID))
		eventually(t, 10*time.Second, "the schedule to go", func() bool { return !slices.Contains(entries(), want[0]) })
		time.Sleep(500 * time.Millisecond) // a run enqueued before the disable is refused or done
		n := e.auditCount(e.a.tenant.ID, "echo.tick")
		time.Sleep(2500 * time.Millisecond)
		if after := e.auditCount(e.a.tenant.ID, "echo.tick"); after != n {
			t.Fatalf("echo ticked %d more times after it was disabled", after-n)
		}
	})
}

// A manifest's "0 7 * * *" fires at 07:00 in each enabling tenant's time zone
// (tenant setting timezone, Europe/London by default): one schedule per zone
// in use, BST and GMT both right at the clock changes, and each firing fans
// out to the tenants of its zone only.
func TestSchedulesFireInEachTenantsTimeZone(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{})
	e.install("daily", e.a, e.b)
	e.must(e.ten.SetSetting(e.ctx, e.b.tenant.ID, tenancy.SettingTimezone, "America/New_York"))
	e.must(e.rt.RegisterJobs(e.ctx, e.jreg))
	scheds, err := e.rt.schedules(e.ctx)
	e.must(err)
	byZone := map[string]jobs.Schedule{}
	for _, s := range scheds {
		var f fanoutPayload
		e.must(json.Unmarshal(s.Payload, &f))
		if s.TaskType != fanoutType("daily") || f.Job != "tick" {
			t.Fatalf("unexpected schedule %+v (%s)", s, s.Payload)
		}
		byZone[f.Zone] = s
	}
	if len(byZone) != 2 || byZone["Europe/London"].Cronspec != "CRON_TZ=Europe/London 0 7 * * *" ||
		byZone["America/New_York"].Cronspec != "CRON_TZ=America/New_York 0 7 * * *" {
		t.Fatalf("want one schedule per zone in use, got %+v", scheds)
	}
	utc := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15:04", s)
		e.must(err)
		return v
	}
	// asynq's scheduler parses cronspecs with robfig/cron's standard parser.
	london, err := cron.ParseStandard(byZone["Europe/London"].Cronspec)
	e.must(err)
	newYork, err := cron.ParseStandard(byZone["America/New_York"].Cronspec)
	e.must(err)
	for _, tc := range []struct {
		sched     cron.Schedule
		from, due string // UTC
	}{
		{london, "2025-07-01 00:00", "2025-07-01 06:00"}, // BST: 07:00 is 06:00 UTC
		{london, "2025-12-01 00:00", "2025-12-01 07:00"}, // GMT
		{london, "2025-10-24 12:00", "2025-10-25 06:00"}, // the last morning of BST
		{london, "2025-10-25 12:00", "2025-10-26 07:00"}, // clocks went back at 01:00 UTC on 26 Oct
		{london, "2025-03-29 12:00", "2025-03-30 06:00"}, // clocks went forward at 01:00 UTC on 30 Mar
		{newYork, "2025-07-01 00:00", "2025-07-01 11:00"},
		{newYork, "2025-12-01 00:00", "2025-12-01 12:00"},
	} {
		if got := tc.sched.Next(utc(tc.from)).UTC(); !got.Equal(utc(tc.due)) {
			t.Errorf("after %s UTC the schedule fires at %s, want %s UTC", tc.from, got.Format("2006-01-02 15:04 MST"), tc.due)
		}
	}
	// The London firing enqueues tick for tenant A only; New York's for B only.
	for zone, want := range map[string]uint{"Europe/London": e.a.tenant.ID, "America/New_York": e.b.tenant.ID} {
		before := pendingTenants(t, e, TaskType("daily", "tick"))
		e.must(e.rt.fanout(e.ctx, "daily", byZone[zone].Payload))
		after := pendingTenants(t, e, TaskType("daily", "tick"))
		added := map[uint]int{}
		for id, n := range after {
			if d := n - before[id]; d != 0 {
				added[id] = d
			}
		}
		if len(added) != 1 || added[want] != 1 {
			t.Errorf("the %s firing enqueued tick for tenants %v (tenant → tasks), want only tenant %d once", zone, added, want)
		}
	}
}

// pendingTenants counts the pending tasks of taskType by tenant.
func pendingTenants(t *testing.T, e *env, taskType string) map[uint]int {
	t.Helper()
	ins := asynq.NewInspector(e.redis.ClientOpt())
	out := map[uint]int{}
	for q := range jobs.DefaultQueues() {
		tasks, err := ins.ListPendingTasks(q)
		if err != nil && !errors.Is(err, asynq.ErrQueueNotFound) {
			t.Fatal(err)
		}
		for _, ti := range tasks {
			if ti.Type != taskType {
				continue
			}
			var jp jobPayload
			e.must(json.Unmarshal(ti.Payload, &jp))
			out[jp.TenantID]++
		}
	}
	return out
}
