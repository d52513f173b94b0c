// Package store keeps the Network of Excellence's records in the plugin's
// own storage: membership years and their school weeks, hubs and member
// schools (the plugin's copy of the core's facts it needs), hub action
// plans, the reviewer register, QA Reviews with their teams, reports and
// feedback, allocation runs, and news.
//
// Every table has tenant_id. A Store is bound to one tenant and filters by
// it on every statement, on top of the SDK's tenant scope (sdk.Tenant), so a
// query can never reach another tenant's rows even on an unscoped handle.
// The store checks its input and returns *Errors naming each field at
// fault, ErrNotFound or an error wrapping ErrConflict; it never audits or
// calls the Host (the web and jobs layers do, in the store's transaction).
// Outside its tests it uses the SDK only for sdk.Migration.
package store

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
)

// ErrNotFound is returned for a record that does not exist in the tenant.
var ErrNotFound = errors.New("not found")

// ErrConflict is wrapped by errors about a change the record's state does
// not allow, or a record that already exists. The message after it states
// the rule and the way out.
var ErrConflict = errors.New("conflict")

// conflict returns an error wrapping ErrConflict with a message for people.
func conflict(format string, args ...any) error {
	return &conflictError{msg: fmt.Sprintf(format, args...)}
}

type conflictError struct{ msg string }

func (e *conflictError) Error() string { return e.msg }
func (e *conflictError) Unwrap() error { return ErrConflict }

// Message is the conflict's message for people, or "" when err is no
// conflict of the store.
func Message(err error) string {
	var c *conflictError
	if errors.As(err, &c) {
		return c.msg
	}
	return ""
}

// Store is the plugin's storage for one tenant. It is not safe for
// concurrent use by several goroutines (it wraps one request's handle).
type Store struct {
	db     *gorm.DB
	raw    *gorm.DB // for raw SQL (the counts), nil: db
	tenant uint64
}

// New binds db (in a request, sdk.Tenant(ctx)) to tenantID.
func New(db *gorm.DB, tenantID uint64) *Store {
	return &Store{db: db, tenant: tenantID}
}

// WithRaw gives the store the handle its counting statements run on
// (counts.go: WITH, derived tables, scalar subqueries), which the SDK's
// tenant scope cannot rewrite and so refuses on sdk.Tenant: in a request,
// sdk.Unscoped(ctx). Each of those statements filters tenant_id on every
// table itself, and on PostgreSQL the call's connection is bound to the
// tenant all the same. Without it they run on db (the tests' plain handle).
func (s *Store) WithRaw(raw *gorm.DB) *Store {
	s.raw = raw
	return s
}

// rawDB is the handle for raw SQL.
func (s *Store) rawDB() *gorm.DB {
	if s.raw != nil {
		return s.raw
	}
	return s.db
}

// TenantID is the tenant the store is bound to.
func (s *Store) TenantID() uint64 { return s.tenant }

// DB is the store's handle: inside Tx, the transaction (for sdk.AuditTx).
func (s *Store) DB() *gorm.DB { return s.db }

// q starts a statement on the tenant's rows.
func (s *Store) q() *gorm.DB { return s.db.Where("tenant_id = ?", s.tenant) }

// Tx runs fn in a transaction: everything fn does through its Store is
// kept, or nothing.
func (s *Store) Tx(fn func(tx *Store) error) error {
	return s.db.Transaction(func(tx *gorm.DB) error { return fn(New(tx, s.tenant)) })
}

// first loads the tenant's row with id into dst, or ErrNotFound.
func (s *Store) first(dst any, id uint64, what string) error {
	err := s.q().Where("id = ?", id).Take(dst).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return fmt.Errorf("%s %d: %w", what, id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("load %s %d: %w", what, id, err)
	}
	return nil
}

// create inserts v, turning a unique-key violation into a conflict.
func (s *Store) create(v any, what string) error {
	err := s.db.Create(v).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return conflict("%s already exists", what)
	}
	if err != nil {
		return fmt.Errorf("create %s: %w", what, err)
	}
	return nil
}

// text trims v and checks its length: required (1..max) or optional
// (0..max); a problem is added to errs under field.
func text(errs *Errors, field, v string, max int, required bool) string {
	v = strings.TrimSpace(v)
	switch {
	case required && v == "":
		errs.Add(field, "Enter %s", fieldNoun(field))
	case utf8.RuneCountInString(v) > max:
		errs.Add(field, "Keep it to %d characters or fewer", max)
	case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
		errs.Add(field, "Remove the characters that cannot be stored")
	}
	return v
}
