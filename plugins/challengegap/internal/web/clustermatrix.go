package web

import (
	"html/template"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/format"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/matrix"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/pseudonym"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// MinCount is the smallest count a cross-school view shows: a school with
// fewer pupils drawn is left off the drawing and its counts read "fewer than 5".
const MinCount = 5

type schoolSummary struct {
	ID         uint64
	Group      int // its colour and marker on the drawing
	Letter     string
	Name       string
	Drawn      int    // pupils with a value at either snapshot
	Shown      bool   // Drawn >= MinCount
	MeanChange string // mean change of the gap of the pupils with both values, when shown
}

type pseudoRow struct {
	matrix.Placed
	Strategies []string
}

type clusterMatrixView struct {
	common
	Cluster    *store.Cluster
	Trio       *store.Trio // the trio drawn, or nil for the whole cluster
	Action     string      // the form's path below the base
	Year       *store.Year
	Labels     []string // snapshot labels by number
	From, To   int
	Axes       axesChoice
	FromLabel  string
	ToLabel    string
	Plot       matrix.Plot
	Schools    []schoolSummary
	Movers     []pseudoRow
	Rows       []pseudoRow
	MinCount   int
	NoSnapshot bool
	Only       uint64     // the school the drawing is filtered to (query school), or 0
	Named      bool       // some pupils are named: the viewer may read their school's cohort
	SVG        svgData    // the combined drawing
	Multiples  []multiple // for a whole cluster: one small drawing per school shown
}

// MoversHTML is the list of movers: each pupil's pseudonym, the change on
// both axes and the strategies received. Built here rather than by the
// template (a hundred movers cost it some thousand actions a page); the
// markup is the template's, every value escaped as it escaped them.
func (v clusterMatrixView) MoversHTML() template.HTML {
	esc := escText
	x, y := esc(v.Plot.X.Short), esc(v.Plot.Y.Short)
	xu, yu := esc(v.Plot.X.Unit), esc(v.Plot.Y.Unit)
	var b strings.Builder
	b.Grow(len(v.Movers) * 120)
	for _, m := range v.Movers {
		label := m.Label
		if m.Name != "" {
			label += " (" + m.Name + ")"
		}
		b.WriteString("<li>" + esc(label) + ": " + x + " " + esc(signedText(m.DX)) + xu + ", " + y + " " + esc(signedText(m.DY)) + yu)
		if len(m.Strategies) > 0 {
			b.WriteString("; received: " + esc(strings.Join(m.Strategies, ", ")))
		} else {
			b.WriteString("; no strategy recorded")
		}
		b.WriteString("</li>")
	}
	return template.HTML(b.String()) //nolint:gosec // every value escaped
}

// signedText is a change with its sign: "+3", "-1.5", "0" (the templates'
// signed).
func signedText(v float64) string {
	return format.Signed(v)
}

// letter names the i-th school of a cluster: A, B, …, Z, AA, AB, …
func letter(i int) string { return pseudonym.Letter(i) }

// clusterMatrix draws every target pupil of the cluster's schools, as a
// pseudonym (school letter and number), comparing two snapshots aligned by
// their order. A school with fewer than MinCount pupils drawn is left off.
// It is for the cluster's leads and managers and the staff of its schools.
func clusterMatrix(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	c, err := loadCluster(r, s)
	if err != nil {
		return err
	}
	schools, err := s.AcceptedSchools(c.ID)
	if err != nil {
		return err
	}
	return drawSchools(w, r, s, c, nil, schools)
}

// trioMatrix is the cluster's matrix limited to the three schools of a trio.
func trioMatrix(w http.ResponseWriter, r *http.Request) error {
	s := st(r)
	c, err := loadCluster(r, s)
	if err != nil {
		return err
	}
	tid, err := id(r, "trio")
	if err != nil {
		return err
	}
	trios, err := s.Trios(c.ID)
	if err != nil {
		return err
	}
	for i := range trios {
		if trios[i].ID == tid {
			return drawSchools(w, r, s, c, &trios[i], trios[i].Schools())
		}
	}
	return errNotFound
}

// drawSchools draws the pupils of schools of cluster c (a trio's, or all),
// for the cluster's leads and managers and the staff of those schools.
func drawSchools(w http.ResponseWriter, r *http.Request, s *store.Store, c *store.Cluster, trio *store.Trio, schools []uint64) error {
	ctx := r.Context()
	y, err := s.Year(c.YearID)
	if err != nil {
		return err
	}
	schools = slices.Clone(schools)
	checks := []sdk.Check{{Permission: PermManage, UnitID: c.UnitID}}
	for _, id := range schools {
		checks = append(checks, sdk.Check{Permission: PermSchoolWork, UnitID: id})
	}
	for _, id := range schools { // whose pupils the viewer may see by name
		checks = append(checks, sdk.Check{Permission: PermCohortRead, UnitID: id})
	}
	ok, err := sdk.HostFrom(ctx).Authorize(ctx, checks...)
	if err != nil {
		return err
	}
	acc := leadsOf(c, userID(r))
	allowed := ok[0] || acc.CanLead()
	for _, o := range ok[1 : 1+len(schools)] {
		allowed = allowed || o
	}
	named := map[uint64]bool{}
	for i, id := range schools {
		named[id] = ok[1+len(schools)+i]
	}
	if !allowed {
		return errForbidden
	}
	v := clusterMatrixView{common: commonOf(r), Cluster: c, Trio: trio, Year: y, MinCount: MinCount, Action: clusterPath(c.ID) + "/matrix", Axes: chooseAxes(r)}
	title := "Matrix — " + c.Name
	if trio != nil {
		v.Action = clusterPath(c.ID) + "/trios/" + strconv.FormatUint(trio.ID, 10) + "/matrix"
		title = "Matrix — " + trio.Name
	}
	if v.Labels, err = s.SnapshotLabels(y.ID, schools); err != nil {
		return err
	}
	if len(v.Labels) == 0 {
		v.NoSnapshot = true
		return render(w, r, title, "clustermatrix", v)
	}
	// By default the latest snapshot every school with data shares: one
	// school's empty or missing snapshot blanks no other school.
	shared, err := s.SharedSeq(y.ID, schools)
	if err != nil {
		return err
	}
	v.From, v.To = seqParam(r, "from", 0, len(v.Labels)), seqParam(r, "to", min(shared, len(v.Labels)-1), len(v.Labels))
	if v.Only, err = onlySchool(r, schools); err != nil {
		return err
	}
	v.FromLabel, v.ToLabel = v.Labels[v.From], v.Labels[v.To]
	points, err := s.CohortPoints(y.ID, schools, v.From, v.To)
	if err != nil {
		return err
	}
	received, err := s.StrategiesReceived(y.ID, schools)
	if err != nil {
		return err
	}
	names, err := ownPupilNames(r, points, named)
	if err != nil {
		return err
	}
	v.Named = len(names) > 0
	schoolNames, err := s.Schools(schools...)
	if err != nil {
		return err
	}
	labels, err := s.Pseudonyms(c.ID)
	if err != nil {
		return err
	}
	// Schools in the order of their letters, which are the cluster's (a
	// trio's schools keep theirs): one label per pupil in every view.
	sort.Slice(schools, func(i, j int) bool {
		li, lj := labels.SchoolLetter(schools[i]), labels.SchoolLetter(schools[j])
		if len(li) != len(lj) {
			return len(li) < len(lj)
		}
		return li < lj
	})
	var dots []matrix.Dot
	var strategies [][]string
	for i, school := range schools {
		sum := schoolSummary{ID: school, Group: i, Letter: labels.SchoolLetter(school), Name: nameOr(schoolNames, school)}
		var sd []matrix.Dot
		var ss [][]string
		var change float64
		both := 0
		for _, pp := range points[school] {
			d := matrix.Dot{Label: labels.Of(school, pp.PupilID), From: v.Axes.valueOf(pp.From), To: v.Axes.valueOf(pp.To), Group: i, Name: names[pp.PupilID]}
			if d.From == nil && d.To == nil {
				continue
			}
			if d.From != nil && d.To != nil {
				change += d.To.X - d.From.X
				both++
			}
			sd = append(sd, d)
			ss = append(ss, received[school][pp.PupilID])
		}
		sum.Drawn = len(sd)
		sum.Shown = sum.Drawn >= MinCount
		if sum.Shown && (v.Only == 0 || v.Only == school) {
			dots = append(dots, sd...)
			strategies = append(strategies, ss...)
			if both >= MinCount {
				sum.MeanChange = format.Number(change / float64(both))
			}
		}
		v.Schools = append(v.Schools, sum)
	}
	v.Plot = v.Axes.layout(dots)
	v.SVG = newSVG("m", v.Plot, v.FromLabel, v.ToLabel, true)
	if v.Only == 0 {
		v.Multiples = v.multiples(dots)
	}
	for i, d := range v.Plot.Dots {
		v.Rows = append(v.Rows, pseudoRow{Placed: d, Strategies: strategies[i]})
	}
	for _, m := range v.Plot.Movers() {
		v.Movers = append(v.Movers, v.Rows[m.Number-1])
	}
	return render(w, r, title, "clustermatrix", v)
}

// seqParam reads a snapshot number from the query, or def.
func seqParam(r *http.Request, field string, def, n int) int {
	if v, err := strconv.Atoi(r.URL.Query().Get(field)); err == nil && v >= 0 && v < n {
		return v
	}
	return def
}
