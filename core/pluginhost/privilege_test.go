package pluginhost

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// A plugin's PostgreSQL role owns its schema and nothing else: connected as
// that role, schema public, the core's functions and the databases of other
// installs are refused with PostgreSQL's permission-denied errors.
func TestPluginRoleLeastPrivilege(t *testing.T) {
	e := newEnv(t, storage.Postgres, Options{})
	e.install("store", e.a)
	var got struct{ Notes int }
	e.getJSON(e.a.host, e.a.hubMgrTok, "/p/store/", &got) // starts it: its schema and role
	p, err := e.rt.Registry().Get(e.ctx, "store")
	e.must(err)
	asPlugin := func(dbURL string) (*storage.DB, error) {
		u, err := url.Parse(dbURL)
		e.must(err)
		u.User = url.UserPassword(SchemaName("store"), p.DBPassword)
		return storage.Open(context.Background(), u.String(), nil)
	}
	db, err := asPlugin(e.dbURL)
	if err != nil {
		t.Fatalf("the plugin's role cannot reach its own database: %v", err)
	}
	defer db.Close()
	var n int64
	if err := db.Raw("SELECT count(*) FROM plugin_store.notes").Scan(&n).Error; err != nil {
		t.Fatalf("the plugin's role cannot read its own table: %v", err)
	}
	for _, c := range []struct{ what, sql, want string }{
		{"execute the core's trigger function", "SELECT public.upwards_append_only()", "permission denied for schema public"},
		{"create a table in public", "CREATE TABLE public.planted (id int)", "permission denied for schema public"},
		{"read a core table", "SELECT count(*) FROM public.users", "permission denied for schema public"},
		{"read the core's audit", "SELECT count(*) FROM public.audit_events", "permission denied for schema public"},
	} {
		err := db.Exec(c.sql).Error
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s as the plugin's role: %v, want %q", c.what, err, c.want)
		}
	}
	// And were it given USAGE on public, still no EXECUTE on the functions.
	for _, priv := range []struct{ sql, what string }{
		{"SELECT has_function_privilege(?, 'public.upwards_append_only()', 'EXECUTE')", "EXECUTE on upwards_append_only()"},
		{"SELECT has_schema_privilege(?, 'public', 'USAGE')", "USAGE on schema public"},
		{"SELECT has_schema_privilege(?, 'public', 'CREATE')", "CREATE on schema public"},
		{"SELECT has_database_privilege(?, current_database(), 'TEMPORARY')", "TEMPORARY on the database"},
	} {
		var has bool
		e.must(e.db.Raw(priv.sql, SchemaName("store")).Scan(&has).Error)
		if has {
			t.Errorf("the plugin's role has %s", priv.what)
		}
	}
	// Another install's database (made and migrated by its core): no CONNECT.
	other := storagetest.URL(t, storage.Postgres)
	odb, err := storage.Open(e.ctx, other, nil)
	e.must(err)
	defer odb.Close()
	m, err := storage.NewMigrator(odb, storage.CoreMigrations())
	e.must(err)
	_, err = m.Up(e.ctx)
	e.must(err)
	if db2, err := asPlugin(other); err == nil {
		db2.Close()
		t.Error("the plugin's role connected to another install's database")
	} else if !strings.Contains(err.Error(), "permission denied for database") {
		t.Errorf("connect to another install's database: %v, want permission denied", err)
	}
}
