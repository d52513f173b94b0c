package storage_test

import (
	"context"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
)

// v14 adds the reset, second-factor and token-scope tables and columns:
// existing API tokens keep read-write access to every area, existing
// sessions stay full sessions, and going down takes it all away again.
func TestV14PasswordsSecondFactorTokenScopesUpAndDown(t *testing.T) {
	eachEmpty(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		upBefore(t, db, 14)
		for _, q := range []string{
			`INSERT INTO tenants (slug, name, created_at, updated_at) VALUES ('t', 'T', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`,
			`INSERT INTO users (tenant_id, email, name, password_hash, created_at, updated_at) SELECT id, 'a@example.org', 'A', 'x', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM tenants`,
			`INSERT INTO api_tokens (tenant_id, user_id, name, prefix, token_hash, created_at) SELECT tenant_id, id, 'old', 'abcd', 'h1', CURRENT_TIMESTAMP FROM users`,
			`INSERT INTO sessions (id, user_id, tenant_id, csrf_token, created_at, last_seen_at, expires_at) SELECT 's1', id, tenant_id, 'c', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM users`,
		} {
			if err := db.Exec(q).Error; err != nil {
				t.Fatal(err)
			}
		}
		m, err := storage.NewMigrator(db, migrationsBefore(15))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx); err != nil {
			t.Fatal(err)
		}
		var tok struct{ Scope, Areas string }
		if err := db.Raw("SELECT scope, areas FROM api_tokens").Scan(&tok).Error; err != nil || tok.Scope != "write" || tok.Areas != "" {
			t.Fatalf("existing token: %+v, %v", tok, err)
		}
		var pending string
		if err := db.Raw("SELECT pending FROM sessions").Scan(&pending).Error; err != nil || pending != "" {
			t.Fatalf("existing session pending %q, %v", pending, err)
		}
		var req bool
		if err := db.Raw("SELECT require_second_factor FROM tenants").Scan(&req).Error; err != nil || req {
			t.Fatalf("tenant require_second_factor %v, %v", req, err)
		}
		for _, q := range []string{
			`INSERT INTO password_resets (tenant_id, user_id, email, ip, token_hash, created_at) SELECT tenant_id, id, email, '', 'r1', CURRENT_TIMESTAMP FROM users`,
			`INSERT INTO password_resets (tenant_id, email, ip, created_at) SELECT id, 'nobody@example.org', '', CURRENT_TIMESTAMP FROM tenants`,
			`INSERT INTO password_resets (tenant_id, email, ip, created_at) SELECT id, 'nobody@example.org', '', CURRENT_TIMESTAMP FROM tenants`,
			`INSERT INTO user_totp (user_id, tenant_id, secret, created_at, updated_at) SELECT id, tenant_id, 'x', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM users`,
			`INSERT INTO user_recovery_codes (user_id, tenant_id, code_hash, created_at) SELECT id, tenant_id, 'c1', CURRENT_TIMESTAMP FROM users`,
			`INSERT INTO second_factor_attempts (user_id, tenant_id, success, created_at) SELECT id, tenant_id, false, CURRENT_TIMESTAMP FROM users`,
		} {
			if err := db.Exec(q).Error; err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		if err := db.Exec(`INSERT INTO password_resets (tenant_id, email, ip, token_hash, created_at) SELECT id, 'b@example.org', '', 'r1', CURRENT_TIMESTAMP FROM tenants`).Error; err == nil {
			t.Fatal("a second reset with the same token hash was accepted")
		}
		if err := db.Exec("DELETE FROM users").Error; err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"user_totp", "user_recovery_codes", "second_factor_attempts"} {
			var n int64
			if err := db.Raw("SELECT count(*) FROM " + table).Scan(&n).Error; err != nil || n != 0 {
				t.Fatalf("%s rows of a deleted user: %d, %v", table, n, err)
			}
		}
		if _, err := m.Down(ctx, 1); err != nil {
			t.Fatalf("down: %v", err)
		}
		for _, table := range []string{"password_resets", "user_totp", "user_recovery_codes", "second_factor_attempts"} {
			if db.Migrator().HasTable(table) {
				t.Fatalf("%s still there after down", table)
			}
		}
		if db.Migrator().HasColumn("sessions", "pending") || db.Migrator().HasColumn("api_tokens", "scope") ||
			db.Migrator().HasColumn("api_tokens", "areas") || db.Migrator().HasColumn("tenants", "require_second_factor") {
			t.Fatal("a v14 column is still there after down")
		}
	})
}
