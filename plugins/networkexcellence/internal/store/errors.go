package store

import (
	"errors"
	"fmt"
	"strings"
)

// FieldError is one problem with one field of a form: what is wrong and
// the way out, never the value itself (messages reach logs).
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// Errors are every problem found in one form, in the order found; nothing
// was saved. As an error it unwraps to its *FieldError elements, so
// errors.As finds one, and the pages' ui.ErrorsOf reads them all (the shape
// of the core's validation.FieldErrors, which a plugin cannot import).
type Errors []FieldError

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap returns the field errors.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i := range es {
		out[i] = &es[i]
	}
	return out
}

// Add records a problem with field.
func (es *Errors) Add(field, format string, args ...any) {
	*es = append(*es, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Has reports whether field already has a problem.
func (es Errors) Has(field string) bool {
	for _, e := range es {
		if e.Field == field {
			return true
		}
	}
	return false
}

// OrNil is es as an error, or nil when there is no problem.
func (es Errors) OrNil() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// Invalid is an error with one problem.
func Invalid(field, format string, args ...any) error {
	var es Errors
	es.Add(field, format, args...)
	return es
}

// IsInvalid reports whether err holds field errors.
func IsInvalid(err error) bool {
	var fe *FieldError
	return errors.As(err, &fe)
}

// fieldNouns name fields in "Enter …" messages.
var fieldNouns = map[string]string{
	"label": "the year, e.g. 2025-26", "title": "a title", "text": "the text", "name": "the name",
	"summary": "a summary", "body": "the news", "why": "the reason",
}

func fieldNoun(field string) string {
	if n, ok := fieldNouns[field]; ok {
		return n
	}
	return "the " + strings.ReplaceAll(field, "_", " ")
}
