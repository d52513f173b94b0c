package identity

import (
	"errors"
	"fmt"
)

// Errors callers branch on (with errors.Is).
var (
	// ErrNotFound: no such user, session or token in the tenant, or an
	// expired, revoked or unknown one.
	ErrNotFound = errors.New("not found")
	// ErrBadCredentials: the email/password pair does not match (or the email is unknown).
	ErrBadCredentials = errors.New("invalid email or password")
	// ErrRateLimited: too many failed logins for the account or the address.
	ErrRateLimited = errors.New("too many failed login attempts; try again later")
	// ErrConflict: another user of the tenant already has this email.
	ErrConflict = errors.New("a user with this email already exists")
	// ErrDisabled: the user is disabled. A session or API token of a
	// disabled user fails with an error matching both ErrNotFound and
	// ErrDisabled, so callers treating it as "not signed in" need no special case.
	ErrDisabled = errors.New("user is disabled")
)

// errGoneDisabled is what a session or token of a disabled user yields.
var errGoneDisabled = fmt.Errorf("%w: %w", ErrNotFound, ErrDisabled)

// ValidationError reports an invalid input field; find it with errors.As.
type ValidationError struct {
	Field   string
	Message string
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Message }

func invalid(field, msg string) error { return &ValidationError{Field: field, Message: msg} }
