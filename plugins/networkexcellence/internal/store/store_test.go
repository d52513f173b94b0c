package store

import (
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/testdb"
)

// TestYearsAreTheTenantsOwn: tenant 2 sees none of tenant 1's years.
func TestYearsAreTheTenantsOwn(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		one, two := New(db, 1), New(db, 2)
		y := Year{TenantID: 1, Label: "2025-26", StartsOn: "2025-09-01", EndsOn: "2026-08-31", CreatedAt: time.Now()}
		if err := one.create(&y, "the year"); err != nil {
			t.Fatal(err)
		}
		if ys, err := one.Years(); err != nil || len(ys) != 1 || ys[0].Label != "2025-26" {
			t.Fatalf("tenant 1's years = %+v, %v", ys, err)
		}
		if ys, err := two.Years(); err != nil || len(ys) != 0 {
			t.Fatalf("tenant 2 sees %+v, %v", ys, err)
		}
	})
}
