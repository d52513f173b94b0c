package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/eal/internal/trialcsv"
)

// demoFixture is a tenant like the core's demo: the 2017-18 list's
// delivery centres and evaluation schools (a host school for each centre),
// every evaluation school with a head and three teachers and 30 pupils, a
// third of them EAL; the demo's delegate login teaches at Malcolm Arnold Academy (core/demo.EALDelegateSchool),
// and a facilitator holds the role at the Challney centre.
func demoFixture(t testing.TB) *plugintest.Fixture { return demoFixtureOf(t, 30, 3) }

// demoFixtureOf is demoFixture with pupils pupils a school, one in
// ealEvery of them EAL (the core's full demo: about 1,250 pupils a
// secondary school, a fifth of them EAL).
func demoFixtureOf(t testing.TB, pupils, ealEvery int) *plugintest.Fixture {
	t.Helper()
	b, err := os.ReadFile("testdata/evaluation-schools-2017-18.csv")
	if err != nil {
		t.Fatal(err)
	}
	list, err := trialcsv.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	f := plugintest.DefaultFixture()
	centres := map[string]uint64{}
	next := uint64(500)
	person := uint64(5000)
	pupil := uint64(50000)
	for _, e := range list.Schools {
		c, ok := centres[e.Stratum]
		if !ok {
			c = next
			next++
			centres[e.Stratum] = c
			f.Units = append(f.Units, &pluginv1.OrgUnit{Id: c, Kind: pluginv1.OrgUnitKind_ORG_UNIT_KIND_DELIVERY_CENTRE, Name: e.Stratum, ParentIds: []uint64{plugintest.RootUnit}})
			f.Schools = append(f.Schools, &pluginv1.School{Id: next + 1000, Name: strings.TrimSuffix(e.Stratum, " Delivery Centre") + " Host School",
				Phase: pluginv1.Phase_PHASE_SECONDARY, ParentIds: []uint64{c}})
		}
		id := next + 1000
		next++
		f.Schools = append(f.Schools, &pluginv1.School{Id: id, Name: e.School, Phase: pluginv1.Phase_PHASE_SECONDARY, ParentIds: []uint64{c}})
		for i, role := range []string{"headteacher", "teacher", "teacher", "teacher"} {
			p := &pluginv1.Person{Id: person, Name: fmt.Sprintf("Staff %d", person), Email: fmt.Sprintf("s%d@test.example", person),
				Grants: []*pluginv1.RoleGrant{{Role: role, UnitId: id}}}
			if e.School == "Malcolm Arnold Academy" && i == 1 {
				p.Email = "delegate@test.example"
			}
			f.People = append(f.People, p)
			person++
		}
		for k := 0; k < pupils; k++ {
			f.Pupils = append(f.Pupils, &pluginv1.Pupil{Id: pupil, SchoolId: id, GivenName: "P", FamilyName: fmt.Sprint(pupil), YearGroup: int32(7 + k%7),
				Eal: k%ealEvery == 0, EalProficiency: pluginv1.EALProficiency(1 + k%6), Fsm: k%4 == 0, Gender: "F"})
			pupil++
		}
	}
	f.People = append(f.People, &pluginv1.Person{Id: 4999, Name: "Fay Facilitator", Email: "facilitator@test.example",
		Grants: []*pluginv1.RoleGrant{{Role: RoleFacilitator, UnitId: centres["Challney Delivery Centre"]}}})
	return f
}

