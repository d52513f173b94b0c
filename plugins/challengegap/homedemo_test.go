package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/testdb"
)

// The home page's extensions on a demo the size of the core's full demo
// install: the partnership's 11 clusters of 4 to 7 schools (62 schools, as
// in core/demo's list), each with generated staff and pupils, built by the
// plugin's own demo_seed job; and the trust's seven schools, three in a
// cluster. The viewers are those of bench/home: the central team (the
// programme lead of every cluster), a headteacher leading her school's
// team in a trio, a hub manager whose hub's first twelve schools include
// four of a cluster, and the trust's leader; plus a teacher and a
// para-professional on a team, and the head of the next school.

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/home_demo.golden from the current answers")

// demoSeedDay is the day the demo seed runs as (the 2018-19 year).
const demoSeedDay = "2019-10-01"

// demoClocks are the days the answers are taken on: the day the demo ran
// (the year over, as the full demo shows it), in the March window of the
// year, and in its autumn (before the October window).
var demoClocks = []time.Time{
	time.Date(2019, 10, 1, 9, 0, 0, 0, time.UTC),
	time.Date(2019, 3, 12, 9, 0, 0, 0, time.UTC),
	time.Date(2018, 9, 24, 9, 0, 0, 0, time.UTC),
}

// demoViewer is a person whose home page asks the plugin.
type demoViewer struct {
	label   string
	who     uint64
	schools []uint64 // the schools of their home page (panels)
}

// Ids of the demo-sized fixtures.
const (
	dRoot        uint64 = 1
	dHub         uint64 = 2
	dTrust       uint64 = 2 // the trust fixture's trust unit
	dFirstClust  uint64 = 3
	dAdmin       uint64 = 1
	dCentral     uint64 = 2
	dHubManager  uint64 = 3
	dThreeHead   uint64 = 4
	dCEO         uint64 = 2 // in the trust fixture
	dFirstSchool uint64 = 100
	dFirstStaff  uint64 = 10000
	dFirstPupil  uint64 = 100000
)

// clusterSizes are the schools of the partnership's 11 clusters.
var clusterSizes = []int{4, 7, 4, 5, 6, 6, 5, 7, 7, 6, 5}

// demoStaffAndPupils adds a school's generated staff (a headteacher, three
// teachers, two para-professionals) and 30 pupils of the phase's year
// groups, about half disadvantaged; it returns the staff ids.
func demoStaffAndPupils(f *plugintest.Fixture, sc *pluginv1.School, staff, pupil *uint64) []uint64 {
	var ids []uint64
	for i, role := range []string{"headteacher", "teacher", "teacher", "teacher", "para_professional", "para_professional"} {
		id := *staff
		*staff++
		f.People = append(f.People, &pluginv1.Person{Id: id, Name: fmt.Sprintf("Staff %d-%d", sc.GetId(), i), Email: fmt.Sprintf("s%d@demo.example", id),
			Grants: []*pluginv1.RoleGrant{{Role: role, UnitId: sc.GetId()}}})
		ids = append(ids, id)
	}
	first, groups := 2, 5
	if sc.GetPhase() == pluginv1.Phase_PHASE_SECONDARY {
		first = 7
	}
	for p := range 30 {
		yg := first + p%groups
		f.Pupils = append(f.Pupils, &pluginv1.Pupil{Id: *pupil, SchoolId: sc.GetId(), GivenName: fmt.Sprintf("P%d", p), FamilyName: "Demopupil",
			DateOfBirth: &pluginv1.Date{Year: int32(2019 - 5 - yg), Month: int32(1 + p%12), Day: int32(1 + p%27)}, YearGroup: int32(yg),
			PupilPremium: p%2 == 0, FsmEver6: p%5 == 0})
		*pupil++
	}
	return ids
}

