package tenancy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
	"github.com/challengepartners/upwards/core/tenancy"
	"github.com/challengepartners/upwards/core/validation"
)

// A tenant's name (typed at `upwards tenant create`) with a bidirectional
// override is refused, naming the field, and no tenant is made.
func TestTenantNameWithBidiOverrideIsRefused(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		ctx := audit.WithActor(f.ctx, audit.Actor{Label: "cli"})
		_, err := f.svc.CreateTenant(ctx, "spoof", "Challenge \u202ESrentrap", nil)
		var fe *validation.FieldError
		if !errors.As(err, &fe) || fe.Field != "name" || !strings.Contains(fe.Message, "invisible formatting characters") {
			t.Fatalf("err %v", err)
		}
		if _, err := f.svc.TenantBySlug(ctx, "spoof"); !errors.Is(err, tenancy.ErrNotFound) {
			t.Fatalf("the refused tenant was made: %v", err)
		}
		if _, err := f.svc.CreateTenant(ctx, "spoof", "Challenge Partners", nil); err != nil {
			t.Fatalf("the same name without the override: %v", err)
		}
	})
}
