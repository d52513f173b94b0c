package sdk

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strconv"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk/rowsecurity"
)

// bindTenant returns a handle on a connection of its own on which the
// settings row-level security reads are set (package rowsecurity): the
// tenant the call acts for, or, for migrations, every tenant. Every
// statement of the call, sdk.Unscoped and raw SQL included, runs on it; the
// release function clears the settings and returns the connection to the
// pool (or drops it when it cannot clear them). On SQLite the handle is db.
func bindTenant(ctx context.Context, db *gorm.DB, tenant uint64, all bool) (*gorm.DB, func(), error) {
	if db.Dialector.Name() != "postgres" {
		return db, func() {}, nil
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, nil, fmt.Errorf("storage: %w", err)
	}
	conn, err := sqlDB.Conn(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("storage: take a connection: %w", err)
	}
	tid, every := "", ""
	if tenant != 0 {
		tid = strconv.FormatUint(tenant, 10)
	}
	if all {
		every = "on"
	}
	const set = "SELECT set_config('" + rowsecurity.Setting + "', $1, false), set_config('" + rowsecurity.AllTenants + "', $2, false)"
	if _, err := conn.ExecContext(ctx, set, tid, every); err != nil {
		_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		_ = conn.Close()
		return nil, nil, fmt.Errorf("storage: set the tenant: %w", err)
	}
	release := func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), set, "", ""); err != nil {
			// A connection that may still carry a tenant never goes back.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		_ = conn.Close()
	}
	g := db.Session(&gorm.Session{NewDB: true, Context: ctx})
	g.Statement.ConnPool = conn
	return g, release, nil
}
