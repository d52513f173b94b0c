package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/testdb"
)

// demoFixture is a network of the real list's size: 418 schools in 31
// hubs, a few in trusts, with the demo's logins.
func demoFixture() (*plugintest.Fixture, map[string]uint64) { return networkFixture(418) }

// networkFixture is a network of n schools in 31 hubs.
func networkFixture(n int) (*plugintest.Fixture, map[string]uint64) {
	f := plugintest.DefaultFixture()
	f.Units, f.Schools, f.People, f.Pupils = f.Units[:1], nil, f.People[:1], nil
	roll := func(n int32) *int32 { return &n }
	ids := map[string]uint64{}
	var next uint64 = 1000
	hubs := []string{"Ash Field Hub", "London West Hub", "Portsmouth Hub", "Cornwall Hub"}
	for len(hubs) < 31 {
		hubs = append(hubs, fmt.Sprintf("Generated Hub %d", len(hubs)))
	}
	trust := uint64(900)
	f.Units = append(f.Units, &pluginv1.OrgUnit{Id: trust, Kind: pluginv1.OrgUnitKind_ORG_UNIT_KIND_TRUST, Name: "Meridian Trust", ParentIds: []uint64{plugintest.RootUnit}})
	for h, name := range hubs {
		hub := uint64(100 + h)
		f.Units = append(f.Units, &pluginv1.OrgUnit{Id: hub, Kind: pluginv1.OrgUnitKind_ORG_UNIT_KIND_HUB, Name: name, ParentIds: []uint64{plugintest.RootUnit}})
		for i := 0; i < n/31+map[bool]int{true: 1}[h < n%31]; i++ {
			next++
			parents := []uint64{hub}
			if i == 0 && h < 6 {
				parents = append(parents, trust)
			}
			phase, r := pluginv1.Phase_PHASE_PRIMARY, int32(180+(i*37)%470)
			if i%3 == 0 {
				phase, r = pluginv1.Phase_PHASE_SECONDARY, int32(650+(i*91)%1200)
			}
			f.Schools = append(f.Schools, &pluginv1.School{Id: next, Urn: fmt.Sprintf("9%05d", next), Name: fmt.Sprintf("School %d of %s", i+1, name),
				Phase: phase, PupilsOnRoll: roll(r), ParentIds: parents})
			if h == 0 && i == 0 {
				ids["host school"] = next
			}
			if h == 1 && i == 0 {
				ids["other school"] = next
			}
			if h == 2 && i == 1 {
				ids["soon school"] = next
			}
		}
	}
	g := func(role string, unit uint64) []*pluginv1.RoleGrant {
		return []*pluginv1.RoleGrant{{Role: role, UnitId: unit}}
	}
	f.People = append(f.People,
		&pluginv1.Person{Id: 201, Name: "Tom Okafor", Email: "central@partnership.example.org", Grants: g("central_team", plugintest.RootUnit)},
		&pluginv1.Person{Id: 202, Name: "Daniel Reyes", Email: "hub.manager@partnership.example.org", Grants: g("hub_manager", 100)},
		&pluginv1.Person{Id: 203, Name: "Grace Whitfield", Email: "lead.reviewer@partnership.example.org", Grants: g("lead_reviewer", 100)},
		&pluginv1.Person{Id: 204, Name: "Sam Patel", Email: "reviewer@partnership.example.org", Grants: g("reviewer", 100)},
		&pluginv1.Person{Id: 205, Name: "Ruth Adeyemi", Email: "headteacher@partnership.example.org", Grants: g("headteacher", ids["host school"])},
		&pluginv1.Person{Id: 206, Name: "Nina Okoye", Email: "head.otherhub@partnership.example.org", Grants: g("headteacher", ids["other school"])},
		&pluginv1.Person{Id: 207, Name: "Esther Lindo", Email: "head.three@partnership.example.org", Grants: g("headteacher", ids["soon school"])},
	)
	ids["central"], ids["hub manager"], ids["lead"], ids["host head"], ids["other head"], ids["soon head"] = 201, 202, 203, 205, 206, 207
	return f, ids
}

