package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/hibiken/asynq"
)

// DefaultQueues are the queues a worker serves, with their weights, when
// Options.Queues is empty.
func DefaultQueues() map[string]int {
	return map[string]int{"critical": 6, "default": 3, "low": 1}
}

// Options configure a Worker.
type Options struct {
	// RedisURL is informational: the *Redis given to NewWorker decides the
	// connection. It lets callers carry the whole job configuration in one value.
	RedisURL string
	// Concurrency is how many tasks run at once (default 4).
	Concurrency int
	// Logger receives job and asynq logs (default slog.Default()).
	Logger *slog.Logger
	// Queues maps queue names to weights (default DefaultQueues()).
	Queues map[string]int
	// RetryDelayFunc decides the wait before retry n of a failed task
	// (default asynq's exponential back-off: about n⁴ seconds plus jitter).
	// A task recovered from a worker that died while running it (its lease
	// expired) is retried after LostTaskDelay whatever this says: it did not
	// fail, so there is nothing to back off from.
	RetryDelayFunc asynq.RetryDelayFunc
	// PollInterval is how often an idle worker looks for new tasks and moves
	// due scheduled and retry tasks to pending (default 1s; tests use less).
	PollInterval time.Duration
	// ShutdownTimeout is how long Shutdown waits for running tasks before
	// handing them back to the queue (default 8s).
	ShutdownTimeout time.Duration
	// DisableScheduler keeps this worker out of the competition for the
	// scheduler lease, so it only processes tasks.
	DisableScheduler bool
	// SchedulerLease is how long the scheduler lease lasts unrenewed; the
	// holder renews it every third of that, and a dead holder's schedules
	// resume on another worker within it (default 15s).
	SchedulerLease time.Duration
	// ScheduleSync is how often the worker running the schedules re-reads
	// the registry's ScheduleSources, adding and removing entries (default 10s).
	ScheduleSync time.Duration
	// ScheduleLocation is the time zone of a schedule whose cronspec names
	// none with a "CRON_TZ=<zone> " prefix (default Europe/London, the
	// schools' own: "0 2 * * *" is 02:00 there in summer and in winter).
	ScheduleLocation *time.Location
}

// Worker processes tasks of a Registry's types and, while it holds the
// scheduler lease, enqueues the Registry's schedules.
type Worker struct {
	redis *Redis
	reg   *Registry
	opts  Options
	log   *slog.Logger

	server *asynq.Server
	sched  *scheduleRunner

	mu      sync.Mutex
	started bool
	stopped bool
}

