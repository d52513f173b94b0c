package jobs

import (
	"errors"
	"testing"
	"time"

	"github.com/hibiken/asynq"
)

// A task lost by a dead worker runs again at once; a failed one backs off as configured.
func TestRetryDelayOfALostTask(t *testing.T) {
	fn := retryDelay(func(int, error, *asynq.Task) time.Duration { return time.Hour })
	task := asynq.NewTask("x", nil)
	if d := fn(0, asynq.ErrLeaseExpired, task); d != LostTaskDelay {
		t.Fatalf("lost task waits %s, want %s", d, LostTaskDelay)
	}
	if d := fn(0, errors.New("boom"), task); d != time.Hour {
		t.Fatalf("failed task waits %s, want the configured hour", d)
	}
	if d := retryDelay(nil)(0, errors.New("boom"), task); d < 15*time.Second {
		t.Fatalf("default back-off %s, want asynq's (15 s or more)", d)
	}
}
