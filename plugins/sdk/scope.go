package sdk

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/schema"
)

// Statement settings that mark how a handle was made.
const (
	keyTenant   = "upwards:tenant_id"
	keyUnscoped = "upwards:unscoped"
	tenantCol   = "tenant_id"
)

// Tenant returns the plugin's storage scoped to the actor's tenant: queries,
// updates and deletes of a table with a tenant_id column get
// "WHERE tenant_id = <tenant>", and inserts set tenant_id (an insert naming
// another tenant fails). Tables without tenant_id are not touched. Raw SQL
// (Raw, Exec) cannot be scoped and fails: use Unscoped with TenantID.
//
// Tenant works on the context of a request, job or event; called on any
// other context it panics, which is a programming error.
func Tenant(ctx context.Context) *gorm.DB {
	st := stateFrom(ctx)
	if st == nil || st.db == nil {
		panic("sdk.Tenant: the context is not a request, job or event of the SDK (it carries no storage)")
	}
	db := st.db.WithContext(ctx)
	tid := st.actor.GetTenantId()
	if tid == 0 {
		db = db.Session(&gorm.Session{NewDB: true})
		_ = db.AddError(ErrNoTenant)
		return db
	}
	return db.Set(keyTenant, tid).Session(&gorm.Session{})
}

// Unscoped returns the plugin's storage without the tenant scope: every
// tenant's rows, and raw SQL. It is the escape hatch for maintenance and
// cross-tenant jobs; a page or job acting for one tenant uses Tenant, or
// filters by TenantID itself. Migrations are given an unscoped handle.
// Like Tenant, it panics on a context that is not the SDK's.
func Unscoped(ctx context.Context) *gorm.DB {
	st := stateFrom(ctx)
	if st == nil || st.db == nil {
		panic("sdk.Unscoped: the context is not a request, job or event of the SDK (it carries no storage)")
	}
	return unscoped(st.db.WithContext(ctx))
}

func unscoped(db *gorm.DB) *gorm.DB {
	return db.Set(keyUnscoped, true).Session(&gorm.Session{})
}

// scoper enforces the tenant scope on one database handle.
type scoper struct {
	mu   sync.RWMutex
	cols map[string]bool // table → has tenant_id, for statements without a model
}

// installScope registers the scope callbacks on db.
func installScope(db *gorm.DB) error {
	s := &scoper{cols: map[string]bool{}}
	cb := db.Callback()
	regs := []struct {
		name string
		err  error
	}{
		{"query", cb.Query().Before("gorm:query").Register("upwards:tenant_scope", s.hook("query"))},
		{"row", cb.Row().Before("gorm:row").Register("upwards:tenant_scope", s.hook("query"))},
		{"raw", cb.Raw().Before("gorm:raw").Register("upwards:tenant_scope", s.hook("exec"))},
		{"update", cb.Update().Before("gorm:update").Register("upwards:tenant_scope", s.hook("update"))},
		{"delete", cb.Delete().Before("gorm:delete").Register("upwards:tenant_scope", s.hook("delete"))},
		{"create", cb.Create().Before("gorm:create").Register("upwards:tenant_scope", s.hook("insert"))},
	}
	for _, r := range regs {
		if r.err != nil {
			return fmt.Errorf("install tenant scope on %s: %w", r.name, r.err)
		}
	}
	db.InstanceSet("upwards:scoper", s)
	return nil
}

// forget drops the cached column lookups (after a migration).
func (s *scoper) forget() {
	s.mu.Lock()
	s.cols = map[string]bool{}
	s.mu.Unlock()
}

func scoperOf(db *gorm.DB) *scoper {
	v, _ := db.InstanceGet("upwards:scoper")
	s, _ := v.(*scoper)
	return s
}

func (s *scoper) hook(op string) func(*gorm.DB) {
	return func(db *gorm.DB) {
		if db.Error != nil {
			return
		}
		stmt := db.Statement
		if v, ok := stmt.Get(keyUnscoped); ok && v == true {
			return
		}
		tv, scoped := stmt.Get(keyTenant)
		tid, _ := tv.(uint64)
		if stmt.SQL.Len() > 0 { // Raw or Exec: the table cannot be known
			if scoped && !transactionControl(stmt.SQL.String()) {
				_ = db.AddError(fmt.Errorf("%w: raw SQL cannot be scoped to the tenant: use sdk.Unscoped(ctx) and filter tenant_id = sdk.TenantID(ctx) yourself", ErrUnscoped))
			}
			return
		}
		table := stmt.Table
		has, err := s.hasTenant(db)
		if err != nil {
			_ = db.AddError(fmt.Errorf("sdk: tenant scope: look up columns of %q: %w", table, err))
			return
		}
		if !has {
			return
		}
		if !scoped {
			_ = db.AddError(fmt.Errorf("%w: %s on table %q, which has a tenant_id column: make it through sdk.Tenant(ctx) (or, for maintenance, sdk.Unscoped(ctx))", ErrUnscoped, op, table))
			return
		}
		switch op {
		case "insert":
			s.setTenant(db, tid)
		default:
			if (op == "update" || op == "delete") && !db.AllowGlobalUpdate && !hasConditions(stmt) {
				_ = db.AddError(gorm.ErrMissingWhereClause)
				return
			}
			addTenantWhere(stmt, tid)
		}
	}
}

