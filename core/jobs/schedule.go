package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync"
	"time"
	_ "time/tzdata" // DefaultScheduleZone even where the system has no zoneinfo

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
)

// DefaultScheduleZone is the time zone of schedules that name none.
const DefaultScheduleZone = "Europe/London"

// schedulerLeaseKey holds the token of the worker that runs the schedules.
const schedulerLeaseKey = "upwards:jobs:scheduler-lease"

const (
	defaultSchedulerLease = 15 * time.Second
	defaultScheduleSync   = 10 * time.Second
)

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
// runs an asynq PeriodicTaskManager over the registry's schedules: the fixed
// ones and those its ScheduleSources list, re-read every sync interval so
// that schedules added or removed while workers run (a plugin installed,
// enabled or disabled) take effect without a restart. asynq documents that
// only one Scheduler may run per schedule; the lease makes that true with
// any number of workers. A holder that dies stops renewing, and another
// worker takes over when the lease expires.
type scheduleRunner struct {
	redis *Redis
	reg   *Registry
	alog  asynq.Logger
	log   *slog.Logger
	token string
	ttl   time.Duration
	sync  time.Duration
	loc   *time.Location // of cronspecs without CRON_TZ

	mu  sync.Mutex
	mgr *asynq.PeriodicTaskManager

	done chan struct{}
	wg   sync.WaitGroup
}

func newScheduleRunner(r *Redis, reg *Registry, ttl, syncEvery time.Duration, loc *time.Location, alog asynq.Logger, log *slog.Logger) *scheduleRunner {
	if ttl <= 0 {
		ttl = defaultSchedulerLease
	}
	if syncEvery <= 0 {
		syncEvery = defaultScheduleSync
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	return &scheduleRunner{
		redis: r, reg: reg, alog: alog, log: log,
		token: hex.EncodeToString(b[:]), ttl: ttl, sync: syncEvery, loc: loc, done: make(chan struct{}),
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
	return s.mgr != nil
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

// lead starts the PeriodicTaskManager. If it cannot start, the lease is
// given back for the next tick (or another worker) to try again.
func (s *scheduleRunner) lead() {
	heartbeat := s.sync.Round(time.Second) // asynq expires entries in whole seconds
	if heartbeat < time.Second {
		heartbeat = time.Second
	}
	mgr, err := asynq.NewPeriodicTaskManager(asynq.PeriodicTaskManagerOpts{
		PeriodicTaskConfigProvider: &scheduleProvider{reg: s.reg, log: s.log, timeout: max(s.sync, time.Second)},
		RedisConnOpt:               s.redis.ClientOpt(),
		SyncInterval:               s.sync,
		SchedulerOpts: &asynq.SchedulerOpts{
			Logger:            s.alog,
			LogLevel:          asynq.WarnLevel,
			Location:          s.loc,
			HeartbeatInterval: heartbeat,
			PostEnqueueFunc: func(info *asynq.TaskInfo, err error) {
				if err != nil {
					s.log.Warn("schedule could not enqueue", "error", err.Error())
					return
				}
				s.log.Debug("schedule enqueued", "task_type", info.Type, "task_id", info.ID, "queue", info.Queue)
			},
		},
	})
	if err == nil {
		err = mgr.Start()
	}
	if err != nil {
		s.log.Error("scheduler did not start", "error", err.Error())
		s.release()
		return
	}
	s.mu.Lock()
	s.mgr = mgr
	s.mu.Unlock()
	s.log.Info("scheduler lease acquired; running schedules", "sync_every", s.sync.String())
}

// follow stops the schedules, if running.
func (s *scheduleRunner) follow() {
	s.mu.Lock()
	mgr := s.mgr
	s.mgr = nil
	s.mu.Unlock()
	if mgr != nil {
		mgr.Shutdown()
	}
}

// release gives up the lease if this worker holds it.
func (s *scheduleRunner) release() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := releaseLease.Run(ctx, s.redis.client(), []string{schedulerLeaseKey}, s.token).Err(); err != nil {
		s.log.Warn("scheduler lease: release failed", "error", err.Error())
	}
}

// scheduleProvider gives asynq's PeriodicTaskManager the registry's
// schedules, fixed and from its sources, each with its task type's options.
type scheduleProvider struct {
	reg     *Registry
	log     *slog.Logger
	timeout time.Duration
	synced  bool // a call has read the sources once
}

// GetConfigs is called by one goroutine at a time (the manager's start,
// then its sync loop). When a source fails, the manager keeps the entries it
// has; at the first call, the fixed schedules start without the sources'.
func (p *scheduleProvider) GetConfigs() ([]*asynq.PeriodicTaskConfig, error) {
	ctx, cancel := context.WithTimeout(context.Background(), p.timeout)
	defer cancel()
	schedules := p.reg.Schedules()
	dynamic, err := p.reg.dynamicSchedules(ctx)
	switch {
	case err != nil && p.synced:
		return nil, fmt.Errorf("list schedules: %w", err)
	case err != nil:
		p.log.Warn("schedules of a source not read; starting with the fixed ones", "error", err.Error())
	default:
		p.synced = true
		schedules = append(schedules, dynamic...)
	}
	out := make([]*asynq.PeriodicTaskConfig, 0, len(schedules))
	for _, e := range schedules {
		r, ok := p.reg.lookup(e.TaskType)
		if !ok {
			p.log.Warn("schedule of an unregistered task type left out", "task_type", e.TaskType)
			continue
		}
		if err := validateCron(e.Cronspec); err != nil {
			p.log.Warn("schedule with a bad cronspec left out", "task_type", e.TaskType, "cron", e.Cronspec, "error", err.Error())
			continue
		}
		out = append(out, &asynq.PeriodicTaskConfig{Cronspec: e.Cronspec, Task: asynq.NewTask(e.TaskType, e.Payload), Opts: r.opts})
	}
	return out, nil
}

// stop ends the lease loop, the scheduler, and releases the lease so that
// another worker takes over at once.
func (s *scheduleRunner) stop() {
	close(s.done)
	s.wg.Wait()
	wasLeading := s.leading()
	s.follow()
	if wasLeading {
		s.release()
	}
}
