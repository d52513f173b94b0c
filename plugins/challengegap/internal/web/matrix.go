package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/matrix"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// svgData is what the matrix drawing needs: the plot, the two snapshots'
// labels and whether dots carry their labels (pseudonyms) or numbers.
type svgData struct {
	Plot     matrix.Plot
	From, To string
	Labels   bool
}

// DotsSVG is the drawing's dots: for each, the hollow dot where the pupil
// was, the arrow, the filled dot where the pupil is and the label (the
// pseudonym, or the number). It is the markup the template wrote for them,
// built here instead: a hundred pupils cost the template some nine hundred
// actions and function calls a page, most of the matrix's rendering time.
func (d svgData) DotsSVG() template.HTML {
	b := make([]byte, 0, len(d.Plot.Dots)*360)
	num := func(v float64) { b = strconv.AppendFloat(b, v, 'g', -1, 64) } // as the template printed a float
	for _, p := range d.Plot.Dots {
		b = append(b, "\n  "...)
		if p.From != nil {
			b = append(b, `<circle cx="`...)
			num(p.From.X)
			b = append(b, `" cy="`...)
			num(p.From.Y)
			b = append(b, `" r="5" fill="#ffffff" stroke="#6b7280" stroke-width="1.5"/>`...)
		}
		b = append(b, "\n  "...)
		if p.Arrow {
			b = append(b, `<line x1="`...)
			num(p.From.X)
			b = append(b, `" y1="`...)
			num(p.From.Y)
			b = append(b, `" x2="`...)
			num(p.ArrowEnd.X)
			b = append(b, `" y2="`...)
			num(p.ArrowEnd.Y)
			b = append(b, `" stroke="#1f5f8b" stroke-width="1.5" marker-end="url(#arrowhead)"/>`...)
		}
		b = append(b, "\n  "...)
		if p.To != nil {
			b = append(b, `<circle cx="`...)
			num(p.To.X)
			b = append(b, `" cy="`...)
			num(p.To.Y)
			b = append(b, `" r="5" fill="#1f5f8b"/>`...)
		}
		b = append(b, "\n  "...)
		if p.From != nil || p.To != nil {
			b = append(b, `<text x="`...)
			num(p.Position.X + 7)
			b = append(b, `" y="`...)
			num(p.Position.Y - 7)
			b = append(b, `" font-size="11">`...)
			if d.Labels {
				b = append(b, escText(p.Label)...)
			} else {
				b = strconv.AppendInt(b, int64(p.Number), 10)
			}
			b = append(b, `</text>`...)
		}
		b = append(b, "\n  "...)
	}
	return template.HTML(b) //nolint:gosec // numbers, and the label escaped
}

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
