package pluginhost

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
)

// A plugin gets its own storage (a SQLite file, or a PostgreSQL schema of
// its own role with no rights on the core's tables); a failed migration
// marks the plugin failed and leaves its storage as it was.
func TestPluginStorageAndFailedMigration(t *testing.T) {
	eachDialect(t, func(t *testing.T, d storage.Dialect) {
		e := newEnv(t, d, Options{})
		e.install("store", e.a)
		var got struct {
			Notes          int
			Driver, Schema string
		}
		for i := 1; i <= 2; i++ {
			e.getJSON(e.a.host, e.a.hubMgrTok, "/p/store/", &got)
			if got.Notes != i || got.Driver != string(d) {
				t.Fatalf("request %d: %+v", i, got)
			}
		}
		if d == storage.Postgres && got.Schema != "plugin_store" {
			t.Fatalf("schema %q", got.Schema)
		}
		var core struct {
			Users int
			Error string
		}
		e.getJSON(e.a.host, e.a.hubMgrTok, "/p/store/core", &core)
		want := map[storage.Dialect]string{storage.Postgres: "permission denied", storage.SQLite: "no such table"}[d]
		if core.Users != 0 || !strings.Contains(core.Error, want) {
			t.Fatalf("the plugin read the core's users: %+v", core)
		}

		if _, err := e.rt.Upgrade(e.ctx, binary("storefail"), false); err != nil {
			t.Fatal(err)
		}
		resp, body := e.get(e.a.host, e.a.hubMgrTok, "/p/store/")
		if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(body, "Store is unavailable until an operator installs a working version") {
			t.Fatalf("after a failed migration: %d %.500s", resp.StatusCode, body)
		}
		p, _ := e.rt.Registry().Get(e.ctx, "store")
		if p.State != StateFailed || !strings.Contains(p.LastError, "cannot become a number") {
			t.Fatalf("registry after a failed migration: %+v", p)
		}
		if st := statusOf(t, e, "store"); st.Runtime != stateFailed || st.PID != 0 {
			t.Fatalf("runtime after a failed migration: %+v", st)
		}
		if halfDone(t, e) {
			t.Fatal("the failed migration left its table behind")
		}
		// The operator goes back to the working build: the data is intact.
		if _, err := e.rt.Upgrade(e.ctx, binary("store"), true); err != nil {
			t.Fatal(err)
		}
		e.getJSON(e.a.host, e.a.hubMgrTok, "/p/store/", &got)
		if got.Notes != 3 {
			t.Fatalf("after the downgrade: %+v", got)
		}
	})
}

// halfDone reports whether the failed migration's table exists in the plugin's storage.
func halfDone(t *testing.T, e *env) bool {
	t.Helper()
	if e.dialect == storage.Postgres {
		var n int64
		e.must(e.db.Raw("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'plugin_store' AND table_name IN ('half_done', 'notes')").Scan(&n).Error)
		if n == 0 {
			t.Fatal("the plugin's schema has no tables at all")
		}
		return n != 1
	}
	db, err := storage.Open(e.ctx, "sqlite:"+filepath.Join(e.dataDir, "plugins", "store", "store.db"), nil)
	e.must(err)
	defer db.Close()
	if !db.Migrator().HasTable("notes") {
		t.Fatal("the plugin's file has no notes table")
	}
	return db.Migrator().HasTable("half_done")
}
