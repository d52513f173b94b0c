package sdk

import "errors"

// ErrUnscoped is wrapped by the error of a query, update, delete or insert
// on a table with a tenant_id column that was not made through Tenant (or,
// deliberately, Unscoped).
var ErrUnscoped = errors.New("sdk: statement on a tenant table without tenant scope")

// ErrNoTenant is the error of storage made through Tenant when the context
// carries no actor with a tenant.
var ErrNoTenant = errors.New("sdk: the context carries no tenant (Tenant works inside a request, job or event)")

type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks a job's error as final: the core does not retry the job
// (RunJob answers FAILED_PRECONDITION). Use it for a payload that can never
// succeed, not for an outage.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

type degradedError struct{ err error }

func (e degradedError) Error() string { return e.err.Error() }
func (e degradedError) Unwrap() error { return e.err }

// Degraded marks a Health error as a partial outage: the plugin still
// serves (CheckHealth answers DEGRADED rather than ERROR).
func Degraded(err error) error {
	if err == nil {
		return nil
	}
	return degradedError{err}
}

func isDegraded(err error) bool {
	var d degradedError
	return errors.As(err, &d)
}
