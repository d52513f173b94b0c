// Package audit keeps the append-only log of every change in a tenant, and of
// every read of pupil-level data: who, when, what, the entity before and
// after, and the pupils named (ids only). Services record events inside the
// same transaction as the change, so a change is never without its entry.
//
// Each tenant's events form a hash chain: event n carries seq n, the hash of
// event n-1 and its own SHA-256 over both and its content (package chain).
// Verify walks a chain and names the first broken link; Head and CheckHead
// let an operator prove later that the log was not cut short or rewritten.
// AccessesOfPupil answers "who saw this pupil" from the indexed table
// audit_event_pupils.
package audit

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit/chain"
)

// Event is one audit log row (table audit_events).
type Event struct {
	ID          uint      `gorm:"primaryKey" json:"id"`
	TenantID    uint      `json:"tenant_id"`
	ActorUserID *uint     `json:"actor_user_id,omitempty"`
	ActorLabel  string    `json:"actor"`
	Action      string    `json:"action"`
	EntityType  string    `json:"entity_type"`
	EntityID    string    `json:"entity_id"`
	Before      string    `json:"before,omitempty"`
	After       string    `json:"after,omitempty"`
	RequestID   string    `json:"request_id,omitempty"`
	IP          string    `json:"ip,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	// Seq numbers the tenant's events 1, 2, 3… in chain order.
	Seq *int64 `json:"seq,omitempty"`
	// PrevHash is the Hash of the tenant's previous event ("" for the first).
	PrevHash string `json:"prev_hash,omitempty"`
	// Hash is the SHA-256 of this event's canonical encoding (see package chain).
	Hash string `json:"hash,omitempty"`
	// PupilIDs are the pupils the event names (table audit_event_pupils), filled by List and AccessesOfPupil.
	PupilIDs []uint `gorm:"-" json:"pupil_ids,omitempty"`
}

// TableName maps Event onto the core schema.
func (Event) TableName() string { return "audit_events" }

// Actor is who is acting: a user through a request, or the system (CLI, job).
type Actor struct {
	UserID    *uint
	Label     string // email of the user, or "cli", "system", "job:NAME"
	RequestID string
	IP        string
}

type actorKey struct{}

// WithActor returns ctx carrying the actor that audit entries made under it name.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx, or the "system" actor.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{Label: "system"}
}

// Change describes one change to record.
type Change struct {
	TenantID   uint
	Action     string // e.g. "orgunit.create", "user.grant"
	EntityType string // e.g. "org_unit"
	EntityID   string
	Before     any // nil, or a value marshalled as JSON
	After      any
	// PupilIDs are the pupils the change is about (ids only: never names,
	// UPNs or dates of birth in an audit event). They are indexed so that
	// AccessesOfPupil finds the event.
	PupilIDs []uint
	// At is when the change was made, for a change recorded after the fact
	// (a plugin's audit outbox); zero means now.
	At time.Time
}

// Record appends an entry for ch, made by the actor in ctx, to the tenant's
// hash chain, using db: pass the change's own transaction so both commit or
// neither does (see chain.go for how concurrent writers stay linear).
func Record(ctx context.Context, db *gorm.DB, ch Change) error {
	_, err := RecordEvent(ctx, db, ch)
	return err
}

// RecordEvent is Record returning the event's id.
func RecordEvent(ctx context.Context, db *gorm.DB, ch Change) (uint, error) {
	a := ActorFrom(ctx)
	before, after, pupils, err := prepare(ch)
	if err != nil {
		return 0, err
	}
	at := ch.At
	if at.IsZero() {
		at = time.Now()
	}
	e := Event{
		TenantID: ch.TenantID, ActorUserID: a.UserID, ActorLabel: a.Label,
		Action: ch.Action, EntityType: ch.EntityType, EntityID: ch.EntityID,
		Before: before, After: after, RequestID: a.RequestID, IP: a.IP,
		CreatedAt: at.UTC().Truncate(time.Microsecond),
	}
	if err := appendToChain(ctx, db, &e, pupils); err != nil {
		return 0, fmt.Errorf("audit %s: %w", ch.Action, err)
	}
	return e.ID, nil
}

// Check reports, without writing anything, why Record would refuse ch: a
// before or after that is not JSON or names a pupil other than by id, or
// bad pupil ids. Callers use it to tell a refused change from a failed write.
func Check(ch Change) error {
	_, _, _, err := prepare(ch)
	return err
}

// prepare marshals ch's documents and checks them and its pupil ids.
func prepare(ch Change) (before, after string, pupils []uint, err error) {
	if before, err = marshal(ch.Before); err != nil {
		return "", "", nil, fmt.Errorf("audit %s: before: %w", ch.Action, err)
	}
	if after, err = marshal(ch.After); err != nil {
		return "", "", nil, fmt.Errorf("audit %s: after: %w", ch.Action, err)
	}
	if err := identifiesPupil(before); err != nil {
		return "", "", nil, fmt.Errorf("audit %s: before: %w", ch.Action, err)
	}
	if err := identifiesPupil(after); err != nil {
		return "", "", nil, fmt.Errorf("audit %s: after: %w", ch.Action, err)
	}
	if pupils, err = chain.PupilIDs(ch.PupilIDs); err != nil {
		return "", "", nil, fmt.Errorf("audit %s: %w", ch.Action, err)
	}
	return before, after, pupils, nil
}

// pupilIdentifierKeys are JSON keys whose values identify a pupil: an audit
// event names pupils by id only (Change.PupilIDs), so a before or after
// holding one of these is refused rather than kept for years in the log.
var pupilIdentifierKeys = []string{"upn", "upn_sealed", "given_name", "family_name", "date_of_birth"}

// identifiesPupil refuses marshalled JSON with a pupil-identifying key at
// any depth. Keys appear as "key": (a string value containing the same text
// is escaped as \"key\": and does not match).
func identifiesPupil(js string) error {
	for _, k := range pupilIdentifierKeys {
		if strings.Contains(js, `"`+k+`":`) {
			return fmt.Errorf("holds a pupil's %s: audit events name pupils by id only", k)
		}
	}
	return nil
}

func marshal(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// Filter narrows a listing of a tenant's audit log.
type Filter struct {
	Action     string
	EntityType string
	EntityID   string
	ActorLabel string
	// PupilID keeps only the events naming this pupil (0: any).
	PupilID uint
	Since   time.Time
	Until   time.Time
	Limit   int // default 50, at most 1000
	Offset  int
}

func (f Filter) apply(q *gorm.DB, tenantID uint) *gorm.DB {
	q = q.Where("tenant_id = ?", tenantID)
	if f.PupilID != 0 {
		q = q.Where("id IN (?)", pupilEvents(q, tenantID, f.PupilID))
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.EntityType != "" {
		q = q.Where("entity_type = ?", f.EntityType)
	}
	if f.EntityID != "" {
		q = q.Where("entity_id = ?", f.EntityID)
	}
	if f.ActorLabel != "" {
		q = q.Where("actor_label = ?", f.ActorLabel)
	}
	if !f.Since.IsZero() {
		q = q.Where("created_at >= ?", f.Since)
	}
	if !f.Until.IsZero() {
		q = q.Where("created_at < ?", f.Until)
	}
	return q
}

// List returns one page of a tenant's events, newest first, and the total matching.
func List(ctx context.Context, db *gorm.DB, tenantID uint, f Filter) ([]Event, int64, error) {
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > 1000 {
		f.Limit = 1000
	}
	q := f.apply(db.WithContext(ctx).Model(&Event{}), tenantID)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count audit events: %w", err)
	}
	var out []Event
	if err := q.Order("id DESC").Limit(f.Limit).Offset(f.Offset).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("list audit events: %w", err)
	}
	if err := attachPupils(ctx, db, out); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// WriteCSV streams every event of a tenant matching f (ignoring its paging),
// oldest first, as CSV with a header row.
func WriteCSV(ctx context.Context, db *gorm.DB, tenantID uint, f Filter, w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"id", "created_at", "actor", "actor_user_id", "action", "entity_type", "entity_id", "before", "after", "request_id", "ip", "pupil_ids"}); err != nil {
		return fmt.Errorf("write audit csv: %w", err)
	}
	q := f.apply(db.WithContext(ctx).Model(&Event{}), tenantID).Order("id")
	var batch []Event
	err := q.FindInBatches(&batch, 500, func(tx *gorm.DB, _ int) error {
		if err := attachPupils(ctx, db, batch); err != nil {
			return err
		}
		for _, e := range batch {
			uid := ""
			if e.ActorUserID != nil {
				uid = strconv.FormatUint(uint64(*e.ActorUserID), 10)
			}
			row := []string{strconv.FormatUint(uint64(e.ID), 10), e.CreatedAt.UTC().Format(time.RFC3339), csvSafe(e.ActorLabel), uid,
				e.Action, e.EntityType, csvSafe(e.EntityID), csvSafe(e.Before), csvSafe(e.After), e.RequestID, e.IP, joinIDs(e.PupilIDs)}
			if err := cw.Write(row); err != nil {
				return err
			}
		}
		return nil
	}).Error
	if err != nil {
		return fmt.Errorf("export audit csv: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("export audit csv: %w", err)
	}
	return nil
}

// joinIDs lists ids separated by spaces.
func joinIDs(ids []uint) string {
	b := make([]byte, 0, 8*len(ids))
	for i, id := range ids {
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendUint(b, uint64(id), 10)
	}
	return string(b)
}

// csvSafe defuses spreadsheet formula injection: a cell starting with = + - @
// is prefixed with a quote, as OWASP recommends for CSV exports.
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}
