package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// trustRoutes are a trust's view across its schools' reviews.
func trustRoutes() []route {
	return []route{
		get("/trusts/:unit", PermTrustRead, unit, "unit", "A trust's schools' reviews: strengths and EBIs side by side, by theme", trustPage),
	}
}

// themeRow is one school's items under one theme.
type themeRow struct {
	School   string
	Href     string
	WWW, EBI []string
}

// themeGroup is one theme across the trust's schools.
type themeGroup struct {
	Theme           string
	Rows            []themeRow
	Strengths, EBIs int
	SchoolsWithEBI  int
}

type trustView struct {
	Header  ui.Header
	Stats   ui.Stats
	Themes  []themeGroup
	Pending []string
	Years   []ui.Link
}

// groupByTheme puts the readable reports' items side by side, theme by
// theme in the rules' order, schools in the order given; themes without an
// item are left out.
func groupByTheme(schools []store.Member, reportOf map[uint64]store.Report, items map[uint64][]store.ReportItem, href func(uint64) string) []themeGroup {
	var out []themeGroup
	for _, t := range rules.Themes {
		g := themeGroup{Theme: t.Label}
		for _, m := range schools {
			rep, ok := reportOf[m.SchoolID]
			if !ok {
				continue
			}
			row := themeRow{School: m.Name, Href: href(rep.ReviewID)}
			for _, it := range items[rep.ID] {
				if it.Theme != t.Key {
					continue
				}
				switch it.Kind {
				case rules.WWW, rules.AoE:
					row.WWW = append(row.WWW, it.Text)
				case rules.EBI:
					row.EBI = append(row.EBI, it.Text)
				}
			}
			if len(row.WWW)+len(row.EBI) == 0 {
				continue
			}
			g.Strengths += len(row.WWW)
			g.EBIs += len(row.EBI)
			if len(row.EBI) > 0 {
				g.SchoolsWithEBI++
			}
			g.Rows = append(g.Rows, row)
		}
		if len(g.Rows) > 0 {
			out = append(out, g)
		}
	}
	return out
}

func trustPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	s := st(r)
	trust, err := id(r, "unit")
	if err != nil {
		return err
	}
	units, err := sdk.HostFrom(ctx).OrgUnits(ctx, []uint64{trust})
	if err != nil {
		return err
	}
	if len(units) != 1 || units[0].GetKind() != pluginv1.OrgUnitKind_ORG_UNIT_KIND_TRUST {
		return sdk.ErrNotFound
	}
	central, err := sdk.HostFrom(ctx).Can(ctx, PermBoard, 0)
	if err != nil {
		return err
	}
	y, err := yearQuery(r, s)
	if err != nil {
		return err
	}
	v := trustView{Header: ui.Header{Crumbs: crumbs(r), Title: units[0].GetName() + ": QA Reviews by theme"}}
	if y == nil {
		v.Header.Lead = "The programme has no membership year yet."
		return render(w, r, v.Header.Title, "trust", v)
	}
	v.Header.Lead = fmt.Sprintf("The reports of %s agreed by their schools, side by side: where the trust is strong, and the Even Better Ifs its schools share.", y.Label)
	years, err := s.Years()
	if err != nil {
		return err
	}
	for _, o := range years {
		if o.ID != y.ID {
			v.Years = append(v.Years, ui.Link{Label: o.Label, Href: sdk.URL(r, path("trusts", trust)) + "?year=" + strconv.FormatUint(o.ID, 10)})
		}
	}
	members, err := s.MembersWhere(y.ID, 0, trust)
	if err != nil {
		return err
	}
	schools := make([]uint64, len(members))
	for i, m := range members {
		schools[i] = m.SchoolID
	}
	reviews, err := s.ReviewsWhere(y.ID, 0, schools...)
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
	viewer := rules.Viewer{Reader: true, Central: central}
	reportOf := map[uint64]store.Report{}
	var repIDs []uint64
	name := map[uint64]string{}
	for _, m := range members {
		name[m.SchoolID] = m.Name
	}
	for _, rv := range reviews {
		rep, ok := reports[rv.ID]
		if ok && rules.CanRead(rep.State, viewer) && !rv.Cancelled {
			reportOf[rv.SchoolID] = rep
			repIDs = append(repIDs, rep.ID)
		} else if !rv.Cancelled {
			v.Pending = append(v.Pending, name[rv.SchoolID])
		}
	}
	items, err := s.ItemsOf(repIDs)
	if err != nil {
		return err
	}
	v.Themes = groupByTheme(members, reportOf, items, func(review uint64) string { return sdk.URL(r, path("reviews", review)) })
	v.Stats = ui.Stats{{Value: fmt.Sprint(len(members)), Label: "Member schools of the trust"},
		{Value: fmt.Sprint(len(reportOf)), Label: "Reports agreed"}, {Value: fmt.Sprint(len(v.Pending)), Label: "Reviews without an agreed report yet"}}
	return render(w, r, v.Header.Title, "trust", v)
}
