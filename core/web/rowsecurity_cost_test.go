package web_test

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/storage"
)

// The cost of binding a tenant's request (row-level security on its own
// connection) on core pages, on PostgreSQL: the same pages, in the same
// run, with the binding and without, in alternating rounds; the median of
// each. Run it on purpose (docs/operations.md):
//
//	UPWARDS_MEASURE_RLS=1 go test ./core/web -run TestMeasureBindingCost -v
func TestMeasureBindingCost(t *testing.T) {
	if os.Getenv("UPWARDS_MEASURE_RLS") == "" {
		t.Skip("a measurement: set UPWARDS_MEASURE_RLS=1")
	}
	w := newWorld(t, storage.Postgres)
	// 3,000 more pupils at the hub's school, copies of the fixture's.
	if err := w.app.DB.Exec(`INSERT INTO pupils (tenant_id, school_id, upn_hash, upn_sealed, given_name, family_name, date_of_birth,
		year_group, gender, pupil_premium, fsm, fsm_ever6, eal_proficiency, sen, looked_after, created_at, updated_at)
		SELECT tenant_id, school_id, md5(upn_hash || g), upn_sealed, given_name || g, family_name, date_of_birth,
		year_group, gender, g % 3 = 0, fsm, fsm_ever6, eal_proficiency, sen, looked_after, created_at, updated_at
		FROM pupils, generate_series(1, 3000) g WHERE id = ?`, w.a.pupilID).Error; err != nil {
		t.Fatal(err)
	}
	c := w.client(w.a.host)
	c.login(w.a.adminEmail)
	pages := []string{"/", fmt.Sprintf("/units/%d/pupils", w.a.hubSchool.ID), fmt.Sprintf("/units/%d/pupils?page=5", w.a.hubSchool.ID)}
	for _, page := range pages {
		if resp, body := c.get(page); resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %.300s", page, resp.StatusCode, body)
		}
	}
	const rounds, per = 10, 20
	for _, page := range pages {
		var on, off []time.Duration
		for r := 0; r < rounds; r++ {
			for _, bound := range []bool{r%2 == 0, r%2 != 0} {
				w.server.SetUnboundForTest(!bound)
				for range per {
					start := time.Now()
					resp, _ := c.get(page)
					d := time.Since(start)
					if resp.StatusCode != http.StatusOK {
						t.Fatalf("%s: %d", page, resp.StatusCode)
					}
					if bound {
						on = append(on, d)
					} else {
						off = append(off, d)
					}
				}
			}
		}
		w.server.SetUnboundForTest(false)
		slices.Sort(on)
		slices.Sort(off)
		mOn, mOff := on[len(on)/2], off[len(off)/2]
		t.Logf("%-28s bound %7.2f ms, unbound %7.2f ms, ratio %.2f (medians of %d requests each)",
			page, float64(mOn.Microseconds())/1000, float64(mOff.Microseconds())/1000, float64(mOn)/float64(mOff), len(on))
	}
}
