package storage_test

import (
	"context"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
)

// v11 adds oidc_providers (one name per tenant) and oidc_login_states, whose
// rows go with their provider, and takes both away again going down.
func TestV11OIDCSignInUpAndDown(t *testing.T) {
	eachEmpty(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		upBefore(t, db, 11)
		if err := db.Exec(`INSERT INTO tenants (slug, name, created_at, updated_at) VALUES ('a', 'A', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`).Error; err != nil {
			t.Fatal(err)
		}
		m, err := storage.NewMigrator(db, migrationsBefore(12))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx); err != nil {
			t.Fatal(err)
		}
		insert := `INSERT INTO oidc_providers (tenant_id, name, issuer, client_id, client_secret, created_at, updated_at)
VALUES ((SELECT id FROM tenants WHERE slug = 'a'), 'Microsoft', 'https://login.microsoftonline.com/x/v2.0', 'cid', ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`
		if err := db.Exec(insert, []byte{1, 2, 3}).Error; err != nil {
			t.Fatalf("a provider: %v", err)
		}
		if err := db.Exec(insert, []byte{1, 2, 3}).Error; err == nil {
			t.Fatal("a second provider of the same name in one tenant was accepted")
		}
		var signup bool
		var domains string
		if err := db.Raw("SELECT allow_signup, allowed_domains FROM oidc_providers").Row().Scan(&signup, &domains); err != nil || signup || domains != "" {
			t.Fatalf("defaults: allow_signup %v, allowed_domains %q, %v", signup, domains, err)
		}
		if err := db.Exec(`INSERT INTO oidc_login_states (id, tenant_id, provider_id, nonce, code_verifier, redirect_uri, next, created_at, expires_at)
VALUES ('h', (SELECT id FROM tenants WHERE slug = 'a'), (SELECT id FROM oidc_providers), 'n', 'v', 'http://x/cb', '/', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`).Error; err != nil {
			t.Fatalf("a login state: %v", err)
		}
		if err := db.Exec("DELETE FROM oidc_providers").Error; err != nil {
			t.Fatal(err)
		}
		var n int64
		if err := db.Raw("SELECT count(*) FROM oidc_login_states").Scan(&n).Error; err != nil || n != 0 {
			t.Fatalf("login states of a deleted provider: %d, %v", n, err)
		}
		if _, err := m.Down(ctx, 1); err != nil {
			t.Fatalf("down: %v", err)
		}
		if db.Migrator().HasTable("oidc_providers") || db.Migrator().HasTable("oidc_login_states") {
			t.Fatal("oidc tables still there after down")
		}
	})
}
