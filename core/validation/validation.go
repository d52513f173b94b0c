// Package validation is the one shape of input errors the core's services
// return: a problem with one named field, and the list of every problem found
// in one input. The web layer turns either into a 422 with the messages, so
// every service that validates speaks the same way.
//
// Messages are sentences fit to show next to a field. They must never repeat
// a value that is personal data (a pupil's name, date of birth or UPN): error
// messages reach logs.
package validation

import (
	"fmt"
	"strings"
)

// FieldError is one problem with one input field. Field is the JSON name of
// the field ("name", "urn", "date_of_birth", ...); empty for the input as a whole.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// FieldErrors is every problem found in one input. As an error it unwraps to
// its elements, so errors.As finds *FieldError and FieldErrors alike.
type FieldErrors []FieldError

func (fe FieldErrors) Error() string {
	parts := make([]string, len(fe))
	for i := range fe {
		parts[i] = fe[i].Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap exposes each element as a *FieldError.
func (fe FieldErrors) Unwrap() []error {
	out := make([]error, len(fe))
	for i := range fe {
		out[i] = &fe[i]
	}
	return out
}

// For returns the first message for field, or "" if the field has no problem.
func (fe FieldErrors) For(field string) string {
	for _, e := range fe {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// Add appends a problem with field.
func (fe *FieldErrors) Add(field, format string, args ...any) {
	*fe = append(*fe, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// OrNil returns fe as an error, or nil when it is empty.
func (fe FieldErrors) OrNil() error {
	if len(fe) == 0 {
		return nil
	}
	return fe
}

// Invalid is a single-field failure, as FieldErrors.
func Invalid(field, format string, args ...any) error {
	return FieldErrors{{Field: field, Message: fmt.Sprintf(format, args...)}}
}
