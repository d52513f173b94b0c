package storage_test

import (
	"context"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
)

// v8 shortens the UPN hashes stored before it to their first 32 characters,
// and refuses to go down while pupils exist (the full hashes are gone).
func TestV8ShortensUPNHashesAndRefusesDownWithPupils(t *testing.T) {
	eachEmpty(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		upBefore(t, db, 8)
		full := strings.Repeat("ab12", 16) // 64 hex characters, as before v8
		for _, s := range []string{
			"INSERT INTO tenants (slug, name, created_at, updated_at) VALUES ('a', 'A', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
			"INSERT INTO org_units (tenant_id, kind, name, created_at, updated_at) VALUES (1, 'school', 'S', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
			"INSERT INTO pupils (tenant_id, school_id, upn_hash, upn_sealed, given_name, family_name, date_of_birth, year_group, gender, created_at, updated_at) VALUES (1, 1, '" + full + "', 'x', 'A', 'B', '2015-01-01', 4, 'F', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
		} {
			if err := db.Exec(s).Error; err != nil {
				t.Fatalf("%s: %v", s, err)
			}
		}
		m, err := storage.NewMigrator(db, migrationsBefore(9)) // so that Down(1) is v8's
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx); err != nil {
			t.Fatal(err)
		}
		var hash string
		if err := db.Raw("SELECT upn_hash FROM pupils").Scan(&hash).Error; err != nil || hash != full[:32] {
			t.Fatalf("hash after v8 %q (%v), want %q", hash, err, full[:32])
		}
		if _, err := m.Down(ctx, 1); err == nil || !strings.Contains(err.Error(), "cannot be undone while pupils exist") {
			t.Fatalf("down with pupils: %v", err)
		}
		if err := db.Exec("DELETE FROM pupils").Error; err != nil {
			t.Fatal(err)
		}
		if _, err := m.Down(ctx, 1); err != nil {
			t.Fatalf("down without pupils: %v", err)
		}
	})
}
