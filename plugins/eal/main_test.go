package main

import (
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

var binary string

// TestMain builds the plugin once; the tests run the binary as the core does.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "eal-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "eal")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build the eal plugin: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// TestContract checks what the core relies on (manifest, migrations run
// twice, every route guarded and answering, jobs, health) on both kinds of
// storage, with a trial whose waves are allocated and revealed, so that
// every route with parameters answers for real.
func TestContract(t *testing.T) {
	plugintest.EachDialect(t, func(t *testing.T, d string) {
		st := plugintest.NewStorage(t, d)
		plugintest.Run(t, binary, plugintest.WithStorage(st.GetDriver(), st.GetDsn(), st.GetSchema()), plugintest.WithFixture(fixture()))
	})
}

// TestEveryRouteAnswersOnATrial requests every route of the manifest, at
// the records of a trial with a revealed wave, as a person holding every
// permission (a post with an empty form): none answers 5xx, and the pages
// are fragments.
func TestEveryRouteAnswersOnATrial(t *testing.T) {
	plugintest.EachDialect(t, func(t *testing.T, d string) {
		x := startRun(t, d)
		x.setUp()
		x.recruit()
		x.randomise(1)
		x.post(x.mgr, x.path("/exports"), nil)
		params := map[string]string{":trial": fmt.Sprint(x.trial), ":wave": "1", ":file": "allocation.csv", ":version": "1", ":pupil": "1", ":delegate": "1"}
		for _, r := range x.h.Manifest.GetRoutes() {
			p := r.GetPath()
			if strings.Contains(p, "/centres/") {
				p = strings.Replace(p, ":unit", fmt.Sprint(centreN), 1)
			}
			p = strings.Replace(p, ":unit", fmt.Sprint(schoolD), 1)
			for k, v := range params {
				p = strings.ReplaceAll(p, k, v)
			}
			resp, err := x.h.Request(x.h.AllPermissions(), r.GetMethod(), p, url.Values{})
			if err != nil {
				t.Fatalf("%s %s: %v", r.GetMethod(), p, err)
			}
			if resp.StatusCode >= 500 || (r.GetMethod() == "GET" && resp.StatusCode == 200 && !resp.Fragment && !strings.Contains(p, "/research/trials/1/")) {
				t.Errorf("%s %s answered %d (fragment %v):\n%s", r.GetMethod(), p, resp.StatusCode, resp.Fragment, resp.String())
			}
		}
	})
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
				t.Errorf("eal depends on %s (go %s); a plugin builds on plugins/ only", p, strings.Join(args, " "))
			}
		}
	}
}

// TestPurePackagesArePure keeps the trial's rules, its randomisation, its
// CSV files and its CONSORT diagram free of storage, the web and the SDK.
func TestPurePackagesArePure(t *testing.T) {
	for _, pkg := range []string{"./internal/rules", "./internal/randomise", "./internal/trialcsv", "./internal/consort"} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, p := range strings.Fields(string(out)) {
			if strings.HasPrefix(p, "gorm.io") || p == "net/http" || strings.HasPrefix(p, "github.com/challengepartners/upwards/plugins/sdk") {
				t.Errorf("%s imports %s: it must stay pure", pkg, p)
			}
		}
	}
}

