package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
	"github.com/challengepartners/upwards/plugins/eal/internal/store"
)

// update rewrites testdata/home.golden.gz from what the extensions answer now
// (go test -run TestTheHomePagesOfTheDemo -update). It was written before
// the extensions' queries were made cheap (eal 0.2.1), so that the
// answers they give now are compared with those of the old queries.
var update = flag.Bool("update", false, "rewrite testdata/home.golden")

// homeDays are the days the demo's home pages are asked on: during the
// course, at the post-test, at the follow-up (the demo's own day) and
// after the outcomes.
var homeDays = []time.Time{
	time.Date(2017, 10, 10, 9, 0, 0, 0, time.UTC),
	time.Date(2018, 7, 10, 9, 0, 0, 0, time.UTC),
	time.Date(2018, 9, 3, 9, 0, 0, 0, time.UTC),
	time.Date(2019, 9, 2, 9, 0, 0, 0, time.UTC),
}

// homeViewer is one of the demo's people whose home page is asked for.
type homeViewer struct {
	label string
	actor *pluginv1.Actor
}

// homeViewers are everyone the demo's home pages differ for: the tenant
// admin, the trial manager, the central team, a hub manager, the
// evaluator, each centre's lead, the facilitator, and every member of
// staff of every evaluation school (heads, teachers, the delegates among
// them).
func homeViewers(h *plugintest.Harness) []homeViewer {
	vs := []homeViewer{
		{"tenant admin", h.As(plugintest.AdminID)},
		{"trial manager", h.AsRole(RoleTrialManager, plugintest.RootUnit)},
		{"central team", h.AsRole("central_team", plugintest.RootUnit)},
		{"hub manager", h.AsRole("hub_manager", plugintest.HubUnit)},
		{"evaluator", h.AsRole(RoleEvaluator, plugintest.RootUnit)},
	}
	for _, u := range h.Fixture.Units {
		if u.GetKind() == pluginv1.OrgUnitKind_ORG_UNIT_KIND_DELIVERY_CENTRE {
			vs = append(vs, homeViewer{"centre lead of " + u.GetName(), h.AsRole(RoleCentreLead, u.GetId())})
		}
	}
	for _, p := range h.Fixture.People {
		if p.GetId() >= 4999 { // the demo fixture's staff and facilitator
			vs = append(vs, homeViewer{fmt.Sprintf("person %d (%s)", p.GetId(), p.GetGrants()[0].GetRole()), h.As(p.GetId())})
		}
	}
	return vs
}

// homePages is what every viewer is shown on each of days, as text; a
// viewer shown nothing is left out.
func homePages(t *testing.T, h *plugintest.Harness, days ...time.Time) string {
	var schools []uint64
	for _, s := range h.Fixture.Schools {
		schools = append(schools, s.GetId())
	}
	var b strings.Builder
	for _, day := range days {
		h.SetClock(day)
		for _, v := range homeViewers(h) {
			// The core asks for at most 50 schools' panels a call.
			a := ask(t, h, v.actor, schools[:50]...)
			if more := panelsText(t, h, v.actor, schools[50:]...); more != "" {
				a.panels = strings.TrimPrefix(a.panels+"\n"+more, "\n")
			}
			if strings.TrimSpace(a.all()) == "" {
				continue
			}
			fmt.Fprintf(&b, "== %s, %s (not asked: %s)\n%s\n-- to-dos\n%s\n-- figures\n%s\n", day.Format(time.DateOnly), v.label,
				strings.Join(a.notAsked, ","), a.panels, a.todos, a.figures)
		}
	}
	return b.String()
}

// panelsText is the panels of units shown to actor, as ask writes them.
func panelsText(t *testing.T, h *plugintest.Harness, actor *pluginv1.Actor, units ...uint64) string {
	t.Helper()
	panels, problems, err := h.SchoolPanels(actor, units...)
	if errors.Is(err, plugintest.ErrNotAsked) {
		return ""
	}
	if err != nil || len(problems) > 0 {
		t.Fatalf("school_panel: %v, problems %q", err, problems)
	}
	var b []string
	for _, p := range panels {
		var ls []string
		for _, l := range p.GetLines() {
			ls = append(ls, l.GetText())
		}
		b = append(b, "unit "+u64s(p.GetUnitId())+": "+strings.Join(ls, " | "))
	}
	return strings.Join(b, "\n")
}

