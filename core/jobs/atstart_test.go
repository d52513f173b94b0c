package jobs_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/challengepartners/upwards/core/jobs"
	"github.com/challengepartners/upwards/core/jobs/jobstest"
)

// An AtStart task runs each time a worker starts, without a schedule; a type
// that is not registered is refused.
func TestAtStartRunsWhenAWorkerStarts(t *testing.T) {
	jobstest.Each(t, func(t *testing.T, r *jobs.Redis) {
		var runs atomic.Int32
		reg := jobs.NewRegistry()
		reg.Handle("test:sweep", func(context.Context, []byte) error { runs.Add(1); return nil })
		if err := reg.AtStart("test:nothing"); !errors.Is(err, jobs.ErrUnknownTask) {
			t.Fatalf("AtStart of an unknown type: %v", err)
		}
		if err := reg.AtStart("test:sweep"); err != nil {
			t.Fatal(err)
		}
		for want := int32(1); want <= 2; want++ {
			w := jobs.NewWorker(r, reg, fastOptions(nil))
			if err := w.Start(); err != nil {
				t.Fatal(err)
			}
			waitFor(t, 10*time.Second, "the start task", func() bool { return runs.Load() == want })
			w.Shutdown()
		}
	})
}

// TaskState tells a live task from one that is gone, and DeleteTask frees
// the id of an archived task so that it can be queued again.
func TestTaskStateAndDeleteTask(t *testing.T) {
	jobstest.Each(t, func(t *testing.T, r *jobs.Redis) {
		ctx := context.Background()
		reg := jobs.NewRegistry()
		reg.Handle("test:x", func(context.Context, []byte) error { return nil })
		c := newClient(t, r, reg)
		state := func() string {
			t.Helper()
			s, err := c.TaskState(ctx, "default", "x-1")
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		if s := state(); s != "" || jobs.TaskLive(s) {
			t.Fatalf("no task yet: %q", s)
		}
		if _, err := c.Enqueue(ctx, "test:x", nil, asynq.TaskID("x-1")); err != nil {
			t.Fatal(err)
		}
		if s := state(); s != "pending" || !jobs.TaskLive(s) {
			t.Fatalf("queued: %q", s)
		}
		if err := c.Inspector().ArchiveTask("default", "x-1"); err != nil {
			t.Fatal(err)
		}
		if s := state(); s != "archived" || jobs.TaskLive(s) {
			t.Fatalf("archived: %q", s)
		}
		if _, err := c.Enqueue(ctx, "test:x", nil, asynq.TaskID("x-1")); !errors.Is(err, asynq.ErrTaskIDConflict) {
			t.Fatalf("the archived task's id was free: %v", err)
		}
		if err := c.DeleteTask(ctx, "default", "x-1"); err != nil {
			t.Fatal(err)
		}
		if err := c.DeleteTask(ctx, "default", "x-1"); err != nil {
			t.Fatalf("deleting a task that is gone: %v", err)
		}
		if _, err := c.Enqueue(ctx, "test:x", nil, asynq.TaskID("x-1")); err != nil {
			t.Fatalf("the id after DeleteTask: %v", err)
		}
	})
}
