// Package store keeps Getting Ahead London's records in the plugin's own
// storage: cohorts, applications, coaches and participants, each side's
// rankings, the match runs and the pairs they published, coaching sessions
// with each side's private notes, events and attendance, self-assessments,
// career outcomes, the trusts of schools as last read from the core, and
// the key of the evaluator's pseudonyms.
//
// Every table has tenant_id; a Store is bound to one tenant and filters by
// it on every statement, on top of the SDK's tenant scope (sdk.Tenant), so a
// query never reaches another tenant's rows even on an unscoped handle.
// Every change runs in one transaction together with its audit entry (the
// Auditor, sdk.AuditTx in the plugin): a change is never without its entry,
// and a refused change writes nothing. Bad input is refused with Invalid,
// naming every field at fault; a change the records' state does not allow
// with an error wrapping ErrConflict; a missing record with ErrNotFound.
//
// The store knows the programme's records, not who may see them: access is
// decided by package web.
package store

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
)

// ErrNotFound is returned for a record that does not exist in the tenant.
var ErrNotFound = errors.New("not found")

// ErrConflict is wrapped by errors about a change the records' state does
// not allow (a second application, a match published twice).
var ErrConflict = errors.New("conflict")

// FieldError is one field of a form at fault: the rule and the way out,
// never the value.
type FieldError struct {
	Field, Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// Invalid is every field at fault in one change; nothing was saved.
type Invalid []*FieldError

func (v Invalid) Error() string {
	parts := make([]string, len(v))
	for i, e := range v {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap exposes each field's error, so errors.As finds a *FieldError.
func (v Invalid) Unwrap() []error {
	out := make([]error, len(v))
	for i, e := range v {
		out[i] = e
	}
	return out
}

func (v *Invalid) add(field, format string, args ...any) {
	*v = append(*v, &FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (v Invalid) orNil() error {
	if len(v) == 0 {
		return nil
	}
	return v
}

func conflict(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrConflict, fmt.Sprintf(format, args...))
}

// Auditor records one change in tx, the change's own transaction (in the
// plugin, sdk.AuditTx with the request's context). action is without the
// plugin's prefix ("cohort.create").
type Auditor func(tx *gorm.DB, action, entityType, entityID string, before, after any) error

// AuditPrefix starts every audit action of the plugin.
const AuditPrefix = "gettingahead."

// Store is the plugin's storage for one tenant.
type Store struct {
	db     *gorm.DB
	tenant uint64
	audit  Auditor
	now    time.Time
}

// New binds db (in a request, sdk.Tenant(ctx)) to tenantID. Changes are
// recorded with audit and stamped with now (sdk.Now(ctx)); a Store for
// reading only may have neither, and then refuses every change.
func New(db *gorm.DB, tenantID uint64, audit Auditor, now time.Time) *Store {
	return &Store{db: db, tenant: tenantID, audit: audit, now: now.UTC()}
}

// TenantID is the tenant the store is bound to.
func (s *Store) TenantID() uint64 { return s.tenant }

// q starts a statement on the tenant's rows of model.
func (s *Store) q(model any) *gorm.DB { return s.db.Model(model).Where("tenant_id = ?", s.tenant) }

// Tx runs fn in one transaction: everything fn does through its Store is
// kept, or nothing (each change still writes its audit entry).
func (s *Store) Tx(fn func(tx *Store) error) error {
	return s.db.Transaction(func(tx *gorm.DB) error { return fn(&Store{db: tx, tenant: s.tenant, audit: s.audit, now: s.now}) })
}

// change runs fn in a transaction and records what it returns: the entity's
// id and its state before and after. Nothing is kept if fn or the audit fails.
func (s *Store) change(action, entity string, fn func(tx *Store) (id uint64, before, after any, err error)) error {
	if s.audit == nil {
		return errors.New("store: a change without an auditor: every change is audited")
	}
	return s.db.Transaction(func(db *gorm.DB) error {
		tx := &Store{db: db, tenant: s.tenant, audit: s.audit, now: s.now}
		id, before, after, err := fn(tx)
		if err != nil {
			return err
		}
		return s.audit(db, AuditPrefix+action, entity, strconv.FormatUint(id, 10), before, after)
	})
}

// first loads the tenant's row with id into dst, or ErrNotFound naming what.
func (s *Store) first(dst any, id uint64, what string) error {
	err := s.db.Where("tenant_id = ? AND id = ?", s.tenant, id).Take(dst).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("%s %d: %w", what, id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("%s %d: %w", what, id, err)
	}
	return nil
}

// create inserts v, turning a unique-key violation into a conflict.
func (s *Store) create(v any, dup string) error {
	err := s.db.Create(v).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return conflict("%s", dup)
	}
	return err
}

// text trims s and checks its length: required (1..max) or optional (0..max).
func text(v *Invalid, field, s string, max int, required bool) string {
	s = strings.TrimSpace(s)
	switch {
	case required && s == "":
		v.add(field, "Enter this; it is required")
	case utf8.RuneCountInString(s) > max:
		v.add(field, "Shorten this to at most %d characters", max)
	case !utf8.ValidString(s) || strings.ContainsRune(s, 0):
		v.add(field, "Remove the characters that cannot be stored")
	}
	return s
}

// dateOf writes a calendar date as the store keeps it.
func dateOf(t time.Time) string { return t.Format(time.DateOnly) }

// ParseDate reads a date as the store keeps it; the zero time for "".
func ParseDate(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// ids returns the ids of rows by f.
func ids[T any](rows []T, f func(T) uint64) []uint64 {
	out := make([]uint64, len(rows))
	for i, r := range rows {
		out[i] = f(r)
	}
	return out
}

// byID loads the tenant's rows of T with these ids into a map by id.
func byID[T any](s *Store, idList []uint64, id func(T) uint64) (map[uint64]T, error) {
	out := map[uint64]T{}
	if len(idList) == 0 {
		return out, nil
	}
	var rows []T
	if err := s.q(new(T)).Where("id IN ?", idList).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[id(r)] = r
	}
	return out, nil
}
