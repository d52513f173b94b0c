package sdk

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
)

// ErrNoAuditSeal is wrapped by AuditTx's error when the core gave the call
// no audit seal: a core from before audit outboxes (Upwards 0.3). Require a
// newer core (the manifest's min_core_version) or use Host.Audit.
var ErrNoAuditSeal = errors.New("sdk: the core gave this call no audit seal (a core before audit outboxes)")

// MaxAuditDocument is the most bytes of before or after (as JSON) an
// AuditTx entry may hold.
const MaxAuditDocument = contract.MaxAuditDocument

// auditRecord is one row of the SDK's audit outbox, upwards_audit_outbox:
// an audit entry written in the transaction of the change it records and
// deleted once the core has recorded it.
type auditRecord struct {
	ID uint64 `gorm:"primaryKey"`
	// Key is random: the core records an entry once per key, however often
	// it is delivered (the row id is not unique enough: storage can be
	// recreated).
	Key      string `gorm:"size:32;not null;uniqueIndex"`
	TenantID uint64 `gorm:"not null;index"`
	// The actor as the core gave it, and the seal vouching for it.
	UserID     uint64 `gorm:"not null"`
	UserEmail  string `gorm:"size:254;not null"`
	RequestID  string `gorm:"size:200;not null"`
	Seal       string `gorm:"size:200;not null"`
	Action     string `gorm:"size:100;not null"`
	EntityType string `gorm:"size:64;not null"`
	EntityID   string `gorm:"size:64;not null"`
	BeforeJSON string `gorm:"type:text;not null"`
	AfterJSON  string `gorm:"type:text;not null"`
	// CreatedAt is when the change was made.
	CreatedAt time.Time `gorm:"not null"`
	// RefusedAt and Refused are set when the core refused the entry for
	// good; the row stays for an operator and is not delivered again.
	RefusedAt *time.Time
	Refused   string `gorm:"size:500;not null;default:''"`
}

func (auditRecord) TableName() string { return "upwards_audit_outbox" }

// auditOutboxV1 is the snapshot of upwards_audit_outbox that the SDK's
// migration 1 creates: later changes to auditRecord never rewrite it.
type auditOutboxV1 struct {
	ID         uint64    `gorm:"primaryKey"`
	Key        string    `gorm:"size:32;not null;uniqueIndex"`
	TenantID   uint64    `gorm:"not null;index"`
	UserID     uint64    `gorm:"not null"`
	UserEmail  string    `gorm:"size:254;not null"`
	RequestID  string    `gorm:"size:200;not null"`
	Seal       string    `gorm:"size:200;not null"`
	Action     string    `gorm:"size:100;not null"`
	EntityType string    `gorm:"size:64;not null"`
	EntityID   string    `gorm:"size:64;not null"`
	BeforeJSON string    `gorm:"type:text;not null"`
	AfterJSON  string    `gorm:"type:text;not null"`
	CreatedAt  time.Time `gorm:"not null"`
	RefusedAt  *time.Time
	Refused    string `gorm:"size:500;not null;default:''"`
}

func (auditOutboxV1) TableName() string { return "upwards_audit_outbox" }

// sdkMigrations are the SDK's own tables, applied by Migrate before the
// plugin's and numbered apart (upwards_sdk_schema_migrations).
var sdkMigrations = []Migration{
	{Version: 1, Name: "create upwards_audit_outbox", Up: func(tx *gorm.DB) error {
		return tx.Migrator().CreateTable(&auditOutboxV1{})
	}},
}

// AuditTx records an audit entry for a change, made by the actor of ctx, in
// tx: the transaction that makes the change. The entry commits or rolls back
// with the change, so a change is never without its entry; the SDK then
// delivers it to the core's audit log (before the call answers when it can,
// and until it succeeds in the background otherwise), where it is recorded
// once, in order, with the time of the change. So a page may tell the user a
// change was saved as soon as the transaction commits, even while the core
// cannot take the entry.
//
// action must start with the plugin id ("hello.greeting.create"), at most
// 100 characters; entityType and entityID at most 64; before and after are
// the entity's state (marshalled as JSON; a []byte or json.RawMessage as it
// is; nil for none), at most MaxAuditDocument bytes each and naming pupils
// by id only (no upn, given_name, family_name or date_of_birth keys). Put no
// more personal data in them than the audit needs. A bad entry is an error,
// and the caller's transaction should roll back.
//
//	err := sdk.Tenant(ctx).Transaction(func(tx *gorm.DB) error {
//		if err := tx.Create(&g).Error; err != nil {
//			return err
//		}
//		return sdk.AuditTx(ctx, tx, "hello.greeting.create", "greeting", strconv.FormatUint(g.ID, 10), nil, g)
//	})
func AuditTx(ctx context.Context, tx *gorm.DB, action, entityType, entityID string, before, after any) error {
	st := stateFrom(ctx)
	if st == nil || st.actor == nil {
		return fmt.Errorf("sdk.AuditTx %s: the context is not a request, job or event of the SDK", action)
	}
	if tx == nil || !inTransaction(tx) {
		return fmt.Errorf("sdk.AuditTx %s: tx is not a transaction: call it inside Transaction(func(tx *gorm.DB) error {…}) with the change", action)
	}
	a := st.actor
	if a.GetAuditSeal() == "" {
		return fmt.Errorf("sdk.AuditTx %s: %w", action, ErrNoAuditSeal)
	}
	if a.GetTenantId() == 0 {
		return fmt.Errorf("sdk.AuditTx %s: %w", action, ErrNoTenant)
	}
	rec := &auditRecord{Key: newAuditKey(), TenantID: a.GetTenantId(), UserID: a.GetUserId(), UserEmail: a.GetUserEmail(),
		RequestID: a.GetRequestId(), Seal: a.GetAuditSeal(), Action: action, EntityType: entityType, EntityID: entityID,
		CreatedAt: time.Now().UTC().Truncate(time.Microsecond)}
	var err error
	if err = contract.CheckAuditFields(st.pluginID, action, entityType, entityID); err != nil {
		return fmt.Errorf("sdk.AuditTx %s: %w", action, err)
	}
	if rec.BeforeJSON, err = auditDoc("before", before); err != nil {
		return fmt.Errorf("sdk.AuditTx %s: %w", action, err)
	}
	if rec.AfterJSON, err = auditDoc("after", after); err != nil {
		return fmt.Errorf("sdk.AuditTx %s: %w", action, err)
	}
	if err := tx.Create(rec).Error; err != nil {
		return fmt.Errorf("sdk.AuditTx %s: write the audit outbox: %w", action, err)
	}
	st.audited.Store(true)
	return nil
}

// inTransaction reports whether db runs inside a transaction.
func inTransaction(db *gorm.DB) bool {
	_, ok := db.Statement.ConnPool.(gorm.TxCommitter)
	return ok
}

// auditDoc marshals one side of an entry and checks it as the core will.
func auditDoc(side string, v any) (string, error) {
	raw, err := jsonDoc(v)
	if err != nil {
		return "", fmt.Errorf("%s: %w", side, err)
	}
	doc, err := contract.AuditDocument(raw)
	if err != nil {
		return "", fmt.Errorf("%s: %w", side, err)
	}
	if len(doc) > MaxAuditDocument {
		return "", fmt.Errorf("%s is %d bytes of JSON; at most %d", side, len(doc), MaxAuditDocument)
	}
	return doc, nil
}

// newAuditKey returns 128 random bits as 32 hex digits.
func newAuditKey() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("sdk: no randomness for an audit key: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}
