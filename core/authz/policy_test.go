package authz

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/policies"
)

// TestCorePolicyTable pins policies/core_policy.csv to the agreed grants.
func TestCorePolicyTable(t *testing.T) {
	lines, err := parseCorePolicy(policies.CorePolicy())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, l := range lines {
		got[l.Role] = append(got[l.Role], l.Perm)
	}
	for _, ps := range got {
		sort.Strings(ps)
	}
	set := func(ps ...string) []string { sort.Strings(ps); return ps }
	school := []string{PermDashboardView, PermOrgUnitRead, PermSchoolRead}
	want := map[string][]string{
		RoleTenantAdmin: set(PermDashboardView, PermOrgUnitRead, PermOrgUnitWrite, PermSchoolRead, PermPupilRead, PermPupilWrite, PermPupilImport,
			PermUserRead, PermUserWrite, PermRoleGrant, PermTenantRead, PermTenantWrite, PermAuditRead, PermPrivacyManage),
		RoleCentralTeam:      set(append(school, PermUserRead, PermAuditRead, PermTenantRead)...),
		RoleSeniorPartner:    set(school...),
		RoleHubManager:       set(school...),
		RoleTrustLeader:      set(append(school, PermPupilRead, PermUserRead)...),
		RoleHeadteacher:      set(append(school, PermPupilRead, PermPupilWrite, PermPupilImport, PermUserRead)...),
		RoleSeniorLeader:     set(append(school, PermPupilRead, PermPupilWrite, PermPupilImport, PermUserRead)...),
		RoleTeacher:          set(append(school, PermPupilRead)...),
		RoleParaProfessional: set(append(school, PermPupilRead)...),
		RoleLeadReviewer:     set(school...),
		RoleReviewer:         set(school...),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("core policy:\n got %v\nwant %v", got, want)
	}
	known := map[string]bool{}
	for _, p := range Permissions() {
		known[p.Name] = true
	}
	for _, l := range lines {
		if !known[l.Perm] {
			t.Errorf("%s grants %s, which Permissions() does not list", l.Role, l.Perm)
		}
	}
}

func TestCorePolicyRejectsBadLines(t *testing.T) {
	for _, text := range []string{
		"p, teacher, core.school.read",
		"g, wizard, core.school.read, *",
		"g, teacher, challengegap.cohort.read, *",
		"g, teacher, core.school.read, 17",
		"g, teacher, core.school, *",
	} {
		if _, err := parseCorePolicy(text); err == nil {
			t.Errorf("%q accepted", text)
		}
	}
	if ls, err := parseCorePolicy("# comment\n\ng, teacher, core.school.read, *\n"); err != nil || len(ls) != 1 {
		t.Errorf("comment and blank lines: %v %v", ls, err)
	}
}

func TestModelNamesNoPolicyToken(t *testing.T) {
	// The speed of a check rests on the matcher naming no p.* token (Casbin
	// then evaluates it once, not once per p line): keep it so.
	for _, line := range strings.Split(policies.Model(), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "m =") && strings.Contains(line, "p.") {
			t.Errorf("matcher %q names a p.* token", line)
		}
	}
}
