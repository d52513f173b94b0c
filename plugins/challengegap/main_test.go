package main

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/testdb"
)

var binary string

// TestMain builds the plugin once; the tests run the binary as the core does.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "challengegap-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "challengegap")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build the challengegap plugin: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// TestContract checks what the core relies on (manifest, migrations run
// twice, every route guarded and answering, jobs, health) on both kinds of
// storage the core hands a plugin.
func TestContract(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			driver, dsn, schema := testdb.Storage(t, d)
			plugintest.Run(t, binary, plugintest.WithStorage(driver, dsn, schema), plugintest.WithFixture(fixture()))
		})
	}
}

// TestImportsNothingFromTheCore keeps the plugin buildable outside the
// repository: it is built only on the contract and the SDK.
func TestImportsNothingFromTheCore(t *testing.T) {
	for _, args := range [][]string{{"list", "-deps", "./..."}, {"list", "-deps", "-test", "./..."}} {
		out, err := exec.Command("go", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		for _, p := range strings.Fields(string(out)) {
			if strings.HasPrefix(p, "github.com/challengepartners/upwards/core") {
				t.Errorf("challengegap depends on %s (go %s); a plugin builds on plugins/ only", p, strings.Join(args, " "))
			}
		}
	}
}

func TestManifestVersionAndPermissions(t *testing.T) {
	m := manifest()
	if m.GetVersion() != "0.4.1" || m.GetId() != "challengegap" {
		t.Fatalf("manifest %s %s", m.GetId(), m.GetVersion())
	}
	changelog, err := os.ReadFile("CHANGELOG.md")
	if err != nil || !strings.Contains(string(changelog), "## "+Version) {
		t.Fatalf("CHANGELOG.md has no entry for %s (%v)", Version, err)
	}
	roles := map[string][]string{}
	for _, p := range m.GetPermissions() {
		roles[p.GetName()] = p.GetDefaultRoles()
	}
	has := func(perm, role string) bool {
		for _, r := range roles[perm] {
			if r == role {
				return true
			}
		}
		return false
	}
	// Trust leaders and the central team read; only the central team and
	// admins manage; trust leaders and the central team act for no school.
	for _, tc := range []struct {
		perm, role string
		want       bool
	}{
		{"challengegap.programme.read", "trust_leader", true}, {"challengegap.programme.read", "central_team", true},
		{"challengegap.programme.manage", "central_team", true}, {"challengegap.programme.manage", "trust_leader", false},
		{"challengegap.programme.manage", "headteacher", false}, {"challengegap.school.lead", "headteacher", true},
		{"challengegap.school.lead", "trust_leader", false}, {"challengegap.school.lead", "central_team", false},
		{"challengegap.school.lead", "teacher", false}, {"challengegap.school.work", "teacher", true},
		{"challengegap.school.work", "para_professional", true}, {"challengegap.school.work", "trust_leader", false},
		{"challengegap.school.work", "central_team", false},
	} {
		if has(tc.perm, tc.role) != tc.want {
			t.Errorf("%s granted to %s: %v, want %v", tc.perm, tc.role, !tc.want, tc.want)
		}
	}
}

// Ids of the test fixture, on top of plugintest.DefaultFixture.
const (
	clusterUnit uint64 = 4
	schoolD     uint64 = 13 // primary, in the cluster
	schoolE     uint64 = 14 // secondary, outside the cluster
	centralID   uint64 = 104
	headBID     uint64 = 105
	mathsID     uint64 = 106 // teacher at A
	paraID      uint64 = 107 // para-professional at A
	headEID     uint64 = 108
	trustID     uint64 = 109
	hubID       uint64 = 110
	// Pupils of A in the default fixture: 1000 (Y3, PP), 1001 (Y4, not
	// disadvantaged), 1002 (Y5, PP); y6Pupil (Y6, PP); and 1101-1103 (PP).
	y6Pupil uint64 = 1100
)

// fixture is the default fixture with a cluster (schools A, B and D), a
// school E outside it, and the people of a programme.
func fixture() *plugintest.Fixture {
	f := plugintest.DefaultFixture()
	f.Units = append(f.Units, &pluginv1.OrgUnit{Id: clusterUnit, Kind: pluginv1.OrgUnitKind_ORG_UNIT_KIND_CLUSTER, Name: "North Cluster", ParentIds: []uint64{plugintest.RootUnit}})
	for _, s := range f.Schools {
		if s.GetId() == plugintest.SchoolA || s.GetId() == plugintest.SchoolB {
			s.ParentIds = append(s.ParentIds, clusterUnit)
		}
	}
	f.Schools = append(f.Schools,
		&pluginv1.School{Id: schoolD, Urn: "900004", Name: "Damson Primary School", Phase: pluginv1.Phase_PHASE_PRIMARY, ParentIds: []uint64{clusterUnit}},
		&pluginv1.School{Id: schoolE, Urn: "900005", Name: "Elm Secondary School", Phase: pluginv1.Phase_PHASE_SECONDARY, ParentIds: []uint64{plugintest.RootUnit}},
	)
	// A Y6 pupil premium pupil at A: in an exam year by default.
	f.Pupils = append(f.Pupils, &pluginv1.Pupil{Id: y6Pupil, SchoolId: plugintest.SchoolA, GivenName: "Gio", FamilyName: "Testpupil",
		DateOfBirth: &pluginv1.Date{Year: 2012, Month: 3, Day: 4}, YearGroup: 6, PupilPremium: true})
	// Three more pupils at A, so that A can show five on the cluster's matrix.
	for i, name := range []string{"Iris", "Jude", "Kai"} {
		f.Pupils = append(f.Pupils, &pluginv1.Pupil{Id: y6Pupil + 1 + uint64(i), SchoolId: plugintest.SchoolA, GivenName: name, FamilyName: "Testpupil",
			DateOfBirth: &pluginv1.Date{Year: 2014, Month: int32(5 + i), Day: 1}, YearGroup: int32(3 + i), PupilPremium: true})
	}
	g := func(role string, unit uint64) []*pluginv1.RoleGrant {
		return []*pluginv1.RoleGrant{{Role: role, UnitId: unit}}
	}
	f.People = append(f.People,
		&pluginv1.Person{Id: centralID, Name: "Cora Central", Email: "cora@test.example", Grants: g("central_team", plugintest.RootUnit)},
		&pluginv1.Person{Id: headBID, Name: "Bea Head", Email: "bea@test.example", Grants: g("headteacher", plugintest.SchoolB)},
		&pluginv1.Person{Id: mathsID, Name: "Tom Maths", Email: "tom@test.example", Grants: g("teacher", plugintest.SchoolA)},
		&pluginv1.Person{Id: paraID, Name: "Pia Para", Email: "pia@test.example", Grants: g("para_professional", plugintest.SchoolA)},
		&pluginv1.Person{Id: headEID, Name: "Eve Head", Email: "eve@test.example", Grants: g("headteacher", schoolE)},
		&pluginv1.Person{Id: trustID, Name: "Tara Trust", Email: "tara@test.example", Grants: g("trust_leader", plugintest.TrustUnit)},
		&pluginv1.Person{Id: hubID, Name: "Hal Hub", Email: "hal@test.example", Grants: g("hub_manager", plugintest.HubUnit)},
	)
	return f
}

// client wraps the harness for terse requests that must succeed.
type client struct {
	t *testing.T
	h *plugintest.Harness
}

func (c client) do(who uint64, method, path string, form url.Values) *pluginv1.HandleHTTPResponse {
	c.t.Helper()
	resp, err := c.h.HTTP(c.h.As(who), method, path, form)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

// post posts form and expects a redirect, returning its location.
func (c client) post(who uint64, path string, form url.Values) string {
	c.t.Helper()
	resp := c.do(who, "POST", path, form)
	if resp.GetStatus() != http.StatusSeeOther {
		c.t.Fatalf("POST %s as %d = %d, want 303:\n%s", path, who, resp.GetStatus(), resp.GetBody())
	}
	return location(resp)
}

// page gets path and expects 200, returning the body.
func (c client) page(who uint64, path string) string {
	c.t.Helper()
	resp := c.do(who, "GET", path, nil)
	if resp.GetStatus() != http.StatusOK || !resp.GetFragment() {
		c.t.Fatalf("GET %s as %d = %d (fragment %v):\n%s", path, who, resp.GetStatus(), resp.GetFragment(), resp.GetBody())
	}
	return string(resp.GetBody())
}

// status requests and returns the status and body.
func (c client) status(who uint64, method, path string, form url.Values) (int32, string) {
	c.t.Helper()
	resp := c.do(who, method, path, form)
	return resp.GetStatus(), string(resp.GetBody())
}

func location(r *pluginv1.HandleHTTPResponse) string {
	for _, h := range r.GetHeaders() {
		if h.GetName() == "Location" && len(h.GetValues()) > 0 {
			return h.GetValues()[0]
		}
	}
	return ""
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Fatalf("%s lacks %q:\n%s", what, w, body)
		}
	}
}