// partnershipFixture is the partnership-sized tenant and its viewers.
func partnershipFixture() (*plugintest.Fixture, []demoViewer) {
	f := &plugintest.Fixture{Tenant: plugintest.Tenant{ID: 1, Slug: "partnership", Name: "Demo Partnership"}, RootUnitID: dRoot, Settings: map[string]string{}}
	f.Units = append(f.Units,
		&pluginv1.OrgUnit{Id: dRoot, Kind: pluginv1.OrgUnitKind_ORG_UNIT_KIND_TENANT, Name: "Demo Partnership"},
		&pluginv1.OrgUnit{Id: dHub, Kind: pluginv1.OrgUnitKind_ORG_UNIT_KIND_HUB, Name: "Ash Field Hub", ParentIds: []uint64{dRoot}})
	school, staff, pupil := dFirstSchool, dFirstStaff, dFirstPupil
	var hub, threeStaff []uint64
	var three, teacher, para, head2 uint64
	for k, n := range clusterSizes {
		cu := dFirstClust + uint64(k)
		f.Units = append(f.Units, &pluginv1.OrgUnit{Id: cu, Kind: pluginv1.OrgUnitKind_ORG_UNIT_KIND_CLUSTER, Name: fmt.Sprintf("Cluster %c", 'A'+k), ParentIds: []uint64{dRoot}})
		for i := range n {
			phase := pluginv1.Phase_PHASE_PRIMARY
			if i%3 == 2 {
				phase = pluginv1.Phase_PHASE_SECONDARY
			}
			parents := []uint64{cu}
			if k == 0 {
				parents = append(parents, dHub)
				hub = append(hub, school)
			}
			sc := &pluginv1.School{Id: school, Urn: fmt.Sprintf("95%04d", school), Name: fmt.Sprintf("Demo School %d", school), Phase: phase, ParentIds: parents}
			f.Schools = append(f.Schools, sc)
			ids := demoStaffAndPupils(f, sc, &staff, &pupil)
			if k == 1 && i == 0 {
				three, threeStaff = school, ids
			}
			if k == 1 && i == 1 {
				head2 = ids[0]
			}
			school++
		}
	}
	teacher, para = threeStaff[1], threeStaff[4]
	for len(hub) < 12 { // the hub's other schools take no part
		f.Schools = append(f.Schools, &pluginv1.School{Id: school, Urn: fmt.Sprintf("95%04d", school), Name: fmt.Sprintf("Hub School %d", school),
			Phase: pluginv1.Phase_PHASE_PRIMARY, ParentIds: []uint64{dHub}})
		hub = append(hub, school)
		school++
	}
	g := func(role string, unit uint64) []*pluginv1.RoleGrant {
		return []*pluginv1.RoleGrant{{Role: role, UnitId: unit}}
	}
	f.People = append([]*pluginv1.Person{
		{Id: dAdmin, Name: "Priya Admin", Email: "admin@demo.example", Grants: g("tenant_admin", dRoot)},
		{Id: dCentral, Name: "Tom Central", Email: "central@demo.example", Grants: g("central_team", dRoot)},
		{Id: dHubManager, Name: "Dan Hub", Email: "hub@demo.example", Grants: g("hub_manager", dHub)},
		{Id: dThreeHead, Name: "Esther Three", Email: "three@demo.example", Grants: g("headteacher", three)},
	}, f.People...)
	return f, []demoViewer{
		{"central team", dCentral, nil},
		{"headteacher", dThreeHead, []uint64{three}},
		{"hub manager", dHubManager, hub},
		{"teacher", teacher, []uint64{three}},
		{"para-professional", para, []uint64{three}},
		{"headteacher of the trio's second school", head2, []uint64{three + 1}},
	}
}

