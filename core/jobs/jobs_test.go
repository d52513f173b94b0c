package jobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/challengepartners/upwards/core/jobs"
	"github.com/challengepartners/upwards/core/jobs/jobstest"
)

// logBuffer is a goroutine-safe log sink.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// fastOptions makes retries and polling quick enough for tests.
func fastOptions(logs *logBuffer) jobs.Options {
	o := jobs.Options{
		Concurrency:     2,
		PollInterval:    50 * time.Millisecond,
		ShutdownTimeout: 2 * time.Second,
		RetryDelayFunc:  func(int, error, *asynq.Task) time.Duration { return 10 * time.Millisecond },
		SchedulerLease:  900 * time.Millisecond,
	}
	if logs != nil {
		o.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return o
}

func startWorker(t *testing.T, r *jobs.Redis, reg *jobs.Registry, o jobs.Options) *jobs.Worker {
	t.Helper()
	w := jobs.NewWorker(r, reg, o)
	if err := w.Start(); err != nil {
		t.Fatalf("start worker: %v", err)
	}
	t.Cleanup(w.Shutdown)
	return w
}

func newClient(t *testing.T, r *jobs.Redis, reg *jobs.Registry) *jobs.Client {
	t.Helper()
	c := jobs.NewClient(r, reg)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func stats(t *testing.T, c *jobs.Client) jobs.QueueStats {
	t.Helper()
	s, err := c.Stats(context.Background())
	if err != nil {
		t.Fatalf("stats: %v", err)
	}
	return s
}

type greeting struct {
	Name string `json:"name"`
}

func TestEnqueueRunsHandlerWithPayload(t *testing.T) {
	jobstest.Each(t, func(t *testing.T, r *jobs.Redis) {
		ctx := context.Background()
		got := make(chan greeting, 1)
		reg := jobs.NewRegistry()
		reg.Handle("test:greet", func(ctx context.Context, payload []byte) error {
			var g greeting
			if err := json.Unmarshal(payload, &g); err != nil {
				return err
			}
			got <- g
			return nil
		})
		logs := &logBuffer{}
		startWorker(t, r, reg, fastOptions(logs))
		c := newClient(t, r, reg)
		id, err := c.Enqueue(ctx, "test:greet", greeting{Name: "Ada Lovelace-Secret"})
		if err != nil {
			t.Fatal(err)
		}
		if id == "" {
			t.Fatal("enqueue returned no task id")
		}
		select {
		case g := <-got:
			if g.Name != "Ada Lovelace-Secret" {
				t.Fatalf("handler got %+v", g)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("handler did not run within 10s")
		}
		waitFor(t, 5*time.Second, "the finish log line", func() bool { return strings.Contains(logs.String(), `"job finished"`) })
		out := logs.String()
		if !strings.Contains(out, `"task_type":"test:greet"`) || !strings.Contains(out, `"task_id":"`+id+`"`) {
			t.Errorf("logs do not name the task type and id:\n%s", out)
		}
		if strings.Contains(out, "Lovelace") {
			t.Errorf("logs contain the payload:\n%s", out)
		}
	})
}

func TestFailingHandlerIsRetriedThenArchived(t *testing.T) {
	jobstest.Each(t, func(t *testing.T, r *jobs.Redis) {
		var mu sync.Mutex
		var attempts []jobs.Attempt
		reg := jobs.NewRegistry()
		reg.Handle("test:fail", func(ctx context.Context, _ []byte) error {
			a, ok := jobs.AttemptFrom(ctx)
			if !ok {
				t.Error("no attempt in handler context")
			}
			mu.Lock()
			attempts = append(attempts, a)
			mu.Unlock()
			return errors.New("smtp server on fire")
		}, asynq.MaxRetry(2))
		logs := &logBuffer{}
		startWorker(t, r, reg, fastOptions(logs))
		c := newClient(t, r, reg)
		id, err := c.Enqueue(context.Background(), "test:fail", nil)
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, 15*time.Second, "the task to be archived", func() bool { return stats(t, c).Archived == 1 })
		mu.Lock()
		defer mu.Unlock()
		if len(attempts) != 3 {
			t.Fatalf("handler ran %d times, want 3 (first run + 2 retries)", len(attempts))
		}
		for i, a := range attempts {
			if a.TaskID != id || a.Retried != i || a.MaxRetry != 2 || a.Last() != (i == 2) {
				t.Errorf("attempt %d = %+v", i, a)
			}
		}
		info, err := c.Inspector().GetTaskInfo("default", id)
		if err != nil {
			t.Fatal(err)
		}
		if info.State != asynq.TaskStateArchived || !strings.Contains(info.LastErr, "on fire") {
			t.Errorf("task state %v, last error %q", info.State, info.LastErr)
		}
		if s := stats(t, c); s.Pending+s.Retry+s.Active != 0 {
			t.Errorf("left over tasks: %+v", s)
		}
		if out := logs.String(); !strings.Contains(out, "job failed; will retry") || !strings.Contains(out, "job failed; archived") {
			t.Errorf("failure logs missing:\n%s", out)
		}
	})
}

func TestPermanentErrorAndPanicAreArchivedAtOnce(t *testing.T) {
	r := jobstest.Open(t, jobstest.Embedded)
	var permanent, panics atomic.Int32
	reg := jobs.NewRegistry()
	reg.Handle("test:permanent", func(context.Context, []byte) error {
		permanent.Add(1)
		return jobs.Permanent(errors.New("mailbox does not exist"))
	}, asynq.MaxRetry(5))
	reg.Handle("test:panic", func(context.Context, []byte) error {
		panics.Add(1)
		panic("boom")
	}, asynq.MaxRetry(1))
	startWorker(t, r, reg, fastOptions(nil))
	c := newClient(t, r, reg)
	for _, typ := range []string{"test:permanent", "test:panic"} {
		if _, err := c.Enqueue(context.Background(), typ, nil); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, 15*time.Second, "both tasks archived", func() bool { return stats(t, c).Archived == 2 })
	if permanent.Load() != 1 {
		t.Errorf("permanent failure ran %d times, want 1", permanent.Load())
	}
	if panics.Load() != 2 {
		t.Errorf("panicking handler ran %d times, want 2 (MaxRetry 1)", panics.Load())
	}
	if err := jobs.Permanent(errors.New("x")); !jobs.IsPermanent(err) || jobs.IsPermanent(errors.New("x")) || jobs.Permanent(nil) != nil {
		t.Error("Permanent/IsPermanent disagree")
	}
}

func TestUnknownTaskTypeIsRefused(t *testing.T) {
	jobstest.Each(t, func(t *testing.T, r *jobs.Redis) {
		reg := jobs.NewRegistry()
		reg.Handle("test:known", func(context.Context, []byte) error { return nil })
		c := newClient(t, r, reg)
		_, err := c.Enqueue(context.Background(), "test:unknown", map[string]int{"a": 1})
		if !errors.Is(err, jobs.ErrUnknownTask) {
			t.Fatalf("enqueue of an unknown type: %v", err)
		}
		if s := stats(t, c); s.Pending != 0 {
			t.Fatalf("unknown task was queued: %+v", s)
		}
	})
}

func TestEnqueueOptionsAndStats(t *testing.T) {
	jobstest.Each(t, func(t *testing.T, r *jobs.Redis) {
		ctx := context.Background()
		reg := jobs.NewRegistry()
		reg.Handle("test:low", func(context.Context, []byte) error { return nil }, asynq.Queue("low"), asynq.MaxRetry(3))
		c := newClient(t, r, reg)
		id, err := c.Enqueue(ctx, "test:low", []byte(`{"raw":true}`))
		if err != nil {
			t.Fatal(err)
		}
		info, err := c.Inspector().GetTaskInfo("low", id)
		if err != nil {
			t.Fatalf("task not in its registered queue: %v", err)
		}
		if info.MaxRetry != 3 || string(info.Payload) != `{"raw":true}` {
			t.Errorf("task info %+v", info)
		}
		// Call options override the registered ones.
		if _, err := c.Enqueue(ctx, "test:low", nil, asynq.Queue("critical"), asynq.ProcessIn(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Enqueue(ctx, "test:low", nil, asynq.TaskID("fixed")); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Enqueue(ctx, "test:low", nil, asynq.TaskID("fixed")); !errors.Is(err, asynq.ErrTaskIDConflict) {
			t.Errorf("second enqueue with the same task id: %v", err)
		}
		s := stats(t, c)
		if s.Pending != 2 || s.Scheduled != 1 || s.Queues != 2 {
			t.Errorf("stats %+v, want 2 pending, 1 scheduled in 2 queues", s)
		}
	})
}

func TestScheduleFires(t *testing.T) {
	jobstest.Each(t, func(t *testing.T, r *jobs.Redis) {
		got := make(chan string, 10)
		reg := jobs.NewRegistry()
		reg.Handle("test:tick", func(_ context.Context, p []byte) error {
			got <- string(p)
			return nil
		})
		if err := reg.Schedule("@every 1s", "test:tick", []byte(`{"n":1}`)); err != nil {
			t.Fatal(err)
		}
		w := startWorker(t, r, reg, fastOptions(nil))
		select {
		case p := <-got:
			if p != `{"n":1}` {
				t.Fatalf("scheduled payload %q", p)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("schedule did not fire within 10s")
		}
		if !w.Scheduling() {
			t.Error("the only worker does not hold the scheduler lease")
		}
	})
}

func TestScheduleValidation(t *testing.T) {
	reg := jobs.NewRegistry()
	reg.Handle("test:tick", func(context.Context, []byte) error { return nil })
	for _, spec := range []string{"every minute", "* * *", "61 * * * *", "@every banana", ""} {
		if err := reg.Schedule(spec, "test:tick", nil); err == nil {
			t.Errorf("cron %q accepted", spec)
		}
	}
	for _, spec := range []string{"*/5 * * * *", "@hourly", "@every 1m30s", "0 3 * * 1-5"} {
		if err := reg.Schedule(spec, "test:tick", nil); err != nil {
			t.Errorf("cron %q refused: %v", spec, err)
		}
	}
	if err := reg.Schedule("@hourly", "test:unregistered", nil); !errors.Is(err, jobs.ErrUnknownTask) {
		t.Errorf("schedule of an unregistered type: %v", err)
	}
	if n := len(reg.Schedules()); n != 4 {
		t.Errorf("%d schedules registered, want 4", n)
	}
	if got := reg.Types(); len(got) != 1 || got[0] != "test:tick" {
		t.Errorf("types %v", got)
	}
	for name, f := range map[string]func(){
		"duplicate": func() { reg.Handle("test:tick", func(context.Context, []byte) error { return nil }) },
		"empty":     func() { reg.Handle("", func(context.Context, []byte) error { return nil }) },
		"nil":       func() { reg.Handle("test:nil", nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Handle %s did not panic", name)
				}
			}()
			f()
		}()
	}
}

func TestOneWorkerRunsTheSchedules(t *testing.T) {
	jobstest.Each(t, func(t *testing.T, r *jobs.Redis) {
		reg := jobs.NewRegistry()
		reg.Handle("test:tick", func(context.Context, []byte) error { return nil })
		if err := reg.Schedule("@hourly", "test:tick", nil); err != nil {
			t.Fatal(err)
		}
		o := fastOptions(nil)
		o.SchedulerLease = 1500 * time.Millisecond
		a := startWorker(t, r, reg, o)
		waitFor(t, 5*time.Second, "a worker to take the scheduler lease", a.Scheduling)
		b := startWorker(t, r, reg, o)
		time.Sleep(o.SchedulerLease) // b has competed three times by now
		if !a.Scheduling() || b.Scheduling() {
			t.Fatalf("a scheduling %v, b scheduling %v: want only a", a.Scheduling(), b.Scheduling())
		}
		a.Shutdown()
		waitFor(t, 5*time.Second, "the second worker to take over", b.Scheduling)
		c := jobs.NewWorker(r, reg, jobs.Options{DisableScheduler: true})
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		defer c.Shutdown()
		if c.Scheduling() {
			t.Error("a worker with DisableScheduler holds the lease")
		}
	})
}

func TestWorkerRefusesUnservedQueue(t *testing.T) {
	r := jobstest.Open(t, jobstest.Embedded)
	reg := jobs.NewRegistry()
	reg.Handle("test:lost", func(context.Context, []byte) error { return nil }, asynq.Queue("nowhere"))
	w := jobs.NewWorker(r, reg, jobs.Options{})
	err := w.Start()
	if err == nil || !strings.Contains(err.Error(), `"nowhere"`) || !strings.Contains(err.Error(), "test:lost") {
		t.Fatalf("start with an unserved queue: %v", err)
	}
	w.Shutdown() // harmless on a worker that never started
}

func TestOpenRedis(t *testing.T) {
	ctx := context.Background()
	for _, bad := range []string{"", "http://127.0.0.1:6379", "redis://", "redis://127.0.0.1:6379/99", "redis://127.0.0.1:6379/x"} {
		if r, err := jobs.OpenRedis(ctx, bad); err == nil {
			r.Close()
			t.Errorf("OpenRedis(%q) succeeded", bad)
		}
	}
	_, err := jobs.OpenRedis(ctx, "redis://:hunter2@127.0.0.1:1/0")
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("unreachable server: %v (must fail without showing the password)", err)
	}
	r := jobstest.Open(t, jobstest.Embedded)
	if !r.Embedded() || !strings.HasPrefix(r.Addr(), "127.0.0.1:") || r.Addr() == "127.0.0.1:0" {
		t.Errorf("embedded redis at %q", r.Addr())
	}
	if err := r.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Ping(ctx); err == nil {
		t.Error("ping after close succeeded")
	}
	server := jobstest.Open(t, jobstest.Real)
	if server.Embedded() || server.Ping(ctx) != nil {
		t.Errorf("real redis: embedded %v", server.Embedded())
	}
	same, err := jobs.OpenRedis(ctx, jobstest.ServerURL()+"/")
	if err != nil {
		t.Fatalf("url with an empty database path: %v", err)
	}
	same.Close()
}

func TestEmbeddedRedisWantsItsPassword(t *testing.T) {
	r := jobstest.Open(t, jobstest.Embedded)
	opt := r.ClientOpt().(asynq.RedisClientOpt)
	if opt.Password == "" {
		t.Fatal("embedded redis has no password")
	}
	opt.Password = ""
	c := asynq.NewInspector(opt)
	defer c.Close()
	if _, err := c.Queues(); err == nil {
		t.Fatal("embedded redis answered a client without the password")
	}
}

// A schedule a source starts listing while the worker runs fires without a
// restart, and stops once the source drops it; a source that fails keeps
// the entries the worker has.
func TestScheduleSourceChangesWhileRunning(t *testing.T) {
	jobstest.Each(t, func(t *testing.T, r *jobs.Redis) {
		var fired atomic.Int64
		reg := jobs.NewRegistry()
		reg.Handle("test:tick", func(context.Context, []byte) error { fired.Add(1); return nil })
		var mu sync.Mutex
		var listed []jobs.Schedule
		var failing bool
		reg.AddScheduleSource(func(context.Context) ([]jobs.Schedule, error) {
			mu.Lock()
			defer mu.Unlock()
			if failing {
				return nil, errors.New("registry unreachable")
			}
			return listed, nil
		})
		set := func(ss []jobs.Schedule, fail bool) {
			mu.Lock()
			listed, failing = ss, fail
			mu.Unlock()
		}
		o := fastOptions(nil)
		o.ScheduleSync = 100 * time.Millisecond
		w := startWorker(t, r, reg, o)
		waitFor(t, 5*time.Second, "the worker to run the schedules", w.Scheduling)
		entries := func() []string {
			es, err := asynq.NewInspector(r.ClientOpt()).SchedulerEntries()
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, e := range es {
				out = append(out, e.Spec+" "+e.Task.Type())
			}
			return out
		}
		time.Sleep(1500 * time.Millisecond)
		if n := fired.Load(); n != 0 || len(entries()) != 0 {
			t.Fatalf("before the source lists a schedule: %d runs, entries %v", n, entries())
		}

		set([]jobs.Schedule{{Cronspec: "@every 1s", TaskType: "test:tick"}, {Cronspec: "@hourly", TaskType: "test:unregistered"},
			{Cronspec: "every banana", TaskType: "test:tick"}}, false)
		waitFor(t, 10*time.Second, "the new schedule to fire", func() bool { return fired.Load() > 0 })
		waitFor(t, 5*time.Second, "the entry to be listed", func() bool { return slices.Equal(entries(), []string{"@every 1s test:tick"}) })

		set(nil, true) // a failing source changes nothing
		time.Sleep(500 * time.Millisecond)
		if got := entries(); !slices.Equal(got, []string{"@every 1s test:tick"}) {
			t.Fatalf("entries after a failing read: %v", got)
		}

		set(nil, false)
		waitFor(t, 5*time.Second, "the dropped schedule's entry to go", func() bool { return len(entries()) == 0 })
		time.Sleep(300 * time.Millisecond) // a run already enqueued may finish
		n := fired.Load()
		time.Sleep(2500 * time.Millisecond)
		if after := fired.Load(); after != n {
			t.Fatalf("the dropped schedule fired %d more times", after-n)
		}
	})
}

// A schedule that names no zone runs in Options.ScheduleLocation, by default
// Europe/London (the schools'); one that names a zone runs in it: the
// scheduler's next firing says so. (Auckland is never UTC, so the second case
// fails if the location does not reach the scheduler, whatever the season.)
func TestSchedulesRunInEuropeLondonUnlessTheyNameAZone(t *testing.T) {
	auckland, err := time.LoadLocation("Pacific/Auckland")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		option *time.Location
		zone   string
	}{{nil, "Europe/London"}, {auckland, "Pacific/Auckland"}} {
		t.Run(tc.zone, func(t *testing.T) {
			r := jobstest.Open(t, jobstest.Embedded)
			reg := jobs.NewRegistry()
			reg.Handle("test:morning", func(context.Context, []byte) error { return nil })
			reg.Handle("test:tokyo", func(context.Context, []byte) error { return nil })
			if err := reg.Schedule("0 7 * * *", "test:morning", nil); err != nil {
				t.Fatal(err)
			}
			if err := reg.Schedule("CRON_TZ=Asia/Tokyo 0 7 * * *", "test:tokyo", nil); err != nil {
				t.Fatal(err)
			}
			o := fastOptions(nil)
			o.ScheduleSync = 100 * time.Millisecond // entries are listed at the scheduler's heartbeat
			o.ScheduleLocation = tc.option
			w := startWorker(t, r, reg, o)
			waitFor(t, 5*time.Second, "the worker to run the schedules", w.Scheduling)
			var next map[string]time.Time
			waitFor(t, 5*time.Second, "two scheduler entries", func() bool {
				es, err := asynq.NewInspector(r.ClientOpt()).SchedulerEntries()
				if err != nil {
					t.Fatal(err)
				}
				next = map[string]time.Time{}
				for _, e := range es {
					next[e.Task.Type()] = e.Next
				}
				return len(next) == 2
			})
			for taskType, zone := range map[string]string{"test:morning": tc.zone, "test:tokyo": "Asia/Tokyo"} {
				loc, err := time.LoadLocation(zone)
				if err != nil {
					t.Fatal(err)
				}
				at := next[taskType].In(loc)
				if at.Hour() != 7 || at.Minute() != 0 || time.Until(at) > 25*time.Hour || time.Until(at) < 0 {
					t.Errorf("%s next fires at %s (%s), want the next 07:00 %s", taskType, at, next[taskType].UTC(), zone)
				}
			}
		})
	}
}
