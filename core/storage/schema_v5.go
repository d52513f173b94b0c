package storage

import (
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit/chain"
)

// Schema snapshot of version 5: the audit log becomes a per-tenant hash chain
// (columns seq, prev_hash, hash; UNIQUE (tenant_id, seq) keeps it linear) and
// the pupils each event names get their own append-only table, indexed by
// (tenant_id, pupil_id), so "who saw this pupil" is one indexed query.
// Rows written before v5 are chained here, in id order per tenant; events of
// RecordAccess written before v5 have their pupil ids read from their "after"
// JSON into audit_event_pupils.
type v5AuditEventPupil struct {
	EventID  uint         `gorm:"primaryKey;autoIncrement:false"`
	Event    v1AuditEvent `gorm:"constraint:OnDelete:RESTRICT"`
	PupilID  uint         `gorm:"primaryKey;autoIncrement:false;index:idx_audit_event_pupils_pupil,priority:2"`
	TenantID uint         `gorm:"not null;index:idx_audit_event_pupils_pupil,priority:1"`
}

func (v5AuditEventPupil) TableName() string { return "audit_event_pupils" }

// v5AuditRow is what the backfill reads of a pre-v5 audit row.
type v5AuditRow struct {
	ID          uint
	TenantID    uint
	ActorUserID *uint
	ActorLabel  string
	Action      string
	EntityType  string
	EntityID    string
	Before      string
	After       string
	RequestID   string
	IP          string
	CreatedAt   time.Time
}

func v5Up(tx *gorm.DB, d Dialect) error {
	seqType, hashType := "integer", "text"
	if d == Postgres {
		seqType, hashType = "bigint", "varchar(64)"
	}
	stmts := []string{
		"ALTER TABLE audit_events ADD COLUMN seq " + seqType,
		"ALTER TABLE audit_events ADD COLUMN prev_hash " + hashType + " NOT NULL DEFAULT ''",
		"ALTER TABLE audit_events ADD COLUMN hash " + hashType + " NOT NULL DEFAULT ''",
		"CREATE UNIQUE INDEX idx_audit_tenant_seq ON audit_events (tenant_id, seq)",
	}
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("audit chain columns: %w", err)
		}
	}
	if err := tx.Migrator().CreateTable(&v5AuditEventPupil{}); err != nil {
		return fmt.Errorf("create audit_event_pupils: %w", err)
	}
	// The append-only triggers of v2 forbid the UPDATE that chains old rows:
	// lift them for the backfill only, inside this migration's transaction.
	if err := v2Down(tx, d); err != nil {
		return err
	}
	if err := v5Backfill(tx); err != nil {
		return err
	}
	if err := v2Up(tx, d); err != nil {
		return err
	}
	for _, s := range v5Triggers(d) {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("audit_event_pupils append-only trigger: %w", err)
		}
	}
	return nil
}

func v5Triggers(d Dialect) []string {
	if d == Postgres {
		// upwards_append_only() is v2's; TRUNCATE fires no row trigger, so it gets its own.
		return []string{
			`CREATE TRIGGER audit_event_pupils_append_only BEFORE UPDATE OR DELETE ON audit_event_pupils
FOR EACH ROW EXECUTE FUNCTION upwards_append_only()`,
			`CREATE TRIGGER audit_event_pupils_no_truncate BEFORE TRUNCATE ON audit_event_pupils
FOR EACH STATEMENT EXECUTE FUNCTION upwards_append_only()`,
			`CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
FOR EACH STATEMENT EXECUTE FUNCTION upwards_append_only()`,
		}
	}
	return []string{
		`CREATE TRIGGER audit_event_pupils_no_update BEFORE UPDATE ON audit_event_pupils
BEGIN SELECT RAISE(ABORT, 'audit_event_pupils is append-only'); END`,
		`CREATE TRIGGER audit_event_pupils_no_delete BEFORE DELETE ON audit_event_pupils
BEGIN SELECT RAISE(ABORT, 'audit_event_pupils is append-only'); END`,
	}
}

// v5Backfill chains every existing audit row, tenant by tenant in id order.
func v5Backfill(tx *gorm.DB) error {
	var tenants []uint
	if err := tx.Table("audit_events").Distinct("tenant_id").Order("tenant_id").Pluck("tenant_id", &tenants).Error; err != nil {
		return fmt.Errorf("chain existing audit rows: %w", err)
	}
	for _, tenant := range tenants {
		var (
			seq    int64
			prev   string
			lastID uint
		)
		for {
			var rows []v5AuditRow
			if err := tx.Table("audit_events").Where("tenant_id = ? AND id > ?", tenant, lastID).Order("id").Limit(500).Find(&rows).Error; err != nil {
				return fmt.Errorf("chain audit rows of tenant %d: %w", tenant, err)
			}
			if len(rows) == 0 {
				break
			}
			for _, r := range rows {
				seq++
				pupils := v5PupilsOf(r)
				for _, p := range pupils {
					if err := tx.Create(&v5AuditEventPupil{EventID: r.ID, PupilID: p, TenantID: tenant}).Error; err != nil {
						return fmt.Errorf("index pupils of audit row %d: %w", r.ID, err)
					}
				}
				h := chain.Hash(chain.Link{TenantID: tenant, Seq: seq, PrevHash: prev, CreatedAt: r.CreatedAt,
					ActorUserID: r.ActorUserID, ActorLabel: r.ActorLabel, Action: r.Action, EntityType: r.EntityType,
					EntityID: r.EntityID, Before: r.Before, After: r.After, RequestID: r.RequestID, IP: r.IP, PupilIDs: pupils})
				if err := tx.Exec("UPDATE audit_events SET seq = ?, prev_hash = ?, hash = ? WHERE id = ?", seq, prev, h, r.ID).Error; err != nil {
					return fmt.Errorf("chain audit row %d: %w", r.ID, err)
				}
				prev, lastID = h, r.ID
			}
		}
	}
	return nil
}

// v5PupilsOf reads the pupil ids a pre-v5 RecordAccess event kept in its
// "after" JSON; other rows name no pupils.
func v5PupilsOf(r v5AuditRow) []uint {
	if r.EntityType != "pupil" || r.After == "" {
		return nil
	}
	var after struct {
		PupilIDs []uint `json:"pupil_ids"`
	}
	if json.Unmarshal([]byte(r.After), &after) != nil {
		return nil
	}
	ids, err := chain.PupilIDs(after.PupilIDs)
	if err != nil {
		return nil
	}
	return ids
}

func v5Down(tx *gorm.DB, d Dialect) error {
	var stmts []string
	if d == Postgres {
		stmts = []string{
			`DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events`,
		}
	}
	stmts = append(stmts,
		"DROP TABLE IF EXISTS audit_event_pupils", // its triggers go with it
		"DROP INDEX IF EXISTS idx_audit_tenant_seq",
		"ALTER TABLE audit_events DROP COLUMN seq",
		"ALTER TABLE audit_events DROP COLUMN prev_hash",
		"ALTER TABLE audit_events DROP COLUMN hash",
	)
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("undo audit chain: %w", err)
		}
	}
	return nil
}
