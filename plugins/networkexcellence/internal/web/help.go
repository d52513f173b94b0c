package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/match"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// helpRoutes answer "who can help us with this?": from a hub's priorities
// (as taxonomy terms, which the hub manager keeps) or a school's last EBIs.
func helpRoutes(c *indexCache) []route {
	return []route{
		get("/hubs/:unit/help", PermHubRead, unit, "unit", "Schools that can help with the hub's priorities", c.hubHelp),
		post("/hubs/:unit/needs", PermHubPlan, unit, "unit", "Set the hub's priorities as taxonomy terms", c.saveNeeds),
		get("/schools/:unit/help", PermReviewRead, unit, "unit", "Schools that can help with the school's last EBIs", c.schoolHelp),
	}
}

type helpView struct {
	common
	Header    ui.Header
	Needs     []string
	Table     ui.Table
	CanEdit   bool
	Action    string
	Terms     []termBox
	TermError string
	Errors    ui.Errors
}

// strengths are every accredited AoE as the matcher sees it.
func (c *indexCache) strengths(r *http.Request, s *store.Store) ([]match.Strength, error) {
	_, es, _, err := c.get(r)
	if err != nil {
		return nil, err
	}
	aoes, err := s.AccreditedAoEs()
	if err != nil {
		return nil, err
	}
	by := map[uint64]int{}
	for i, e := range es {
		by[e.SchoolID] = i
	}
	var out []match.Strength
	for _, a := range aoes {
		i, ok := by[a.SchoolID]
		if !ok {
			continue // not a member this year
		}
		e := es[i]
		st := match.Strength{School: e.SchoolID, Name: e.Name, Hub: e.HubID, HubName: e.Hub, AoE: a.Title, HostsLDD: e.HostsLDD}
		for _, t := range a.Terms {
			st.Terms = append(st.Terms, t.Key)
		}
		out = append(out, st)
	}
	return out, nil
}

func suggestionsTable(r *http.Request, ss []match.Suggestion) ui.Table {
	t := ui.Table{Caption: "Schools that can help", ID: "suggestions", Empty: "No school has an accredited Area of Excellence in these areas yet.",
		Columns: []ui.Column{{Key: "school", Label: "School"}, {Key: "hub", Label: "Hub"}, {Key: "why", Label: "Why"}, {Key: "ldd", Label: "Hosts days"}}}
	for _, g := range ss {
		hub := g.HubName
		if g.OwnHub {
			hub += " (your hub)"
		}
		ldd := ""
		if g.HostsLDD {
			ldd = "Yes"
		}
		t.Rows = append(t.Rows, ui.Row{"school": link(r, g.Name, path("directory", "schools", g.School)), "hub": hub, "why": strings.Join(g.Reasons, "; "), "ldd": ldd})
	}
	return t
}

func (c *indexCache) loadHubHelp(r *http.Request) (*helpView, error) {
	hub, err := id(r, "unit")
	if err != nil {
		return nil, err
	}
	s := st(r)
	if err := s.SeedTerms(now(r)); err != nil {
		return nil, err
	}
	hubs, err := s.Hubs()
	if err != nil {
		return nil, err
	}
	needs, err := s.HubNeeds(hub)
	if err != nil {
		return nil, err
	}
	ss, err := c.strengths(r, s)
	if err != nil {
		return nil, err
	}
	var ns []match.Need
	var chosen []string
	v := &helpView{common: commonOf(r), Action: sdk.URL(r, path("hubs", hub, "needs")),
		Header: ui.Header{Crumbs: crumbs(r, ui.Crumb{Label: hubs[hub], Href: sdk.URL(r, path("hubs", hub))}), Title: "Who can help us with this?",
			Lead: "Schools with an accredited Area of Excellence in the hub's priorities, schools of other hubs first."}}
	for _, n := range needs {
		ns = append(ns, match.Need{Term: n.Key, TermLabel: n.Label, From: "the hub's priority “" + n.Label + "”"})
		v.Needs = append(v.Needs, n.Label)
		chosen = append(chosen, fmt.Sprint(n.ID))
	}
	v.Table = suggestionsTable(r, match.Suggest(ns, hub, ss, nil))
	ctx := r.Context()
	if v.CanEdit, err = sdk.HostFrom(ctx).Can(ctx, PermHubPlan, hub); err != nil {
		return nil, err
	}
	terms, err := s.Terms()
	if err != nil {
		return nil, err
	}
	v.Terms = termBoxes("need", terms, chosen)
	return v, nil
}

