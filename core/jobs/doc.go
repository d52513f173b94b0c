// Package jobs runs Upwards' background work on asynq: a Registry of task
// types and their handlers, a Client that enqueues tasks, a Worker that
// processes them and fires the registered schedules, and the asynqmon UI for
// operators.
//
// Redis is either a real server (UPWARDS_REDIS_URL=redis://host:port/db) or,
// in the embedded default, an in-process miniredis listening on a random port
// of 127.0.0.1. The embedded server keeps everything in memory: queued,
// scheduled and retrying tasks are lost when the process stops, even though
// the SQLite database survives. Work that must not be lost therefore lives in
// the database and is re-enqueued by a periodic sweep (outgoing mail sits in
// the outbox_mail table and core/mail's sweep re-enqueues pending rows), so a
// restart delays such work by at most the sweep interval; a sweep
// registered with Registry.AtStart also runs as soon as a worker starts. Use
// a real Redis for anything that scales beyond one process.
//
// Handlers must be idempotent: asynq delivers at least once (a task whose
// worker dies mid-run is retried), and a handler's error makes asynq retry
// the task with back-off until its MaxRetry is used up, after which the task
// is archived (visible in the monitor UI).
//
// Schedules fire once per install, not once per process: every Worker
// competes for a lease in Redis and only the holder runs the asynq
// Scheduler, so several `upwards worker` processes do not enqueue a schedule
// several times. If the holder dies another worker takes over once the lease
// expires. Besides fixed schedules, a Registry takes ScheduleSources
// (schedules that change at run time, such as plugins'); the holder re-reads
// them every Options.ScheduleSync through asynq's PeriodicTaskManager.
//
// Logs name the task type, id and queue of each job, never its payload,
// which may carry personal data.
package jobs
