// Package store keeps the EAL trial's records in the plugin's own storage:
// trials and their schedule, delivery centres and facilitators, the
// schools recruited with their eligibility, agreement, delegates and
// withdrawal, the waves of randomisation (frozen list, commitment, secret
// seed, allocation, reveal), the course days with attendance and session
// logs, the delegates' self-assessments, the trial's EAL pupils with their
// proficiency codes, scores, GCSE results and objections, and the
// evaluator's frozen exports.
//
// Every table has tenant_id; a Store is bound to one tenant and filters by
// it on every statement, on top of the SDK's tenant scope (sdk.Tenant).
// The store audits nothing itself: the web layer writes each change and
// its audit entry in one transaction (Tx). What the store refuses:
// bad input (a *ValidationError naming the field), a change the record's
// state does not allow (ErrConflict: an allocation made twice, a wave
// frozen while another is open, an export changed), and records of
// another tenant (ErrNotFound). An allocation is only ever made here, from
// the committed seed and list (package randomise), and never changed.
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
// not allow.
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

// DB is the handle the store writes through (for the audit entry of a
// change in the same transaction).
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
		return fmt.Errorf("%s %d: %w", what, id, err)
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
		return fmt.Errorf("add %s: %w", what, err)
	}
	return nil
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
