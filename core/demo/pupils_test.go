package demo_test

import (
	"context"
	"testing"

	"github.com/challengepartners/upwards/core/demo"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/pupils/upn"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/tenancy"
)

// checkDemoPupils checks the demo's pupils: where they are, that every record
// is valid, and that the flags come in the partnership's proportions.
func checkDemoPupils(t *testing.T, db *storage.DB, svc *pupils.Service, res demo.Result) {
	t.Helper()
	ctx := context.Background()
	ts := tenancy.NewService(db)
	type stats struct{ n, fsm, ever6, pp, eal, lac, senK, ehcp, mainstream int }
	var all stats
	for _, slug := range []string{demo.TrustSlug, demo.PartnershipSlug} {
		tn, err := ts.TenantBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		var ps []pupils.Pupil
		if err := db.Where("tenant_id = ?", tn.ID).Order("id").Find(&ps).Error; err != nil {
			t.Fatal(err)
		}
		if len(ps) != res.Pupils[slug] {
			t.Errorf("%s: %d pupils stored, Build reports %d", slug, len(ps), res.Pupils[slug])
		}
		bySchool := map[uint][]pupils.Pupil{}
		for _, p := range ps {
			bySchool[p.SchoolID] = append(bySchool[p.SchoolID], p)
		}
		wantSchools := map[string][2]int{demo.TrustSlug: {7, 7}, demo.PartnershipSlug: {134, 135}} // CtG's 63, the EAL trial's 71, and the demo head's school
		if w := wantSchools[slug]; len(bySchool) < w[0] || len(bySchool) > w[1] {
			t.Errorf("%s: pupils at %d schools, want %d-%d", slug, len(bySchool), w[0], w[1])
		}
		for schoolID, sp := range bySchool {
			school, err := ts.GetUnit(ctx, tn.ID, schoolID)
			if err != nil || school.Kind != tenancy.KindSchool {
				t.Fatalf("pupils at unit %d: %+v %v", schoolID, school, err)
			}
			if len(sp) < 60 || len(sp) > 120 {
				t.Errorf("%s has %d pupils, want 60-120", school.Name, len(sp))
			}
			laEstab := ""
			for _, p := range sp {
				u, err := svc.OpenUPN(p)
				if err != nil {
					t.Fatalf("open UPN: %v", err)
				}
				if errs := pupils.ValidateRecord(pupils.RecordOf(p, u)); errs != nil {
					t.Fatalf("demo pupil %d of %s is invalid: %v", p.ID, school.Name, errs)
				}
				if upn.IsTemporary(u) {
					t.Errorf("demo pupil %d has a temporary UPN", p.ID)
				}
				// Every pupil of a school carries its LA code and establishment number.
				if laEstab == "" {
					laEstab = u[1:8]
				} else if u[1:8] != laEstab {
					t.Errorf("%s: UPNs of two establishments", school.Name)
				}
				special := school.Phase == tenancy.PhaseSpecial
				all.n++
				if p.FSM {
					all.fsm++
					if !p.FSMEver6 {
						t.Errorf("pupil %d has FSM but not FSM Ever 6", p.ID)
					}
				}
				if p.FSMEver6 {
					all.ever6++
					if !p.PupilPremium {
						t.Errorf("pupil %d has FSM Ever 6 but no pupil premium", p.ID)
					}
				}
				if p.PupilPremium {
					all.pp++
				}
				if p.EAL() {
					all.eal++
				}
				if p.LookedAfter {
					all.lac++
				}
				if !special {
					all.mainstream++
					if p.SEN == "K" {
						all.senK++
					}
					if p.SEN == "E" {
						all.ehcp++
					}
				}
			}
		}
	}
	share := func(k, n int) float64 { return float64(k) / float64(n) }
	for _, c := range []struct {
		what     string
		got      float64
		min, max float64
	}{
		{"FSM", share(all.fsm, all.n), 0.17, 0.22},
		{"FSM Ever 6", share(all.ever6, all.n), 0.20, 0.27},
		{"pupil premium", share(all.pp, all.n), 0.21, 0.28},
		{"EAL", share(all.eal, all.n), 0.16, 0.24},
		{"looked after", share(all.lac, all.n), 0.001, 0.012},
		{"SEN support (mainstream)", share(all.senK, all.mainstream), 0.10, 0.14},
		{"EHCP (mainstream)", share(all.ehcp, all.mainstream), 0.02, 0.04},
	} {
		if c.got < c.min || c.got > c.max {
			t.Errorf("%s: %.3f of %d pupils, want %.2f-%.2f", c.what, c.got, all.n, c.min, c.max)
		}
	}
	if all.n < 70*60 {
		t.Errorf("only %d demo pupils", all.n)
	}
	t.Logf("%d demo pupils: FSM %.3f, Ever 6 %.3f, PP %.3f, EAL %.3f, LAC %.4f, SEN K %.3f, EHCP %.3f (mainstream)", all.n,
		share(all.fsm, all.n), share(all.ever6, all.n), share(all.pp, all.n), share(all.eal, all.n), share(all.lac, all.n),
		share(all.senK, all.mainstream), share(all.ehcp, all.mainstream))
}
