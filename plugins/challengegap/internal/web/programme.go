package web

import (
	"errors"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// schoolRoles are the core roles normally granted at a school: the home
// page links their schools.
var schoolRoles = []string{"headteacher", "senior_leader", "teacher", "para_professional"}

type homeView struct {
	common
	Years      []store.Year
	Led        []store.Cluster
	YearNames  map[uint64]string
	Teams      []teamLink
	Schools    []*pluginv1.School
	CanManage  bool
	CanAddYear bool // managers, and programme leads (issue 13)
	Open       int
}

type teamLink struct {
	SchoolID uint64
	School   string
	YearID   uint64
	Year     string
	Role     string
}

func home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	s := st(r)
	v := homeView{common: commonOf(r), YearNames: map[uint64]string{}}
	var err error
	if v.Years, err = s.Years(); err != nil {
		return err
	}
	for _, y := range v.Years {
		v.YearNames[y.ID] = y.Label
	}
	if v.Led, err = s.ClustersLedBy(userID(r)); err != nil {
		return err
	}
	teams, err := s.MemberOf(userID(r))
	if err != nil {
		return err
	}
	var schoolIDs []uint64
	for _, m := range teams {
		schoolIDs = append(schoolIDs, m.SchoolID)
	}
	names, err := s.Schools(schoolIDs...)
	if err != nil {
		return err
	}
	for _, m := range teams {
		v.Teams = append(v.Teams, teamLink{SchoolID: m.SchoolID, School: nameOr(names, m.SchoolID), YearID: m.YearID, Year: v.YearNames[m.YearID], Role: m.Role})
	}
	open, err := s.Recruiting()
	if err != nil {
		return err
	}
	v.Open = len(open)
	// The schools where the actor holds a school role, for links (the core
	// decides access when they are followed).
	var units []uint64
	for _, g := range sdk.ActorFrom(ctx).GetGrants() {
		if slices.Contains(schoolRoles, g.GetRole()) && !slices.Contains(units, g.GetUnitId()) {
			units = append(units, g.GetUnitId())
		}
	}
	host := sdk.HostFrom(ctx)
	if len(units) > 0 {
		if v.Schools, err = host.Schools(ctx, units...); err != nil {
			return err
		}
	}
	if v.CanManage, err = host.Can(ctx, PermManage, 0); err != nil {
		return err
	}
	if v.CanAddYear = v.CanManage; !v.CanAddYear {
		if v.CanAddYear, err = st(r).IsProgrammeLead(userID(r), 0); err != nil {
			return err
		}
	}
	return render(w, r, "Challenge the Gap", "home", v)
}

func nameOr(m map[uint64]store.School, id uint64) string {
	if s, ok := m[id]; ok {
		return s.Name
	}
	return "School " + strconv.FormatUint(id, 10)
}

func createYear(w http.ResponseWriter, r *http.Request) error {
	if err := requireRunYear(r, 0); err != nil {
		return err
	}
	y, err := st(r).CreateYear(strings.TrimSpace(r.PostFormValue("label")))
	if err != nil {
		return err
	}
	if err := audit(r, "year.create", "year", y.ID, nil, y); err != nil {
		return err
	}
	return redirect(w, r, "/years/"+strconv.FormatUint(y.ID, 10))
}

type clusterRow struct {
	store.Cluster
	Schools    int
	Pending    int
	Facilitate string
}

type yearView struct {
	common
	Year          *store.Year
	Clusters      []clusterRow
	CanManage     bool
	CanRunSurveys bool                // managers, and the year's programme leads (issue 13)
	Units         []*pluginv1.OrgUnit // core clusters not yet in the year (managers)
	Rounds        []store.SurveyRound
}

func yearPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	yid, err := id(r, "year")
	if err != nil {
		return err
	}
	s := st(r)
	y, err := s.Year(yid)
	if err != nil {
		return err
	}
	cs, err := s.Clusters(y.ID)
	if err != nil {
		return err
	}
	v := yearView{common: commonOf(r), Year: y}
	if v.Rounds, err = s.Rounds(y.ID); err != nil {
		return err
	}
	var facil []uint64
	for _, c := range cs {
		facil = append(facil, c.FacilitationSchoolID)
	}
	names, err := s.Schools(facil...)
	if err != nil {
		return err
	}
	inYear := map[uint64]bool{}
	byCluster, err := s.ParticipantsOfYear(y.ID)
	if err != nil {
		return err
	}
	for _, c := range cs {
		row := clusterRow{Cluster: c}
		for _, p := range byCluster[c.ID] {
			switch p.Status {
			case store.StatusAccepted:
				row.Schools++
			case store.StatusInterested:
				row.Pending++
			}
		}
		if c.FacilitationSchoolID != 0 {
			row.Facilitate = nameOr(names, c.FacilitationSchoolID)
		}
		v.Clusters = append(v.Clusters, row)
		inYear[c.UnitID] = true
	}
	host := sdk.HostFrom(ctx)
	if v.CanManage, err = host.Can(ctx, PermManage, 0); err != nil {
		return err
	}
	if v.CanRunSurveys = v.CanManage; !v.CanRunSurveys {
		if v.CanRunSurveys, err = st(r).IsProgrammeLead(userID(r), y.ID); err != nil {
			return err
		}
	}
	if v.CanManage {
		units, err := host.OrgUnits(ctx, nil, pluginv1.OrgUnitKind_ORG_UNIT_KIND_CLUSTER)
		if err != nil {
			return err
		}
		for _, u := range units {
			if !inYear[u.GetId()] {
				v.Units = append(v.Units, u)
			}
		}
		sort.Slice(v.Units, func(i, j int) bool { return v.Units[i].GetName() < v.Units[j].GetName() })
	}
	return render(w, r, "Challenge the Gap "+y.Label, "year", v)
}

