package web_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/web"
)

// unscopedView is what the buggy handler below found.
type unscopedView struct {
	User, Setting   string
	Tenants         []uint // tenant of every pupil an unscoped query returned
	OtherByID       int64  // B's pupil, asked for by id with no tenant filter
	OtherUnits      int64  // B's units, unscoped
	Sessions        int64  // sessions of another tenant
	OtherTenantErr  string // the pupil service asked for B's tenant
	OtherPupilFound bool   // the pupil service asked for B's pupil as A
}

// A request of tenant A runs its handler bound to A: a handler with a bug
// (gorm's Unscoped, raw SQL, no tenant filter; or the pupil service asked for
// B's pupil) still sees A's rows alone, on PostgreSQL. On SQLite there is no
// second wall, and binding changes nothing.
func TestAHandlerWithABugSeesOneTenant(t *testing.T) {
	w := newWorld(t, storage.Postgres)
	other := w.b
	w.server.DeclareForTest(web.Route{Method: http.MethodGet, Path: "/test/unscoped", Permission: web.PermAuthenticated},
		func(c echo.Context) error {
			ctx := c.Request().Context()
			tid := web.TenantOfForTest(c)
			db := w.app.DB.For(ctx, tid)
			var v unscopedView
			if err := db.Raw("SELECT current_user AS user, coalesce(current_setting('upwards.tenant_id', true), '') AS setting").Scan(&v).Error; err != nil {
				return err
			}
			var ps []pupils.Pupil
			if err := db.Unscoped().Find(&ps).Error; err != nil {
				return err
			}
			for _, p := range ps {
				v.Tenants = append(v.Tenants, p.TenantID)
			}
			if err := db.Raw("SELECT count(*) FROM pupils WHERE id = ?", other.pupilID).Scan(&v.OtherByID).Error; err != nil {
				return err
			}
			if err := db.Raw("SELECT count(*) FROM org_units WHERE tenant_id = ?", other.tenant.ID).Scan(&v.OtherUnits).Error; err != nil {
				return err
			}
			if err := db.Raw("SELECT count(*) FROM sessions WHERE tenant_id <> ?", tid).Scan(&v.Sessions).Error; err != nil {
				return err
			}
			_, err := w.app.Pupils.Get(ctx, pupils.SystemActor("test"), other.tenant.ID, other.pupilID)
			if !errors.Is(err, storage.ErrOtherTenant) {
				v.OtherTenantErr = "not refused: " + errString(err)
			}
			_, err = w.app.Pupils.Get(ctx, pupils.SystemActor("test"), tid, other.pupilID)
			v.OtherPupilFound = err == nil
			return c.JSON(http.StatusOK, v)
		})
	// Sessions of B exist: log one in.
	w.client(other.host).login(other.adminEmail)
	c := w.client(w.a.host)
	c.login(w.a.adminEmail)
	resp, body := c.get("/test/unscoped")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %.500s", resp.StatusCode, body)
	}
	var v unscopedView
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	if v.User != storage.TenantRole || v.Setting == "" {
		t.Errorf("the handler ran as %q with tenant %q", v.User, v.Setting)
	}
	if len(v.Tenants) == 0 {
		t.Error("the unscoped query saw none of A's pupils")
	}
	for _, tid := range v.Tenants {
		if tid != w.a.tenant.ID {
			t.Errorf("the unscoped query saw a pupil of tenant %d", tid)
		}
	}
	if v.OtherByID != 0 || v.OtherUnits != 0 || v.Sessions != 0 {
		t.Errorf("the handler saw B's pupil %d times, %d of B's units, %d sessions of others", v.OtherByID, v.OtherUnits, v.Sessions)
	}
	if v.OtherTenantErr != "" || v.OtherPupilFound {
		t.Errorf("the pupil service: %s; B's pupil found as A: %v", v.OtherTenantErr, v.OtherPupilFound)
	}
	// The real pupil page of B's pupil, from A: not found.
	if resp, _ := c.get("/pupils/" + fmt.Sprint(other.pupilID)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("B's pupil from A: status %d", resp.StatusCode)
	}
	// After the request the pool is the core's role again, seeing every tenant.
	var n int64
	if err := w.app.DB.Core(t.Context()).Raw("SELECT count(DISTINCT tenant_id) FROM pupils").Scan(&n).Error; err != nil || n != 2 {
		t.Errorf("the core's role after the requests sees pupils of %d tenants (%v)", n, err)
	}
	var who string
	if err := w.app.DB.Raw("SELECT current_user").Scan(&who).Error; err != nil || strings.EqualFold(who, storage.TenantRole) {
		t.Errorf("the pool runs as %q (%v)", who, err)
	}
}

func errString(err error) string {
	if err == nil {
		return "no error"
	}
	return err.Error()
}
