// Package store keeps the programme's records in the plugin's own storage:
// programme years, the plugin's record of schools, clusters, participants,
// trios, school teams, workshops, visits, strategies and trials. Every
// table has tenant_id; a Store is bound to one tenant and filters by it on
// every statement, on top of the SDK's tenant scope (sdk.Tenant), so a
// query can never reach another tenant's rows even on an unscoped handle.
package store

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk"
)

// ErrNotFound is returned for a record that does not exist in the tenant.
var ErrNotFound = errors.New("not found")

// ErrConflict is wrapped by errors about a record that already exists or a
// change the record's state does not allow.
var ErrConflict = errors.New("conflict")

// ValidationError is bad input, naming the field; nothing was saved.
type ValidationError struct {
	Field   string
	Message string
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Message }

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)}
}

func conflict(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrConflict, fmt.Sprintf(format, args...))
}

// Store is the plugin's storage for one tenant.
type Store struct {
	db     *gorm.DB
	tenant uint64
}

// New binds db (in a request, sdk.Tenant(ctx)) to tenantID.
func New(db *gorm.DB, tenantID uint64) *Store {
	return &Store{db: db, tenant: tenantID}
}

// TenantID is the tenant the store is bound to.
func (s *Store) TenantID() uint64 { return s.tenant }

// q starts a statement on the tenant's rows.
func (s *Store) q() *gorm.DB { return s.db.Where("tenant_id = ?", s.tenant) }

// raw is the handle for the store's raw SQL (the home page's counts),
// whose statements bind s.tenant to the tenant_id of every table they
// read. The SDK refuses raw SQL on its tenant-scoped handle, since it
// cannot add the scope itself; in an SDK call the statement therefore runs
// on sdk.Unscoped, on the same connection (PostgreSQL's row security still
// holds there). Outside one (the store's tests) it is the handle given.
func (s *Store) raw() *gorm.DB {
	if ctx := s.db.Statement.Context; ctx != nil && sdk.HostFrom(ctx) != nil {
		return sdk.Unscoped(ctx)
	}
	return s.db
}

// Tx runs fn in a transaction: everything fn does through its Store is
// kept, or nothing.
func (s *Store) Tx(fn func(tx *Store) error) error {
	return s.db.Transaction(func(tx *gorm.DB) error { return fn(New(tx, s.tenant)) })
}

// first loads the tenant's row with id into dst, or ErrNotFound.
func (s *Store) first(dst any, id uint64) error {
	err := s.q().Where("id = ?", id).Take(dst).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}

// create inserts v, turning a unique-key violation into a conflict.
func (s *Store) create(v any, what string) error {
	err := s.db.Create(v).Error
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return conflict("%s already exists", what)
	}
	return err
}

// text trims s and checks its length: required (1..max) or optional (0..max).
func text(field, s string, max int, required bool) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case required && s == "":
		return "", invalid(field, "is required")
	case utf8.RuneCountInString(s) > max:
		return "", invalid(field, "is at most %d characters", max)
	case !utf8.ValidString(s) || strings.ContainsRune(s, 0):
		return "", invalid(field, "contains characters that cannot be stored")
	}
	return s, nil
}