// trustFixture is the trust's tenant: seven schools, three in a cluster.
func trustFixture() (*plugintest.Fixture, []demoViewer) {
	f := &plugintest.Fixture{Tenant: plugintest.Tenant{ID: 1, Slug: "northstar", Name: "Northstar"}, RootUnitID: dRoot, Settings: map[string]string{}}
	cu := dTrust + 1
	f.Units = append(f.Units,
		&pluginv1.OrgUnit{Id: dRoot, Kind: pluginv1.OrgUnitKind_ORG_UNIT_KIND_TENANT, Name: "Northstar"},
		&pluginv1.OrgUnit{Id: dTrust, Kind: pluginv1.OrgUnitKind_ORG_UNIT_KIND_TRUST, Name: "Northstar Learning Trust", ParentIds: []uint64{dRoot}},
		&pluginv1.OrgUnit{Id: cu, Kind: pluginv1.OrgUnitKind_ORG_UNIT_KIND_CLUSTER, Name: "Northstar cluster", ParentIds: []uint64{dTrust}})
	staff, pupil := dFirstStaff, dFirstPupil
	var schools []uint64
	for i := range 7 {
		id := dFirstSchool + uint64(i)
		phase := pluginv1.Phase_PHASE_PRIMARY
		if i%3 == 2 {
			phase = pluginv1.Phase_PHASE_SECONDARY
		}
		parents := []uint64{dTrust}
		if i < 3 {
			parents = append(parents, cu)
		}
		sc := &pluginv1.School{Id: id, Urn: fmt.Sprintf("96%04d", id), Name: fmt.Sprintf("Northstar School %d", i+1), Phase: phase, ParentIds: parents}
		f.Schools = append(f.Schools, sc)
		demoStaffAndPupils(f, sc, &staff, &pupil)
		schools = append(schools, id)
	}
	f.People = append([]*pluginv1.Person{
		{Id: dAdmin, Name: "Alex Admin", Email: "admin@trust.example", Grants: []*pluginv1.RoleGrant{{Role: "tenant_admin", UnitId: dRoot}}},
		{Id: dCEO, Name: "Jordan CEO", Email: "ceo@trust.example", Grants: []*pluginv1.RoleGrant{{Role: "trust_leader", UnitId: dTrust}}},
	}, f.People...)
	return f, []demoViewer{{"trust leader", dCEO, schools}}
}

// startDemo starts the plugin on fx with storage of dialect d and runs its
// demo seed as the tenant admin.
func startDemo(tb testing.TB, d string, fx *plugintest.Fixture) *plugintest.Harness {
	tb.Helper()
	driver, dsn, schema := testdb.Storage(tb, d)
	h := plugintest.Start(tb, binary, plugintest.WithFixture(fx), plugintest.WithStorage(driver, dsn, schema))
	if err := h.RunJob(h.As(dAdmin), "demo_seed", []byte(`{"today":"`+demoSeedDay+`"}`)); err != nil {
		tb.Fatalf("demo seed: %v", err)
	}
	return h
}

// homeAnswersOf writes what the plugin answers a viewer's home page: the panels
// of their schools, their to-dos and the figures, each as the core would
// keep them, or "not asked".
func homeAnswersOf(tb testing.TB, b *strings.Builder, h *plugintest.Harness, v demoViewer) {
	tb.Helper()
	a := h.As(v.who)
	fmt.Fprintf(b, "-- %s\n", v.label)
	if len(v.schools) > 0 {
		panels, problems, err := h.SchoolPanels(a, v.schools...)
		switch {
		case errors.Is(err, plugintest.ErrNotAsked):
			b.WriteString("panels: not asked\n")
		case err != nil || len(problems) > 0:
			tb.Fatalf("panels of %s: %v %q", v.label, err, problems)
		}
		for _, p := range panels {
			fmt.Fprintf(b, "panel %d\n", p.GetUnitId())
			for _, l := range p.GetLines() {
				fmt.Fprintf(b, "  %s [%s]%s\n", l.GetText(), l.GetLink(), map[bool]string{true: " !"}[l.GetAttention()])
			}
		}
	}
	todos, problems, err := h.Todos(a)
	switch {
	case errors.Is(err, plugintest.ErrNotAsked):
		b.WriteString("todos: not asked\n")
	case err != nil || len(problems) > 0:
		tb.Fatalf("to-dos of %s: %v %q", v.label, err, problems)
	}
	for _, td := range todos {
		due := "-"
		if d := td.GetDue(); d != nil {
			due = fmt.Sprintf("%04d-%02d-%02d", d.GetYear(), d.GetMonth(), d.GetDay())
		}
		fmt.Fprintf(b, "todo %s: %s [%s] unit %d\n", due, td.GetTitle(), td.GetLink(), td.GetUnitId())
	}
	figs, problems, err := h.Figures(a)
	switch {
	case errors.Is(err, plugintest.ErrNotAsked):
		b.WriteString("figures: not asked\n")
	case err != nil || len(problems) > 0:
		tb.Fatalf("figures of %s: %v %q", v.label, err, problems)
	}
	for _, f := range figs {
		fmt.Fprintf(b, "figure %s = %s (%s) [%s]\n", f.GetLabel(), f.GetValue(), f.GetDetail(), f.GetLink())
	}
}