func mustNotContain(t *testing.T, what, body string, nots ...string) {
	t.Helper()
	for _, w := range nots {
		if strings.Contains(body, w) {
			t.Fatalf("%s contains %q:\n%s", what, w, body)
		}
	}
}

// firstID returns the first number captured by pattern in body.
func firstID(t *testing.T, body, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in:\n%s", pattern, body)
	}
	return m[1]
}

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

func id(n uint64) string { return fmt.Sprint(n) }

// fixtureToday is the day the tests run on: in 2017-18, the programme year
// of the tests, whose year groups the fixture's pupils have.
var fixtureToday = time.Date(2018, time.January, 15, 10, 0, 0, 0, time.UTC)

// eachStorage starts the plugin on a fresh fixture (fixture()) with SQLite
// and with PostgreSQL storage and runs fn on each.
func eachStorage(t *testing.T, fn func(t *testing.T, fx *plugintest.Fixture, h *plugintest.Harness), opts ...plugintest.Option) {
	t.Helper()
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			fx := fixture()
			driver, dsn, schema := testdb.Storage(t, d)
			all := append([]plugintest.Option{plugintest.WithFixture(fx), plugintest.WithStorage(driver, dsn, schema)}, opts...)
			h := plugintest.Start(t, binary, all...)
			// The fixture's year groups are those of 2017-18, the year the
			// tests run the programme in: the plugin reads them as today's.
			h.SetClock(fixtureToday)
			fn(t, fx, h)
		})
	}
}