// NewWorker prepares a worker; Start runs it.
func NewWorker(r *Redis, reg *Registry, opts Options) *Worker {
	if opts.Concurrency < 1 {
		opts.Concurrency = 4
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if len(opts.Queues) == 0 {
		opts.Queues = DefaultQueues()
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = time.Second
	}
	if opts.ShutdownTimeout <= 0 {
		opts.ShutdownTimeout = 8 * time.Second
	}
	log := opts.Logger.With("component", "jobs")
	return &Worker{redis: r, reg: reg, opts: opts, log: log}
}

// Start checks that every registered type's queue is served, then starts
// processing (and competing for the scheduler lease) in the background, and
// enqueues the registry's AtStart tasks.
func (w *Worker) Start() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.started {
		return errors.New("start worker: already started")
	}
	if err := w.checkQueues(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	alog := asynqLogger{w.log.With("component", "asynq")}
	w.server = asynq.NewServer(w.redis.ClientOpt(), asynq.Config{
		Concurrency:              w.opts.Concurrency,
		Queues:                   w.opts.Queues,
		RetryDelayFunc:           retryDelay(w.opts.RetryDelayFunc),
		TaskCheckInterval:        w.opts.PollInterval,
		DelayedTaskCheckInterval: w.opts.PollInterval,
		ShutdownTimeout:          w.opts.ShutdownTimeout,
		Logger:                   alog,
		// asynq's debug logs print whole tasks, payloads included.
		LogLevel: asynq.WarnLevel,
	})
	if err := w.server.Start(asynq.HandlerFunc(w.process)); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	if w.reg.hasSchedules() && !w.opts.DisableScheduler {
		loc := w.opts.ScheduleLocation
		if loc == nil {
			var err error
			if loc, err = time.LoadLocation(DefaultScheduleZone); err != nil {
				return fmt.Errorf("start worker: schedules' time zone: %w", err)
			}
		}
		w.sched = newScheduleRunner(w.redis, w.reg, w.opts.SchedulerLease, w.opts.ScheduleSync, loc, alog, w.log)
		w.sched.start()
	}
	client := NewClient(w.redis, w.reg)
	for _, taskType := range w.reg.startTasks() {
		if _, err := client.Enqueue(context.Background(), taskType, nil); err != nil {
			w.log.Error("start task not queued", "task_type", taskType, "error", err.Error())
		}
	}
	w.started = true
	w.log.Info("job worker started", "concurrency", w.opts.Concurrency, "queues", queueNames(w.opts.Queues), "embedded_redis", w.redis.Embedded())
	return nil
}

func (w *Worker) checkQueues() error {
	var errs []error
	for q, types := range w.reg.queues() {
		if w.opts.Queues[q] <= 0 {
			sort.Strings(types)
			errs = append(errs, fmt.Errorf("queue %q of task types %v is not among the worker's queues %v", q, types, queueNames(w.opts.Queues)))
		}
	}
	return errors.Join(errs...)
}

func queueNames(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for q := range m {
		out = append(out, q)
	}
	sort.Strings(out)
	return out
}

// Scheduling reports whether this worker currently holds the scheduler
// lease and runs the schedules.
func (w *Worker) Scheduling() bool {
	w.mu.Lock()
	s := w.sched
	w.mu.Unlock()
	return s != nil && s.leading()
}

// Shutdown stops enqueueing schedules, gives up the scheduler lease, stops
// taking tasks and waits up to ShutdownTimeout for running ones. Safe to
// call more than once, or on a worker never started.
func (w *Worker) Shutdown() {
	w.mu.Lock()
	if !w.started || w.stopped {
		w.mu.Unlock()
		return
	}
	w.stopped = true
	w.mu.Unlock()
	if w.sched != nil {
		w.sched.stop()
	}
	w.server.Shutdown()
	w.log.Info("job worker stopped")
}

// process runs one task through its registered handler, logging its type,
// id, queue and outcome (never its payload).
func (w *Worker) process(ctx context.Context, t *asynq.Task) error {
	a, _ := AttemptFrom(ctx)
	log := w.log.With("task_type", t.Type(), "task_id", a.TaskID, "queue", a.Queue, "retried", a.Retried)
	r, ok := w.reg.lookup(t.Type())
	if !ok {
		log.Error("job has no handler; archiving it")
		return Permanent(fmt.Errorf("task type %s: %w", t.Type(), ErrUnknownTask))
	}
	log.Debug("job started")
	begin := time.Now()
	err := runHandler(ctx, r.handler, t.Payload())
	elapsed := time.Since(begin).Milliseconds()
	switch {
	case err == nil:
		log.Info("job finished", "elapsed_ms", elapsed)
	case IsPermanent(err) || a.Last():
		log.Error("job failed; archived", "elapsed_ms", elapsed, "max_retry", a.MaxRetry, "error", err.Error())
	default:
		log.Warn("job failed; will retry", "elapsed_ms", elapsed, "max_retry", a.MaxRetry, "error", err.Error())
	}
	return err
}

// runHandler turns a handler's panic into an error, so it is logged with the
// task's identity and retried like any failure.
func runHandler(ctx context.Context, h Handler, payload []byte) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panic: %v", p)
		}
	}()
	return h(ctx, payload)
}

// asynqLogger routes asynq's own logs to slog.
type asynqLogger struct{ log *slog.Logger }

func (l asynqLogger) Debug(args ...any) { l.log.Debug(fmt.Sprint(args...)) }
func (l asynqLogger) Info(args ...any)  { l.log.Info(fmt.Sprint(args...)) }
func (l asynqLogger) Warn(args ...any)  { l.log.Warn(fmt.Sprint(args...)) }
func (l asynqLogger) Error(args ...any) { l.log.Error(fmt.Sprint(args...)) }
func (l asynqLogger) Fatal(args ...any) { l.log.Error(fmt.Sprint(args...)) }

// LostTaskDelay is the wait before a task that a dead worker left running
// runs again. asynq finds such a task once its lease has been expired for 30
// seconds (the lease lasts 30 seconds unrenewed, and every worker looks for
// lost tasks at its start and each minute), so it runs again within about
// one to two minutes of the crash; a handler must make its effect once
// (a transaction, or a check of what was done).
const LostTaskDelay = time.Second

// retryDelay is fn (asynq's default when nil), except that a task recovered
// from a dead worker waits only LostTaskDelay.
func retryDelay(fn asynq.RetryDelayFunc) asynq.RetryDelayFunc {
	if fn == nil {
		fn = asynq.DefaultRetryDelayFunc
	}
	return func(n int, err error, t *asynq.Task) time.Duration {
		if errors.Is(err, asynq.ErrLeaseExpired) {
			return LostTaskDelay
		}
		return fn(n, err, t)
	}
}
