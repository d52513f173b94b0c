package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/hibiken/asynq"
	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/storage"
)

// Task types of the mail jobs.
const (
	TaskSend  = "core:mail:send"
	TaskSweep = "core:mail:sweep"
)

// Outbox row statuses.
const (
	StatusPending = "pending"
	StatusSent    = "sent"
	StatusFailed  = "failed"
)

// Mail is one outbox row (table outbox_mail).
type Mail struct {
	ID        uint       `gorm:"primaryKey" json:"id"`
	TenantID  uint       `json:"tenant_id"`
	ToAddr    string     `json:"to"`
	Subject   string     `json:"subject"`
	Body      string     `json:"body"`
	Status    string     `json:"status"`
	Attempts  int        `json:"attempts"`
	LastError string     `json:"last_error,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at,omitempty"`
}

// TableName maps Mail onto the core schema.
func (Mail) TableName() string { return "outbox_mail" }

// Enqueuer enqueues a task; *jobs.Client satisfies it.
type Enqueuer interface {
	Enqueue(ctx context.Context, taskType string, payload any, opts ...asynq.Option) (string, error)
}

// Outbox queues mail in the database and hands it to the send job.
type Outbox struct {
	db  *storage.DB
	enq Enqueuer
	log *slog.Logger
}

// NewOutbox returns an outbox on db that enqueues send jobs with enq.
func NewOutbox(db *storage.DB, enq Enqueuer) *Outbox {
	return &Outbox{db: db, enq: enq, log: slog.Default().With("component", "mail")}
}

// sendPayload is TaskSend's payload: the row, never its content.
type sendPayload struct {
	ID uint `json:"id"`
}

// Queue validates m and inserts it as a pending row using tx, the caller's
// transaction (nil: the outbox's database), so the mail exists exactly when
// the change that caused it commits. It does not enqueue the send job: call
// Kick with the returned id after the commit (a job enqueued inside the
// transaction could run before the row is visible). Without a Kick the
// sweep sends the row within about two minutes.
func (o *Outbox) Queue(ctx context.Context, tx *gorm.DB, m Message) (uint, error) {
	to, err := m.validate()
	if err != nil {
		return 0, fmt.Errorf("queue mail: %w", err)
	}
	if tx == nil {
		tx = o.db.For(ctx, m.TenantID)
	}
	row := Mail{TenantID: m.TenantID, ToAddr: to, Subject: m.Subject, Body: m.Body, Status: StatusPending}
	if err := tx.WithContext(ctx).Create(&row).Error; err != nil {
		return 0, fmt.Errorf("queue mail: %w", err)
	}
	return row.ID, nil
}

// Kick enqueues the send job for a committed row. A row that is no longer
// pending, or whose job is already queued, is left alone.
func (o *Outbox) Kick(ctx context.Context, id uint) error {
	row, err := o.get(ctx, id)
	if err != nil {
		return fmt.Errorf("kick mail %d: %w", id, err)
	}
	if err := o.kick(ctx, row); err != nil {
		return fmt.Errorf("kick mail %d: %w", id, err)
	}
	return nil
}

func (o *Outbox) kick(ctx context.Context, row Mail) error {
	if row.Status != StatusPending {
		return nil
	}
	_, err := o.enq.Enqueue(ctx, TaskSend, sendPayload{ID: row.ID}, asynq.TaskID(sendTaskID(row)))
	if errors.Is(err, asynq.ErrTaskIDConflict) || errors.Is(err, asynq.ErrDuplicateTask) {
		return nil // its job is already queued, running or retrying
	}
	return err
}

// sendTaskID is the one task id of a row's send job. The creation time keeps
// ids distinct when a database is recreated while Redis keeps old tasks.
func sendTaskID(row Mail) string {
	return fmt.Sprintf("%s:%d:%d", TaskSend, row.ID, row.CreatedAt.UnixMicro())
}

// Send queues m in its own transaction and kicks it: for callers with no
// transaction of their own. A failed kick is logged, not returned: the row
// is committed and the sweep sends it.
func (o *Outbox) Send(ctx context.Context, m Message) (uint, error) {
	id, err := o.Queue(ctx, nil, m)
	if err != nil {
		return 0, err
	}
	if err := o.Kick(ctx, id); err != nil {
		o.log.WarnContext(ctx, "mail queued but not kicked; the sweep will send it", "mail_id", id, "error", err.Error())
	}
	return id, nil
}

// List returns a tenant's newest mail first; limit defaults to 50, at most 500.
func (o *Outbox) List(ctx context.Context, tenantID uint, limit int) ([]Mail, error) {
	if limit <= 0 {
		limit = 50
	}
	if limit > 500 {
		limit = 500
	}
	var out []Mail
	err := o.db.For(ctx, tenantID).Where("tenant_id = ?", tenantID).Order("id DESC").Limit(limit).Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list mail of tenant %d: %w", tenantID, err)
	}
	return out, nil
}

func (o *Outbox) get(ctx context.Context, id uint) (Mail, error) {
	var row Mail
	if err := o.db.WithContext(ctx).First(&row, id).Error; err != nil {
		return Mail{}, fmt.Errorf("load mail %d: %w", id, err)
	}
	return row, nil
}
