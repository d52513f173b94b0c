package plugintest

import (
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// CoreRoles are the core's role names, broadest first (core/authz.Roles).
var CoreRoles = []string{
	"tenant_admin", "central_team", "senior_partner", "hub_manager", "trust_leader", "headteacher",
	"senior_leader", "teacher", "para_professional", "lead_reviewer", "reviewer",
}

// CorePermissions are the core's permissions a plugin route may require
// (core/authz.Permissions without "public").
var CorePermissions = []string{
	"core.dashboard.view", "core.orgunit.read", "core.orgunit.write", "core.school.read", "core.pupil.read",
	"core.pupil.write", "core.pupil.import",
	"core.user.read", "core.user.write", "core.role.grant", "core.tenant.read", "core.tenant.write",
	"core.audit.read", "core.privacy.manage", "core.jobs.admin", "authenticated",
}

// corePolicy is the core's role → permission table (policies/core_policy.csv).
var corePolicy = map[string][]string{
	"tenant_admin": {"core.dashboard.view", "core.orgunit.read", "core.orgunit.write", "core.school.read", "core.pupil.read",
		"core.pupil.write", "core.pupil.import", "core.user.read", "core.user.write", "core.role.grant", "core.tenant.read", "core.tenant.write", "core.audit.read",
		"core.privacy.manage"},
	"central_team":      {"core.dashboard.view", "core.orgunit.read", "core.school.read", "core.user.read", "core.audit.read", "core.tenant.read"},
	"senior_partner":    {"core.dashboard.view", "core.orgunit.read", "core.school.read"},
	"hub_manager":       {"core.dashboard.view", "core.orgunit.read", "core.school.read"},
	"trust_leader":      {"core.dashboard.view", "core.orgunit.read", "core.school.read", "core.pupil.read", "core.user.read"},
	"headteacher":       {"core.dashboard.view", "core.orgunit.read", "core.school.read", "core.pupil.read", "core.pupil.write", "core.pupil.import", "core.user.read"},
	"senior_leader":     {"core.dashboard.view", "core.orgunit.read", "core.school.read", "core.pupil.read", "core.pupil.write", "core.pupil.import", "core.user.read"},
	"teacher":           {"core.dashboard.view", "core.orgunit.read", "core.school.read", "core.pupil.read"},
	"para_professional": {"core.dashboard.view", "core.orgunit.read", "core.school.read", "core.pupil.read"},
	"lead_reviewer":     {"core.dashboard.view", "core.orgunit.read", "core.school.read"},
	"reviewer":          {"core.dashboard.view", "core.orgunit.read", "core.school.read"},
}

// CorePolicy returns a copy of the core's role → permission table, as the
// test Host answers from it.
func CorePolicy() map[string][]string {
	out := make(map[string][]string, len(corePolicy))
	for role, perms := range corePolicy {
		out[role] = append([]string(nil), perms...)
	}
	return out
}

// Tenant is the fixture's tenant.
type Tenant struct {
	ID   uint64
	Slug string
	Name string
}

// Fixture is the data the test Host answers from.
type Fixture struct {
	Tenant Tenant
	// RootUnitID is the tenant's root unit (kind TENANT), among Units.
	RootUnitID uint64
	// Units are the org units other than schools.
	Units   []*pluginv1.OrgUnit
	Schools []*pluginv1.School
	// People and their role grants.
	People []*pluginv1.Person
	Pupils []*pluginv1.Pupil
	// Settings are the tenant's values of the plugin's settings, over the
	// manifest's defaults.
	Settings map[string]string
}

// Ids of DefaultFixture, for tests.
const (
	TenantID    uint64 = 1
	RootUnit    uint64 = 1
	TrustUnit   uint64 = 2
	HubUnit     uint64 = 3
	SchoolA     uint64 = 10 // in the trust and the hub
	SchoolB     uint64 = 11 // in the trust
	SchoolC     uint64 = 12 // in the hub only
	AdminID     uint64 = 100
	HeadID      uint64 = 101 // headteacher of SchoolA
	TeacherID   uint64 = 102 // teacher at SchoolB
	NoGrantsID  uint64 = 103
	firstPupil  uint64 = 1000
	pupilsEach         = 3
	schoolCount        = 3
)

// DefaultFixture returns a fresh copy of the standard fixture: the tenant
// "test" with a trust (schools A and B), a hub (schools A and C), a tenant
// admin, the headteacher of A, a teacher at B, a person with no grants and
// three pupils per school. Every name and address is invented.
func DefaultFixture() *Fixture {
	pb := func(v int32) *int32 { return &v }
	f := &Fixture{
		Tenant:     Tenant{ID: TenantID, Slug: "test", Name: "Test Partnership"},
		RootUnitID: RootUnit,
		Units: []*pluginv1.OrgUnit{
			{Id: RootUnit, Kind: pluginv1.OrgUnitKind_ORG_UNIT_KIND_TENANT, Name: "Test Partnership"},
			{Id: TrustUnit, Kind: pluginv1.OrgUnitKind_ORG_UNIT_KIND_TRUST, Name: "Brookside Learning Trust", ParentIds: []uint64{RootUnit}},
			{Id: HubUnit, Kind: pluginv1.OrgUnitKind_ORG_UNIT_KIND_HUB, Name: "Elm Hub", ParentIds: []uint64{RootUnit}},
		},
		Schools: []*pluginv1.School{
			{Id: SchoolA, Urn: "900001", Name: "Alder Primary School", Phase: pluginv1.Phase_PHASE_PRIMARY,
				OfstedGrade: pluginv1.OfstedGrade_OFSTED_GRADE_GOOD, PupilsOnRoll: pb(212), ParentIds: []uint64{TrustUnit, HubUnit}},
			{Id: SchoolB, Urn: "900002", Name: "Birch Academy", Phase: pluginv1.Phase_PHASE_SECONDARY,
				OfstedGrade: pluginv1.OfstedGrade_OFSTED_GRADE_OUTSTANDING, PupilsOnRoll: pb(940), ParentIds: []uint64{TrustUnit}},
			{Id: SchoolC, Urn: "900003", Name: "Cedar Special School", Phase: pluginv1.Phase_PHASE_SPECIAL,
				ParentIds: []uint64{HubUnit}},
		},
		People: []*pluginv1.Person{
			{Id: AdminID, Name: "Ada Admin", Email: "ada.admin@test.example", Grants: []*pluginv1.RoleGrant{{Role: "tenant_admin", UnitId: RootUnit}}},
			{Id: HeadID, Name: "Hari Head", Email: "hari.head@test.example", Grants: []*pluginv1.RoleGrant{{Role: "headteacher", UnitId: SchoolA}}},
			{Id: TeacherID, Name: "Tess Teacher", Email: "tess.teacher@test.example", Grants: []*pluginv1.RoleGrant{{Role: "teacher", UnitId: SchoolB}}},
			{Id: NoGrantsID, Name: "Nora Nogrants", Email: "nora.nogrants@test.example"},
		},
		Settings: map[string]string{},
	}
	given := []string{"Amara", "Ben", "Chen", "Dara", "Eli", "Fatima", "Gus", "Hana", "Ivo"}
	for i := 0; i < schoolCount*pupilsEach; i++ {
		f.Pupils = append(f.Pupils, &pluginv1.Pupil{
			Id: firstPupil + uint64(i), SchoolId: f.Schools[i/pupilsEach].GetId(), GivenName: given[i], FamilyName: "Testpupil",
			DateOfBirth: &pluginv1.Date{Year: 2015, Month: int32(1 + i), Day: 10}, YearGroup: int32(3 + i%3),
			PupilPremium: i%2 == 0, Eal: i%3 == 0, Sen: pluginv1.SENProvision_SEN_PROVISION_NONE,
		})
	}
	return f
}

// parents returns the parent ids of unit id.
func (f *Fixture) parents(id uint64) []uint64 {
	for _, u := range f.Units {
		if u.GetId() == id {
			return u.GetParentIds()
		}
	}
	for _, s := range f.Schools {
		if s.GetId() == id {
			return s.GetParentIds()
		}
	}
	return nil
}

// hasUnit reports whether id is a unit or school of the fixture.
func (f *Fixture) hasUnit(id uint64) bool {
	for _, u := range f.Units {
		if u.GetId() == id {
			return true
		}
	}
	for _, s := range f.Schools {
		if s.GetId() == id {
			return true
		}
	}
	return false
}

// within reports whether unit is top or beneath it.
func (f *Fixture) within(unit, top uint64) bool {
	seen := map[uint64]bool{}
	queue := []uint64{unit}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		if u == top {
			return true
		}
		if seen[u] {
			continue
		}
		seen[u] = true
		queue = append(queue, f.parents(u)...)
	}
	return false
}

func (f *Fixture) person(id uint64) *pluginv1.Person {
	for _, p := range f.People {
		if p.GetId() == id {
			return p
		}
	}
	return nil
}
