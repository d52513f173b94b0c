package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/hibiken/asynq"
)

// Client enqueues tasks of registered types and reads queue statistics. It
// is safe for concurrent use.
type Client struct {
	reg       *Registry
	client    *asynq.Client
	inspector *asynq.Inspector
}

// NewClient returns a client on r's shared connection pool.
func NewClient(r *Redis, reg *Registry) *Client {
	return &Client{
		reg:       reg,
		client:    asynq.NewClientFromRedisClient(r.client()),
		inspector: asynq.NewInspectorFromRedisClient(r.client()),
	}
}

// Enqueue adds a task of taskType. payload is marshalled as JSON, except
// []byte and json.RawMessage, which are taken as already encoded, and nil,
// which gives an empty payload. The type's registered options apply first,
// then opts (so opts win). It returns the task's id; a type with no
// registered handler is refused with ErrUnknownTask. asynq.ErrTaskIDConflict
// and asynq.ErrDuplicateTask are wrapped, so errors.Is finds them.
func (c *Client) Enqueue(ctx context.Context, taskType string, payload any, opts ...asynq.Option) (string, error) {
	r, ok := c.reg.lookup(taskType)
	if !ok {
		return "", fmt.Errorf("enqueue %s: %w", taskType, ErrUnknownTask)
	}
	body, err := encodePayload(payload)
	if err != nil {
		return "", fmt.Errorf("enqueue %s: payload: %w", taskType, err)
	}
	all := make([]asynq.Option, 0, len(r.opts)+len(opts))
	all = append(append(all, r.opts...), opts...)
	info, err := c.client.EnqueueContext(ctx, asynq.NewTask(taskType, body), all...)
	if err != nil {
		return "", fmt.Errorf("enqueue %s: %w", taskType, err)
	}
	return info.ID, nil
}

func encodePayload(payload any) ([]byte, error) {
	switch p := payload.(type) {
	case nil:
		return nil, nil
	case []byte:
		return p, nil
	case json.RawMessage:
		return p, nil
	default:
		return json.Marshal(p)
	}
}

// Inspector gives the full asynq inspector (task listings, queue control)
// over the client's connection. Do not close it: its pool belongs to Redis.
func (c *Client) Inspector() *asynq.Inspector { return c.inspector }

// TaskState returns the state of the task of id in queue: "pending",
// "scheduled", "retry", "aggregating", "active", "completed" or "archived",
// or "" when Redis holds no such task (never queued, done and not retained,
// deleted, or lost with an embedded Redis that restarted).
func (c *Client) TaskState(ctx context.Context, queue, id string) (string, error) {
	info, err := c.inspector.GetTaskInfo(queue, id)
	switch {
	case errors.Is(err, asynq.ErrTaskNotFound), errors.Is(err, asynq.ErrQueueNotFound):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("task %s in %s: %w", id, queue, err)
	}
	return info.State.String(), nil
}

// TaskLive reports whether a task in state (see TaskState) will still run,
// or runs now: pending, scheduled, retry, aggregating or active.
func TaskLive(state string) bool {
	switch state {
	case "pending", "scheduled", "retry", "aggregating", "active":
		return true
	}
	return false
}

// DeleteTask removes the task of id from queue, so that the id can be
// enqueued again; a task that is not there is no error. An active task
// cannot be deleted.
func (c *Client) DeleteTask(ctx context.Context, queue, id string) error {
	err := c.inspector.DeleteTask(queue, id)
	if err != nil && !errors.Is(err, asynq.ErrTaskNotFound) && !errors.Is(err, asynq.ErrQueueNotFound) {
		return fmt.Errorf("delete task %s in %s: %w", id, queue, err)
	}
	return nil
}

// QueueStats sums the task counts of every queue, for the dashboard.
type QueueStats struct {
	Queues      int // queues that exist in Redis
	Pending     int
	Active      int
	Scheduled   int
	Retry       int
	Archived    int
	Completed   int
	Aggregating int
	// Processed and Failed count today's (UTC) runs, successful or not, and failed ones.
	Processed int
	Failed    int
}

// Stats reads the current counts from Redis.
func (c *Client) Stats(ctx context.Context) (QueueStats, error) {
	queues, err := c.inspector.Queues()
	if err != nil {
		return QueueStats{}, fmt.Errorf("job stats: list queues: %w", err)
	}
	s := QueueStats{Queues: len(queues)}
	for _, q := range queues {
		if err := ctx.Err(); err != nil {
			return QueueStats{}, fmt.Errorf("job stats: %w", err)
		}
		qi, err := c.inspector.GetQueueInfo(q)
		if err != nil {
			return QueueStats{}, fmt.Errorf("job stats: queue %s: %w", q, err)
		}
		s.Pending += qi.Pending
		s.Active += qi.Active
		s.Scheduled += qi.Scheduled
		s.Retry += qi.Retry
		s.Archived += qi.Archived
		s.Completed += qi.Completed
		s.Aggregating += qi.Aggregating
		s.Processed += qi.Processed
		s.Failed += qi.Failed
	}
	return s, nil
}

// Close releases the client. Clients share Redis' connection pool, which
// Redis.Close closes, so there is nothing to release yet; callers still
// close clients so that a client with its own resources stays a drop-in.
func (c *Client) Close() error { return nil }
