package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/tenancy"
)

// Generated staff of the demo: every school a demo programme runs in gets a
// headteacher, teachers and para-professionals, enough for a Challenge the
// Gap team that keeps its phase rule (secondary-like phases 3 teachers and
// 2 para-professionals, others 1 and 1). Their addresses are
// <role><n>.<urn>@<tenant domain>, their password the demo's.

var staffGiven = []string{"Amira", "Ben", "Chloe", "Dev", "Ellie", "Femi", "Gwen", "Hamza", "Isla", "Jonah",
	"Kiran", "Lucy", "Marek", "Nadia", "Oscar", "Priti", "Rhys", "Sade", "Tariq", "Una", "Victor", "Wen", "Yusuf", "Zara"}

var staffFamily = []string{"Ahmed", "Barnes", "Chen", "Davies", "Evans", "Fofana", "Green", "Hussain", "Iqbal", "Jones",
	"Kowalski", "Lewis", "Mensah", "Novak", "O'Brien", "Patel", "Quinn", "Roberts", "Singh", "Taylor", "Walsh", "Yildiz"}

// secondaryLike reports whether a school of phase p takes Challenge the
// Gap's secondary team rule.
func secondaryLike(p tenancy.Phase) bool {
	switch p {
	case tenancy.PhaseSecondary, tenancy.PhaseMiddle, tenancy.PhaseAllThrough, tenancy.PhaseSixteenPlus:
		return true
	}
	return false
}

// addStaff creates the staff of schools in one batch (one password hash)
// and grants each their role at their school. A school of headed has its
// demo headteacher already and gets no generated one (whose name is still
// drawn, so the others' stay the same). It returns how many it made.
func addStaff(ctx context.Context, s Services, tenantID uint, domain string, schools []tenancy.Unit, headed map[uint]bool, rng *rand.Rand) (int, error) {
	type planned struct {
		role   string
		school uint
	}
	var (
		users []identity.NewUser
		plan  []planned
	)
	for _, sc := range schools {
		teachers, paras := 1, 1
		if secondaryLike(sc.Phase) {
			teachers, paras = 3, 2
		}
		urn := fmt.Sprint(sc.ID)
		if sc.URN != nil {
			urn = *sc.URN
		}
		add := func(prefix, role string, n int) {
			for i := 1; i <= n; i++ {
				name := staffGiven[rng.IntN(len(staffGiven))] + " " + staffFamily[rng.IntN(len(staffFamily))]
				if role == authz.RoleHeadteacher && headed[sc.ID] {
					continue
				}
				users = append(users, identity.NewUser{Email: fmt.Sprintf("%s%d.%s@%s", prefix, i, urn, domain), Name: name})
				plan = append(plan, planned{role, sc.ID})
			}
		}
		add("head", authz.RoleHeadteacher, 1)
		add("teacher", authz.RoleTeacher, teachers)
		add("para", authz.RoleParaProfessional, paras)
	}
	made, err := s.Identity.CreateUsers(ctx, tenantID, users, Password)
	if err != nil {
		return 0, fmt.Errorf("demo staff: %w", err)
	}
	for i, u := range made {
		if err := s.Authz.Grant(ctx, tenantID, u.ID, plan[i].role, plan[i].school, nil); err != nil {
			return 0, fmt.Errorf("demo grant %s to %s: %w", plan[i].role, strings.SplitN(u.Email, "@", 2)[0], err)
		}
	}
	return len(made), nil
}

// Admins are the demo tenants' admin accounts by slug: the demo runs the
// plugins' demo jobs as them.
var Admins = map[string]string{
	PartnershipSlug: "admin@partnership.example.org",
	TrustSlug:       "admin@northstar.example.org",
}