// transactionControl reports whether sql is a savepoint statement gorm
// issues itself for nested transactions.
func transactionControl(sql string) bool {
	s := strings.ToUpper(strings.TrimSpace(sql))
	return strings.HasPrefix(s, "SAVEPOINT ") || strings.HasPrefix(s, "RELEASE ") || strings.HasPrefix(s, "ROLLBACK TO ")
}

// hasTenant reports whether the statement's table has a tenant_id column:
// from the model's schema, or by asking the database (cached).
func (s *scoper) hasTenant(db *gorm.DB) (bool, error) {
	stmt := db.Statement
	if stmt.Schema != nil && (stmt.Table == "" || stmt.Table == stmt.Schema.Table) {
		return stmt.Schema.LookUpField(tenantCol) != nil, nil
	}
	table := tableName(stmt.Table)
	if table == "" {
		if stmt.TableExpr != nil {
			return false, fmt.Errorf("a table expression (%s) cannot be scoped: use sdk.Unscoped(ctx)", stmt.TableExpr.SQL)
		}
		return false, nil
	}
	s.mu.RLock()
	has, ok := s.cols[table]
	s.mu.RUnlock()
	if ok {
		return has, nil
	}
	look := db.Session(&gorm.Session{NewDB: true})
	look.DryRun = false // its own copy of the config: the lookup must run
	look = look.Set(keyUnscoped, true)
	has = look.Migrator().HasColumn(table, tenantCol)
	if look.Error != nil {
		return false, look.Error
	}
	s.mu.Lock()
	s.cols[table] = has
	s.mu.Unlock()
	return has, nil
}

// hasConditions reports whether an update or delete is narrowed by a WHERE
// clause or by the primary key of its model (gorm adds that one itself).
func hasConditions(stmt *gorm.Statement) bool {
	if _, ok := stmt.Clauses["WHERE"]; ok {
		return true
	}
	if stmt.Schema == nil || len(stmt.Schema.PrimaryFields) == 0 || !stmt.ReflectValue.IsValid() {
		return false
	}
	switch stmt.ReflectValue.Kind() {
	case reflect.Struct, reflect.Slice, reflect.Array:
		_, values := schema.GetIdentityFieldValuesMap(stmt.Context, stmt.ReflectValue, stmt.Schema.PrimaryFields)
		return len(values) > 0
	}
	return false
}

// addTenantWhere makes the statement's WHERE "tenant_id = tid AND (…)".
func addTenantWhere(stmt *gorm.Statement, tid uint64) {
	eq := clause.Eq{Column: clause.Column{Table: clause.CurrentTable, Name: tenantCol}, Value: tid}
	c, ok := stmt.Clauses["WHERE"]
	if !ok {
		stmt.AddClause(clause.Where{Exprs: []clause.Expression{eq}})
		return
	}
	exprs := []clause.Expression{eq}
	if w, ok := c.Expression.(clause.Where); ok && len(w.Exprs) > 0 {
		exprs = append(exprs, clause.And(w.Exprs...))
	}
	c.Expression = clause.Where{Exprs: exprs}
	stmt.Clauses["WHERE"] = c
}

// setTenant sets tenant_id on every row an insert writes, refusing a row
// that names another tenant, and keeps an upsert from updating another
// tenant's row.
func (s *scoper) setTenant(db *gorm.DB, tid uint64) {
	stmt := db.Statement
	if c, ok := stmt.Clauses["ON CONFLICT"]; ok {
		if oc, ok := c.Expression.(clause.OnConflict); ok && !oc.DoNothing {
			oc.Where.Exprs = append(oc.Where.Exprs, clause.Eq{Column: clause.Column{Table: stmt.Table, Name: tenantCol}, Value: tid})
			c.Expression = oc
			stmt.Clauses["ON CONFLICT"] = c
		}
	}
	switch dest := stmt.Dest.(type) {
	case map[string]any:
		dest[tenantCol] = tid
		return
	case []map[string]any:
		for _, m := range dest {
			m[tenantCol] = tid
		}
		return
	}
	field := stmt.Schema.LookUpField(tenantCol)
	rv := stmt.ReflectValue
	set := func(row reflect.Value) {
		for row.Kind() == reflect.Ptr {
			row = row.Elem()
		}
		if row.Kind() != reflect.Struct {
			return
		}
		if v, zero := field.ValueOf(stmt.Context, row); !zero && !sameID(v, tid) {
			_ = db.AddError(fmt.Errorf("%w: insert into %q names tenant %v, not the actor's tenant %d", ErrUnscoped, stmt.Table, v, tid))
			return
		}
		_ = db.AddError(field.Set(stmt.Context, row, tid))
	}
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		for i := 0; i < rv.Len(); i++ {
			set(rv.Index(i))
		}
	case reflect.Struct:
		if !rv.CanAddr() {
			_ = db.AddError(fmt.Errorf("sdk: insert into %q: pass a pointer so tenant_id can be set", stmt.Table))
			return
		}
		set(rv)
	}
}

// tableName is the bare table of a Table() argument: no alias, no schema, no quotes.
func tableName(t string) string {
	f := strings.Fields(t)
	if len(f) == 0 {
		return ""
	}
	name := f[0]
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		name = name[i+1:]
	}
	return strings.Trim(name, "\"`[]")
}

func sameID(v any, tid uint64) bool {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Ptr {
		if rv.IsNil() {
			return false
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return rv.Uint() == tid
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int() >= 0 && uint64(rv.Int()) == tid
	}
	return false
}
