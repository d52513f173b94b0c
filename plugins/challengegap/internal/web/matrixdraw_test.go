package web

import (
	"regexp"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/matrix"
)

func TestDotsSVG(t *testing.T) {
	v := func(x, y float64) *matrix.Value { return &matrix.Value{X: x, Y: y} }
	dots := []matrix.Dot{
		{Label: "A1", From: v(-20, 40), To: v(-12.5, 47), Group: 0},          // moved: an arrow
		{Label: "O'Brien & <Co>", From: v(-3, 50), To: v(-3, 50), Group: 1},  // did not move; a label to escape
		{Label: "B2", From: v(-50, 120), Group: 1},                           // only where it was, beyond both axes
		{Label: "C1", Group: 2},                                              // no value: not drawn
		{Label: "C2", From: v(-0.04, 33.333), To: v(11.96, 99.95), Group: 2}, // rounding, near an edge
	}
	axes := axesChoice{X: matrix.DefaultX, Y: matrix.DefaultY}
	d := newSVG("m", axes.layout(dots), "Baseline", "July", true)
	got := string(d.DotsSVG())
	for _, want := range []string{
		// Hover titles: the label and both positions, escaped.
		`<g data-dot="1"><title>A1: gap -20 → -12.5 months; attitude 40 → 47</title>`,
		`<title>O&#39;Brien &amp; &lt;Co&gt;: gap -3 → -3 months; attitude 50 → 50</title>`,
		`<title>B2: gap -50 → not recorded months; attitude 120 → not recorded</title>`,
		`<title>C2: gap 0 → 12 months; attitude 33.3 → 100</title>`,
		// Each group its colour and marker: A a circle, B a square, C a triangle.
		`<circle cx="`, `fill="#0072B2" stroke="#ffffff" stroke-width="1" data-to="1"/>`,
		`<rect x="`, `fill="#C75400" stroke="#ffffff"`,
		`<path d="M`, `fill="#007D5E" stroke="#ffffff"`,
		`marker-end="url(#m-arrow-0)"`, `marker-end="url(#m-arrow-2)"`,
		`>O&#39;Brien &amp; &lt;Co&gt;</text>`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the dots lack %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, `data-dot="4"`) {
		t.Errorf("a pupil with no value is drawn:\n%s", got)
	}
	if n := strings.Count(got, "<g data-dot="); n != 4 {
		t.Errorf("%d pupils drawn, want 4", n)
	}
	defs := string(d.DefsSVG())
	if n := strings.Count(defs, "<marker id="); n != 3 || !strings.Contains(defs, `id="m-arrow-1"`) {
		t.Errorf("the arrowheads: %s", defs)
	}
	// A small multiple draws no labels; numbers replace labels when names are kept off the drawing.
	small := d
	small.Small = true
	if strings.Contains(string(small.DotsSVG()), "<text") {
		t.Error("a small multiple labels its dots")
	}
	numbered := newSVG("m", axes.layout(dots), "Baseline", "July", false)
	if s := string(numbered.DotsSVG()); !strings.Contains(s, ">1</text>") || !strings.Contains(s, "<title>1. A1: gap") {
		t.Errorf("numbered dots:\n%s", s)
	}
	// The whole drawing: both split lines and the quadrant counts.
	var b strings.Builder
	if err := tmpl.ExecuteTemplate(&b, "matrixsvg", d); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{`data-testid="split-x"`, `data-testid="split-y"`, `aria-labelledby="m-title m-desc"`, ">2 → 1</text>", ">0 → 1</text>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the drawing lacks %s:\n%s", want, page)
		}
	}
	b.Reset()
	if err := tmpl.ExecuteTemplate(&b, "quadrants", d); err != nil {
		t.Fatal(err)
	}
	cells := regexp.MustCompile(`<td>(\d+)</td>`).FindAllStringSubmatch(b.String(), -1)
	// Quadrants (top left, top right, bottom left, bottom right) at Baseline and July, then the 4×4 moves.
	var got2 []string
	for _, c := range cells {
		got2 = append(got2, c[1])
	}
	// At Baseline: O'Brien and B2 top left, A1 and C2 (-0.04) bottom left; at July:
	// O'Brien top left, C2 top right, A1 bottom left. Moves: O'Brien stays, C2
	// goes from bottom left to top right, A1 stays (B2 has no July).
	want := "2 1 0 1 2 1 0 0 " + "1 0 0 0 " + "0 0 0 0 " + "0 1 1 0 " + "0 0 0 0"
	if strings.Join(got2, " ") != strings.TrimSpace(want) {
		t.Errorf("the quadrant tables read %v, want %s:\n%s", got2, want, b.String())
	}
}
