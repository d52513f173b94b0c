package web

import (
	"net/http"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// homeRoutes are the programme's front page and its news.
func homeRoutes() []route {
	return []route{
		get("/", PermRead, anywhere, "", "The Network of Excellence: your hubs, schools, reviews and the news", home),
	}
}

type named struct {
	ID   uint64
	Name string
}

type newsItem struct{ Title, Body, Day string }

type homeView struct {
	common
	Header                ui.Header
	Central, CanManage    bool
	Reviewer              bool
	Years                 []store.Year
	YearFields            []ui.Field
	YearAction            string
	Errors                ui.Errors
	Hubs, Trusts, Schools []named
	News                  []newsItem
}

// loadHome gathers the front page: what the actor may do (one Authorize),
// the hubs and trusts they reach (one OrgUnits, one Authorize), their
// schools (one Schools, one Authorize; not for the central team, who reach
// every school from the year board).
func loadHome(r *http.Request) (*homeView, error) {
	ctx := r.Context()
	host := sdk.HostFrom(ctx)
	s := st(r)
	ok, err := host.Authorize(ctx, sdk.Check{Permission: PermBoard}, sdk.Check{Permission: PermManage}, sdk.Check{Permission: PermReviewerSelf})
	if err != nil {
		return nil, err
	}
	v := &homeView{common: commonOf(r), Central: ok[0], CanManage: ok[1], Reviewer: ok[2], YearAction: sdk.URL(r, "/years"),
		Header: ui.Header{Title: "Network of Excellence", Lead: "Member schools in local hubs, each reviewed every year by a peer team and sending its own leaders to review others."}}
	if v.Central {
		if v.Years, err = s.Years(); err != nil {
			return nil, err
		}
		next := rules.YearLabel(rules.YearOf(sdk.Today(ctx)))
		v.YearFields = []ui.Field{{Kind: ui.Text, Name: "label", Label: "School year", Hint: "For example " + next + "; its 38 school weeks are worked out from the calendar",
			Value: next, Required: true, Width: "short"}}
	}
	units, err := host.OrgUnits(ctx, nil, pluginv1.OrgUnitKind_ORG_UNIT_KIND_HUB, pluginv1.OrgUnitKind_ORG_UNIT_KIND_TRUST)
	if err != nil {
		return nil, err
	}
	var checks []sdk.Check
	for _, u := range units {
		perm := PermHubRead
		if u.GetKind() == pluginv1.OrgUnitKind_ORG_UNIT_KIND_TRUST {
			perm = PermTrustRead
		}
		checks = append(checks, sdk.Check{Permission: perm, UnitID: u.GetId()})
	}
	var schools []*pluginv1.School
	if !v.Central {
		if schools, err = host.Schools(ctx); err != nil {
			return nil, err
		}
		for _, sc := range schools {
			checks = append(checks, sdk.Check{Permission: PermReviewRead, UnitID: sc.GetId()})
		}
	}
	if len(checks) > 0 {
		allowed, err := host.Authorize(ctx, checks...)
		if err != nil {
			return nil, err
		}
		for i, u := range units {
			switch {
			case !allowed[i]:
			case u.GetKind() == pluginv1.OrgUnitKind_ORG_UNIT_KIND_TRUST:
				v.Trusts = append(v.Trusts, named{u.GetId(), u.GetName()})
			default:
				v.Hubs = append(v.Hubs, named{u.GetId(), u.GetName()})
			}
		}
		for i, sc := range schools {
			if allowed[len(units)+i] {
				v.Schools = append(v.Schools, named{sc.GetId(), sc.GetName()})
			}
		}
	}
	news, err := s.LatestNews(5)
	if err != nil {
		return nil, err
	}
	for _, n := range news {
		v.News = append(v.News, newsItem{n.Title, n.Body, day(n.PublishedOn)})
	}
	return v, nil
}

func home(w http.ResponseWriter, r *http.Request) error {
	v, err := loadHome(r)
	if err != nil {
		return err
	}
	return render(w, r, "Network of Excellence", "home", v)
}
