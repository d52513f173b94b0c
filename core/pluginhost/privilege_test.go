package pluginhost

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
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
		u.User = url.UserPassword(e.pluginRole("store"), p.DBPassword)
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
		e.must(e.db.Raw(priv.sql, e.pluginRole("store")).Scan(&has).Error)
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

// A plugin built on the SDK (its example, with AfterMigrate:
// rowsecurity.Enable) has its tables under forced row-level security: its
// pages work for two tenants through the core, and connected as the
// plugin's own role a deliberately unscoped query sees only the rows of
// the tenant set on the connection, and none with no tenant set.
func TestPluginRowSecurityAsItsRole(t *testing.T) {
	e := newEnv(t, storage.Postgres, Options{})
	e.install("hello", e.a, e.b)
	for _, tf := range []tenantFix{e.a, e.b} {
		b := e.login(tf, tf.admin.Email)
		school := strconv.FormatUint(uint64(tf.trustSchool.ID), 10)
		resp, _ := b.do(http.MethodPost, "/p/hello/greetings", url.Values{"school_id": {school}, "message": {"From " + tf.tenant.Slug}, "_csrf": {b.csrf}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("tenant %s: the greeting: %d", tf.tenant.Slug, resp.StatusCode)
		}
		_, page := b.do(http.MethodGet, "/p/hello/", nil)
		other := map[string]string{e.a.tenant.Slug: e.b.tenant.Slug, e.b.tenant.Slug: e.a.tenant.Slug}[tf.tenant.Slug]
		if !strings.Contains(page, "From "+tf.tenant.Slug) || strings.Contains(page, "From "+other) {
			t.Fatalf("tenant %s's page:\n%.2000s", tf.tenant.Slug, page)
		}
	}
	p, err := e.rt.Registry().Get(e.ctx, "hello")
	e.must(err)
	u, err := url.Parse(e.dbURL)
	e.must(err)
	u.User = url.UserPassword(e.pluginRole("hello"), p.DBPassword)
	db, err := storage.Open(e.ctx, u.String(), nil)
	e.must(err)
	defer db.Close()
	var forced bool
	e.must(db.Raw("SELECT relforcerowsecurity FROM pg_class WHERE oid = 'plugin_hello.greetings'::regclass").Scan(&forced).Error)
	if !forced {
		t.Fatal("hello's greetings are not under forced row-level security")
	}
	e.must(db.OnConn(e.ctx, func(c *storage.Conn) error {
		seen := func(tenant, all string) []uint {
			t.Helper()
			if _, err := c.SQL.ExecContext(e.ctx, "SELECT set_config('upwards.tenant_id', $1, false), set_config('upwards.all_tenants', $2, false)", tenant, all); err != nil {
				t.Fatal(err)
			}
			rows, err := c.SQL.QueryContext(e.ctx, "SELECT tenant_id FROM plugin_hello.greetings ORDER BY tenant_id")
			e.must(err)
			defer rows.Close()
			var out []uint
			for rows.Next() {
				var id uint
				e.must(rows.Scan(&id))
				out = append(out, id)
			}
			e.must(rows.Err())
			return out
		}
		for _, tf := range []tenantFix{e.a, e.b} {
			if got := seen(strconv.FormatUint(uint64(tf.tenant.ID), 10), ""); len(got) != 1 || got[0] != tf.tenant.ID {
				t.Errorf("acting for tenant %d the plugin's role sees tenants %v", tf.tenant.ID, got)
			}
		}
		if got := seen("", ""); len(got) != 0 {
			t.Errorf("with no tenant set the plugin's role sees tenants %v", got)
		}
		if got := seen("", "on"); len(got) != 2 {
			t.Errorf("for every tenant (migrations) the plugin's role sees tenants %v, want both", got)
		}
		_, err := c.SQL.ExecContext(e.ctx, "RESET upwards.tenant_id")
		return err
	}))
}

// pluginRole is plugin id's PostgreSQL role in the env's database.
func (e *env) pluginRole(id string) string {
	u, err := url.Parse(e.dbURL)
	e.must(err)
	return RoleName(id, strings.TrimPrefix(u.Path, "/"))
}

// Two installs on one PostgreSQL server (production and staging; tests run
// side by side) each have their own role for a plugin: roles are the
// server's, and the second install provisioning the plugin (which sets its
// role's password) must not lock the first one's plugin out.
func TestPluginRolesArePerInstall(t *testing.T) {
	first := newEnv(t, storage.Postgres, Options{})
	second := newEnv(t, storage.Postgres, Options{})
	var got struct{ Notes int }
	for _, e := range []*env{first, second} {
		e.install("store", e.a)
		e.getJSON(e.a.host, e.a.hubMgrTok, "/p/store/", &got) // starts it: its schema and role
	}
	if first.pluginRole("store") == second.pluginRole("store") {
		t.Fatalf("both installs use the role %s", first.pluginRole("store"))
	}
	p, err := first.rt.Registry().Get(first.ctx, "store")
	first.must(err)
	u, err := url.Parse(first.dbURL)
	first.must(err)
	u.User = url.UserPassword(first.pluginRole("store"), p.DBPassword)
	db, err := storage.Open(first.ctx, u.String(), nil) // a new connection, after the second install's provisioning
	if err != nil {
		t.Fatalf("the first install's plugin cannot connect after the second provisioned its own: %v", err)
	}
	db.Close()
	var owner string
	first.must(first.db.Raw("SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = ?", SchemaName("store")).Scan(&owner).Error)
	if owner != first.pluginRole("store") {
		t.Errorf("schema %s is owned by %s, want %s", SchemaName("store"), owner, first.pluginRole("store"))
	}
}