// allAnswers is every viewer's answers on every one of demoClocks.
func allAnswers(tb testing.TB, h *plugintest.Harness, viewers []demoViewer) string {
	tb.Helper()
	var b strings.Builder
	for _, c := range demoClocks {
		h.SetClock(c)
		fmt.Fprintf(&b, "== %s\n", c.Format(time.DateOnly))
		for _, v := range viewers {
			homeAnswersOf(tb, &b, h, v)
		}
	}
	return b.String()
}

// openStorage opens the harness's storage beside the plugin, to change the
// demo as pages would (the test's PostgreSQL role bypasses row security).
func openStorage(tb testing.TB, h *plugintest.Harness) *store.Store {
	tb.Helper()
	cfg := &gorm.Config{Logger: logger.Discard, TranslateError: true}
	var (
		db  *gorm.DB
		err error
	)
	if h.Storage.GetDriver() == "sqlite" {
		db, err = gorm.Open(sqlite.Open("file:"+h.Storage.GetDsn()+"?_pragma=busy_timeout(10000)&_txlock=immediate"), cfg)
	} else {
		db, err = gorm.Open(postgres.Open(h.Storage.GetDsn()), cfg)
	}
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if s, err := db.DB(); err == nil {
			_ = s.Close()
		}
	})
	return store.New(db, h.Fixture.Tenant.ID)
}

// roughen changes the partnership's demo so that the answers take every
// branch the counts have: a pupil removed from a cohort after the
// baseline, a March snapshot with some pupils' values cleared, a later
// snapshot with no data yet, a school withdrawn, a cluster's school asking
// to join, a school placed whose cohort is chosen but not frozen, and one
// whose cohort is empty.
func roughen(tb testing.TB, h *plugintest.Harness) {
	tb.Helper()
	s := openStorage(tb, h)
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	years, err := s.Years()
	must(err)
	y := years[0]
	clusters, err := s.Clusters(y.ID)
	must(err)
	byUnit := map[uint64]store.Cluster{}
	for _, c := range clusters {
		byUnit[c.UnitID] = c
	}
	// Cluster B's first school (the headteacher's): one pupil removed.
	three := dFirstSchool + uint64(clusterSizes[0])
	co, err := s.CohortOf(y.ID, three, false)
	must(err)
	ms, err := s.CohortMembers(co.ID, false)
	must(err)
	_, err = s.RemoveFromCohort(y.ID, three, ms[0].ID, dAdmin, "moved school")
	must(err)
	// Its second school: the March values of three pupils cleared.
	second := three + 1
	sns, err := s.Snapshots(y.ID, second)
	must(err)
	march := sns[len(sns)-1]
	co2, err := s.CohortOf(y.ID, second, false)
	must(err)
	ms2, err := s.CohortMembers(co2.ID, false)
	must(err)
	var empty []store.PointInput
	for _, m := range ms2[:3] {
		empty = append(empty, store.PointInput{PupilID: m.PupilID})
	}
	must(s.SaveDataPoints(second, march.ID, empty, dAdmin))
	// Its third school: a July snapshot with nothing entered; its fourth withdrawn.
	_, err = s.AddSnapshot(y.ID, second+1, "July", "2019-07-08")
	must(err)
	_, err = s.WithdrawSchool(byUnit[dFirstClust+1].ID, second+2, "2019-02-01", "staffing")
	must(err)
	// Two hub schools join cluster A: one asks, one is placed with a cohort
	// chosen and not frozen; a third is placed with none.
	hubSchools := []uint64{}
	for _, sc := range h.Fixture.Schools {
		if strings.HasPrefix(sc.GetName(), "Hub School") {
			hubSchools = append(hubSchools, sc.GetId())
		}
	}
	var rec []store.School
	for _, sc := range h.Fixture.Schools {
		if strings.HasPrefix(sc.GetName(), "Hub School") {
			rec = append(rec, store.SchoolFromHost(sc))
		}
	}
	must(s.UpsertSchools(rec))
	a := byUnit[dFirstClust]
	must(s.SetRecruiting(a.ID, true))
	_, err = s.ExpressInterest(a.ID, hubSchools[0], dAdmin, "please")
	must(err)
	_, err = s.AddSchool(a.ID, hubSchools[1], dAdmin)
	must(err)
	_, err = s.AddToCohort(y.ID, hubSchools[1], []uint64{dFirstPupil + 1, dFirstPupil + 2}, dAdmin, "")
	must(err)
	_, err = s.AddSchool(a.ID, hubSchools[2], dAdmin)
	must(err)
	// A trial undecided at the headteacher's school.
	strategies, err := s.Strategies()
	must(err)
	for _, st := range strategies { // the first the school does not trial yet
		if _, err = s.StartTrial(y.ID, three, st.ID, "2018-11-01", "", dAdmin); err == nil {
			break
		}
	}
	must(err)
}

