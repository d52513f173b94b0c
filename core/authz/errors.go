package authz

import (
	"errors"
	"fmt"
)

var (
	// ErrNotFound: the grant, user or unit does not exist in the tenant.
	ErrNotFound = errors.New("authz: not found")
	// ErrConflict: the user already holds that role at that unit.
	ErrConflict = errors.New("authz: already granted")
)

// ValidationError reports input that can never be accepted as given.
type ValidationError struct {
	Field   string
	Message string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("invalid %s: %s", e.Field, e.Message)
}
