package audit

import (
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit/chain"
)

// Break is the first broken link found in a tenant's chain.
type Break struct {
	EventID uint
	Seq     int64 // 0 when the row has no seq
	Reason  string
}

// Report is the outcome of verifying one tenant's chain.
type Report struct {
	TenantID uint
	Rows     int64 // rows checked (up to and including a broken one)
	HeadSeq  int64 // the newest link checked
	HeadHash string
	Break    *Break // nil when the chain is whole
}

// OK reports whether the chain verified.
func (r Report) OK() bool { return r.Break == nil }

// ChainTenants lists every tenant that has audit events, including tenants
// since deleted, in id order.
func ChainTenants(ctx context.Context, db *gorm.DB) ([]uint, error) {
	var ids []uint
	if err := db.WithContext(ctx).Table("audit_events").Distinct("tenant_id").Order("tenant_id").Pluck("tenant_id", &ids).Error; err != nil {
		return nil, fmt.Errorf("list audit tenants: %w", err)
	}
	return ids, nil
}

// Head returns the seq and hash of a tenant's newest event (0 and "" when it
// has none). An operator who keeps these somewhere the database's
// administrators cannot write can later prove the log was not rewritten.
func Head(ctx context.Context, db *gorm.DB, tenantID uint) (int64, string, error) {
	return head(db.WithContext(ctx), tenantID)
}

const verifyBatch = 500

// Verify walks a tenant's chain in seq order and reports the first broken
// link: a row whose content no longer matches its hash, a prev_hash that does
// not match the previous row, a gap or repeat in seq (rows deleted or
// inserted), a pupil row moved to another tenant, or a row written without a
// seq. It detects tampering by anyone who cannot also rewrite every later
// hash; see docs/operations.md for what it cannot detect.
func Verify(ctx context.Context, db *gorm.DB, tenantID uint) (Report, error) {
	db = db.WithContext(ctx)
	rep := Report{TenantID: tenantID}
	var (
		prev    *Event
		lastSeq int64
		lastID  uint
		first   = true
		breakAt = func(e Event, format string, args ...any) {
			var seq int64
			if e.Seq != nil {
				seq = *e.Seq
			}
			rep.Break = &Break{EventID: e.ID, Seq: seq, Reason: fmt.Sprintf(format, args...)}
		}
	)
	for rep.Break == nil {
		var batch []Event
		q := db.Where("tenant_id = ? AND seq IS NOT NULL", tenantID)
		if !first {
			q = q.Where("seq > ? OR (seq = ? AND id > ?)", lastSeq, lastSeq, lastID)
		}
		if err := q.Order("seq, id").Limit(verifyBatch).Find(&batch).Error; err != nil {
			return rep, fmt.Errorf("verify audit chain of tenant %d: %w", tenantID, err)
		}
		if len(batch) == 0 {
			break
		}
		first = false
		pupils, foreign, err := pupilsOfEvents(db, batch)
		if err != nil {
			return rep, fmt.Errorf("verify audit chain of tenant %d: %w", tenantID, err)
		}
		for i := range batch {
			e := batch[i]
			seq := *e.Seq
			rep.Rows++
			foreignTenant, moved := foreign[e.ID]
			switch {
			case prev == nil && seq != 1:
				breakAt(e, "the chain starts at seq %d, not 1: %d earlier row(s) are missing", seq, seq-1)
			case prev != nil && seq == *prev.Seq:
				breakAt(e, "seq %d appears twice (rows %d and %d): a row was inserted", seq, prev.ID, e.ID)
			case prev != nil && seq != *prev.Seq+1:
				breakAt(e, "seq %d follows seq %d: %d row(s) are missing", seq, *prev.Seq, seq-*prev.Seq-1)
			case prev == nil && e.PrevHash != "":
				breakAt(e, "the first row's prev_hash is %s, not empty", short(e.PrevHash))
			case prev != nil && e.PrevHash != prev.Hash:
				breakAt(e, "prev_hash %s does not match the hash %s of seq %d (row %d): the chain was rewritten before this row",
					short(e.PrevHash), short(prev.Hash), *prev.Seq, prev.ID)
			case moved:
				breakAt(e, "a pupil row of this event names tenant %d", foreignTenant)
			default:
				if got := chain.Hash(linkOf(&e, pupils[e.ID])); got != e.Hash {
					breakAt(e, "stored hash %s differs from the hash %s of the row's content: the row or the pupils it names changed after it was recorded",
						short(e.Hash), short(got))
				}
			}
			if rep.Break != nil {
				break
			}
			rep.HeadSeq, rep.HeadHash = seq, e.Hash
			prev = &batch[i]
		}
		last := batch[len(batch)-1]
		lastSeq, lastID = *last.Seq, last.ID
	}
	if rep.Break != nil {
		return rep, nil
	}
	var unchained Event
	res := db.Where("tenant_id = ? AND seq IS NULL", tenantID).Order("id").Limit(1).Find(&unchained)
	if res.Error != nil {
		return rep, fmt.Errorf("verify audit chain of tenant %d: %w", tenantID, res.Error)
	}
	if res.RowsAffected > 0 {
		rep.Rows++
		breakAt(unchained, "the row has no seq: it was written outside audit.Record")
	}
	return rep, nil
}

// pupilsOfEvents returns the pupils each event names (sorted) and, for any
// event with a pupil row of another tenant, that tenant.
func pupilsOfEvents(db *gorm.DB, evs []Event) (map[uint][]uint, map[uint]uint, error) {
	ids := make([]uint, len(evs))
	tenant := make(map[uint]uint, len(evs))
	for i, e := range evs {
		ids[i] = e.ID
		tenant[e.ID] = e.TenantID
	}
	var rows []eventPupil
	if err := db.Where("event_id IN ?", ids).Order("event_id, pupil_id").Find(&rows).Error; err != nil {
		return nil, nil, fmt.Errorf("load pupils of audit events: %w", err)
	}
	out := make(map[uint][]uint)
	foreign := make(map[uint]uint)
	for _, r := range rows {
		out[r.EventID] = append(out[r.EventID], r.PupilID)
		if r.TenantID != tenant[r.EventID] {
			foreign[r.EventID] = r.TenantID
		}
	}
	for id := range out {
		slices.Sort(out[id])
	}
	return out, foreign, nil
}

// short abbreviates a hash for messages.
func short(h string) string {
	if h == "" {
		return `""`
	}
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}

// CheckHead reports whether a head taken earlier (Head's seq and hash) is
// still the hash of that seq in the tenant's chain. Together with Verify it
// detects a log that was cut short or rewritten as a whole, which Verify
// alone cannot.
func CheckHead(ctx context.Context, db *gorm.DB, tenantID uint, seq int64, hash string) error {
	var rows []Event
	if err := db.WithContext(ctx).Where("tenant_id = ? AND seq = ?", tenantID, seq).Limit(2).Find(&rows).Error; err != nil {
		return fmt.Errorf("check head of tenant %d: %w", tenantID, err)
	}
	switch {
	case len(rows) == 0:
		return fmt.Errorf("seq %d is no longer in the chain: the log was cut short", seq)
	case len(rows) > 1:
		return fmt.Errorf("seq %d appears more than once", seq)
	case rows[0].Hash != hash:
		return fmt.Errorf("seq %d (row %d) now has hash %s, not %s: the log was rewritten", seq, rows[0].ID, short(rows[0].Hash), short(hash))
	}
	return nil
}
