// Package tenancy owns tenants and, inside each tenant, the graph of
// organisational units (the tenant's root, trusts, schools, hubs, clusters,
// trios, delivery centres and cohorts) with its typed parent→child edges.
//
// Every row belongs to exactly one tenant and every method takes the tenant
// explicitly: an id from another tenant is simply not found. Each change is
// audited in its own transaction, and each change to the graph bumps the
// storage.RevisionOrgGraph revision so caches of a Graph (see LoadGraph) on
// any node know to reload.
//
// Bad input is reported as FieldErrors (a list of *ValidationError, one per
// form field, reachable with errors.As); a clash with existing data wraps
// ErrConflict and, where a field is to blame, FieldErrors too; a missing or
// foreign id wraps ErrNotFound.
package tenancy