// unsettle makes the seeded demo's counts uneven, so that the home pages
// tell its schools apart: every seventh pupil's parent objects (their
// scores stay, and must not count), every fifth score is cleared and
// every eleventh point removed (some baselines incomplete, outcomes
// partly collected).
func unsettle(t *testing.T, st *pluginv1.Storage) {
	t.Helper()
	db := openStorage(t, st)
	s := store.New(db, plugintest.TenantID)
	var objecting []uint64
	if err := db.Model(&store.TrialPupil{}).Where("id % 7 = 0").Order("id").Pluck("id", &objecting).Error; err != nil {
		t.Fatal(err)
	}
	for _, id := range objecting {
		if _, _, err := s.Object(id, "2018-02-01"); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Model(&store.PupilPoint{}).Where("id % 5 = 0").Update("score", nil).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Where("id % 11 = 0").Delete(&store.PupilPoint{}).Error; err != nil {
		t.Fatal(err)
	}
}

// openStorage opens the plugin's storage as the test's own connection
// (on PostgreSQL as a superuser, whom row-level security lets through).
func openStorage(t testing.TB, st *pluginv1.Storage) *gorm.DB {
	t.Helper()
	cfg := &gorm.Config{Logger: logger.Discard, TranslateError: true}
	var dial gorm.Dialector
	if st.GetDriver() == "sqlite" {
		dial = sqlite.Open("file:" + st.GetDsn() + "?_pragma=busy_timeout(10000)")
	} else {
		dial = postgres.Open(st.GetDsn())
	}
	db, err := gorm.Open(dial, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if s, err := db.DB(); err == nil {
			_ = s.Close()
		}
	})
	return db
}

// TestTheHomePagesOfTheDemo: what the extensions answer every viewer of
// the demo, on days of every phase, is what they answered before their
// queries counted in SQL (testdata/home.golden.gz, gzipped: 0.9 MB of text), on both storages.
func TestTheHomePagesOfTheDemo(t *testing.T) {
	plugintest.EachDialect(t, func(t *testing.T, d string) {
		h, st := seededDemo(t, d, demoFixture(t))
		got := homePages(t, h, homeDays[2])
		unsettle(t, st)
		countsAsPlainCount(t, st)
		got += "==== unsettled\n" + homePages(t, h, homeDays...)
		const golden = "testdata/home.golden.gz"
		if *update && d == "sqlite" {
			writeGzip(t, golden, got)
			return
		}
		want := readGzip(t, golden)
		if got != string(want) {
			gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
			for i := range min(len(gl), len(wl)) {
				if gl[i] != wl[i] {
					t.Fatalf("the home pages differ from %s at line %d:\ngot  %s\nwant %s", golden, i+1, gl[i], wl[i])
				}
			}
			t.Fatalf("the home pages differ from %s: %d lines, want %d", golden, len(gl), len(wl))
		}
	})
}

// seededDemo starts the plugin on fresh storage of dialect with fixture f
// and runs demo_seed on the demo's day.
func seededDemo(t testing.TB, dialect string, f *plugintest.Fixture) (*plugintest.Harness, *pluginv1.Storage) {
	t.Helper()
	st := plugintest.NewStorage(t, dialect)
	h := plugintest.Start(t, binary, plugintest.WithStorage(st.GetDriver(), st.GetDsn(), st.GetSchema()), plugintest.WithFixture(f))
	h.SetClock(time.Date(2018, 9, 3, 9, 0, 0, 0, time.UTC))
	if err := h.RunJob(h.As(plugintest.AdminID), "demo_seed", nil); err != nil {
		t.Fatal(err)
	}
	return h, st
}

func writeGzip(t *testing.T, path, text string) {
	t.Helper()
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if _, err := w.Write([]byte(text)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readGzip(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// countsAsPlainCount: on the demo, SchoolCounts (school_counts, kept by
// triggers) counts what a plain count of every pupil and score counts.
func countsAsPlainCount(t *testing.T, st *pluginv1.Storage) {
	t.Helper()
	db := openStorage(t, st)
	var pupils []store.TrialPupil
	var points []store.PupilPoint
	var schools []uint64
	if err := db.Find(&pupils).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Find(&points).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Model(&store.TrialSchool{}).Pluck("id", &schools).Error; err != nil {
		t.Fatal(err)
	}
	want := map[uint64]store.SchoolCount{}
	school := map[uint64]uint64{}
	for _, p := range pupils {
		c, ok := want[p.TrialSchoolID]
		if !ok {
			c = store.SchoolCount{Scored: map[rules.Point]int{}}
		}
		c.Pupils++
		if p.ObjectedOn != "" {
			c.Objected++
		} else {
			school[p.ID] = p.TrialSchoolID
		}
		want[p.TrialSchoolID] = c
	}
	for _, x := range points {
		if ts, ok := school[x.TrialPupilID]; ok && x.Score != nil {
			want[ts].Scored[rules.Point(x.Point)]++
		}
	}
	got, err := store.New(db, plugintest.TenantID).SchoolCounts(schools...)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("SchoolCounts on the demo:\n%v\na plain count:\n%v", got, want)
	}
	if len(pupils) < 400 || len(got) < 60 {
		t.Fatalf("the demo has %d pupils, %d schools counted", len(pupils), len(got))
	}
}
