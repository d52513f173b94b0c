package web_test

import (
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/audit"
)

// The audit page and its CSV filter by pupil id: only the events naming
// that pupil, in this tenant.
func TestAuditFilterByPupil(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		ctx := audit.WithActor(context.Background(), audit.Actor{Label: "reader@alpha.example.org"})
		db := w.app.DB.DB
		for _, a := range []audit.Access{
			{TenantID: w.a.tenant.ID, Action: "pupil.read", Via: "GET /pupils/:id", PupilIDs: []uint{900001}},
			{TenantID: w.a.tenant.ID, Action: "pupil.list", Via: "GET /units/:id/pupils", PupilIDs: []uint{900002, 900003}},
			{TenantID: w.b.tenant.ID, Action: "pupil.read", Via: "GET /pupils/:id", PupilIDs: []uint{900002}},
		} {
			if err := audit.RecordAccess(ctx, db, a); err != nil {
				t.Fatal(err)
			}
		}
		c := w.client(w.a.host)
		c.login(w.a.adminEmail)
		_, body := c.get("/audit?pupil=900002")
		if !strings.Contains(body, "1 entry.") || !strings.Contains(body, "pupil.list") || strings.Contains(body, "GET /pupils/:id") ||
			!strings.Contains(body, "900002 900003") || !strings.Contains(body, `value="900002"`) {
			t.Fatalf("audit page filtered by pupil 900002: %.2000s", body)
		}
		resp, out := c.get("/audit.csv?pupil=900002")
		if resp.StatusCode != 200 {
			t.Fatalf("csv: %d", resp.StatusCode)
		}
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[1][4] != "pupil.list" || rows[0][11] != "pupil_ids" || rows[1][11] != "900002 900003" {
			t.Fatalf("csv filtered by pupil: %v", rows)
		}
		if _, body := c.get("/audit?pupil=404"); !strings.Contains(body, "0 entries.") {
			t.Fatalf("a pupil nobody saw: %.500s", body)
		}
	})
}
