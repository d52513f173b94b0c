package mail

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hibiken/asynq"
	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/jobs"
)

// Defaults of the send job: with asynq's back-off (about n⁴ seconds) ten
// retries span roughly four hours before a row is marked failed.
const (
	sendMaxRetry    = 10
	sendTimeout     = 2 * time.Minute
	sweepSchedule   = "@every 1m"
	sweepMinAge     = time.Minute
	maxLastErrorLen = 1000
)

// Register adds the mail jobs to reg: TaskSend, which sends one outbox row
// through s with sender address from, and TaskSweep, scheduled every minute,
// which kicks every pending row older than a minute. opts are extra asynq
// options for TaskSend (e.g. asynq.MaxRetry), applied after the defaults
// (MaxRetry 10, Timeout 2m, queue "default").
func Register(reg *jobs.Registry, o *Outbox, s Sender, from string, opts ...asynq.Option) error {
	if _, err := parseAddress(from); err != nil {
		return fmt.Errorf("register mail jobs: sender: %w", err)
	}
	if s == nil || o == nil {
		return errors.New("register mail jobs: needs an outbox and a sender")
	}
	types := reg.Types()
	if slices.Contains(types, TaskSend) || slices.Contains(types, TaskSweep) {
		return errors.New("register mail jobs: already registered")
	}
	j := &sendJob{o: o, s: s, from: from}
	sendOpts := append([]asynq.Option{asynq.MaxRetry(sendMaxRetry), asynq.Timeout(sendTimeout), asynq.Queue("default")}, opts...)
	reg.Handle(TaskSend, j.send, sendOpts...)
	reg.Handle(TaskSweep, o.sweep, asynq.MaxRetry(0), asynq.Timeout(time.Minute), asynq.Queue("default"))
	if err := reg.Schedule(sweepSchedule, TaskSweep, nil); err != nil {
		return fmt.Errorf("register mail jobs: %w", err)
	}
	return nil
}

type sendJob struct {
	o    *Outbox
	s    Sender
	from string
}

// send delivers one row. Only the row's own task (id sendTaskID, which
// asynq holds at most once in a queue) sends; any other task for the row
// just kicks that one. A row no longer pending is skipped, so a row is sent
// once however often it is enqueued. The attempt is counted before sending.
func (j *sendJob) send(ctx context.Context, payload []byte) error {
	var p sendPayload
	if err := json.Unmarshal(payload, &p); err != nil || p.ID == 0 {
		return jobs.Permanent(fmt.Errorf("mail send: bad payload: %v", err))
	}
	row, err := j.o.get(ctx, p.ID)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return jobs.Permanent(err)
	}
	if err != nil {
		return err
	}
	if row.Status != StatusPending {
		return nil // already sent, or failed for good
	}
	if a, ok := jobs.AttemptFrom(ctx); ok && a.TaskID != sendTaskID(row) {
		if err := j.o.kick(ctx, row); err != nil {
			return fmt.Errorf("mail %d: hand over to its send task: %w", row.ID, err)
		}
		return nil
	}
	count := j.o.db.WithContext(ctx).Model(&Mail{}).
		Where("id = ? AND status = ?", row.ID, StatusPending).
		Update("attempts", gorm.Expr("attempts + 1"))
	if count.Error != nil {
		return fmt.Errorf("count attempt of mail %d: %w", row.ID, count.Error)
	}
	if count.RowsAffected == 0 {
		return nil // sent or failed meanwhile
	}

	sendErr := j.s.Send(ctx, j.from, Message{TenantID: row.TenantID, To: row.ToAddr, Subject: row.Subject, Body: row.Body})
	if sendErr == nil {
		return j.markSent(ctx, row.ID)
	}
	permanent := permanentSMTP(sendErr) || jobs.IsPermanent(sendErr)
	a, _ := jobs.AttemptFrom(ctx)
	status := StatusPending
	if permanent || a.Last() {
		status = StatusFailed
	}
	msg := sendErr.Error()
	if len(msg) > maxLastErrorLen {
		msg = strings.ToValidUTF8(msg[:maxLastErrorLen], "")
	}
	// Record the failure even if the job's context has run out.
	rec := j.o.db.WithContext(context.WithoutCancel(ctx)).Model(&Mail{}).Where("id = ?", row.ID).
		Updates(map[string]any{"status": status, "last_error": msg})
	if rec.Error != nil {
		return errors.Join(sendErr, fmt.Errorf("record failure of mail %d: %w", row.ID, rec.Error))
	}
	if permanent {
		return jobs.Permanent(sendErr)
	}
	return sendErr
}

// markSent records a delivered row. It retries briefly: failing here after
// the server accepted the message must not lead to a second send, so the
// last resort is a permanent error that leaves the row pending and its task
// archived (the sweep then finds the task id taken and leaves the row).
func (j *sendJob) markSent(ctx context.Context, id uint) error {
	ctx = context.WithoutCancel(ctx)
	var err error
	for i := range 3 {
		if i > 0 {
			time.Sleep(time.Duration(i) * 200 * time.Millisecond)
		}
		err = j.o.db.WithContext(ctx).Model(&Mail{}).Where("id = ?", id).
			Updates(map[string]any{"status": StatusSent, "sent_at": time.Now().UTC(), "last_error": ""}).Error
		if err == nil {
			return nil
		}
	}
	return jobs.Permanent(fmt.Errorf("mail %d was sent but could not be marked sent: %w", id, err))
}

// sweep kicks every pending row older than sweepMinAge, across tenants:
// rows whose kick was forgotten or failed, and rows whose task was lost
// (the embedded Redis forgets tasks on restart). Rows whose task is still
// queued or retrying keep it.
func (o *Outbox) sweep(ctx context.Context, _ []byte) error {
	cutoff := time.Now().UTC().Add(-sweepMinAge)
	var batch []Mail
	var errs []error
	checked := 0
	res := o.db.WithContext(ctx).Select("id", "status", "created_at").
		Where("status = ? AND created_at < ?", StatusPending, cutoff).
		FindInBatches(&batch, 200, func(_ *gorm.DB, _ int) error {
			for _, row := range batch {
				if err := o.kick(ctx, row); err != nil {
					errs = append(errs, fmt.Errorf("mail %d: %w", row.ID, err))
					continue
				}
				checked++
			}
			if len(errs) > 10 {
				return errors.Join(errs...) // Redis is likely down; try again next sweep
			}
			return nil
		})
	if res.Error != nil {
		return fmt.Errorf("mail sweep: %w", res.Error)
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("mail sweep: %w", err)
	}
	if checked > 0 {
		o.log.DebugContext(ctx, "mail sweep kicked pending mail", "rows", checked)
	}
	return nil
}
