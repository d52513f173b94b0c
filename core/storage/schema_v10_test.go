package storage_test

import (
	"context"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
)

// v10 adds plugin_upgrades and plugins.upgrade_diff (empty for the plugins
// already installed) and takes both away again going down, keeping the
// registry's rows.
func TestV10PluginUpgradesUpAndDown(t *testing.T) {
	eachEmpty(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		upBefore(t, db, 10)
		if err := db.Exec(`INSERT INTO plugins (id, name, version, protocol, binary_path, sha256, manifest_json, state, installed_at, updated_at)
VALUES ('echo', 'Echo', '1.0.0', 1, '/x/echo', 'aa', '{}', 'installed', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`).Error; err != nil {
			t.Fatal(err)
		}
		m, err := storage.NewMigrator(db, migrationsBefore(11)) // so that Down(1) is v10's
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx); err != nil {
			t.Fatal(err)
		}
		var diff string
		if err := db.Raw("SELECT upgrade_diff FROM plugins WHERE id = 'echo'").Scan(&diff).Error; err != nil || diff != "" {
			t.Fatalf("upgrade_diff of an installed plugin: %q, %v", diff, err)
		}
		insert := `INSERT INTO plugin_upgrades (plugin_id, from_sha256, name, version, protocol, binary_path, sha256, manifest_json, diff_json, action, created_at)
VALUES ('echo', 'aa', 'Echo', '2.0.0', 1, '/x/echo2', 'bb', '{}', '{}', 'plugin.upgrade', CURRENT_TIMESTAMP)`
		if err := db.Exec(insert).Error; err != nil {
			t.Fatalf("a pending upgrade: %v", err)
		}
		if err := db.Exec(insert).Error; err == nil {
			t.Fatal("a second pending upgrade of the same plugin was accepted")
		}
		if err := db.Exec("DELETE FROM plugins WHERE id = 'echo'").Error; err != nil {
			t.Fatal(err)
		}
		var n int64
		if err := db.Raw("SELECT count(*) FROM plugin_upgrades").Scan(&n).Error; err != nil || n != 0 {
			t.Fatalf("pending upgrades of an uninstalled plugin: %d, %v", n, err)
		}
		if err := db.Exec(`INSERT INTO plugins (id, name, version, protocol, binary_path, sha256, manifest_json, state, installed_at, updated_at, upgrade_diff)
VALUES ('echo', 'Echo', '1.0.0', 1, '/x/echo', 'aa', '{}', 'installed', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '{"to_version":"1.0.0"}')`).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := m.Down(ctx, 1); err != nil {
			t.Fatalf("down: %v", err)
		}
		if db.Migrator().HasTable("plugin_upgrades") || db.Migrator().HasColumn("plugins", "upgrade_diff") {
			t.Fatal("plugin_upgrades or plugins.upgrade_diff still there after down")
		}
		if err := db.Raw("SELECT count(*) FROM plugins").Scan(&n).Error; err != nil || n != 1 {
			t.Fatalf("plugins after down: %d, %v", n, err)
		}
	})
}
