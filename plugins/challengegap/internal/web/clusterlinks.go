package web

import (
	"net/http"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// clusterLinks says which of a cluster page's links the viewer may open,
// so that the page shows only those: a hub manager or a teacher sees a
// school's name without a link to a page that would answer 404, and no
// link to a matrix or report that would answer 403. The rules are those of
// the pages themselves (accessToSchool's CanSee, drawSchools and
// clusterReportData).
type clusterLinks struct {
	Figures bool            // the cluster's matrix and report
	Schools map[uint64]bool // a school's page
	Trios   map[uint64]bool // a trio's matrix
}

// School reports whether the viewer may open the school's page.
func (l clusterLinks) School(id uint64) bool { return l.Schools[id] }

// Trio reports whether the viewer may open the trio's matrix.
func (l clusterLinks) Trio(id uint64) bool { return l.Trios[id] }

// clusterAccessAndLinks asks the core, in one call, whether the actor
// manages the cluster and what they hold at each of its schools, and
// works out the actor's access to the cluster and the links they may open.
func clusterAccessAndLinks(r *http.Request, s *store.Store, c *store.Cluster) (clusterAccess, clusterLinks, error) {
	ctx := r.Context()
	acc := leadsOf(c, userID(r))
	links := clusterLinks{Schools: map[uint64]bool{}, Trios: map[uint64]bool{}}
	schools, err := s.AcceptedSchools(c.ID)
	if err != nil {
		return acc, links, err
	}
	withdrawn, err := s.WithdrawnSchools(c.ID)
	if err != nil {
		return acc, links, err
	}
	checks := []sdk.Check{{Permission: PermManage, UnitID: c.UnitID}}
	for _, id := range schools {
		checks = append(checks, sdk.Check{Permission: PermRead, UnitID: id}, sdk.Check{Permission: PermSchoolWork, UnitID: id})
	}
	for _, id := range withdrawn {
		checks = append(checks, sdk.Check{Permission: PermRead, UnitID: id})
	}
	ok, err := sdk.HostFrom(ctx).Authorize(ctx, checks...)
	if err != nil {
		return acc, links, err
	}
	acc.Manage = ok[0]
	works := map[uint64]bool{}
	links.Figures = acc.CanLead()
	for i, id := range schools {
		read, work := ok[1+2*i], ok[2+2*i]
		links.Schools[id] = read || acc.CanLead()
		works[id] = work
		links.Figures = links.Figures || work
	}
	for i, id := range withdrawn {
		links.Schools[id] = ok[1+2*len(schools)+i] || acc.CanLead()
	}
	trios, err := s.Trios(c.ID)
	if err != nil {
		return acc, links, err
	}
	for _, t := range trios {
		open := acc.CanLead()
		for _, id := range t.Schools() {
			open = open || works[id]
		}
		links.Trios[t.ID] = open
	}
	return acc, links, nil
}