// createCluster adds one of the tenant's core clusters to the year and,
// when asked, the schools the core places in it.
func createCluster(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	yid, err := id(r, "year")
	if err != nil {
		return err
	}
	unitID, err := formID(r, "unit")
	if err != nil {
		return err
	}
	if unitID == 0 {
		return &store.ValidationError{Field: "unit", Message: "choose one of the tenant's clusters"}
	}
	host := sdk.HostFrom(ctx)
	units, err := host.OrgUnits(ctx, []uint64{unitID}, pluginv1.OrgUnitKind_ORG_UNIT_KIND_CLUSTER)
	if err != nil {
		return err
	}
	if len(units) != 1 {
		return &store.ValidationError{Field: "unit", Message: "choose one of the tenant's clusters"}
	}
	s := st(r)
	c, err := s.CreateCluster(yid, unitID, units[0].GetName())
	if err != nil {
		return err
	}
	if err := audit(r, "cluster.create", "cluster", c.ID, nil, c); err != nil {
		return err
	}
	if r.PostFormValue("add_schools") != "" {
		all, err := host.Schools(ctx)
		if err != nil {
			return err
		}
		var rec []store.School
		for _, sc := range all {
			if slices.Contains(sc.GetParentIds(), unitID) {
				rec = append(rec, schoolRecord(sc))
			}
		}
		if err := s.UpsertSchools(rec); err != nil {
			return err
		}
		for _, sc := range rec {
			p, err := s.AddSchool(c.ID, sc.UnitID, userID(r))
			if errors.Is(err, store.ErrConflict) {
				continue // in another cluster this year: left out, the page shows who is in
			}
			if err != nil {
				return err
			}
			if err := audit(r, "participant.add", "participant", p.ID, nil, p); err != nil {
				return err
			}
		}
	}
	return redirect(w, r, "/clusters/"+strconv.FormatUint(c.ID, 10))
}

type recruitmentView struct {
	common
	Clusters  []clusterRow
	YearNames map[uint64]string
}

func recruitment(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	cs, err := s.Recruiting()
	if err != nil {
		return err
	}
	ys, err := s.Years()
	if err != nil {
		return err
	}
	v := recruitmentView{common: commonOf(r), YearNames: map[uint64]string{}}
	for _, y := range ys {
		v.YearNames[y.ID] = y.Label
	}
	var facil []uint64
	for _, c := range cs {
		facil = append(facil, c.FacilitationSchoolID)
	}
	names, err := s.Schools(facil...)
	if err != nil {
		return err
	}
	for _, c := range cs {
		row := clusterRow{Cluster: c}
		if c.FacilitationSchoolID != 0 {
			row.Facilitate = nameOr(names, c.FacilitationSchoolID)
		}
		v.Clusters = append(v.Clusters, row)
	}
	return render(w, r, "Clusters recruiting", "recruitment", v)
}

type themeGroup struct {
	Theme      string
	Strategies []store.Strategy
}

type strategiesView struct {
	common
	Themes    []themeGroup     // the strategies in use, by theme
	Retired   []store.Strategy // kept for the trials that used them, not offered
	AllThemes []rules.Theme
	CanManage bool
	Empty     bool
}

func strategiesPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	sts, err := st(r).Strategies()
	if err != nil {
		return err
	}
	v := strategiesView{common: commonOf(r), AllThemes: rules.Themes, Empty: len(sts) == 0}
	for _, th := range rules.Themes {
		g := themeGroup{Theme: string(th)}
		for _, s := range sts {
			if s.Theme == string(th) && !s.Retired() {
				g.Strategies = append(g.Strategies, s)
			}
		}
		v.Themes = append(v.Themes, g)
	}
	for _, s := range sts {
		if s.Retired() {
			v.Retired = append(v.Retired, s)
		}
	}
	if v.CanManage, err = sdk.HostFrom(ctx).Can(ctx, PermManage, 0); err != nil {
		return err
	}
	return render(w, r, "Strategies", "strategies", v)
}

func addStrategy(w http.ResponseWriter, r *http.Request) error {
	s, err := st(r).AddStrategy(r.PostFormValue("theme"), r.PostFormValue("title"), r.PostFormValue("description"))
	if err != nil {
		return err
	}
	if err := audit(r, "strategy.create", "strategy", s.ID, nil, s); err != nil {
		return err
	}
	return redirect(w, r, "/strategies")
}

func seedStrategies(w http.ResponseWriter, r *http.Request) error {
	n, err := st(r).SeedStrategies()
	if err != nil {
		return err
	}
	if n > 0 {
		if err := audit(r, "strategy.seed", "strategy", 0, nil, map[string]int{"added": n}); err != nil {
			return err
		}
	}
	return redirect(w, r, "/strategies")
}
