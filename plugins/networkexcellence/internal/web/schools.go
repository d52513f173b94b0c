package web

import (
	"net/http"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// schoolRoutes are a school's review history: for its own leaders, its hub
// manager, its trust leader and the central team (the core lets nobody
// else reach the page: a UNIT route at the school).
func schoolRoutes() []route {
	return []route{
		get("/schools/:unit", PermReviewRead, unit, "unit", "A school's review history: every year's review and report, as their state allows", schoolPage),
	}
}

// pastReview is one year's review of the school with what the reader may see of its report.
type pastReview struct {
	Year, Dates, Badge, Href, Hidden string
	Reviewers                        []string
	WWW, EBI, AoE                    []item
	Summary                          string
	Readable                         bool
}

type schoolView struct {
	Header  ui.Header
	Reviews []pastReview
}

func schoolPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	s := st(r)
	school, err := id(r, "unit")
	if err != nil {
		return err
	}
	ok, err := sdk.HostFrom(ctx).Authorize(ctx, sdk.Check{Permission: PermReviewHost, UnitID: school}, sdk.Check{Permission: PermBoard})
	if err != nil {
		return err
	}
	viewer := rules.Viewer{Reader: true, Host: ok[0], Central: ok[1]}
	reviews, err := s.ReviewsWhere(0, 0, school)
	if err != nil {
		return err
	}
	years, err := s.Years()
	if err != nil {
		return err
	}
	label := map[uint64]string{}
	for _, y := range years {
		label[y.ID] = y.Label
	}
	names, err := s.SchoolsEver([]uint64{school})
	if err != nil {
		return err
	}
	ids := make([]uint64, len(reviews))
	for i, rv := range reviews {
		ids[i] = rv.ID
	}
	reports, err := s.ReportsOf(ids)
	if err != nil {
		return err
	}
	var repIDs []uint64
	for _, rep := range reports {
		if rules.CanRead(rep.State, viewer) {
			repIDs = append(repIDs, rep.ID)
		}
	}
	items, err := s.ItemsOf(repIDs)
	if err != nil {
		return err
	}
	team, err := teams(s, ids)
	if err != nil {
		return err
	}
	name := names[school].Name
	if name == "" {
		if n, err := sdk.HostFrom(ctx).SchoolNames(ctx, school); err == nil {
			name = n[school]
		}
	}
	v := schoolView{Header: ui.Header{Crumbs: crumbs(r), Title: name + ": QA Reviews",
		Lead: "Every year's peer review of the school, newest first: the team, and the report as far as it is shared with you."}}
	for i := len(reviews) - 1; i >= 0; i-- {
		rv := reviews[i]
		if rv.Cancelled {
			continue
		}
		rep, has := reports[rv.ID]
		state := ""
		if has {
			state = rep.State
		}
		p := pastReview{Year: label[rv.YearID], Dates: dates(rv), Badge: stateBadge(state), Href: sdk.URL(r, path("reviews", rv.ID)),
			Reviewers: team[rv.ID], Readable: has && rules.CanRead(state, viewer)}
		if p.Readable {
			p.Summary = rep.Summary
			p.WWW, p.EBI, p.AoE = splitItems(items[rep.ID], nil)
		} else if has {
			p.Hidden = "The report is " + lower(rules.StateLabel(state)) + ": not yet shared with you."
		}
		v.Reviews = append(v.Reviews, p)
	}
	return render(w, r, v.Header.Title, "school", v)
}

// teams names each review's active team, lead first: "Grace Whitfield (lead)".
func teams(s *store.Store, reviewIDs []uint64) (map[uint64][]string, error) {
	ts, err := s.Teams(reviewIDs)
	if err != nil {
		return nil, err
	}
	out := map[uint64][]string{}
	for id, team := range ts {
		for _, m := range team {
			n := m.Reviewer.Name
			if m.Seat.Seat == store.LeadSeat {
				n += " (lead)"
			}
			out[id] = append(out[id], n)
		}
	}
	return out, nil
}

func lower(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}