// TestTheDemoFillsTheBoardAndLeavesTheJourneyToDo runs the demo job on a
// network of the real size: two years, every seat of this year filled,
// last year's reports published (their EBIs carried forward), the host
// head's review this week led by the demo Lead Reviewer with its report
// still to write; a second run changes nothing. It reports the time.
func TestTheDemoFillsTheBoardAndLeavesTheJourneyToDo(t *testing.T) {
	fx, ids := demoFixture()
	driver, dsn, schema := testdb.Storage(t, "sqlite")
	h := plugintest.Start(t, binary, plugintest.WithStorage(driver, dsn, schema), plugintest.WithFixture(fx))
	h.SetClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)) // Mon 7 Dec 2026: week 13 of 2026-27
	c := client{t, h}
	start := time.Now()
	if err := h.RunJob(h.As(plugintest.AdminID), "demo_seed", nil); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	t.Logf("demo_seed for 418 schools in 31 hubs: %.1f s", took.Seconds())
	if err := h.RunJob(h.As(plugintest.AdminID), "demo_seed", nil); err != nil {
		t.Fatal(err)
	}
	home := c.page(ids["central"], "/")
	mustContain(t, "home", home, "Year board 2026-27", "Year board 2025-26")
	board := c.page(ids["central"], "/years/2")
	mustContain(t, "the board", board, "418 member schools", "418", "Reports overdue")
	m := regexp.MustCompile(`Seats filled</p>\s*<p class="ui-stat-value">(\d+) of (\d+)</p>`).FindStringSubmatch(board)
	if m == nil || m[1] != m[2] {
		t.Fatalf("this year's seats: %v", m)
	}
	t.Logf("this year's seats filled: %s of %s", m[1], m[2])
	// Last year's reports are all published: none overdue, none waiting.
	last := c.page(ids["central"], "/years/1")
	if !regexp.MustCompile(`Reports overdue</p>\s*<p class="ui-stat-value">0</p>`).MatchString(last) || strings.Contains(last, "Publish the agreed reports") {
		t.Fatalf("last year's board:\n%s", last)
	}
	// Grace's page lists the host head's review this week, to write.
	me := c.page(ids["lead"], "/me")
	mustContain(t, "Grace's page", me, "School 1 of Ash Field Hub", "Write the report", "Lead seat")
	// The host's review carries last year's EBIs forward.
	review := regexp.MustCompile(`href="/p/networkexcellence(/reviews/\d+)">School 1 of Ash Field Hub`).FindStringSubmatch(me)
	if review == nil {
		t.Fatal("no link to the host's review")
	}
	page := c.page(ids["lead"], review[1])
	mustContain(t, "the host's review", page, "Progress on last year&#39;s Even Better If 1", "Write the report")
	if code, _ := c.status(ids["other head"], "GET", review[1], nil); code != 404 {
		t.Fatalf("the other hub's head sees the review: %d", code)
	}
	mustContain(t, "the hub page", c.page(ids["hub manager"], "/hubs/100"), "Hub Action Plan", "Agreed at the hub")
	mustContain(t, "the register", c.page(ids["central"], "/reviewers"), "Reviewers on the register", "Lead Reviewers")
	mustContain(t, "the trust", c.page(ids["central"], "/trusts/900"), "Meridian Trust")

	// The Directory's demo: 304 schools with AoEs, 26 hosts, days booked and rated.
	all := c.page(ids["host head"], "/directory")
	mustContain(t, "the Directory", all, "418 schools")
	// It lists 25 a page: 17 pages, the last with the 18 left; page 2 and
	// the last keep the query; a page that is no number is refused.
	listed := regexp.MustCompile(`href="/p/networkexcellence/directory/schools/(\d+)"`)
	if n := len(listed.FindAllString(all, -1)); n != 25 || !strings.Contains(all, `href="?page=2" rel="next"`) {
		t.Fatalf("the Directory's first page lists %d schools", n)
	}
	seen := map[string]bool{}
	for _, p := range []string{"", "&page=2", "&page=17"} {
		for _, m := range listed.FindAllStringSubmatch(c.page(ids["host head"], "/directory?phase="+p), -1) {
			if seen[m[1]] {
				t.Fatalf("school %s on two pages", m[1])
			}
			seen[m[1]] = true
		}
	}
	if len(seen) != 25+25+18 {
		t.Fatalf("pages 1, 2 and 17 list %d schools", len(seen))
	}
	lastPage := c.page(ids["host head"], "/directory?page=17")
	if n := len(listed.FindAllString(lastPage, -1)); n != 18 || !strings.Contains(lastPage, "418 schools") || strings.Contains(lastPage, `rel="next"`) {
		t.Fatalf("the Directory's last page lists %d schools", n)
	}
	if !strings.Contains(c.page(ids["host head"], "/directory?q=school&page=2"), `href="?page=3&amp;q=school"`) {
		t.Fatal("page 2 of a search loses the search in its links")
	}
	if code, _ := c.status(ids["host head"], "GET", "/directory?page=two", nil); code != 400 {
		t.Fatalf("page=two = %d", code)
	}
	if n := strings.Count(c.page(ids["central"], "/aoes"), `<td><a href="/p/networkexcellence/directory/schools/`); n != 304 {
		t.Fatalf("%d accredited areas", n)
	}
	oracy := c.page(ids["host head"], "/directory?q=oracy&ldd=yes")
	mustContain(t, "an oracy search", oracy, "Area of Excellence:", "hosts Leadership Development Days")
	days := c.page(ids["host head"], "/days")
	dayLinks := regexp.MustCompile(`href="/p/networkexcellence(/days/\d+)">(Oracy[^<]*)</a>`).FindAllStringSubmatch(days, -1)
	bookable := false
	for _, d := range dayLinks {
		if strings.Contains(c.page(ids["host head"], d[1]), "Book for School 1 of Ash Field Hub") {
			bookable = true
			break
		}
	}
	if !bookable {
		t.Fatalf("no oracy day the host head can book among %d:\n%s", len(dayLinks), days)
	}
	figs := c.page(ids["central"], "/figures")
	m = regexp.MustCompile(`<p class="ui-stat-value">(\d\.\d)/10</p>\s*<p class="ui-stat-n">n = (\d+)</p>`).FindStringSubmatch(figs[strings.Index(figs, "Leadership Development Days&#39; rating")-200:])
	mustContain(t, "the figures", figs, "pairs", "% of hubs")
	t.Logf("demo figures: LDD rating %v", m)

	// The core's home and school pages for the demo's logins (extensions),
	// each call timed on the demo's data (the core waits about 300 ms).
	timed := func(what string, fn func() string) string {
		start := time.Now()
		out := fn()
		t.Logf("%s: %d ms\n%s", what, time.Since(start).Milliseconds(), out)
		return out
	}
	host := ids["host school"]
	mustContain(t, "Ruth's panel", timed("the host head's panel", func() string { return panelOf(t, c, ids["host head"], host) }),
		"Member school of Ash Field Hub in 2026-27", "QA Review under way: week 13, 2 days from Mon 7 Dec 2026", "Last review (2025-26): report published")
	mustContain(t, "Ruth's to-dos", timed("the host head's to-dos", func() string { return todosOf(t, c, ids["host head"]) }),
		"Rate the Leadership Development Day you attended on")
	// head.three@'s school is reviewed next week: its self-evaluation to write.
	soon := ids["soon school"]
	mustContain(t, "Esther's panel", timed("the soon head's panel", func() string { return panelOf(t, c, ids["soon head"], soon) }),
		"QA Review booked for week 14 (w/c Mon 14 Dec 2026), 2 days", "Write the school's self-evaluation before the review starts on Mon 14 Dec 2026")
	mustContain(t, "Esther's to-dos", timed("the soon head's to-dos", func() string { return todosOf(t, c, ids["soon head"]) }),
		"self-evaluation for its QA Review on Mon 14 Dec 2026", "by 2026-12-14")
	mustContain(t, "Grace's to-dos", timed("the Lead Reviewer's to-dos", func() string { return todosOf(t, c, ids["lead"]) }),
		"Write and submit the report of the QA Review of School 1 of Ash Field Hub → /reviews/", " by 2026-12-22")
	mustContain(t, "Daniel's to-dos", timed("the hub manager's to-dos", func() string { return todosOf(t, c, ids["hub manager"]) }),
		"Ash Field Hub meeting on Thu 17 Dec 2026: The Hub Action Plan's priorities (0 places of 30 booked) → /hubs/100/meetings by 2026-12-17")
	timed("the central team's to-dos", func() string { return todosOf(t, c, ids["central"]) })
	var fifty []uint64
	for _, sc := range fx.Schools[:50] {
		fifty = append(fifty, sc.GetId())
	}
	timed("50 schools' panels for the central team", func() string {
		panels, problems, err := h.SchoolPanels(h.As(ids["central"]), fifty...)
		if err != nil || len(problems) > 0 || len(panels) != 50 {
			t.Fatalf("50 panels: %d, %v, problems %q", len(panels), err, problems)
		}
		return fmt.Sprintf("%d panels", len(panels))
	})
	figures := timed("the figures", func() string {
		var out []string
		for label, v := range figuresOf(t, c, ids["central"]) {
			out = append(out, label+": "+v)
		}
		return strings.Join(out, "\n")
	})
	if m != nil {
		mustContain(t, "the figures", figures, "Leadership Development Day rating: "+m[1]+"/10 | n = "+m[2]+" ratings in 2026-27")
	}
}

// TestTheMapDataOf550SchoolsIsUnder100KB: the map's one response for all
// of a partnership of 550 schools, compressed, from the demo.
func TestTheMapDataOf550SchoolsIsUnder100KB(t *testing.T) {
	fx, ids := networkFixture(550)
	driver, dsn, schema := testdb.Storage(t, "sqlite")
	h := plugintest.Start(t, binary, plugintest.WithStorage(driver, dsn, schema), plugintest.WithFixture(fx))
	h.SetClock(time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC))
	if err := h.RunJob(h.As(plugintest.AdminID), "demo_seed", nil); err != nil {
		t.Fatal(err)
	}
	resp, err := h.Get(h.As(ids["host head"]), "/directory/map.json")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("map data %v", err)
	}
	var md struct{ Schools [][]any }
	if err := json.Unmarshal([]byte(resp.String()), &md); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write([]byte(resp.String()))
	_ = zw.Close()
	t.Logf("map data of %d schools: %d bytes, %d gzipped", len(md.Schools), len(resp.String()), b.Len())
	if len(md.Schools) != 550 || b.Len() >= 100_000 {
		t.Fatalf("%d schools in %d bytes gzipped", len(md.Schools), b.Len())
	}
}
