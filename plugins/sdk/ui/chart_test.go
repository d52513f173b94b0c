package ui_test

import (
	"flag"
	"html/template"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/ui"
)

var update = flag.Bool("update", false, "rewrite the charts' golden files in testdata/")

// Sample charts, as the docs and /admin/ui show them.
var (
	snapshots = []string{"Baseline", "October", "March"}
	bars      = ui.BarChart{Title: "Pupils at the expected standard", Desc: "Per cent of the target pupils at the expected standard in reading, writing and maths, at each snapshot.",
		XLabel: "Snapshot", YLabel: "Pupils at ARE", Unit: "%", Categories: snapshots, YMin: 0, YMax: 100,
		Series: []ui.Series{{Name: "Reading", Values: []float64{40, 55, 70}}, {Name: "Writing", Values: []float64{35, math.NaN(), 60}}, {Name: "Maths", Values: []float64{45, 50, 65}}}}
	lines = ui.LineChart{Title: "Attitude to learning", Desc: "Mean attitude score of each school's target pupils at each snapshot.",
		XLabel: "Snapshot", YLabel: "Mean attitude (0-100)", Categories: snapshots,
		Series: []ui.Series{{Name: "Ash Field Primary", Values: []float64{42, 51, 63}}, {Name: "Meadow Primary", Values: []float64{38, math.NaN(), 58}}, {Name: "Oak Academy", Values: []float64{50, 52, 49}}}}
	scatter = ui.ScatterChart{Title: "Attitude against attainment", Desc: "Each target pupil's attitude and reading age gap at the March snapshot, by school.",
		XLabel: "Attitude", YLabel: "Reading age gap", YUnit: " months",
		Groups: []ui.Group{
			{Name: "Ash Field Primary", Points: []ui.Point{{X: 30, Y: -14, Label: "A1"}, {X: 55, Y: -6, Label: "A2"}, {X: 72, Y: 2, Label: "A3"}}},
			{Name: "Meadow Primary", Points: []ui.Point{{X: 40, Y: -10, Label: "M1"}, {X: math.NaN(), Y: -3, Label: "M2"}, {X: 66, Y: -1, Label: "M3"}}},
			{Name: "Oak Academy", Points: []ui.Point{{X: 25, Y: -18, Label: "O1"}, {X: 81, Y: 4, Label: "O2"}}},
		}}
)

// golden compares got with testdata/name (rewritten with -update).
func golden(t *testing.T, name string, got template.HTML) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update once)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s changed; if the change is meant, rerun with -update and review the diff", path)
	}
}

func count(h template.HTML, re string) int {
	return len(regexp.MustCompile(re).FindAllString(string(h), -1))
}

func TestBarChart(t *testing.T) {
	h := bars.HTML()
	golden(t, "bar.html", h)
	if h != bars.HTML() {
		t.Fatal("two renderings differ")
	}
	s := string(h)
	// 3 series × 3 snapshots, less the missing October writing.
	if n := count(h, `<rect [^>]*><title>`); n != 8 {
		t.Errorf("%d bars, want 8", n)
	}
	for _, want := range []string{
		`<svg xmlns="http://www.w3.org/2000/svg" class="ui-chart-svg" viewBox="0 0 640 360" role="img" aria-labelledby="chart-pupils-at-the-expected-standard-title" aria-describedby="chart-pupils-at-the-expected-standard-desc">`,
		`<title id="chart-pupils-at-the-expected-standard-title">Pupils at the expected standard</title>`,
		`<title>Reading, Baseline: 40%</title>`, `<title>Maths, March: 65%</title>`,
		`>100%</text>`, `>0%</text>`, `>Snapshot</text>`, `>Pupils at ARE</text>`,
		`<ul class="ui-legend">`, `</svg> Writing</li>`,
		`<details class="ui-chart-data"><summary>The figures as a table</summary>`,
		`<tr><th scope="row">October</th><td class="ui-num">55%</td><td class="ui-num">—</td><td class="ui-num">50%</td></tr>`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("bar chart lacks %s", want)
		}
	}
	if strings.Contains(s, "NaN") {
		t.Error("NaN reached the drawing")
	}
	// Each series its own colour, from the palette.
	for i := range 3 {
		if n := strings.Count(s, `fill="`+ui.Palette[i]+`"><title>`); n < 2 {
			t.Errorf("series %d has %d bars in %s", i, n, ui.Palette[i])
		}
	}
	// Negative values hang below the zero line.
	neg := ui.BarChart{Title: "Change", Categories: []string{"A", "B"}, Series: []ui.Series{{Name: "Gap", Values: []float64{-4, 6}}}}.HTML()
	if !strings.Contains(string(neg), ">-4</text>") || !strings.Contains(string(neg), ">0</text>") || strings.Contains(string(neg), "ui-legend") {
		t.Errorf("a negative single series: ticks or legend wrong:\n%s", neg)
	}
}

