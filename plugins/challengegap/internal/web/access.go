package web

import (
	"net/http"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// clusterAccess is who the actor is to a cluster. Manage comes from the
// core (challengegap.programme.manage at the cluster's unit); Lead and
// ProgrammeLead from the plugin's own record of the cluster.
type clusterAccess struct {
	Manage        bool
	Lead          bool
	ProgrammeLead bool
}

// CanLead reports whether the actor may run the cluster: recruitment,
// trios, workshops.
func (a clusterAccess) CanLead() bool { return a.Manage || a.Lead || a.ProgrammeLead }

// CanVisit reports whether the actor may record visits to the cluster's schools.
func (a clusterAccess) CanVisit() bool { return a.Manage || a.ProgrammeLead }

// leadsOf fills Lead and ProgrammeLead for user from the cluster's record.
func leadsOf(c *store.Cluster, user uint64) clusterAccess {
	if c == nil || user == 0 {
		return clusterAccess{}
	}
	return clusterAccess{Lead: c.LeadPersonID == user, ProgrammeLead: c.ProgrammeLeadPersonID == user}
}

// accessToCluster asks the core once whether the actor manages the cluster.
func accessToCluster(r *http.Request, c *store.Cluster) (clusterAccess, error) {
	ctx := r.Context()
	a := leadsOf(c, userID(r))
	ok, err := sdk.HostFrom(ctx).Can(ctx, PermManage, c.UnitID)
	if err != nil {
		return a, err
	}
	a.Manage = ok
	return a, nil
}

// schoolAccess is who the actor is to a school in a programme year.
type schoolAccess struct {
	Read    bool // challengegap.programme.read at the school (core)
	Lead    bool // challengegap.school.lead at the school (core)
	Work    bool // challengegap.school.work at the school (core)
	Cohort  bool // challengegap.cohort.read at the school (core)
	Member  bool // on the school's team this year (plugin)
	Cluster clusterAccess
}

// CanSee reports whether the actor may see the school's programme page:
// people the core lets read the school, and the leads of its cluster.
func (a schoolAccess) CanSee() bool { return a.Read || a.Cluster.CanLead() }

// CanTrial reports whether the actor may record the school's trials: its
// leaders, and members of its team this year who work at the school.
func (a schoolAccess) CanTrial() bool { return a.Lead || (a.Work && a.Member) }

// accessToSchool asks the core, in one call, what the actor holds at the
// school (and at its cluster's unit, when it has a cluster this year), and
// adds what the plugin knows.
func accessToSchool(r *http.Request, s *store.Store, yearID, school uint64, c *store.Cluster) (schoolAccess, error) {
	ctx := r.Context()
	checks := []sdk.Check{{Permission: PermRead, UnitID: school}, {Permission: PermSchoolLead, UnitID: school},
		{Permission: PermSchoolWork, UnitID: school}, {Permission: PermCohortRead, UnitID: school}}
	if c != nil {
		checks = append(checks, sdk.Check{Permission: PermManage, UnitID: c.UnitID})
	}
	ok, err := sdk.HostFrom(ctx).Authorize(ctx, checks...)
	if err != nil {
		return schoolAccess{}, err
	}
	a := schoolAccess{Read: ok[0], Lead: ok[1], Work: ok[2], Cohort: ok[3], Cluster: leadsOf(c, userID(r))}
	if c != nil {
		a.Cluster.Manage = ok[4]
	}
	if yearID != 0 {
		if a.Member, err = s.IsMember(yearID, school, userID(r)); err != nil {
			return a, err
		}
	}
	return a, nil
}
