package tenancy

import (
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/validation"
)

// Sentinel errors; the service wraps them with context, so test with errors.Is.
var (
	// ErrNotFound: the tenant, unit, edge or host does not exist in this tenant.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the change clashes with existing data (a duplicate URN,
	// slug or host, a school's second trust, a cycle, an existing link).
	ErrConflict = errors.New("conflict")
)

// ValidationError is one problem with one input field (see core/validation).
type ValidationError = validation.FieldError

// FieldErrors is every problem found in one input. It unwraps to its
// elements, so errors.As(err, &ve) with ve *ValidationError finds the first
// and errors.As(err, &fe) with fe FieldErrors finds them all.
type FieldErrors = validation.FieldErrors

// invalid is a single-field validation failure.
func invalid(field, format string, args ...any) error {
	return validation.Invalid(field, format, args...)
}

// conflict is a clash with existing data blamed on field: it matches both
// ErrConflict (errors.Is) and *ValidationError (errors.As).
func conflict(field, format string, args ...any) error {
	return fmt.Errorf("%w: %w", ErrConflict, validation.Invalid(field, format, args...))
}

// notFound wraps ErrNotFound with what was looked for.
func notFound(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrNotFound)
}

// dbErr wraps a database error with context, turning a missing row into
// ErrNotFound and a unique-index violation into ErrConflict.
func dbErr(err error, format string, args ...any) error {
	what := fmt.Sprintf(format, args...)
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return fmt.Errorf("%s: %w: %v", what, ErrConflict, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}