func (c *indexCache) hubHelp(w http.ResponseWriter, r *http.Request) error {
	v, err := c.loadHubHelp(r)
	if err != nil {
		return err
	}
	return render(w, r, "Who can help us with this?", "help", v)
}

func (c *indexCache) saveNeeds(w http.ResponseWriter, r *http.Request) error {
	hub, err := id(r, "unit")
	if err != nil {
		return err
	}
	err = commit(w, r, func(tx *store.Store) (change, error) {
		before, err := tx.HubNeeds(hub)
		if err != nil {
			return change{}, err
		}
		after, err := tx.SetHubNeeds(hub, r.PostForm["terms"])
		if err != nil {
			return change{}, err
		}
		return change{"hub.needs", "hub", hub, before, after, path("hubs", hub, "help"), "The hub's priorities are saved"}, nil
	})
	errs, ok := ui.ErrorsOf(err)
	if err == nil || !ok {
		return answer(err)
	}
	v, lerr := c.loadHubHelp(r)
	if lerr != nil {
		return lerr
	}
	v.Errors, v.TermError = errs, errs.For("terms")
	return renderStatus(w, r, http.StatusUnprocessableEntity, v.Header.Title, "help", v)
}

func (c *indexCache) schoolHelp(w http.ResponseWriter, r *http.Request) error {
	school, err := id(r, "unit")
	if err != nil {
		return err
	}
	s := st(r)
	if err := s.SeedTerms(now(r)); err != nil {
		return err
	}
	ebis, err := s.LastEBIs(school)
	if err != nil {
		return err
	}
	terms, err := s.Terms()
	if err != nil {
		return err
	}
	known, labels := map[string]string{}, map[string]string{}
	for _, t := range terms {
		known[t.Key], labels[t.Key] = t.Label, t.Label
	}
	var ns []match.Need
	var lines []string
	for _, e := range ebis {
		short := e.Text
		if len([]rune(short)) > 80 {
			short = string([]rune(short)[:80]) + "…"
		}
		ks := match.TermsOfEBI(e.Theme, e.Text, known)
		for _, k := range ks {
			ns = append(ns, match.Need{Term: k, TermLabel: labels[k], From: "the EBI “" + short + "”"})
		}
		lines = append(lines, short)
	}
	ss, err := c.strengths(r, s)
	if err != nil {
		return err
	}
	names, err := sdk.HostFrom(r.Context()).SchoolNames(r.Context(), school)
	if err != nil {
		return err
	}
	hub := uint64(0)
	if y, err := s.CurrentYear(sdk.Today(r.Context())); err == nil && y != nil {
		if m, err := s.Member(y.ID, school); err == nil {
			hub = m.HubID
		}
	}
	v := &helpView{common: commonOf(r), Needs: lines,
		Header: ui.Header{Crumbs: crumbs(r, ui.Crumb{Label: names[school], Href: sdk.URL(r, path("schools", school))}), Title: "Who can help us with this?",
			Lead: "Schools with an accredited Area of Excellence matching the Even Better Ifs of the school's last published report, schools of other hubs first."}}
	v.Table = suggestionsTable(r, match.Suggest(ns, hub, ss, map[uint64]bool{school: true}))
	return render(w, r, "Who can help us with this?", "help", v)
}
