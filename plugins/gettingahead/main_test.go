package main

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/testdb"
)

var binary string

// TestMain builds the plugin once; the tests run the binary as the core does.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gettingahead-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "gettingahead")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build the gettingahead plugin: %v\n%s", err, out)
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
// repository, and its pure packages pure: rules and impact import no
// storage, web or SDK, as package match does not (its own test).
func TestImportsNothingFromTheCore(t *testing.T) {
	for _, args := range [][]string{{"list", "-deps", "./..."}, {"list", "-deps", "-test", "./..."}} {
		out, err := exec.Command("go", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		for _, p := range strings.Fields(string(out)) {
			if strings.HasPrefix(p, "github.com/challengepartners/upwards/core") {
				t.Errorf("gettingahead depends on %s (go %s); a plugin builds on plugins/ only", p, strings.Join(args, " "))
			}
		}
	}
	for _, pkg := range []string{"./internal/rules", "./internal/impact"} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, p := range strings.Fields(string(out)) {
			for _, banned := range []string{"gorm.io/", "net/http", "github.com/challengepartners/upwards/plugins/sdk"} {
				if strings.HasPrefix(p, banned) {
					t.Errorf("%s depends on %s: it must stay pure", pkg, p)
				}
			}
		}
	}
}

func TestManifestVersionAndPermissions(t *testing.T) {
	m := manifest()
	if m.GetVersion() != Version || m.GetId() != "gettingahead" {
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
	for _, tc := range []struct {
		perm, role string
		want       bool
	}{
		{"gettingahead.cohort.manage", "gettingahead.programme_manager", true}, {"gettingahead.cohort.manage", "central_team", false},
		{"gettingahead.cohort.manage", "headteacher", false}, {"gettingahead.cohort.manage", "tenant_admin", false},
		{"gettingahead.cohort.manage", "gettingahead.coach", false}, {"gettingahead.coaching.write", "gettingahead.coach", true},
		{"gettingahead.coaching.write", "gettingahead.participant", true}, {"gettingahead.coaching.write", "headteacher", false},
		{"gettingahead.coaching.write", "gettingahead.programme_manager", false},
		{"gettingahead.shared.read", "headteacher", true}, {"gettingahead.shared.read", "gettingahead.coach", false},
		{"gettingahead.programme.read", "headteacher", false}, {"gettingahead.programme.read", "senior_leader", true},
		{"gettingahead.application.submit", "senior_leader", true}, {"gettingahead.research.export", "tenant_admin", false},
		{"gettingahead.research.export", "central_team", false}, {"gettingahead.report.read", "central_team", true},
		{"gettingahead.report.read", "gettingahead.participant", false},
		{"gettingahead.school_panel.read", "headteacher", true}, {"gettingahead.school_panel.read", "gettingahead.coach", true},
		{"gettingahead.school_panel.read", "gettingahead.participant", true}, {"gettingahead.school_panel.read", "gettingahead.programme_manager", true},
		{"gettingahead.school_panel.read", "senior_leader", false}, {"gettingahead.school_panel.read", "teacher", false},
		{"gettingahead.school_panel.read", "central_team", false},
	} {
		if slices.Contains(roles[tc.perm], tc.role) != tc.want {
			t.Errorf("%s granted to %s: %v, want %v", tc.perm, tc.role, !tc.want, tc.want)
		}
	}
}

// Ids of the test fixture, on top of plugintest.DefaultFixture: a cohort
// unit holding schools A to E, and the programme's people.
const (
	cohortUnit  uint64 = 4
	otherCohort uint64 = 5
	schoolD     uint64 = 13
	schoolE     uint64 = 14
	managerID   uint64 = 110 // central team at the cohort unit: its programme manager
	coraID      uint64 = 111 // headteacher at C: a coach
	patID       uint64 = 113 // senior leader at B (the trust's): a participant
	piaID       uint64 = 114 // senior leader at E: a participant
	headEID     uint64 = 115 // headteacher at E: Pia's headteacher
	otherPMID   uint64 = 116 // central team at another cohort unit
	polID       uint64 = 117 // senior leader at A: a participant
	cleoID      uint64 = 118 // headteacher at D: a coach recruited mid-year
	centralID   uint64 = 119 // central team at the tenant's root: reads every cohort's report
	// Colm, the second coach, is plugintest.HeadID: the headteacher of A,
	// in the trust with B.
	colmID = plugintest.HeadID
)

func fixture() *plugintest.Fixture {
	f := plugintest.DefaultFixture()
	f.Units = append(f.Units,
		&pluginv1.OrgUnit{Id: cohortUnit, Kind: pluginv1.OrgUnitKind_ORG_UNIT_KIND_COHORT, Name: "Getting Ahead London 2017-18", ParentIds: []uint64{plugintest.RootUnit}},
		&pluginv1.OrgUnit{Id: otherCohort, Kind: pluginv1.OrgUnitKind_ORG_UNIT_KIND_COHORT, Name: "Getting Ahead Birmingham", ParentIds: []uint64{plugintest.RootUnit}})
	for _, s := range f.Schools {
		s.ParentIds = append(s.ParentIds, cohortUnit)
	}
	f.Schools = append(f.Schools,
		&pluginv1.School{Id: schoolD, Urn: "900004", Name: "Damson Primary School", Phase: pluginv1.Phase_PHASE_PRIMARY, ParentIds: []uint64{cohortUnit}},
		&pluginv1.School{Id: schoolE, Urn: "900005", Name: "Elm Secondary School", Phase: pluginv1.Phase_PHASE_SECONDARY, ParentIds: []uint64{cohortUnit}})
	f.People = append(f.People,
		&pluginv1.Person{Id: managerID, Name: "Maya Manager", Email: "maya@test.example", Grants: manager(cohortUnit)},
		&pluginv1.Person{Id: coraID, Name: "Cora Coach", Email: "cora@test.example", Grants: coach(plugintest.SchoolC)},
		&pluginv1.Person{Id: patID, Name: "Pat Aspire", Email: "pat@test.example", Grants: participant(plugintest.SchoolB)},
		&pluginv1.Person{Id: piaID, Name: "Pia Aspire", Email: "pia@test.example", Grants: participant(schoolE)},
		&pluginv1.Person{Id: headEID, Name: "Eli Head", Email: "eli@test.example", Grants: grants("headteacher", schoolE)},
		&pluginv1.Person{Id: otherPMID, Name: "Otto Manager", Email: "otto@test.example", Grants: manager(otherCohort)},
		&pluginv1.Person{Id: polID, Name: "Pol Aspire", Email: "pol@test.example", Grants: participant(plugintest.SchoolA)},
		&pluginv1.Person{Id: cleoID, Name: "Cleo Coach", Email: "cleo@test.example", Grants: coach(schoolD)},
		&pluginv1.Person{Id: centralID, Name: "Cass Central", Email: "cass@test.example", Grants: grants("central_team", plugintest.RootUnit)},
	)
	for _, p := range f.People {
		if p.GetId() == colmID { // the head of A coaches too
			p.Grants = append(p.Grants, &pluginv1.RoleGrant{Role: "gettingahead.coach", UnitId: plugintest.SchoolA})
		}
	}
	return f
}

func grants(role string, unit uint64) []*pluginv1.RoleGrant {
	return []*pluginv1.RoleGrant{{Role: role, UnitId: unit}}
}

// manager holds the plugin's role at a cohort unit and, to read its
// schools and people, the central team's there.
func manager(unit uint64) []*pluginv1.RoleGrant {
	return []*pluginv1.RoleGrant{{Role: "gettingahead.programme_manager", UnitId: unit}, {Role: "central_team", UnitId: unit}}
}

// coach is a headteacher at school holding the coach role there.
func coach(school uint64) []*pluginv1.RoleGrant {
	return []*pluginv1.RoleGrant{{Role: "headteacher", UnitId: school}, {Role: "gettingahead.coach", UnitId: school}}
}

// participant is a senior leader at school (who may apply) holding the
// participant role there.
func participant(school uint64) []*pluginv1.RoleGrant {
	return []*pluginv1.RoleGrant{{Role: "senior_leader", UnitId: school}, {Role: "gettingahead.participant", UnitId: school}}
}

// client wraps the harness for terse requests.
type client struct {
	t *testing.T
	h *plugintest.Harness
}

func (c client) do(who uint64, method, path string, form url.Values) *plugintest.Response {
	c.t.Helper()
	resp, err := c.h.Request(c.h.As(who), method, path, form)
	if err != nil {
		c.t.Fatalf("%s %s as %d: %v", method, path, who, err)
	}
	return resp
}

// post posts form and expects a redirect, returning its location.
func (c client) post(who uint64, path string, form url.Values) string {
	c.t.Helper()
	resp := c.do(who, "POST", path, form)
	if resp.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("POST %s as %d = %d, want 303:\n%s", path, who, resp.StatusCode, resp.String())
	}
	return resp.Location()
}

// page gets path and expects a 200 page, returning its body.
func (c client) page(who uint64, path string) string {
	c.t.Helper()
	resp := c.do(who, "GET", path, nil)
	if resp.StatusCode != http.StatusOK || !resp.Fragment {
		c.t.Fatalf("GET %s as %d = %d (page %v):\n%s", path, who, resp.StatusCode, resp.Fragment, resp.String())
	}
	return resp.String()
}

// status requests and returns the status and body.
func (c client) status(who uint64, method, path string, form url.Values) (int, string) {
	c.t.Helper()
	resp := c.do(who, method, path, form)
	return resp.StatusCode, resp.String()
}

// has fails unless body holds every one of want.
func has(t *testing.T, where, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Fatalf("%s lacks %q:\n%s", where, w, body)
		}
	}
}

// lacks fails if body holds any of bad.
func lacks(t *testing.T, where, body string, bad ...string) {
	t.Helper()
	for _, b := range bad {
		if strings.Contains(body, b) {
			t.Fatalf("%s shows %q:\n%s", where, b, body)
		}
	}
}
