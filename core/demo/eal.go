package demo

import (
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/tenancy"
)

// The EAL trial's demo people. The plugin (plugins/eal) builds the trial
// from the demo's delivery centres and evaluation schools in its own
// demo_seed job; the core makes the people who log in to it, with a core
// role where their work needs one (the trial manager and the centre lead
// read schools and people as the central team does, at the root and at
// their centre), and grants the plugin's roles once the plugin is enabled
// (PluginGrants, by cli's demo).
const (
	// EALCentre is the delivery centre of the demo's centre lead and
	// facilitator.
	EALCentre = "Challney Delivery Centre"
	// EALDelegateSchool is the demo delegate's school: one of the centre's
	// evaluation schools that the demo trial's first wave (its seed is fixed,
	// plugins/eal/internal/demo) allocates to the intervention.
	EALDelegateSchool = "Malcolm Arnold Academy"
	// EALFacilitatorSchool is the centre's host school, where the demo
	// facilitator teaches.
	EALFacilitatorSchool = "Challney High School for Boys"
)

// The EAL trial's demo accounts.
const (
	EALTrialManager = "trial.manager@partnership.example.org"
	EALCentreLead   = "centre.lead@partnership.example.org"
	EALFacilitator  = "facilitator@partnership.example.org"
	EALDelegate     = "delegate@partnership.example.org"
	EALEvaluator    = "evaluator@partnership.example.org"
)

// PluginGrant is a demo account's role of a programme plugin, granted once
// the plugin is enabled for the tenant: at the tenant's root (Unit "") or
// at the unit of that name.
type PluginGrant struct {
	Email, Role, Unit string
}

// EALGrants are the EAL trial's roles of its demo accounts.
var EALGrants = []PluginGrant{
	{EALTrialManager, "eal.trial_manager", ""},
	{EALCentreLead, "eal.centre_lead", EALCentre},
	{EALFacilitator, "eal.facilitator", EALCentre},
	{EALDelegate, "eal.delegate", EALDelegateSchool},
	{EALEvaluator, "eal.evaluator", ""},
}

// ealUnits are the units the EAL demo people hold core roles at.
type ealUnits struct {
	centre, facilitatorSchool, delegateSchool tenancy.Unit
}

// note records the EAL demo's units as the list is read.
func (e *ealUnits) note(r Row, group, school tenancy.Unit) {
	if r.Programme != "eal" {
		return
	}
	if r.Group == EALCentre {
		e.centre = group
	}
	switch r.School {
	case EALFacilitatorSchool:
		e.facilitatorSchool = school
	case EALDelegateSchool:
		e.delegateSchool = school
	}
}

// ealUsers are the EAL trial's demo accounts with their core roles (the
// evaluator has none: only the plugin's).
func ealUsers(p partnership, root func() tenancy.Unit) []demoUser {
	unit := func(u tenancy.Unit) func() tenancy.Unit { return func() tenancy.Unit { return u } }
	return []demoUser{
		{EALTrialManager, "Nadia Rahman", authz.RoleCentralTeam, false, root, ""},
		{EALCentreLead, "Gareth Owusu", authz.RoleCentralTeam, false, unit(p.ealUnits.centre), ""},
		{EALFacilitator, "Leah Brennan", authz.RoleTeacher, false, unit(p.ealUnits.facilitatorSchool), ""},
		{EALDelegate, "Imran Siddiqui", authz.RoleTeacher, false, unit(p.ealUnits.delegateSchool), ""},
		{EALEvaluator, "Ruth Ellison", "", false, nil, ""},
	}
}

// ealLogins are the EAL trial's demo accounts as users read them.
func ealLogins() []Login {
	return []Login{
		{"Challenge Partners", "", EALTrialManager, "Nadia Rahman", "EAL trial manager (and central team)", "the partnership"},
		{"Challenge Partners", "", EALCentreLead, "Gareth Owusu", "EAL delivery-centre lead", EALCentre},
		{"Challenge Partners", "", EALFacilitator, "Leah Brennan", "EAL facilitator (teacher at the host school)", EALCentre},
		{"Challenge Partners", "", EALDelegate, "Imran Siddiqui", "EAL delegate (teacher)", EALDelegateSchool},
		{"Challenge Partners", "", EALEvaluator, "Ruth Ellison", "EAL evaluator (pseudonymised data only)", "the partnership"},
	}
}
