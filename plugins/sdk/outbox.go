package sdk

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"gorm.io/gorm"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Timing and size of audit outbox delivery.
const (
	// outboxBatch is the most entries one DeliverAudit call carries (the
	// core takes 100), and outboxBatchBytes about the most bytes, well
	// under gRPC's 4 MiB message.
	outboxBatch      = 50
	outboxBatchBytes = 2 << 20
	// flushTimeout bounds the delivery after a call, which the call's
	// answer waits for.
	flushTimeout = 3 * time.Second
	// deliverTimeout bounds one background delivery round.
	deliverTimeout = 30 * time.Second
)

// outboxTiming is how often the background delivery tries: every idle
// while nothing failed (for rows another process left), and after a failure
// from minBackoff doubling to maxBackoff.
type outboxTiming struct {
	idle, minBackoff, maxBackoff time.Duration
}

var defaultOutboxTiming = outboxTiming{idle: 30 * time.Second, minBackoff: time.Second, maxBackoff: 30 * time.Second}

// outbox delivers the audit outbox (upwards_audit_outbox) of one
// configured storage to the Host: right after a call that wrote to it
// (flush), and in the background until the core has every entry. Entries go
// oldest first and a round stops at the first failure, so each tenant's
// entries reach the core's log in the order they were made; the core
// records each key once, so delivering twice (a lost acknowledgement,
// another node's process on the same storage) does no harm.
type outbox struct {
	db     *gorm.DB
	host   pluginv1.HostServiceClient
	log    *slog.Logger
	timing outboxTiming

	sem  chan struct{} // held while delivering: one delivery at a time
	wake chan struct{}

	mu      sync.Mutex
	stop    context.CancelFunc
	done    chan struct{}
	stopped bool
}

func newOutbox(db *gorm.DB, host pluginv1.HostServiceClient, log *slog.Logger, timing outboxTiming) *outbox {
	return &outbox{db: db, host: host, log: log, timing: timing,
		sem: make(chan struct{}, 1), wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// start runs the background delivery until close; once the outbox table
// exists (Migrate starts it). A second start does nothing.
func (o *outbox) start() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.stop != nil || o.stopped {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	o.stop = cancel
	go o.run(ctx)
}

// close stops the background delivery and waits for it to end.
func (o *outbox) close() {
	o.mu.Lock()
	stop := o.stop
	o.stopped = true
	o.mu.Unlock()
	if stop == nil {
		return
	}
	stop()
	<-o.done
}

// kick asks the background delivery for a round soon.
func (o *outbox) kick() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// run delivers at once (rows left from before a restart), then every idle
// period, or on a kick; after a failure it waits a doubling back-off, and
// a kick does not cut that short.
func (o *outbox) run(ctx context.Context) {
	defer close(o.done)
	backoff, failing := o.timing.minBackoff, false
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-o.wake:
			if failing {
				continue
			}
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
		case <-timer.C:
		}
		rctx, cancel := context.WithTimeout(ctx, deliverTimeout)
		n, err := o.deliver(rctx, 0)
		cancel()
		if ctx.Err() != nil {
			return
		}
		next := o.timing.idle
		switch {
		case err != nil:
			if !failing {
				o.log.Warn("audit entries not delivered to the core; retrying in the background", "error", err.Error())
			}
			failing, next = true, backoff
			backoff = min(2*backoff, o.timing.maxBackoff)
		case failing:
			o.log.Info("audit entries delivered to the core again", "entries", n)
			failing, backoff = false, o.timing.minBackoff
		}
		timer.Reset(next)
	}
}

// flush delivers the pending entries of tenant after a call that wrote
// some, within flushTimeout; what it cannot deliver the background round
// does.
func (o *outbox) flush(ctx context.Context, tenant uint64) {
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flushTimeout)
	defer cancel()
	if _, err := o.deliver(fctx, tenant); err != nil {
		o.log.Warn("audit entries of the call not delivered yet; the SDK retries in the background", "error", err.Error())
		o.kick()
	}
}

// deliver sends the pending entries (of tenant, or every tenant for 0),
// oldest first, until none is left or one fails, and returns how many the
// core recorded. An entry the core refuses for good is kept, marked, and
// not sent again.
func (o *outbox) deliver(ctx context.Context, tenant uint64) (int, error) {
	select {
	case o.sem <- struct{}{}:
		defer func() { <-o.sem }()
	case <-ctx.Done():
		o.kick() // the delivery under way may have missed this call's rows
		return 0, fmt.Errorf("wait for the delivery under way: %w", ctx.Err())
	}
	db := unscoped(o.db.WithContext(ctx))
	total := 0
	for {
		var rows []auditRecord
		q := db.Where("refused_at IS NULL")
		if tenant != 0 {
			q = q.Where("tenant_id = ?", tenant)
		}
		if err := q.Order("id").Limit(outboxBatch).Find(&rows).Error; err != nil {
			return total, fmt.Errorf("read the audit outbox: %w", err)
		}
		if len(rows) == 0 {
			return total, nil
		}
		rows = fitBatch(rows)
		req := &pluginv1.DeliverAuditRequest{Entries: make([]*pluginv1.AuditEntry, len(rows))}
		for i, r := range rows {
			req.Entries[i] = &pluginv1.AuditEntry{Key: r.Key, Seal: r.Seal, TenantId: r.TenantID, UserId: r.UserID,
				UserEmail: r.UserEmail, RequestId: r.RequestID, Action: r.Action, EntityType: r.EntityType, EntityId: r.EntityID,
				BeforeJson: r.BeforeJSON, AfterJson: r.AfterJSON, AtUnixMicro: r.CreatedAt.UnixMicro()}
		}
		resp, err := o.host.DeliverAudit(ctx, req)
		if err != nil {
			return total, fmt.Errorf("host: deliver audit: %w", err)
		}
		n := min(max(int(resp.GetRecorded()), 0), len(rows))
		if n > 0 {
			ids := make([]uint64, n)
			for i, r := range rows[:n] {
				ids[i] = r.ID
			}
			if err := db.Where("id IN ?", ids).Delete(&auditRecord{}).Error; err != nil {
				return total, fmt.Errorf("clear delivered audit entries: %w", err)
			}
			total += n
		}
		if n == len(rows) {
			continue
		}
		if resp.GetRefused() == "" {
			return total, fmt.Errorf("host: deliver audit: the core recorded %d of %d entries without saying why", n, len(rows))
		}
		if err := o.refused(db, rows[n], resp.GetRefused()); err != nil {
			return total, err
		}
	}
}

// refused marks an entry the core will never record: kept for an operator,
// not sent again. Its key, action and the reason are logged; nothing
// personal is.
func (o *outbox) refused(db *gorm.DB, r auditRecord, reason string) error {
	if len(reason) > 500 {
		reason = reason[:500]
	}
	o.log.Error("the core refused an audit entry for good; it stays in upwards_audit_outbox", "key", r.Key, "action", r.Action, "reason", reason)
	now := time.Now().UTC()
	if err := db.Model(&auditRecord{}).Where("id = ?", r.ID).Updates(map[string]any{"refused_at": now, "refused": reason}).Error; err != nil {
		return fmt.Errorf("mark refused audit entry %s: %w", r.Key, err)
	}
	return nil
}

// fitBatch keeps the leading rows that fit in one message (at least one).
func fitBatch(rows []auditRecord) []auditRecord {
	size := 0
	for i, r := range rows {
		size += len(r.BeforeJSON) + len(r.AfterJSON) + len(r.UserEmail) + len(r.Seal) + 256
		if i > 0 && size > outboxBatchBytes {
			return rows[:i]
		}
	}
	return rows
}
