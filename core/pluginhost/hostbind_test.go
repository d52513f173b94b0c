package pluginhost

import (
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/storage"
)

// On PostgreSQL a Host call runs bound to its actor's tenant: the services
// it calls reach the tenant's rows as the tenant role, never another
// tenant's (storage.ErrOtherTenant), and the binding ends with the call.
func TestHostCallsAreBoundToTheActorsTenant(t *testing.T) {
	e := newEnv(t, storage.Postgres, Options{})
	e.install("echo", e.a)
	h := &hostServer{rt: e.rt, pluginID: "echo"}
	tok, revoke := e.rt.tokens.mint(actor{PluginID: "echo", TenantID: e.a.tenant.ID, UserID: e.a.admin.ID}, time.Minute)
	defer revoke()
	a, ctx, done, err := h.enter(e.ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	var who struct{ User, Tenant string }
	if err := e.db.For(ctx, a.TenantID).Raw("SELECT current_user AS user, current_setting('" + storage.TenantSetting + "', true) AS tenant").
		Scan(&who).Error; err != nil {
		t.Fatal(err)
	}
	if who.User != storage.TenantRole || who.Tenant != strconv.FormatUint(uint64(e.a.tenant.ID), 10) {
		t.Errorf("a Host call ran as %q for tenant %q; want %s for %d", who.User, who.Tenant, storage.TenantRole, e.a.tenant.ID)
	}
	var n int64
	if err := e.db.For(ctx, e.b.tenant.ID).Raw("SELECT count(*) FROM org_units").Scan(&n).Error; !errors.Is(err, storage.ErrOtherTenant) {
		t.Errorf("another tenant's units in a Host call: %v, want ErrOtherTenant", err)
	}
	// A query that forgets its tenant filter sees the actor's tenant alone.
	var tenants []uint
	if err := e.db.For(ctx, a.TenantID).Raw("SELECT DISTINCT tenant_id FROM org_units").Scan(&tenants).Error; err != nil ||
		len(tenants) != 1 || tenants[0] != e.a.tenant.ID {
		t.Errorf("an unfiltered query in a Host call saw tenants %v (%v)", tenants, err)
	}
	done()
	if _, ok := storage.BoundTenant(e.ctx); ok {
		t.Errorf("the call's caller context is bound")
	}
	// A refused token binds nothing.
	if _, _, done, err := h.enter(e.ctx, "forged"); err == nil {
		done()
		t.Errorf("a forged token entered")
	}
}
