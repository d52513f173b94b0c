package main

import (
	"encoding/csv"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/testdb"
)

// demoFixture is the core demo's partnership as far as the programme
// sees it: the cohort unit with the 2017-18 list's 63 schools, and the
// demo's programme manager, coach (head of Dunraven), participant (a
// senior leader of Lammas), that participant's head, and a head of a
// participant school with the coach role (the core demo's head of a school
// in three programmes), who coaches from today's cohort.
func demoFixture(t *testing.T) *plugintest.Fixture {
	f, err := os.Open("internal/demo/gal-2017-18.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	fx := plugintest.DefaultFixture()
	fx.Units = append(fx.Units, &pluginv1.OrgUnit{Id: cohortUnit, Kind: pluginv1.OrgUnitKind_ORG_UNIT_KIND_COHORT, Name: "Getting Ahead London 2017-18", ParentIds: []uint64{plugintest.RootUnit}})
	ids := map[string]uint64{}
	for i, r := range rows[1:] {
		if _, ok := ids[r[0]]; ok {
			continue // Oaklands School is on both sides
		}
		id := uint64(300 + i)
		ids[r[0]] = id
		phase := pluginv1.Phase_PHASE_SECONDARY
		if strings.Contains(r[0], "Primary") || strings.Contains(r[0], "Infant") || strings.Contains(r[0], "Junior") {
			phase = pluginv1.Phase_PHASE_PRIMARY
		}
		fx.Schools = append(fx.Schools, &pluginv1.School{Id: id, Name: r[0], Phase: phase, ParentIds: []uint64{cohortUnit}})
	}
	fx.People = append(fx.People,
		&pluginv1.Person{Id: 500, Name: "Nadia Osei", Email: "gal.manager@test.example", Grants: manager(cohortUnit)},
		&pluginv1.Person{Id: 501, Name: "Grace Adebayo", Email: "gal.coach@test.example", Grants: coach(ids["Dunraven"])},
		&pluginv1.Person{Id: 502, Name: "Sam Okoro", Email: "gal.participant@test.example", Grants: participant(ids["Lammas School and Sixth Form"])},
		&pluginv1.Person{Id: 503, Name: "Joan Fletcher", Email: "gal.head@test.example", Grants: grants("headteacher", ids["Lammas School and Sixth Form"])},
		&pluginv1.Person{Id: 504, Name: "Cat Central", Email: "central@test.example", Grants: grants("central_team", plugintest.RootUnit)},
		&pluginv1.Person{Id: 505, Name: "Esther Lindo", Email: "head.three@test.example", Grants: coach(ids["Rockliffe Manor Primary School"])},
	)
	return fx
}

// The demo: the 2017-18 cohort as the list has it, its year run and its
// figures, and today's cohort ready for its match, which pairs the demo's
// coach and participant. A second run changes nothing.
func TestDemoSeed(t *testing.T) {
	plugintest.EachDialect(t, func(t *testing.T, d string) {
		driver, dsn, schema := testdb.Storage(t, d)
		h := plugintest.Start(t, binary, plugintest.WithStorage(driver, dsn, schema), plugintest.WithFixture(demoFixture(t)))
		h.SetClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
		c := client{t: t, h: h}
		began := time.Now()
		if err := h.RunJob(h.As(plugintest.AdminID), "demo_seed", nil); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: the demo seed took %s", d, time.Since(began).Round(time.Millisecond))
		if err := h.RunJob(h.As(plugintest.AdminID), "demo_seed", nil); err != nil {
			t.Fatal(err)
		}
		const pm = 500
		home := c.page(pm, "/")
		past := lastID(t, linkTo(t, home, "Getting Ahead London 2017-18"))
		now := lastID(t, linkTo(t, home, "Getting Ahead London 2026-27"))
		if strings.Count(home, "/p/gettingahead/cohorts/") != 2 {
			t.Fatalf("the second run made more cohorts:\n%s", home)
		}
		report := c.page(pm, "/cohorts/"+past+"/report")
		has(t, "2017-18's report", report, "A third of participants were promoted in year one: 33% (16 of 48", "12 to headship",
			"Participants applying for headship rose from 25% to 46%: 12 of 48")
		hours := regexp.MustCompile(`([0-9.]+) hours of coaching in (\d+) sessions, across (\d+) pairs`).FindStringSubmatch(report)
		if hours == nil || hours[3] == "0" {
			t.Fatalf("no hours in the report:\n%s", report)
		}
		pairs := c.page(pm, "/cohorts/"+past+"/pairs")
		if strings.Count(pairs, "/p/gettingahead/pairs/") < 45 {
			t.Fatalf("2017-18 has fewer than 45 pairs:\n%s", pairs)
		}
		// Oaklands School is on both sides: its coach and participant are not a pair.
		match := c.page(pm, "/cohorts/"+past+"/match")
		has(t, "2017-18's match", match, "The match is published", "48 of 48 participants have ranked")
		coachSchool := c.page(pm, "/cohorts/"+past+"/coaches")
		has(t, "2017-18's coaches", coachSchool, "Oaklands School", "Grace Adebayo")

		// The manager's pages at the 2017-18 cohort's size: a few Host calls
		// each, however many pairs (no call per row), timed.
		pairPath := regexp.MustCompile(`/p/gettingahead(/pairs/\d+)`).FindStringSubmatch(pairs)[1]
		for _, path := range []string{"/", "/cohorts/" + past, "/cohorts/" + past + "/match", "/cohorts/" + past + "/pairs",
			"/cohorts/" + past + "/report", "/cohorts/" + past + "/applications", "/cohorts/" + past + "/events", pairPath} {
			before := len(h.Host.Calls())
			began := time.Now()
			c.page(pm, path)
			took := time.Since(began)
			calls := len(h.Host.Calls()) - before
			t.Logf("%s: GET %s: %d Host calls, %s", d, path, calls, took.Round(time.Millisecond))
			if calls > 4 {
				t.Errorf("GET %s makes %d Host calls: batch them", path, calls)
			}
		}

		// The home and school pages on the demo's data, timed: the manager's
		// panels for 50 schools (the most the core asks at once), everyone's
		// to-dos, the central team's figures.
		var schools []uint64
		var lammas, dunraven, rockliffe uint64
		for _, s := range h.Fixture.Schools {
			if len(schools) < 50 && s.GetId() >= 300 {
				schools = append(schools, s.GetId())
			}
			switch s.GetName() {
			case "Lammas School and Sixth Form":
				lammas = s.GetId()
			case "Dunraven":
				dunraven = s.GetId()
			case "Rockliffe Manor Primary School":
				rockliffe = s.GetId()
			}
		}
		timed := func(what string, f func() error) {
			t.Helper()
			began := time.Now()
			if err := f(); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			t.Logf("%s: %s: %s", d, what, time.Since(began).Round(time.Millisecond))
		}
		timed("the manager's 50 school panels", func() error {
			panels, problems, err := h.SchoolPanels(h.As(pm), schools...)
			if err == nil && (len(problems) > 0 || len(panels) < 30) {
				t.Errorf("the manager's panels: %d, problems %q", len(panels), problems)
			}
			return err
		})
		timed("the manager's to-dos", func() error {
			same(t, "the demo manager's to-dos", todoList(t, c, pm), []string{
				"Run the match of Getting Ahead London 2026-27: 30 of 30 participants and 12 of 13 coaches have ranked | /cohorts/" + now + "/match | "})
			return nil
		})
		timed("the participant's to-dos", func() error {
			same(t, "the demo participant's to-dos", todoList(t, c, 502), []string{"Complete your start-of-year self-assessment for Getting Ahead London 2026-27 | /participants/" +
				lastID(t, linkTo(t, c.page(502, "/"), "Your record, coach and sessions")) + "/assessment/start | 2026-10-31"})
			return nil
		})
		for _, what := range []string{"the central team's figures (first call)", "the central team's figures"} {
			timed(what, func() error {
				figs, problems, err := h.Figures(h.As(504))
				if err == nil && (len(problems) > 0 || len(figs) != 4 || figs[0].GetValue() != "30" || figs[1].GetValue() != "13" ||
					figs[3].GetDetail() != "12 of 78 participants since 2017-18 (15%); 16 promoted to any post") {
					t.Errorf("the demo's figures: %v, problems %q", figs, problems)
				}
				return err
			})
		}
		same(t, "the demo head's panel", panelTexts(t, c, 503, lammas)[lammas], []string{"1 leader in the 2026-27 cohort, not yet matched with a coach | " +
			regexp.MustCompile(`/shared/\d+`).FindString(c.page(503, "/shared"))})
		same(t, "the demo coach's panel", panelTexts(t, c, 501, dunraven)[dunraven], []string{"You coach in the 2026-27 cohort, with 3 places | /coaches/" +
			lastID(t, linkTo(t, c.page(501, "/"), "Your participants and rankings"))})
		// The head of a participant school who coaches from today's cohort:
		// her own line on her school's panel, and her ranking to do.
		newCoach := lastID(t, linkTo(t, c.page(505, "/"), "Your participants and rankings"))
		same(t, "the new coach's panel", panelTexts(t, c, 505, rockliffe)[rockliffe], []string{"You coach in the 2026-27 cohort, with 2 places | /coaches/" + newCoach})
		same(t, "the new coach's to-dos", todoList(t, c, 505), []string{"Rank the participants of Getting Ahead London 2026-27 for the match | /coaches/" + newCoach + "/rankings | "})

		// Today's cohort: the manager runs the match and publishes it; the
		// demo's coach and participant are a pair.
		has(t, "today's match page", c.page(pm, "/cohorts/"+now+"/match"), "30 of 30 participants have ranked the coaches; 12 of 13 coaches", "Run the match")
		c.post(pm, "/cohorts/"+now+"/match/run", nil)
		draft := c.page(pm, "/cohorts/"+now+"/match")
		has(t, "today's draft", draft, "Sam Okoro&#39;s 1st choice; Grace Adebayo ranked Sam Okoro 1st")
		c.post(pm, "/cohorts/"+now+"/match/publish", nil)
		coach := c.page(501, "/")
		has(t, "the demo coach's home", coach, "Getting Ahead London 2017-18", "Getting Ahead London 2026-27")
		sam := c.page(502, linkTo(t, c.page(502, "/"), "Your record, coach and sessions"))
		has(t, "the demo participant's record", sam, "Grace Adebayo", "Stop sharing my record")
		has(t, "the head's shared page", c.page(503, "/shared"), "Sam Okoro")
		timed("the coach's to-dos once matched", func() error {
			todos := todoList(t, c, 501)
			// One to-do per participant, each due six weeks after today's start.
			sam := false
			for _, td := range todos {
				sam = sam || strings.HasPrefix(td, "Hold and log your next coaching session with Sam Okoro (0 of 10 hours so far)")
				if !strings.HasPrefix(td, "Hold and log your next coaching session with ") || !strings.HasSuffix(td, " | 2027-01-18") {
					t.Errorf("the demo coach's to-do once matched: %q", td)
				}
			}
			if !sam {
				t.Errorf("the demo coach has no session to hold with Sam Okoro: %q", todos)
			}
			return nil
		})
		if st, _ := c.status(503, "GET", "/cohorts/"+now, nil); st != http.StatusNotFound && st != http.StatusForbidden {
			t.Fatalf("the head opens the cohort: %d", st)
		}
	})
}
