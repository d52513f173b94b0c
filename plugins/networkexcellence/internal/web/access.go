package web

import (
	"net/http"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// reviewAccess is who the actor is to a review. Read, Host, Agree, Central
// and Manage come from the core (one Authorize call); Seat from the
// plugin's record of the team.
type reviewAccess struct {
	Seat    *store.Seat // the actor's seat on the team, nil when not on it
	Read    bool        // networkexcellence.review.read at the host school: its leaders, hub manager, trust leader
	Host    bool        // networkexcellence.review.host at the host school: its leaders
	Agree   bool        // networkexcellence.report.agree at the host school: its headteacher
	Central bool        // networkexcellence.board.read: the central team
	Manage  bool        // networkexcellence.programme.manage: the central team
}

// CanSee reports whether the actor may see the review at all: its team,
// anyone who may read the school's reviews, the central team. Anyone else
// is answered 404: the review of another school is not theirs to know of.
func (a reviewAccess) CanSee() bool { return a.Seat != nil || a.Read || a.Host || a.Central }

// Team reports whether the actor sits on the team; Lead whether in its lead seat.
func (a reviewAccess) Team() bool { return a.Seat != nil }
func (a reviewAccess) Lead() bool { return a.Seat != nil && a.Seat.Seat == store.LeadSeat }

// Viewer is the actor as the report's reading rules see them.
func (a reviewAccess) Viewer() rules.Viewer {
	return rules.Viewer{Team: a.Team(), Host: a.Host, Central: a.Central, Reader: a.Read}
}

// accessToReview asks the core once what the actor holds at the review's
// school and in the tenant, and the store whether they sit on its team.
func accessToReview(r *http.Request, s *store.Store, rv *store.Review) (reviewAccess, error) {
	ctx := r.Context()
	ok, err := sdk.HostFrom(ctx).Authorize(ctx,
		sdk.Check{Permission: PermReviewRead, UnitID: rv.SchoolID}, sdk.Check{Permission: PermReviewHost, UnitID: rv.SchoolID},
		sdk.Check{Permission: PermReportAgree, UnitID: rv.SchoolID}, sdk.Check{Permission: PermBoard}, sdk.Check{Permission: PermManage})
	if err != nil {
		return reviewAccess{}, err
	}
	a := reviewAccess{Read: ok[0], Host: ok[1], Agree: ok[2], Central: ok[3], Manage: ok[4]}
	if a.Seat, err = s.SeatOf(rv.ID, userID(r)); err != nil {
		return a, err
	}
	return a, nil
}

// loadReview loads the :review of the path and the actor's access to it;
// a review the actor may not see is 404.
func loadReview(r *http.Request) (*store.Store, *store.Review, reviewAccess, error) {
	s := st(r)
	rid, err := id(r, "review")
	if err != nil {
		return nil, nil, reviewAccess{}, err
	}
	rv, err := s.Review(rid)
	if err != nil {
		return nil, nil, reviewAccess{}, answer(err)
	}
	a, err := accessToReview(r, s, rv)
	if err != nil {
		return nil, nil, a, err
	}
	if !a.CanSee() {
		return nil, nil, a, sdk.ErrNotFound
	}
	return s, rv, a, nil
}