func TestManifestVersionAndPermissions(t *testing.T) {
	m := manifest()
	if m.GetId() != "eal" || m.GetVersion() != Version {
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
	// The evaluator reads the research view only; the central team never
	// manages nor sees pupils; only school staff record pupils.
	for _, tc := range []struct {
		perm, role string
		want       bool
	}{
		{"eal.research.read", RoleEvaluator, true}, {"eal.trial.read", RoleEvaluator, false}, {"eal.pupil.write", RoleEvaluator, false},
		{"eal.trial.manage", RoleEvaluator, false}, {"eal.trial.manage", RoleTrialManager, true}, {"eal.trial.manage", "central_team", false},
		{"eal.pupil.write", "central_team", false}, {"eal.pupil.write", RoleTrialManager, false}, {"eal.pupil.write", "teacher", true},
		{"eal.centre.run", RoleCentreLead, true}, {"eal.session.log", RoleFacilitator, true}, {"eal.delegate.assess", RoleDelegate, true},
		{"eal.trial.read", RoleDelegate, true},
	} {
		if slices.Contains(roles[tc.perm], tc.role) != tc.want {
			t.Errorf("%s granted to %s: %v, want %v", tc.perm, tc.role, !tc.want, tc.want)
		}
	}
}

// Ids of the test fixture, on top of plugintest.DefaultFixture.
const (
	centreN uint64 = 20 // North Delivery Centre: Birch (host), Dunmore, Elmfield
	centreS uint64 = 21 // South Delivery Centre: Fernhill, Greyfriars, Hollins Park
	schoolD uint64 = 13
	schoolE uint64 = 14
	schoolF uint64 = 15
	schoolG uint64 = 16
	schoolH uint64 = 17
	// Staff: the head of each school is 200+n, its teachers 210+3n…212+3n.
	firstStaff uint64 = 200
	// The trial's people. A plugin role carries only the plugin's
	// permissions, so the trial manager and the centre lead also hold the
	// central team's role (reading schools and people) where they work.
	managerID     uint64 = 300
	centreLeadID  uint64 = 301
	facilitatorID uint64 = 302
)

// trialSchools are the fixture's evaluation schools.
var trialSchools = []uint64{schoolD, schoolE, schoolF, schoolG, schoolH}

// centreOf is the centre of each evaluation school.
var centreOf = map[uint64]uint64{schoolD: centreN, schoolE: centreN, schoolF: centreS, schoolG: centreS, schoolH: centreS}

// headOf and teachersOf are each evaluation school's staff.
func headOf(s uint64) uint64 { return firstStaff + (s - schoolD) }
func teachersOf(s uint64) []uint64 {
	b := firstStaff + 10 + 3*(s-schoolD)
	return []uint64{b, b + 1, b + 2}
}

// fixture is the default fixture with two delivery centres of secondary
// schools, each school with a head, three teachers and EAL pupils.
func fixture() *plugintest.Fixture {
	f := plugintest.DefaultFixture()
	f.Units = append(f.Units,
		&pluginv1.OrgUnit{Id: centreN, Kind: pluginv1.OrgUnitKind_ORG_UNIT_KIND_DELIVERY_CENTRE, Name: "North Delivery Centre", ParentIds: []uint64{plugintest.RootUnit}},
		&pluginv1.OrgUnit{Id: centreS, Kind: pluginv1.OrgUnitKind_ORG_UNIT_KIND_DELIVERY_CENTRE, Name: "South Delivery Centre", ParentIds: []uint64{plugintest.RootUnit}})
	for _, s := range f.Schools {
		if s.GetId() == plugintest.SchoolB {
			s.ParentIds = append(s.ParentIds, centreN) // the North centre's host
		}
	}
	f.People = append(f.People,
		&pluginv1.Person{Id: managerID, Name: "Tamsin Trialwell", Email: "tamsin@test.example", Grants: []*pluginv1.RoleGrant{
			{Role: "central_team", UnitId: plugintest.RootUnit}, {Role: RoleTrialManager, UnitId: plugintest.RootUnit}}},
		&pluginv1.Person{Id: centreLeadID, Name: "Casimir Centrelead", Email: "casimir@test.example", Grants: []*pluginv1.RoleGrant{
			{Role: "central_team", UnitId: centreN}, {Role: RoleCentreLead, UnitId: centreN}}},
		&pluginv1.Person{Id: facilitatorID, Name: "Fenella Facilitova", Email: "fenella@test.example", Grants: []*pluginv1.RoleGrant{
			{Role: RoleFacilitator, UnitId: centreN}}})
	names := map[uint64]string{schoolD: "Dunmore Academy", schoolE: "Elmfield School", schoolF: "Fernhill High School",
		schoolG: "Greyfriars College", schoolH: "Hollins Park School"}
	given := []string{"Zainab", "Yusuf", "Xenia", "Wiktor", "Vesna", "Umar", "Tomasz", "Sakura", "Rafael", "Quang", "Priya", "Olek"}
	family := []string{"Abara", "Bielska", "Castellano", "Dimitrov", "Ekwueme", "Farouk"}
	staffGiven := []string{"Morag", "Lionel", "Kerensa", "Jago", "Ines"}
	pupil := uint64(5000)
	for i, id := range trialSchools {
		f.Schools = append(f.Schools, &pluginv1.School{Id: id, Urn: fmt.Sprintf("91000%d", i), Name: names[id], Phase: pluginv1.Phase_PHASE_SECONDARY,
			ParentIds: []uint64{centreOf[id]}})
		f.People = append(f.People, &pluginv1.Person{Id: headOf(id), Name: staffGiven[i] + " Headley" + family[i], Email: fmt.Sprintf("head%d@test.example", id),
			Grants: []*pluginv1.RoleGrant{{Role: "headteacher", UnitId: id}}})
		for j, tid := range teachersOf(id) {
			f.People = append(f.People, &pluginv1.Person{Id: tid, Name: fmt.Sprintf("%s Tutor%s%d", staffGiven[(i+j+1)%5], family[i], j), Email: fmt.Sprintf("teacher%d@test.example", tid),
				Grants: []*pluginv1.RoleGrant{{Role: "teacher", UnitId: id}}})
		}
		for k := 0; k < 8; k++ {
			f.Pupils = append(f.Pupils, &pluginv1.Pupil{Id: pupil, SchoolId: id, GivenName: given[(int(pupil)+k)%len(given)],
				FamilyName: family[i] + "son", YearGroup: int32(7 + k%5), Gender: []string{"F", "M"}[k%2], Fsm: k%3 == 0,
				Eal: k < 6, EalProficiency: pluginv1.EALProficiency(1 + k%6), DateOfBirth: &pluginv1.Date{Year: 2005, Month: int32(1 + k), Day: 3}})
			pupil++
		}
	}
	return f
}
