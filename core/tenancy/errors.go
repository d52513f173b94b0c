package tenancy

import (
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// Sentinel errors; the service wraps them with context, so test with errors.Is.
var (
	// ErrNotFound: the tenant, unit, edge or host does not exist in this tenant.
	ErrNotFound = errors.New("not found")
	// ErrConflict: the change clashes with existing data (a duplicate URN,
	// slug or host, a school's second trust, a cycle, an existing link).
	ErrConflict = errors.New("conflict")
)

// ValidationError is one problem with one input field. Field is the JSON name
// of the field ("name", "urn", "phase", "parent", ...); Message is a sentence
// fit to show next to it.
type ValidationError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *ValidationError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// FieldErrors is every problem found in one input. It unwraps to its
// elements, so errors.As(err, &ve) with ve *ValidationError finds the first
// and errors.As(err, &fe) with fe FieldErrors finds them all.
type FieldErrors []ValidationError

func (fe FieldErrors) Error() string {
	parts := make([]string, len(fe))
	for i := range fe {
		parts[i] = fe[i].Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap exposes each element as a *ValidationError.
func (fe FieldErrors) Unwrap() []error {
	out := make([]error, len(fe))
	for i := range fe {
		out[i] = &fe[i]
	}
	return out
}

// For returns the message for field, or "" if the field has no problem.
func (fe FieldErrors) For(field string) string {
	for _, e := range fe {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

func (fe *FieldErrors) add(field, format string, args ...any) {
	*fe = append(*fe, ValidationError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (fe FieldErrors) orNil() error {
	if len(fe) == 0 {
		return nil
	}
	return fe
}

// invalid is a single-field validation failure.
func invalid(field, format string, args ...any) error {
	return FieldErrors{{Field: field, Message: fmt.Sprintf(format, args...)}}
}

// conflict is a clash with existing data blamed on field: it matches both
// ErrConflict (errors.Is) and *ValidationError (errors.As).
func conflict(field, format string, args ...any) error {
	return fmt.Errorf("%w: %w", ErrConflict, FieldErrors{{Field: field, Message: fmt.Sprintf(format, args...)}})
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