// TestHomeAnswersOnTheDemo pins what the panels, to-dos and figures say on
// the demo-sized programme, as first captured before the extensions'
// queries were made to count in SQL: the counts must not change.
// Rewrite the golden file only on purpose: go test -run HomeAnswersOnTheDemo -update-golden.
func TestHomeAnswersOnTheDemo(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			var b strings.Builder
			fx, viewers := partnershipFixture()
			h := startDemo(t, d, fx)
			b.WriteString("# partnership\n")
			b.WriteString(allAnswers(t, h, viewers))
			roughen(t, h)
			b.WriteString("# partnership, roughened\n")
			b.WriteString(allAnswers(t, h, viewers))
			tfx, tviewers := trustFixture()
			th := startDemo(t, d, tfx)
			b.WriteString("# trust\n")
			b.WriteString(allAnswers(t, th, tviewers))
			golden := filepath.Join("testdata", "home_demo.golden")
			if *updateGolden && d == "sqlite" {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read %s: %v", golden, err)
			}
			if got := b.String(); got != string(want) {
				gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
				for i := range min(len(gl), len(wl)) {
					if gl[i] != wl[i] {
						t.Fatalf("the answers differ from %s at line %d:\n got: %s\nwant: %s", golden, i+1, gl[i], wl[i])
					}
				}
				t.Fatalf("the answers differ from %s: %d lines, want %d", golden, len(gl), len(wl))
			}
		})
	}
}

// BenchmarkHomeDemo times each extension call as the core makes it (over
// the plugin's gRPC connection, with its Host calls) on the demo-sized
// programme in SQLite, for the viewers of bench/home, on the day the demo
// ran (the year over, as bench/home sees it) and in the year's March
// window (every count of the to-dos at work):
//
//	go test ./plugins/challengegap -run '^$' -bench HomeDemo -benchtime 200x
func BenchmarkHomeDemo(b *testing.B) {
	fx, viewers := partnershipFixture()
	h := startDemo(b, "sqlite", fx)
	tfx, tviewers := trustFixture()
	th := startDemo(b, "sqlite", tfx)
	cases := []struct {
		h *plugintest.Harness
		v demoViewer
	}{{h, viewers[0]}, {h, viewers[1]}, {h, viewers[2]}, {th, tviewers[0]}}
	for _, clock := range demoClocks[:2] {
		for _, c := range cases {
			a := c.h.As(c.v.who)
			calls := map[string]func() error{
				"todos": func() error { _, _, err := c.h.Todos(a); return err },
			}
			if len(c.v.schools) > 0 {
				calls["panels"] = func() error { _, _, err := c.h.SchoolPanels(a, c.v.schools...); return err }
			}
			if c.h == h && c.v.who == dCentral {
				calls["figures"] = func() error { _, _, err := c.h.Figures(a); return err }
			}
			for _, ext := range []string{"panels", "todos", "figures"} {
				call, ok := calls[ext]
				if !ok {
					continue
				}
				b.Run(clock.Format(time.DateOnly)+"/"+strings.ReplaceAll(c.v.label, " ", "-")+"/"+ext, func(b *testing.B) {
					c.h.SetClock(clock)
					for b.Loop() {
						if err := call(); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}
