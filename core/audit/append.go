package audit

import (
	"context"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/challengepartners/upwards/core/audit/chain"
)

// maxAppendAttempts bounds how often one Record tries again after another
// writer took the sequence number it read as next.
const maxAppendAttempts = 100

// eventPupil is one row of audit_event_pupils: a pupil an event names.
type eventPupil struct {
	EventID  uint
	TenantID uint
	PupilID  uint
}

func (eventPupil) TableName() string { return "audit_event_pupils" }

// appendToChain writes e as the next link of its tenant's chain, and the
// pupils it names, inside db's transaction (or a transaction of its own when
// db is not in one).
//
// Linearity: the next seq is read as the tenant's highest plus one, and the
// row is inserted with ON CONFLICT (tenant_id, seq) DO NOTHING. A writer that
// lost the race inserts nothing (it never raises, so a caller's PostgreSQL
// transaction is not aborted and needs no savepoint) and reads again: under
// READ COMMITTED (PostgreSQL's default) each statement sees the winner's
// commit. SQLite takes its write lock at BEGIN (_txlock=immediate), so
// writers there queue and never conflict. Under REPEATABLE READ or
// SERIALIZABLE a caller that loses the race fails after maxAppendAttempts.
//
// An event naming no pupils is one INSERT, which needs no transaction of its
// own when the caller has none: the head is read and the row inserted as two
// autocommitted statements, and the unique index still decides the race.
func appendToChain(ctx context.Context, db *gorm.DB, e *Event, pupils []uint) error {
	base := db.WithContext(ctx).Session(&gorm.Session{NewDB: true, DisableNestedTransaction: true})
	if _, inTx := base.Statement.ConnPool.(gorm.TxCommitter); !inTx && len(pupils) == 0 {
		return appendLink(base, e, nil)
	}
	return base.Transaction(func(tx *gorm.DB) error { return appendLink(tx, e, pupils) })
}

// appendLink inserts e as the next link and then its pupil rows.
func appendLink(tx *gorm.DB, e *Event, pupils []uint) error {
	for attempt := 1; ; attempt++ {
		seq, prev, err := head(tx, e.TenantID)
		if err != nil {
			return err
		}
		seq++
		e.ID, e.Seq, e.PrevHash = 0, &seq, prev
		e.Hash = chain.Hash(linkOf(e, pupils))
		res := tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "tenant_id"}, {Name: "seq"}},
			DoNothing: true,
		}).Create(e)
		if res.Error != nil {
			return fmt.Errorf("append to chain: %w", res.Error)
		}
		if res.RowsAffected == 1 && e.ID != 0 {
			break
		}
		if attempt == maxAppendAttempts {
			return fmt.Errorf("append to chain: seq still taken after %d attempts (is the transaction REPEATABLE READ?)", attempt)
		}
	}
	if len(pupils) == 0 {
		return nil
	}
	if err := indexPupils(tx, e, pupils); err != nil {
		return fmt.Errorf("index pupils of event: %w", err)
	}
	return nil
}

// indexPupils writes the event's audit_event_pupils rows with one statement
// binding three parameters however many pupils it names (an import names
// hundreds of thousands): the ids travel as one JSON array read with
// json_each on SQLite, as one bigint array read with unnest on PostgreSQL.
// It goes to the connection under gorm, since gorm would expand a slice
// argument into one placeholder per element.
func indexPupils(tx *gorm.DB, e *Event, pupils []uint) error {
	conn := tx.Statement.ConnPool
	ctx := tx.Statement.Context
	if tx.Dialector.Name() == "postgres" {
		ids := make([]int64, len(pupils))
		for i, p := range pupils {
			ids[i] = int64(p)
		}
		_, err := conn.ExecContext(ctx, "INSERT INTO audit_event_pupils (event_id, tenant_id, pupil_id) SELECT $1, $2, unnest($3::bigint[])",
			int64(e.ID), int64(e.TenantID), ids)
		return err
	}
	js, err := json.Marshal(pupils)
	if err != nil {
		return err
	}
	_, err = conn.ExecContext(ctx, "INSERT INTO audit_event_pupils (event_id, tenant_id, pupil_id) SELECT ?, ?, value FROM json_each(?)",
		e.ID, e.TenantID, string(js))
	return err
}

// head returns the seq and hash of the tenant's newest event (0, "" if none).
func head(db *gorm.DB, tenantID uint) (int64, string, error) {
	var last struct {
		Seq  int64
		Hash string
	}
	err := db.Raw("SELECT seq, hash FROM audit_events WHERE tenant_id = ? AND seq IS NOT NULL ORDER BY seq DESC LIMIT 1", tenantID).Scan(&last).Error
	if err != nil {
		return 0, "", fmt.Errorf("read chain head of tenant %d: %w", tenantID, err)
	}
	return last.Seq, last.Hash, nil
}

func linkOf(e *Event, pupils []uint) chain.Link {
	var seq int64
	if e.Seq != nil {
		seq = *e.Seq
	}
	return chain.Link{TenantID: e.TenantID, Seq: seq, PrevHash: e.PrevHash, CreatedAt: e.CreatedAt,
		ActorUserID: e.ActorUserID, ActorLabel: e.ActorLabel, Action: e.Action, EntityType: e.EntityType,
		EntityID: e.EntityID, Before: e.Before, After: e.After, RequestID: e.RequestID, IP: e.IP, PupilIDs: pupils}
}
