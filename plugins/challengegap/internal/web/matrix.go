package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/matrix"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// escText escapes text for an HTML text node or quoted attribute exactly as
// html/template does (its escaper also writes + as &#43;; the exported
// template.HTMLEscaper, text/template's, does not), so that markup built in
// Go reads byte for byte like the template's.
var escText = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;").Replace

// matrixRow is one pupil of the matrix's table: the accessible twin of the
// drawing.
type matrixRow struct {
	matrix.Placed
	Name                   string // the pupil's name (Label is the pseudonym)
	FromX, FromY, ToX, ToY string
	Strategies             []string
}

type matrixView struct {
	common
	SchoolID   uint64
	School     string
	Year       *store.Year
	Snapshots  []store.Snapshot
	From, To   *store.Snapshot
	Axes       axesChoice
	Plot       matrix.Plot
	Rows       []matrixRow
	Movers     []matrixRow
	NotPlotted int // pupils without both values at either snapshot
}

// snapshotBySeq returns the snapshot whose id is given in the query field,
// or the one at index def.
func pickSnapshot(r *http.Request, field string, sns []store.Snapshot, def int) *store.Snapshot {
	if raw := r.URL.Query().Get(field); raw != "" {
		if id, err := strconv.ParseUint(raw, 10, 64); err == nil {
			for i := range sns {
				if sns[i].ID == id {
					return &sns[i]
				}
			}
		}
	}
	if def < 0 || def >= len(sns) {
		return nil
	}
	return &sns[def]
}

// schoolMatrix draws the school's cohort on the matrix, comparing two of its
// snapshots (by default the baseline and the latest), with names: it is a
// pupil-level page of the school's own.
func schoolMatrix(w http.ResponseWriter, r *http.Request) error {
	cc, err := loadCohort(r)
	if err != nil {
		return err
	}
	v := matrixView{common: commonOf(r), SchoolID: cc.school, Year: cc.year, Axes: chooseAxes(r)}
	names, err := cc.s.Schools(cc.school)
	if err != nil {
		return err
	}
	v.School = nameOr(names, cc.school)
	if cc.year == nil {
		return render(w, r, "Matrix — "+v.School, "matrix", v)
	}
	if v.Snapshots, err = cc.s.Snapshots(cc.year.ID, cc.school); err != nil {
		return err
	}
	v.From = pickSnapshot(r, "from", v.Snapshots, 0)
	v.To = pickSnapshot(r, "to", v.Snapshots, len(v.Snapshots)-1)
	if v.From == nil || v.To == nil {
		return render(w, r, "Matrix — "+v.School, "matrix", v)
	}
	pupils, err := cohortPupils(r, cc)
	if err != nil {
		return err
	}
	from, err := cc.s.DataPoints(v.From.ID)
	if err != nil {
		return err
	}
	to, err := cc.s.DataPoints(v.To.ID)
	if err != nil {
		return err
	}
	strategies, err := strategiesByPupil(cc.s, cc.year.ID, cc.school)
	if err != nil {
		return err
	}
	labels, err := cc.s.SchoolPseudonyms(cc.year.ID, cc.school)
	if err != nil {
		return err
	}
	// The drawing carries each pupil's label, the same as on the cluster's
	// pages; the table and the movers add the name.
	dots := make([]matrix.Dot, len(pupils))
	for i, p := range pupils {
		f, fok := from[p.GetId()]
		t, tok := to[p.GetId()]
		label := labels.Of(cc.school, p.GetId())
		if label == "" {
			label = "#" + strconv.Itoa(i+1)
		}
		dots[i] = matrix.Dot{Label: label, From: v.Axes.value(f, fok), To: v.Axes.value(t, tok)}
	}
	v.Plot = v.Axes.layout(dots)
	for i, d := range v.Plot.Dots {
		pid := pupils[i].GetId()
		row := matrixRow{Placed: d, Name: pupils[i].GetGivenName() + " " + pupils[i].GetFamilyName(), Strategies: strategies[pid]}
		if f := dots[i].From; f != nil {
			row.FromX, row.FromY = formatValue(f.X), formatValue(f.Y)
		}
		if t := dots[i].To; t != nil {
			row.ToX, row.ToY = formatValue(t.X), formatValue(t.Y)
		}
		if d.From == nil && d.To == nil {
			v.NotPlotted++
		}
		v.Rows = append(v.Rows, row)
	}
	for _, m := range v.Plot.Movers() {
		v.Movers = append(v.Movers, v.Rows[m.Number-1])
	}
	return render(w, r, "Matrix — "+v.School, "matrix", v)
}

// strategiesByPupil lists, by pupil, the titles of the strategies the
// school trials with them in the year.
func strategiesByPupil(s *store.Store, yearID, school uint64) (map[uint64][]string, error) {
	trials, err := s.Trials(yearID, school)
	if err != nil {
		return nil, err
	}
	ids := make([]uint64, len(trials))
	for i, t := range trials {
		ids[i] = t.ID
	}
	receiving, err := s.TrialPupils(ids...)
	if err != nil {
		return nil, err
	}
	sts, err := s.Strategies()
	if err != nil {
		return nil, err
	}
	title := map[uint64]string{}
	for _, st := range sts {
		title[st.ID] = st.Title
	}
	out := map[uint64][]string{}
	for _, t := range trials {
		for _, pid := range receiving[t.ID] {
			out[pid] = append(out[pid], title[t.StrategyID])
		}
	}
	return out, nil
}
