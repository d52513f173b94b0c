package jobs

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/hibiken/asynq"
)

// Handler processes one task's payload. Returning an error makes asynq retry
// the task (see Permanent for errors that retrying cannot fix).
type Handler func(ctx context.Context, payload []byte) error

// ErrUnknownTask is returned when enqueueing a task type no handler is registered for.
var ErrUnknownTask = errors.New("unknown task type")

// Registry maps task types to handlers, their default options and their
// schedules. Build it at start-up, before making Clients and Workers from it;
// handlers and schedules added later still reach a running worker (schedules
// within Options.ScheduleSync).
type Registry struct {
	mu        sync.RWMutex
	handlers  map[string]registered
	schedules []Schedule
	sources   []ScheduleSource
	atStart   []string
}

// ScheduleSource lists schedules that change while workers run, such as
// those of plugins that are installed, enabled and disabled at any time.
// The worker running the schedules calls every source each
// Options.ScheduleSync and adds and removes entries to match. A schedule
// whose task type is not registered (yet) or whose cronspec is bad is left
// out and logged.
type ScheduleSource func(ctx context.Context) ([]Schedule, error)

type registered struct {
	handler Handler
	opts    []asynq.Option
}

// Schedule is one periodic task.
type Schedule struct {
	Cronspec string
	TaskType string
	Payload  []byte
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{handlers: map[string]registered{}}
}

// Handle registers h for taskType with the task's default options
// (asynq.MaxRetry, asynq.Timeout, asynq.Queue, …), applied to every enqueue of
// the type before the enqueuer's own options. Like http.ServeMux.Handle, it
// panics on an empty type, a nil handler or a type registered twice: those
// are programming errors found at start-up.
func (reg *Registry) Handle(taskType string, h Handler, opts ...asynq.Option) {
	if taskType == "" {
		panic("jobs: Handle with an empty task type")
	}
	if h == nil {
		panic(fmt.Sprintf("jobs: Handle %q with a nil handler", taskType))
	}
	reg.mu.Lock()
	defer reg.mu.Unlock()
	if _, dup := reg.handlers[taskType]; dup {
		panic(fmt.Sprintf("jobs: task type %q registered twice", taskType))
	}
	reg.handlers[taskType] = registered{handler: h, opts: append([]asynq.Option(nil), opts...)}
}

// Schedule enqueues taskType with payload on cronspec: five cron fields
// ("*/5 * * * *", in Options.ScheduleLocation, Europe/London by default, unless
// prefixed "CRON_TZ=<zone> ") or a descriptor ("@hourly", "@every 1m"). The task type
// must already be registered; a bad cronspec is refused.
func (reg *Registry) Schedule(cronspec, taskType string, payload []byte) error {
	if err := validateCron(cronspec); err != nil {
		return fmt.Errorf("schedule %s: cron %q: %w", taskType, cronspec, err)
	}
	reg.mu.Lock()
	defer reg.mu.Unlock()
	if _, ok := reg.handlers[taskType]; !ok {
		return fmt.Errorf("schedule %s: %w (Handle it first)", taskType, ErrUnknownTask)
	}
	reg.schedules = append(reg.schedules, Schedule{Cronspec: cronspec, TaskType: taskType, Payload: append([]byte(nil), payload...)})
	return nil
}

// AtStart enqueues taskType, with an empty payload, each time a Worker
// starts: work that must catch up with what happened while no worker ran
// (a sweep that finds tasks lost with the embedded Redis, say). The task
// type must already be registered.
func (reg *Registry) AtStart(taskType string) error {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	if _, ok := reg.handlers[taskType]; !ok {
		return fmt.Errorf("run %s at start: %w (Handle it first)", taskType, ErrUnknownTask)
	}
	reg.atStart = append(reg.atStart, taskType)
	return nil
}

// startTasks lists the task types to enqueue when a worker starts.
func (reg *Registry) startTasks() []string {
	reg.mu.RLock()
	defer reg.mu.RUnlock()
	return append([]string(nil), reg.atStart...)
}

// AddScheduleSource adds a source of schedules the worker running the
// schedules keeps in step with (see ScheduleSource).
func (reg *Registry) AddScheduleSource(src ScheduleSource) {
	if src == nil {
		panic("jobs: AddScheduleSource with a nil source")
	}
	reg.mu.Lock()
	defer reg.mu.Unlock()
	reg.sources = append(reg.sources, src)
}

// hasSchedules reports whether there are schedules or sources of them.
func (reg *Registry) hasSchedules() bool {
	reg.mu.RLock()
	defer reg.mu.RUnlock()
	return len(reg.schedules) > 0 || len(reg.sources) > 0
}

// dynamicSchedules asks every source for its schedules now.
func (reg *Registry) dynamicSchedules(ctx context.Context) ([]Schedule, error) {
	reg.mu.RLock()
	sources := append([]ScheduleSource(nil), reg.sources...)
	reg.mu.RUnlock()
	var out []Schedule
	for _, src := range sources {
		ss, err := src(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, ss...)
	}
	return out, nil
}

// validateCron parses cronspec with the very parser asynq's Scheduler uses,
// by registering it on a scheduler that is never started or connected.
func validateCron(cronspec string) error {
	s := asynq.NewSchedulerFromRedisClient(nil, nil)
	_, err := s.Register(cronspec, asynq.NewTask("validate", nil))
	return err
}

// Types lists the registered task types, sorted.
func (reg *Registry) Types() []string {
	reg.mu.RLock()
	defer reg.mu.RUnlock()
	out := make([]string, 0, len(reg.handlers))
	for t := range reg.handlers {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Schedules lists the registered schedules in registration order.
func (reg *Registry) Schedules() []Schedule {
	reg.mu.RLock()
	defer reg.mu.RUnlock()
	out := make([]Schedule, len(reg.schedules))
	copy(out, reg.schedules)
	return out
}

func (reg *Registry) lookup(taskType string) (registered, bool) {
	reg.mu.RLock()
	defer reg.mu.RUnlock()
	r, ok := reg.handlers[taskType]
	return r, ok
}

// queues lists the queues the registered types default to.
func (reg *Registry) queues() map[string][]string {
	reg.mu.RLock()
	defer reg.mu.RUnlock()
	out := map[string][]string{}
	for t, r := range reg.handlers {
		q := "default"
		for _, o := range r.opts {
			if o.Type() == asynq.QueueOpt {
				q, _ = o.Value().(string)
			}
		}
		out[q] = append(out[q], t)
	}
	return out
}

// Permanent marks err as one that retrying cannot fix: the task is archived
// at once instead of being retried. errors.Is(Permanent(err), err) holds.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() []error {
	return []error{e.err, asynq.SkipRetry}
}

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool { return errors.Is(err, asynq.SkipRetry) }

// Attempt describes the run of a task a handler is in.
type Attempt struct {
	TaskID   string
	Queue    string
	Retried  int // how many times the task was retried before this run (0 on the first)
	MaxRetry int
}

// Last reports whether a failure of this run archives the task instead of retrying it.
func (a Attempt) Last() bool { return a.Retried >= a.MaxRetry }

// AttemptFrom returns the attempt in a handler's ctx; ok is false outside a worker.
func AttemptFrom(ctx context.Context) (a Attempt, ok bool) {
	id, ok := asynq.GetTaskID(ctx)
	if !ok {
		return Attempt{}, false
	}
	a.TaskID = id
	a.Queue, _ = asynq.GetQueueName(ctx)
	a.Retried, _ = asynq.GetRetryCount(ctx)
	a.MaxRetry, _ = asynq.GetMaxRetry(ctx)
	return a, true
}
