package web

import (
	"html/template"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/format"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/matrix"
)

// The markup the template wrote for the movers before it was built in Go
// (clusterMatrixView.MoversHTML): the page must read byte for byte as it did.
// The dots' markup (svgData.DotsSVG) has its own tests in matrixdraw_test.go.
var reference = template.Must(template.New("").Funcs(template.FuncMap{
	"add":    func(a, b float64) float64 { return a + b },
	"sub":    func(a, b float64) float64 { return a - b },
	"signed": format.Signed, // rounded for display since issue 13 (bug 2)
	"join":   strings.Join,
}).Parse(`{{define "movers"}}<ul data-testid="movers">{{range .Movers}}<li>{{.Label}}: {{$.Plot.X.Short}} {{signed .DX}}{{$.Plot.X.Unit}}, {{$.Plot.Y.Short}} {{signed .DY}}{{$.Plot.Y.Unit}}{{if .Strategies}}; received: {{join .Strategies ", "}}{{else}}; no strategy recorded{{end}}</li>{{end}}</ul>{{end}}
{{define "moversnew"}}<ul data-testid="movers">{{.MoversHTML}}</ul>{{end}}`))

func render2(t *testing.T, name string, data any) string {
	t.Helper()
	var b strings.Builder
	if err := reference.ExecuteTemplate(&b, name, data); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestMoversReadAsTheTemplateWroteThem(t *testing.T) {
	v := func(x, y float64) *matrix.Value { return &matrix.Value{X: x, Y: y} }
	dots := []matrix.Dot{
		{Label: "A1", From: v(-20, 40), To: v(-12.5, 47)},                  // moved: an arrow
		{Label: "O'Brien & <Co> +1 \"x\"", From: v(-3, 50), To: v(-3, 50)}, // did not move; a label to escape
		{Label: "B2", From: v(-50, 120)},                                   // only where it was, beyond both axes
		{Label: "B3", To: v(0.04, 0)},                                      // only where it is
		{Label: "C1"},                                                      // no value: not drawn
		{Label: "C2", From: v(-0.04, 33.333), To: v(11.96, 99.95)},         // rounding, near an edge
	}
	for _, axes := range []axesChoice{{X: matrix.DefaultX, Y: matrix.DefaultY}, {X: matrix.MeasureAttendance, Y: matrix.MeasureARE}} {
		plot := axes.layout(dots)
		cv := clusterMatrixView{Plot: plot}
		for i, d := range plot.Dots {
			row := pseudoRow{Placed: d}
			if i%2 == 0 {
				row.Strategies = []string{"Pre-teaching key vocabulary", "Plan, monitor & evaluate"}
			}
			cv.Movers = append(cv.Movers, row)
		}
		if got, want := render2(t, "moversnew", cv), render2(t, "movers", cv); got != want {
			t.Errorf("axes %v/%v: the movers read\n%s\nbut the template wrote\n%s", axes.X, axes.Y, got, want)
		}
	}
	// No dot, no mover: nothing.
	if got := (svgData{}).DotsSVG(); got != "" {
		t.Errorf("an empty plot's dots: %q", got)
	}
	if got := (clusterMatrixView{}).MoversHTML(); got != "" {
		t.Errorf("no movers: %q", got)
	}
}