func TestLineChart(t *testing.T) {
	h := lines.HTML()
	golden(t, "line.html", h)
	// Meadow's missing October breaks its line: one run of 3 points each for
	// Ash Field and Oak, none of 2+ points for Meadow.
	if n := count(h, `<polyline `); n != 2 {
		t.Errorf("%d lines drawn, want 2 (a single point draws no line)", n)
	}
	if n := count(h, `<title>[^<]*: [0-9.]+</title>`); n != 8 {
		t.Errorf("%d point titles, want 8", n)
	}
	s := string(h)
	for _, want := range []string{`<title>Meadow Primary, March: 58</title>`, `stroke-dasharray="2 3"`, `stroke-dasharray="6 3"`, `<circle `, `<rect `, `<path d="M`} {
		if !strings.Contains(s, want) {
			t.Errorf("line chart lacks %s", want)
		}
	}
	if n := count(h, `<li><svg `); n != 3 {
		t.Errorf("legend has %d entries, want 3", n)
	}
}

func TestScatterChart(t *testing.T) {
	h := scatter.HTML()
	golden(t, "scatter.html", h)
	s := string(h)
	// 8 points, one without an attitude: 7 marks, 8 table rows.
	if n := count(h, `<title>[^<]*\(Attitude [^<]*\)</title>`); n != 7 {
		t.Errorf("%d marks, want 7", n)
	}
	if n := count(h, `<tr><th scope="row">`); n != 8 {
		t.Errorf("%d table rows, want 8", n)
	}
	for _, want := range []string{
		`<title>Oak Academy: O2 (Attitude 81, Reading age gap 4 months)</title>`,
		`<tr><th scope="row">Meadow Primary</th><td>M2</td><td class="ui-num">—</td><td class="ui-num">-3 months</td></tr>`,
		`fill="` + ui.Palette[2] + `"`, `>Attitude</text>`, `>0 months</text>`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("scatter lacks %s", want)
		}
	}
	// Groups differ by shape: a circle, a square, a triangle.
	for _, el := range []string{`<circle cx=`, `<rect x=`, `<path d=`} {
		if !strings.Contains(s, el+"") {
			t.Errorf("scatter lacks %s", el)
		}
	}
}

func TestChartsWithoutDataSaySo(t *testing.T) {
	nan := math.NaN()
	for name, h := range map[string]template.HTML{
		"bar all NaN":       ui.BarChart{Title: "Empty bars", Categories: []string{"A"}, Series: []ui.Series{{Name: "s", Values: []float64{nan}}}}.HTML(),
		"bar no categories": ui.BarChart{Title: "Empty bars", Series: []ui.Series{{Name: "s", Values: []float64{1}}}}.HTML(),
		"line nothing":      ui.LineChart{Title: "Empty bars"}.HTML(),
		"line infinite":     ui.LineChart{Title: "Empty bars", Categories: []string{"A"}, Series: []ui.Series{{Values: []float64{math.Inf(1)}}}}.HTML(),
		"scatter NaN":       ui.ScatterChart{Title: "Empty bars", Groups: []ui.Group{{Name: "g", Points: []ui.Point{{X: nan, Y: 1}}}}}.HTML(),
	} {
		if string(h) != `<figure class="ui-chart" id="chart-empty-bars" data-testid="chart-empty-bars"><figcaption>Empty bars</figcaption><p class="ui-empty">No data to draw yet.</p></figure>` {
			t.Errorf("%s: %s", name, h)
		}
	}
	// One value, or values all equal, still make an axis.
	one := string(ui.LineChart{Title: "One", Categories: []string{"A"}, Series: []ui.Series{{Name: "s", Values: []float64{7}}}}.HTML())
	if strings.Contains(one, "NaN") || strings.Contains(one, "Inf") || !strings.Contains(one, "<title>s, A: 7</title>") {
		t.Errorf("a single value:\n%s", one)
	}
	zero := string(ui.BarChart{Title: "Zero", Categories: []string{"A"}, Series: []ui.Series{{Name: "s", Values: []float64{0}}}}.HTML())
	if strings.Contains(zero, "NaN") || !strings.Contains(zero, ">1.0</text>") {
		t.Errorf("all zero:\n%s", zero)
	}
}

// Every palette colour has 3:1 contrast against white (WCAG 1.4.11), and
// the palette holds no colour twice.
func TestPaletteContrast(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range ui.Palette {
		if seen[c] {
			t.Errorf("%s twice", c)
		}
		seen[c] = true
		if r := contrast(c, "#ffffff"); r < 3 {
			t.Errorf("%s has %.2f:1 against white, want 3:1", c, r)
		}
	}
	if len(ui.Palette) < 6 {
		t.Fatalf("%d colours", len(ui.Palette))
	}
}

// contrast is WCAG 2's contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(hex string) float64 {
	var l float64
	for i, w := range []float64{0.2126, 0.7152, 0.0722} {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		l += w * c
	}
	return l
}

func TestContrastFormula(t *testing.T) {
	// Known pairs: black on white is 21:1; #767676 on white is 4.54:1.
	if r := contrast("#000000", "#ffffff"); math.Abs(r-21) > 0.01 {
		t.Fatalf("black on white %.2f", r)
	}
	if r := contrast("#767676", "#ffffff"); math.Abs(r-4.54) > 0.01 {
		t.Fatalf("#767676 on white %.2f", r)
	}
}
