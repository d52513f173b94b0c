package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// schedulerLeaseKey holds the token of the worker that runs the schedules.
const schedulerLeaseKey = "upwards:jobs:scheduler-lease"

const defaultSchedulerLease = 15 * time.Second

var (
	// renewLease extends the lease if the caller still holds it.
	renewLease = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("PEXPIRE", KEYS[1], ARGV[2])
end
return 0`)
	// releaseLease deletes the lease if the caller still holds it.
	releaseLease = redis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then
  return redis.call("DEL", KEYS[1])
end
return 0`)
)

// scheduleRunner competes for the scheduler lease and, while holding it,
// runs an asynq Scheduler with the registry's schedules. asynq documents
// that only one Scheduler may run per schedule; the lease makes that true
// with any number of workers. A holder that dies stops renewing, and another
// worker takes over when the lease expires.
type scheduleRunner struct {
	redis     *Redis
	reg       *Registry
	schedules []Schedule
	alog      asynq.Logger
	log       *slog.Logger
	token     string
	ttl       time.Duration

	mu    sync.Mutex
	sched *asynq.Scheduler

	done chan struct{}
	wg   sync.WaitGroup
}

func newScheduleRunner(r *Redis, reg *Registry, schedules []Schedule, ttl time.Duration, alog asynq.Logger, log *slog.Logger) *scheduleRunner {
	if ttl <= 0 {
		ttl = defaultSchedulerLease
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	return &scheduleRunner{
		redis: r, reg: reg, schedules: schedules, alog: alog, log: log,
		token: hex.EncodeToString(b[:]), ttl: ttl, done: make(chan struct{}),
	}
}

func (s *scheduleRunner) start() {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(s.ttl / 3)
		defer t.Stop()
		for {
			s.tick()
			select {
			case <-s.done:
				return
			case <-t.C:
			}
		}
	}()
}

func (s *scheduleRunner) leading() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sched != nil
}

func (s *scheduleRunner) tick() {
	ctx, cancel := context.WithTimeout(context.Background(), s.ttl/2)
	defer cancel()
	rc := s.redis.client()
	if !s.leading() {
		ok, err := rc.SetNX(ctx, schedulerLeaseKey, s.token, s.ttl).Result()
		if err != nil {
			s.log.Warn("scheduler lease: acquire failed", "error", err.Error())
			return
		}
		if ok {
			s.lead()
		}
		return
	}
	n, err := renewLease.Run(ctx, rc, []string{schedulerLeaseKey}, s.token, s.ttl.Milliseconds()).Int()
	if err != nil || n != 1 {
		// Better to miss a firing than to fire twice: stop until the lease is ours again.
		msg := "lease taken by another worker"
		if err != nil {
			msg = err.Error()
		}
		s.log.Warn("scheduler lease lost; schedules paused on this worker", "error", msg)
		s.follow()
	}
}

// lead starts the asynq Scheduler with every schedule.
func (s *scheduleRunner) lead() {
	sc := asynq.NewScheduler(s.redis.ClientOpt(), &asynq.SchedulerOpts{
		Logger:   s.alog,
		LogLevel: asynq.WarnLevel,
		PostEnqueueFunc: func(info *asynq.TaskInfo, err error) {
			if err != nil {
				s.log.Warn("schedule could not enqueue", "error", err.Error())
				return
			}
			s.log.Debug("schedule enqueued", "task_type", info.Type, "task_id", info.ID, "queue", info.Queue)
		},
	})
	for _, e := range s.schedules {
		r, ok := s.reg.lookup(e.TaskType)
		if !ok { // Schedule refuses unknown types, so this is unreachable
			continue
		}
		if _, err := sc.Register(e.Cronspec, asynq.NewTask(e.TaskType, e.Payload), r.opts...); err != nil {
			s.log.Error("schedule not registered", "task_type", e.TaskType, "cron", e.Cronspec, "error", err.Error())
		}
	}
	if err := sc.Start(); err != nil {
		s.log.Error("scheduler did not start", "error", err.Error())
		return
	}
	s.mu.Lock()
	s.sched = sc
	s.mu.Unlock()
	s.log.Info("scheduler lease acquired; running schedules", "schedules", len(s.schedules))
}

// follow stops the asynq Scheduler, if running.
func (s *scheduleRunner) follow() {
	s.mu.Lock()
	sc := s.sched
	s.sched = nil
	s.mu.Unlock()
	if sc != nil {
		sc.Shutdown()
	}
}

// stop ends the lease loop, the scheduler, and releases the lease so that
// another worker takes over at once.
func (s *scheduleRunner) stop() {
	close(s.done)
	s.wg.Wait()
	wasLeading := s.leading()
	s.follow()
	if wasLeading {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := releaseLease.Run(ctx, s.redis.client(), []string{schedulerLeaseKey}, s.token).Err(); err != nil {
			s.log.Warn("scheduler lease: release failed", "error", err.Error())
		}
	}
}