// TestTheDemoBuildsTheTrialReadyForItsJourney runs demo_seed on a tenant
// like the demo's: 71 schools recruited, 65 randomised in a verified,
// revealed first wave, 6 ready for a second, one withdrawal; the demo's
// delegate is at an intervention school with nothing recorded; a second
// run changes nothing.
func TestTheDemoBuildsTheTrialReadyForItsJourney(t *testing.T) {
	plugintest.EachDialect(t, func(t *testing.T, d string) {
		st := plugintest.NewStorage(t, d)
		h := plugintest.Start(t, binary, plugintest.WithStorage(st.GetDriver(), st.GetDsn(), st.GetSchema()), plugintest.WithFixture(demoFixture(t)))
		h.SetClock(time.Date(2018, 9, 3, 9, 0, 0, 0, time.UTC))
		if err := h.RunJob(h.System(), "demo_seed", nil); err == nil || !strings.Contains(err.Error(), "FailedPrecondition") {
			t.Fatalf("the seed as the system actor: %v", err)
		}
		started := time.Now()
		if err := h.RunJob(h.As(plugintest.AdminID), "demo_seed", nil); err != nil {
			t.Fatal(err)
		}
		t.Logf("demo_seed on %s: %v", d, time.Since(started))
		x := &trialRun{t: t, h: h, trial: 1, mgr: h.As(plugintest.AdminID), eval: h.AsRole(RoleEvaluator, plugintest.RootUnit)}
		page := x.page(x.mgr, "/trials/1")
		has(t, "the demo trial", page, "Assessed for eligibility: 71 schools", "Excluded: 6 schools", "Not randomised yet: 6", "Randomised: 65 schools",
			"lost to follow-up: 1 school", "Change of leadership: 1")
		rnd := x.page(x.mgr, "/trials/1/randomisation")
		has(t, "the demo's randomisation", rnd, "Verified", "Freeze the list of these 6 schools")
		alloc := x.page(x.eval, "/research/trials/1/waves/1/allocation.csv")
		if strings.Count(alloc, "\n") != 66 {
			t.Fatalf("wave 1 allocates %d schools:\n%s", strings.Count(alloc, "\n")-1, alloc)
		}
		// The delegate login's school is in the intervention arm, and
		// nothing is recorded for them yet.
		me := x.page(h.As(findPerson(t, h, "delegate@test.example")), "/me")
		has(t, "the demo delegate's course", me, "Your course days", "Before the course", "Save your answers")
		if strings.Contains(me, "<td>Yes</td>") {
			t.Fatalf("the demo delegate has attendance recorded:\n%s", me)
		}
		// The pages the issue names, at the trial's size: few Host calls,
		// whatever the number of schools.
		for _, p := range []struct {
			path  string
			actor *pluginv1.Actor
			calls int
		}{{"/trials/1", x.mgr, 3}, {"/trials/1/randomisation", x.mgr, 2}, {"/research/trials/1", x.eval, 0}, {"/trials/1/exports", x.mgr, 0}} {
			h.Host.Reset()
			began := time.Now()
			for i := 0; i < 5; i++ {
				x.page(p.actor, p.path)
			}
			if n := len(h.Host.Calls()); n > 5*p.calls {
				t.Errorf("GET %s made %d Host calls in 5 requests, want at most %d", p.path, n, 5*p.calls)
			}
			t.Logf("GET %s on %s: %v a request, %d Host calls", p.path, d, time.Since(began)/5, len(h.Host.Calls())/5)
		}
		// What the core's home pages show the demo's people, and how long
		// each call takes at the trial's size (no Host call for panels and
		// figures, at most two for to-dos).
		var challney uint64
		for _, u := range h.Fixture.Units {
			if u.GetName() == "Challney Delivery Centre" {
				challney = u.GetId()
			}
		}
		var schools []uint64
		for _, s := range h.Fixture.Schools[len(h.Fixture.Schools)-50:] {
			schools = append(schools, s.GetId())
		}
		for _, c := range []struct {
			who   string
			actor *pluginv1.Actor
			want  []string
		}{
			{"the trial manager", x.mgr, []string{"Randomise wave 2: 6 schools ready", "Collect the follow-up scores: 0 of 64 schools complete",
				"Schools recruited = 71", "Schools randomised = 65 (", "Delegates trained = ", "Intervention school (wave 1)", "Control school (wave 1)"}},
			{"the delegate", h.As(findPerson(t, h, "delegate@test.example")), []string{"Answer your self-assessment before the course @2017-"}},
			{"the facilitator", h.As(findPerson(t, h, "facilitator@test.example")), []string{"Log day 1 at Challney Delivery Centre (held ", "Log day 3 at Challney"}},
			{"the centre lead", h.AsRole(RoleCentreLead, challney), []string{"Record day 1's attendance at Challney Delivery Centre (held ", "): 1 delegate not recorded"}},
		} {
			h.Host.Reset()
			began := time.Now()
			a := ask(t, h, c.actor, schools...)
			has(t, c.who+"'s home page", a.all(), c.want...)
			if n := len(h.Host.Calls()); n > 2 {
				t.Errorf("%s: the extensions made %d Host calls, want at most 2", c.who, n)
			}
			t.Logf("the extensions as %s on %s: %v for the three calls", c.who, d, time.Since(began))
		}
		for _, p := range []struct {
			name string
			call func() error
		}{
			{"school_panel (50 schools)", func() error { _, _, err := h.SchoolPanels(x.mgr, schools...); return err }},
			{"todos", func() error { _, _, err := h.Todos(x.mgr); return err }},
			{"figures", func() error { _, _, err := h.Figures(x.mgr); return err }},
		} {
			began := time.Now()
			for i := 0; i < 5; i++ {
				if err := p.call(); err != nil {
					t.Fatal(err)
				}
			}
			t.Logf("%s as the tenant admin on %s: %v a call", p.name, d, time.Since(began)/5)
		}

		// A second run changes nothing.
		if err := h.RunJob(h.As(plugintest.AdminID), "demo_seed", nil); err != nil {
			t.Fatal(err)
		}
		if again := x.page(x.mgr, "/trials/1/randomisation"); again != rnd {
			t.Fatal("a second demo_seed changed the trial")
		}
		if resp, _ := h.Get(x.mgr, "/trials/2"); resp.StatusCode != 404 {
			t.Fatalf("a second trial: %d", resp.StatusCode)
		}
	})
}

func findPerson(t *testing.T, h *plugintest.Harness, email string) uint64 {
	t.Helper()
	for _, p := range h.Fixture.People {
		if p.GetEmail() == email {
			return p.GetId()
		}
	}
	t.Fatalf("no %s", email)
	return 0
}
