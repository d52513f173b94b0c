package pluginhost

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/tenancy"
	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// auditClockSkew is how long before its seal was issued an entry may say it
// was made (the plugin's clock against the core's).
const auditClockSkew = time.Minute

// auditKeyPattern is the shape of an outbox entry's key.
var auditKeyPattern = regexp.MustCompile(`^[0-9A-Za-z_-]{16,64}$`)

// auditKeyRow is one row of plugin_audit_keys: an outbox entry recorded.
type auditKeyRow struct {
	PluginID  string `gorm:"primaryKey"`
	EntryKey  string `gorm:"primaryKey"`
	TenantID  uint
	EventID   uint
	CreatedAt time.Time
}

func (auditKeyRow) TableName() string { return "plugin_audit_keys" }

// auditSeal is the seal of a's identity, for the Actor the plugin is sent:
// with it the plugin can deliver the call's audit entries after the call.
func (rt *Runtime) auditSeal(a actor) string {
	return contract.SealAudit(rt.deps.AuditKey, auditClaims(a), time.Now())
}

func auditClaims(a actor) contract.AuditClaims {
	return contract.AuditClaims{PluginID: a.PluginID, TenantID: uint64(a.TenantID), UserID: uint64(a.UserID),
		UserEmail: a.UserEmail, RequestID: a.RequestID}
}

// DeliverAudit records the plugin's outbox entries in order, each once: an
// entry whose key this plugin delivered before is acknowledged without a
// second event. It needs no actor token (the entry outlives its call) and
// works for a tenant that has since disabled the plugin, so no change stays
// unaudited; the seal proves the core gave this plugin the actor the entry
// names. The first entry refused for good ends the batch, named in the
// answer; a failure to write is an error and the plugin delivers again.
func (h *hostServer) DeliverAudit(ctx context.Context, req *pluginv1.DeliverAuditRequest) (*pluginv1.DeliverAuditResponse, error) {
	h.rt.hostCalls.Add(1)
	if len(req.GetEntries()) > contract.MaxAuditEntries {
		return nil, status.Errorf(codes.InvalidArgument, "at most %d audit entries per call", contract.MaxAuditEntries)
	}
	out := &pluginv1.DeliverAuditResponse{}
	for i, e := range req.GetEntries() {
		a, ch, err := h.auditEntry(ctx, e)
		var refused *refusal
		if errors.As(err, &refused) {
			// The key is random and names no one: it lets an operator find the
			// row in the plugin's outbox.
			h.rt.log.WarnContext(ctx, "plugin audit entry refused", "plugin", h.pluginID, "position", i+1, "key", e.GetKey(), "reason", refused.reason)
			out.Refused = fmt.Sprintf("entry %d (key %s): %s", i+1, e.GetKey(), refused.reason)
			return out, nil
		}
		if err != nil {
			return nil, h.internal(ctx, err)
		}
		if err := h.rt.recordDelivered(ctx, h.pluginID, e.GetKey(), a, ch); err != nil {
			return nil, h.internal(ctx, err)
		}
		out.Recorded++
	}
	return out, nil
}

// refusal is why an entry is refused for good.
type refusal struct{ reason string }

func (r *refusal) Error() string { return r.reason }

func refuse(format string, args ...any) error { return &refusal{reason: fmt.Sprintf(format, args...)} }

// auditEntry checks e and returns the actor it was made by and the change
// to record; a *refusal says why it can never be recorded.
func (h *hostServer) auditEntry(ctx context.Context, e *pluginv1.AuditEntry) (actor, audit.Change, error) {
	if !auditKeyPattern.MatchString(e.GetKey()) {
		return actor{}, audit.Change{}, refuse("the key must be 16 to 64 letters, digits, '-' or '_'")
	}
	if e.GetTenantId() == 0 || e.GetTenantId() > uint64(^uint(0)) || e.GetUserId() > uint64(^uint(0)) {
		return actor{}, audit.Change{}, refuse("no such tenant or user")
	}
	a := actor{PluginID: h.pluginID, TenantID: uint(e.GetTenantId()), UserID: uint(e.GetUserId()), UserEmail: e.GetUserEmail(), RequestID: e.GetRequestId()}
	issued, err := contract.VerifyAuditSeal(h.rt.deps.AuditKey, e.GetSeal(), auditClaims(a))
	if err != nil {
		h.rt.log.WarnContext(ctx, "plugin delivered an audit entry whose seal does not verify", "plugin", h.pluginID, "key", e.GetKey())
		return actor{}, audit.Change{}, refuse("its seal does not verify for plugin %s and the actor it names (sealed for another plugin or actor, altered, or by another install)", h.pluginID)
	}
	if err := contract.CheckAuditFields(h.pluginID, e.GetAction(), e.GetEntityType(), e.GetEntityId()); err != nil {
		return actor{}, audit.Change{}, refuse("%v", err)
	}
	if len(e.GetBeforeJson()) > contract.MaxAuditDocument || len(e.GetAfterJson()) > contract.MaxAuditDocument {
		return actor{}, audit.Change{}, refuse("before_json and after_json are at most %d KiB each", contract.MaxAuditDocument>>10)
	}
	before, err := jsonDoc("before_json", e.GetBeforeJson())
	if err != nil {
		return actor{}, audit.Change{}, refuse("%s", status.Convert(err).Message())
	}
	after, err := jsonDoc("after_json", e.GetAfterJson())
	if err != nil {
		return actor{}, audit.Change{}, refuse("%s", status.Convert(err).Message())
	}
	now := time.Now()
	at := time.UnixMicro(e.GetAtUnixMicro())
	if at.Before(issued.Add(-auditClockSkew)) {
		at = issued
	}
	if at.After(now) {
		at = now
	}
	ch := audit.Change{TenantID: a.TenantID, Action: e.GetAction(), EntityType: e.GetEntityType(), EntityID: e.GetEntityId(),
		Before: before, After: after, At: at}
	if err := audit.Check(ch); err != nil {
		return actor{}, audit.Change{}, refuse("%v", err)
	}
	if _, err := h.rt.deps.Tenancy.TenantByID(ctx, a.TenantID); errors.Is(err, tenancy.ErrNotFound) {
		return actor{}, audit.Change{}, refuse("the tenant no longer exists")
	} else if err != nil {
		return actor{}, audit.Change{}, err
	}
	return a, ch, nil
}

// recordDelivered records ch by a, once per (plugin, key): the key row and
// the audit event commit together, and a key already present means an
// earlier delivery recorded it. The key is inserted first, so a concurrent
// delivery of the same key waits for this one and then finds it.
func (rt *Runtime) recordDelivered(ctx context.Context, pluginID, key string, a actor, ch audit.Change) error {
	err := rt.deps.DB.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		row := auditKeyRow{PluginID: pluginID, EntryKey: key, TenantID: a.TenantID, CreatedAt: time.Now().UTC()}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		if res.Error != nil {
			return fmt.Errorf("keep audit key: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return nil // recorded by an earlier delivery
		}
		id, err := audit.RecordEvent(audit.WithActor(ctx, auditActor(a)), tx, ch)
		if err != nil {
			return err
		}
		return tx.Model(&auditKeyRow{}).Where("plugin_id = ? AND entry_key = ?", pluginID, key).Update("event_id", id).Error
	})
	if err != nil {
		return fmt.Errorf("record audit entry of plugin %s: %w", pluginID, err)
	}
	return nil
}
