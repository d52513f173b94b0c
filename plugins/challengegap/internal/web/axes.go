package web

import (
	"net/http"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/format"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/matrix"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// axesChoice is the matrix's two measures, chosen per page with the query
// fields x and y (default: the gap against attitude to learning). A
// per-page choice costs no Host call, so the matrices keep their bounds.
type axesChoice struct {
	X, Y     matrix.Measure
	Measures []matrix.Measure // offered by the form
}

func chooseAxes(r *http.Request) axesChoice {
	q := r.URL.Query()
	x, y := matrix.ChooseAxes(q.Get("x"), q.Get("y"))
	return axesChoice{X: x, Y: y, Measures: matrix.Measures}
}

// Default reports whether the axes are the defaults (links then omit them).
func (a axesChoice) Default() bool { return a.X == matrix.DefaultX && a.Y == matrix.DefaultY }

// measureOf is p's value of m; false when not recorded.
func measureOf(p store.DataPoint, m matrix.Measure) (float64, bool) {
	switch m {
	case matrix.MeasureGap:
		if p.GapMonths != nil {
			return float64(*p.GapMonths), true
		}
	case matrix.MeasureAttitude:
		if p.Attitude != nil {
			return float64(*p.Attitude), true
		}
	case matrix.MeasureAspiration:
		if p.Aspiration != nil {
			return float64(*p.Aspiration), true
		}
	case matrix.MeasureAttendance:
		if p.Attendance != nil {
			return *p.Attendance, true
		}
	case matrix.MeasureARE:
		// The share of the three subjects at or above expectations, of those recorded.
		n, at := 0, 0
		for _, v := range []string{p.Reading, p.Writing, p.Maths} {
			if v == "" {
				continue
			}
			n++
			if v != string(rules.AREBelow) {
				at++
			}
		}
		if n > 0 {
			return float64(at) * 100 / float64(n), true
		}
	}
	return 0, false
}

// value places p on the chosen axes; nil when either value is missing.
func (a axesChoice) value(p store.DataPoint, ok bool) *matrix.Value {
	if !ok {
		return nil
	}
	x, okx := measureOf(p, a.X)
	y, oky := measureOf(p, a.Y)
	if !okx || !oky {
		return nil
	}
	return &matrix.Value{X: x, Y: y}
}

func (a axesChoice) valueOf(p *store.DataPoint) *matrix.Value {
	if p == nil {
		return nil
	}
	return a.value(*p, true)
}

// layout draws dots on the chosen axes.
func (a axesChoice) layout(dots []matrix.Dot) matrix.Plot {
	x, _ := a.X.Axis()
	y, _ := a.Y.Axis()
	return matrix.Layout(x, y, 720, 480, dots)
}

// formatValue shows a value of an axis: whole numbers as such, others to one decimal.
func formatValue(v float64) string {
	return format.Number(v)
}
