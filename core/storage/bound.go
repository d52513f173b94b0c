package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"sync"

	"gorm.io/gorm"
)

// Binding a unit of work to its tenant (PostgreSQL only).
//
// A web request or job that acts for one tenant calls Bind once, at its
// start: it takes one connection of its own from the pool and sets, for the
// session, the role TenantRole and the setting TenantSetting to the tenant;
// row-level security then shows and accepts only that tenant's rows on it,
// whatever the statements' own filters say. The services reach that
// connection through For(ctx, tenant): every statement of the work runs on
// it, transactions included (ActAs inside one is harmless: same role, same
// tenant). Release resets the role and the setting and returns the
// connection to the pool, or drops it when it cannot reset them: a pooled
// connection is always the core's own role again.
//
// Work that is deliberately cross-tenant (resolving the tenant from the
// host name, looking up a session before the tenant is known, operators'
// install-wide pages, migrations, schedulers that loop over tenants, caches
// filled for another tenant) uses Core(ctx): the pool, as the core's role,
// whose explicit policy upwards_core sees every tenant.
//
// Pool sizing: a bound unit of work holds its connection throughout and may
// still take a pool connection for a moment for work not yet moved onto the
// binding (the session look-up, the permission checks, the audit log). So
// that bound work can never hold every connection while it waits for one,
// at most maxBound connections are bound at once (Bind waits, holding
// nothing, for a slot); the rest of the pool stays for the core's own
// short statements. One unit of work binds one connection: Bind refuses a
// context that is already bound.

// Pool sizes on PostgreSQL: maxOpenPostgres connections in all, of which at
// most maxBound are bound to a tenant at once.
const (
	maxOpenPostgres = 24
	maxBound        = 16
)

// ErrOtherTenant is what a handle from For carries when the context is bound
// to another tenant than the one asked for: the work is a bug (or deliberately
// cross-tenant, and then it uses Core).
var ErrOtherTenant = errors.New("storage: the work is bound to another tenant")

type bindKey struct{}

// binding is a connection bound to one tenant for one unit of work.
type binding struct {
	tenant uint
	g      *gorm.DB
}

// boundTo returns the binding ctx carries, if any.
func boundTo(ctx context.Context) (*binding, bool) {
	b, ok := ctx.Value(bindKey{}).(*binding)
	return b, ok
}

// BoundTenant reports the tenant ctx's work is bound to (PostgreSQL; on
// SQLite nothing is ever bound).
func BoundTenant(ctx context.Context) (uint, bool) {
	b, ok := boundTo(ctx)
	if !ok {
		return 0, false
	}
	return b.tenant, true
}

// Bind binds the work of ctx to tenantID on PostgreSQL (see above) and
// returns the context that carries the binding, and the release function,
// which the caller must call (once) when the work is done. On SQLite it
// returns ctx unchanged and a release that does nothing.
func (db *DB) Bind(ctx context.Context, tenantID uint) (context.Context, func(), error) {
	return db.bind(ctx, tenantID, true)
}

// BindLeaf is Bind for leaf work: a short unit that runs its own statements
// and never waits, while bound, for other work that may need a connection
// (a plugin's Host call, which the plugin makes while the request that
// called the plugin may hold a binding). It takes its connection from the
// pool without a bound slot: the slots bound requests hold can then never
// keep it waiting, and since it only ever waits for the pool, whose holders
// all finish without waiting on it, it cannot deadlock.
func (db *DB) BindLeaf(ctx context.Context, tenantID uint) (context.Context, func(), error) {
	return db.bind(ctx, tenantID, false)
}

