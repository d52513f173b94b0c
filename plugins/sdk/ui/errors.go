package ui

import (
	"fmt"
	"reflect"
	"strings"
)

// FieldError is one problem with one form field. Field is the field's form
// name ("email", "held_on"); empty for the form as a whole. Message is a
// sentence fit to show beside the field: it states the rule and the way out
// and never repeats a value (messages reach logs).
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

// Errors is every problem found in one form, in the order found, so a user
// sees them all at once. As an error it unwraps to its elements, so
// errors.As finds a *FieldError as well as Errors. It has the shape of the
// core's validation.FieldErrors, which a plugin cannot import.
type Errors []FieldError

var _ error = Errors(nil)

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i := range es {
		parts[i] = es[i].Error()
	}
	return strings.Join(parts, "; ")
}

// Unwrap exposes each element as a *FieldError.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i := range es {
		out[i] = &es[i]
	}
	return out
}

// For returns the first message for field, or "" when the field has none.
func (es Errors) For(field string) string {
	for _, e := range es {
		if e.Field == field {
			return e.Message
		}
	}
	return ""
}

// Add appends a problem with field.
func (es *Errors) Add(field, format string, args ...any) {
	*es = append(*es, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// OrNil returns es as an error, or nil when it holds no problem.
func (es Errors) OrNil() error {
	if len(es) == 0 {
		return nil
	}
	return es
}

// ErrorsOf collects the field errors in err's tree, in order: Errors and
// *FieldError of this package, and any other error type that is a struct
// (or pointer to one) with string fields Field and Message, such as the
// validation errors plugins already define (challengegap's
// store.ValidationError) or a copy of the core's validation.FieldError. It
// returns false when err holds none: err is then not about the input (a 500,
// not a form to show again).
func ErrorsOf(err error) (Errors, bool) {
	var out Errors
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		switch x := e.(type) {
		case Errors:
			out = append(out, x...)
			return
		case *FieldError:
			out = append(out, *x)
			return
		}
		if fe, ok := fieldAndMessage(e); ok {
			out = append(out, fe)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, inner := range u.Unwrap() {
				walk(inner)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out, len(out) > 0
}

// fieldAndMessage reads the string fields Field and Message of a struct error.
func fieldAndMessage(e error) (FieldError, bool) {
	v := reflect.ValueOf(e)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return FieldError{}, false
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return FieldError{}, false
	}
	f, m := v.FieldByName("Field"), v.FieldByName("Message")
	if !f.IsValid() || !m.IsValid() || f.Kind() != reflect.String || m.Kind() != reflect.String || !f.CanInterface() || !m.CanInterface() {
		return FieldError{}, false
	}
	return FieldError{Field: f.String(), Message: m.String()}, true
}
