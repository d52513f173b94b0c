package web

import (
	"errors"
	"net/http"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/tenancy"
)

// formErrors are the problems of a submitted form by field name, shown
// beside each field when the page comes back with the input kept.
type formErrors map[string]string

// add records msg for field unless the field already has a message.
func (fe formErrors) add(field, msg string) {
	if _, ok := fe[field]; !ok {
		fe[field] = msg
	}
}

// fieldErrorsOf finds the field problems in a service error, renaming a
// service's field to the form's with rename (nil: the same name). It
// reports false for an error that is no validation error or conflict the
// user can fix in the form.
func fieldErrorsOf(err error, rename map[string]string) (formErrors, bool) {
	fe := formErrors{}
	name := func(f string) string {
		if r, ok := rename[f]; ok {
			return r
		}
		return f
	}
	var tf tenancy.FieldErrors
	var tv *tenancy.ValidationError
	var iv *identity.ValidationError
	var av *authz.ValidationError
	switch {
	case errors.As(err, &tf):
		for _, e := range tf {
			fe.add(name(e.Field), e.Message)
		}
	case errors.As(err, &tv):
		fe.add(name(tv.Field), tv.Message)
	case errors.As(err, &iv):
		fe.add(name(iv.Field), iv.Message)
	case errors.As(err, &av):
		fe.add(name(av.Field), av.Message)
	case errors.Is(err, identity.ErrConflict):
		fe.add(name("email"), "another user of this organisation already has this email")
	}
	return fe, len(fe) > 0
}

// formStatus is the status of a page that comes back with form errors.
const formStatus = http.StatusUnprocessableEntity

// formSummary is the message above a form that comes back with errors.
const formSummary = "Nothing was saved: correct the fields marked below. What you typed is kept."

// refuseForm answers a form's problems with the page render draws, or
// passes on an error that is not about the form.
func refuseForm(err error, rename map[string]string, render func(formErrors) error) error {
	fe, ok := fieldErrorsOf(err, rename)
	if !ok {
		return userError(err)
	}
	return render(fe)
}

// errorsIsConflict reports a grant that already exists.
func errorsIsConflict(err error) bool { return errors.Is(err, authz.ErrConflict) }