func (db *DB) bind(ctx context.Context, tenantID uint, slot bool) (context.Context, func(), error) {
	if db.Dialect != Postgres {
		return ctx, func() {}, nil
	}
	if tenantID == 0 {
		return nil, nil, errors.New("bind to a tenant: no tenant")
	}
	if b, ok := boundTo(ctx); ok {
		return nil, nil, fmt.Errorf("bind to tenant %d: the work is already bound to tenant %d", tenantID, b.tenant)
	}
	sqlDB, err := db.DB.DB()
	if err != nil {
		return nil, nil, fmt.Errorf("bind to tenant %d: %w", tenantID, err)
	}
	free := func() {}
	if slot {
		sem := db.boundSlots()
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return nil, nil, fmt.Errorf("bind to tenant %d: wait for a connection: %w", tenantID, ctx.Err())
		}
		free = func() { <-sem }
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		free()
		return nil, nil, fmt.Errorf("bind to tenant %d: take a connection: %w", tenantID, err)
	}
	const set = "SELECT set_config('role', $1, false), set_config('" + TenantSetting + "', $2, false)"
	if _, err := conn.ExecContext(ctx, set, TenantRole, strconv.FormatUint(uint64(tenantID), 10)); err != nil {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		_ = conn.Close()
		free()
		return nil, nil, fmt.Errorf("bind to tenant %d: %w", tenantID, err)
	}
	g := db.DB.Session(&gorm.Session{NewDB: true, Context: ctx})
	g.Statement.ConnPool = conn
	var once sync.Once
	release := func() {
		once.Do(func() {
			// "none" is what RESET ROLE sets: the session's own role again.
			if _, err := conn.ExecContext(context.WithoutCancel(ctx), set, "none", ""); err != nil {
				// A connection that may still act for the tenant never goes back.
				_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			}
			_ = conn.Close()
			free()
		})
	}
	return context.WithValue(ctx, bindKey{}, &binding{tenant: tenantID, g: g}), release, nil
}

// For returns the handle for work acting for tenantID in ctx: the bound
// connection when ctx is bound to tenantID, the pool when ctx is bound to
// nothing (SQLite, or work not yet moved onto a binding), and, when ctx is
// bound to another tenant, a handle whose every statement fails with
// ErrOtherTenant (never the pool: a cache keyed by tenant is only ever filled
// with that tenant's rows, and a request never holds two connections).
func (db *DB) For(ctx context.Context, tenantID uint) *gorm.DB {
	b, ok := boundTo(ctx)
	switch {
	case !ok:
		return db.DB.WithContext(ctx)
	case b.tenant != tenantID:
		err := fmt.Errorf("%w: bound to tenant %d, asked for tenant %d", ErrOtherTenant, b.tenant, tenantID)
		g := db.DB.Session(&gorm.Session{NewDB: true, Context: ctx})
		g.Statement.ConnPool = refusing{err}
		_ = g.AddError(err)
		return g
	}
	return b.g.WithContext(ctx)
}

// Core returns the pool as the core's own role, for work that is
// deliberately cross-tenant or not yet any tenant's (see above): it sees
// every tenant's rows, bound context or not.
func (db *DB) Core(ctx context.Context) *gorm.DB {
	return db.DB.WithContext(ctx)
}

// boundSlots is the semaphore of bound connections, made on first use.
func (db *DB) boundSlots() chan struct{} {
	db.slotsOnce.Do(func() { db.slots = make(chan struct{}, maxBound) })
	return db.slots
}

// refusing is the connection pool of a handle that must run nothing: its
// statements fail before they reach it (the handle carries the error), and
// a transaction begun on it fails rather than take a connection.
type refusing struct{ err error }

func (r refusing) PrepareContext(context.Context, string) (*sql.Stmt, error) { return nil, r.err }
func (r refusing) ExecContext(context.Context, string, ...any) (sql.Result, error) {
	return nil, r.err
}
func (r refusing) QueryContext(context.Context, string, ...any) (*sql.Rows, error) {
	return nil, r.err
}

// QueryRowContext is never reached: gorm runs no statement on a handle that
// carries an error.
func (r refusing) QueryRowContext(context.Context, string, ...any) *sql.Row { return nil }
func (r refusing) BeginTx(context.Context, *sql.TxOptions) (*sql.Tx, error) { return nil, r.err }
