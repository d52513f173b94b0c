package ui

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Palette is the charts' colours, one per group in order (then again from
// the first). They are Okabe and Ito's colour-blind-safe hues, darkened
// where needed so that each has at least 3:1 contrast against white (WCAG
// 1.4.11, non-text contrast); TestPaletteContrast checks it. Groups also
// differ by marker shape and, on line charts, by dash, so no group is told
// from another by colour alone.
var Palette = [...]string{"#0072B2", "#C75400", "#007D5E", "#B0407E", "#7D6608", "#4B3C99"}

// Shape is a marker's shape, one per group, in Palette's order.
type Shape int

// The shapes, in the order groups take them.
const (
	Circle Shape = iota
	Square
	Triangle
	Diamond
	TriangleDown
	Plus
)

var shapeNames = [...]string{"circle", "square", "triangle", "diamond", "triangle pointing down", "plus"}

// String names the shape in words (the data table uses it).
func (s Shape) String() string { return shapeNames[int(s)%len(shapeNames)] }

// dashes are the line charts' stroke patterns, one per group.
var dashes = [...]string{"", "6 3", "2 3", "8 3 2 3", "12 4", "4 2 1 2"}

// colour, shape and dash of group i.
func colour(i int) string { return Palette[i%len(Palette)] }
func shape(i int) Shape   { return Shape(i % len(shapeNames)) }
func dash(i int) string   { return dashes[i%len(dashes)] }

// The drawing's size in user units (the SVG scales to its container) and
// the plot area's margins.
const (
	chartW, chartH                     = 640.0, 360.0
	marginR, marginT, marginB          = 16.0, 16.0, 56.0
	inkColour, mutedColour, gridColour = "#1b1f24", "#5b6470", "#d8dde3"
)

// Series is one group of a bar or line chart: a value per category (NaN
// where it has none, drawn as nothing: no bar, a break in the line).
type Series struct {
	Name   string
	Values []float64
}

// num formats a coordinate: at most one decimal, no trailing ".0".
func num(f float64) string {
	s := strconv.FormatFloat(f, 'f', 1, 64)
	s = strings.TrimSuffix(s, ".0")
	if s == "-0" {
		return "0"
	}
	return s
}

// formatNumber shows a value to people: at most two decimals, no trailing zeros.
func formatNumber(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "—"
	}
	s := strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64)
	if s == "-0" {
		return "0"
	}
	return s
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// axis is a linear scale from a data range onto a pixel range, with ticks.
type axis struct {
	min, max float64 // the data range, widened to whole ticks
	from, to float64 // pixels
	ticks    []float64
	decimals int
	unit     string
}

// newAxis covers lo..hi with about five round ticks (1, 2 or 5 times a power
// of ten). fixed keeps lo and hi as they are.
func newAxis(lo, hi float64, fixed bool, from, to float64, unit string) axis {
	if !(hi > lo) {
		if lo == 0 {
			lo, hi = 0, 1
		} else {
			lo, hi = lo-math.Abs(lo)/2, hi+math.Abs(hi)/2
		}
	}
	raw := (hi - lo) / 5
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	a := axis{from: from, to: to, unit: unit}
	if fixed {
		a.min, a.max = lo, hi
	} else {
		a.min, a.max = math.Floor(lo/step)*step, math.Ceil(hi/step)*step
	}
	if step < 1 {
		a.decimals = int(math.Ceil(-math.Log10(step) - 1e-9))
	}
	for i := 0; ; i++ {
		t := math.Ceil(a.min/step-1e-9)*step + float64(i)*step
		if t > a.max+step*1e-9 {
			break
		}
		a.ticks = append(a.ticks, t)
	}
	return a
}

// at maps a data value to pixels.
func (a axis) at(v float64) float64 {
	return a.from + (v-a.min)/(a.max-a.min)*(a.to-a.from)
}

func (a axis) label(v float64) string {
	s := strconv.FormatFloat(v, 'f', a.decimals, 64)
	if strings.Trim(s, "-0.") == "" {
		s = "0"
	}
	return s + a.unit
}

// svg accumulates a drawing; every text it is given is escaped.
type svg struct{ strings.Builder }

func (b *svg) f(format string, args ...any) { fmt.Fprintf(&b.Builder, format, args...) }

func esc(s string) string { return template.HTMLEscapeString(s) }

// frame is what every chart shares: its ids, title, description, axes'
// labels and the parts around the marks.
type frame struct {
	ID, Title, Desc, XLabel, YLabel string
	// left is the plot area's left edge: room for the value axis's label
	// and its widest tick label (fitLeft).
	left float64
}

// fitLeft makes room on the left for y's tick labels (about 7 units a
// character at 12px) and the rotated axis label.
func (f *frame) fitLeft(y axis) {
	widest := 0
	for _, t := range y.ticks {
		widest = max(widest, utf8.RuneCountInString(y.label(t)))
	}
	f.left = max(56, 7*float64(widest)+36)
}

func (f frame) id() string {
	if f.ID != "" {
		return idPart(f.ID)
	}
	if s := slug(f.Title); s != "" {
		return "chart-" + s
	}
	return "chart"
}

// open starts the figure and the SVG, named by its title and described by desc.
func (f frame) open(b *svg) {
	id := f.id()
	b.f(`<figure class="ui-chart" id="%s" data-testid="%s">`, id, id)
	b.f(`<figcaption>%s</figcaption>`, esc(f.Title))
	b.f(`<svg xmlns="http://www.w3.org/2000/svg" class="ui-chart-svg" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-title"`, num(chartW), num(chartH), id)
	if f.Desc != "" {
		b.f(` aria-describedby="%s-desc"`, id)
	}
	b.f(`><title id="%s-title">%s</title>`, id, esc(f.Title))
	if f.Desc != "" {
		b.f(`<desc id="%s-desc">%s</desc>`, id, esc(f.Desc))
	}
}

// start opens the drawing of a bar or line chart: the value axis over the
// series' finite values (from zero when withZero; fixed when ymin < ymax),
// the figure, the SVG and the axis drawn. False: nothing to draw.
func (f *frame) start(series []Series, categories int, ymin, ymax float64, unit string, withZero bool) (*svg, axis, bool) {
	lo, hi, ok := valueRange(series)
	if !ok || categories == 0 {
		return nil, axis{}, false
	}
	fixed := ymin < ymax
	if fixed {
		lo, hi = ymin, ymax
	}
	if withZero {
		lo, hi = math.Min(lo, 0), math.Max(hi, 0)
	}
	y := newAxis(lo, hi, fixed, chartH-marginB, marginT, unit)
	f.fitLeft(y)
	b := &svg{}
	f.open(b)
	f.yAxis(b, y)
	return b, y, true
}

// empty is the figure shown when there is nothing to draw.
func (f frame) empty() template.HTML {
	var b svg
	id := f.id()
	b.f(`<figure class="ui-chart" id="%s" data-testid="%s"><figcaption>%s</figcaption><p class="ui-empty">No data to draw yet.</p></figure>`, id, id, esc(f.Title))
	return template.HTML(b.String()) //nolint:gosec // escaped above
}

// yAxis draws the value axis: grid lines, ticks, their labels and the axis label.
func (f frame) yAxis(b *svg, y axis) {
	b.f(`<g class="ui-axis" font-size="12" fill="%s">`, inkColour)
	for _, t := range y.ticks {
		py := num(y.at(t))
		b.f(`<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s"/>`, num(f.left), num(chartW-marginR), py, py, gridColour)
		b.f(`<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s"/>`, num(f.left-5), num(f.left), py, py, mutedColour)
		b.f(`<text x="%s" y="%s" text-anchor="end" dominant-baseline="middle">%s</text>`, num(f.left-8), py, esc(y.label(t)))
	}
	b.f(`<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s"/>`, num(f.left), num(f.left), num(marginT), num(chartH-marginB), mutedColour)
	if f.YLabel != "" {
		cy := num((marginT + chartH - marginB) / 2)
		b.f(`<text x="%s" y="%s" transform="rotate(-90 %s %s)" text-anchor="middle">%s</text>`, num(16), cy, num(16), cy, esc(f.YLabel))
	}
	b.WriteString(`</g>`)
}

// xBase draws the horizontal axis line and its label.
func (f frame) xBase(b *svg) {
	b.f(`<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s"/>`, num(f.left), num(chartW-marginR), num(chartH-marginB), num(chartH-marginB), mutedColour)
	if f.XLabel != "" {
		b.f(`<text x="%s" y="%s" text-anchor="middle">%s</text>`, num((f.left+chartW-marginR)/2), num(chartH-10), esc(f.XLabel))
	}
}

// categoryAxis draws the horizontal axis of categories, each label centred
// in its band.
func (f frame) categoryAxis(b *svg, cats []string) {
	b.f(`<g class="ui-axis" font-size="12" fill="%s">`, inkColour)
	band := (chartW - f.left - marginR) / float64(len(cats))
	for i, c := range cats {
		cx := num(f.left + band*(float64(i)+0.5))
		b.f(`<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s"/>`, cx, cx, num(chartH-marginB), num(chartH-marginB+5), mutedColour)
		b.f(`<text x="%s" y="%s" text-anchor="middle">%s</text>`, cx, num(chartH-marginB+20), esc(c))
	}
	f.xBase(b)
	b.WriteString(`</g>`)
}

// marker draws group i's shape at (x, y) with a hover title.
func marker(b *svg, i int, x, y float64, title string) {
	b.WriteString(markerShape(shape(i), x, y, colour(i)))
	b.f(`<title>%s</title></%s>`, esc(title), shapeElement(shape(i)))
}

func shapeElement(s Shape) string {
	switch s {
	case Circle:
		return "circle"
	case Square:
		return "rect"
	}
	return "path"
}

// markerShape opens the element of shape s centred at (x, y); the caller
// adds a title and closes it.
func markerShape(s Shape, x, y float64, fill string) string {
	const r = 5.5
	p := func(pts ...float64) string {
		var d strings.Builder
		for i := 0; i < len(pts); i += 2 {
			if i == 0 {
				d.WriteString("M")
			} else {
				d.WriteString(" L")
			}
			d.WriteString(num(x+pts[i]) + " " + num(y+pts[i+1]))
		}
		return d.String() + " Z"
	}
	var el string
	switch s {
	case Circle:
		el = fmt.Sprintf(`<circle cx="%s" cy="%s" r="%s"`, num(x), num(y), num(r-0.5))
	case Square:
		el = fmt.Sprintf(`<rect x="%s" y="%s" width="%s" height="%s"`, num(x-r+1), num(y-r+1), num(2*r-2), num(2*r-2))
	case Triangle:
		el = fmt.Sprintf(`<path d="%s"`, p(0, -r-1, r, r-1, -r, r-1))
	case Diamond:
		el = fmt.Sprintf(`<path d="%s"`, p(0, -r-1, r+1, 0, 0, r+1, -r-1, 0))
	case TriangleDown:
		el = fmt.Sprintf(`<path d="%s"`, p(0, r+1, r, -r+1, -r, -r+1))
	default: // Plus
		const a, w = 6.0, 2.0
		el = fmt.Sprintf(`<path d="%s"`, p(-w, -a, w, -a, w, -w, a, -w, a, w, w, w, w, a, -w, a, -w, w, -a, w, -a, -w, -w, -w))
	}
	return el + fmt.Sprintf(` fill="%s" stroke="#ffffff" stroke-width="1">`, fill)
}

// legend lists the groups in HTML, each with its swatch (shape, and dash
// for lines) drawn beside its name; the swatches are decoration.
func legend(names []string, lines bool) string {
	if len(names) < 2 {
		return ""
	}
	var b svg
	b.WriteString(`<ul class="ui-legend">`)
	for i, n := range names {
		w := 16.0
		if lines {
			w = 32
		}
		b.f(`<li><svg xmlns="http://www.w3.org/2000/svg" width="%s" height="16" viewBox="0 0 %s 16" aria-hidden="true" focusable="false">`, num(w), num(w))
		if lines {
			b.f(`<line x1="1" x2="31" y1="8" y2="8" stroke="%s" stroke-width="2"%s/>`, colour(i), dashAttr(i))
		}
		b.WriteString(markerShape(shape(i), w/2, 8, colour(i)))
		b.f(`</%s></svg> %s</li>`, shapeElement(shape(i)), esc(n))
	}
	b.WriteString(`</ul>`)
	return b.String()
}

func dashAttr(i int) string {
	if d := dash(i); d != "" {
		return ` stroke-dasharray="` + d + `"`
	}
	return ""
}

// dataTable is the chart's figures as a table, folded in a details element
// so the drawing is never the only way to read them. The first column heads
// the rows; columns from firstNum on are figures.
func dataTable(title string, head []string, rows [][]string, firstNum int) string {
	var b svg
	b.WriteString(`<details class="ui-chart-data"><summary>The figures as a table</summary><table class="ui-table">`)
	b.f(`<caption>%s</caption><thead><tr>`, esc(title))
	for i, h := range head {
		if i >= firstNum {
			b.f(`<th scope="col" class="ui-num">%s</th>`, esc(h))
		} else {
			b.f(`<th scope="col">%s</th>`, esc(h))
		}
	}
	b.WriteString(`</tr></thead><tbody>`)
	for _, r := range rows {
		b.WriteString(`<tr>`)
		for i, c := range r {
			switch {
			case i == 0:
				b.f(`<th scope="row">%s</th>`, esc(c))
			case i >= firstNum:
				b.f(`<td class="ui-num">%s</td>`, esc(c))
			default:
				b.f(`<td>%s</td>`, esc(c))
			}
		}
		b.WriteString(`</tr>`)
	}
	b.WriteString(`</tbody></table></details>`)
	return b.String()
}

// valueRange is the range of the finite values of every series, and whether
// there is any.
func valueRange(series []Series) (lo, hi float64, any bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for _, v := range s.Values {
			if finite(v) {
				lo, hi, any = math.Min(lo, v), math.Max(hi, v), true
			}
		}
	}
	return lo, hi, any
}

// seriesTable is the table of a bar or line chart: a row per category, a
// column per series.
func seriesTable(title, xLabel, unit string, cats []string, series []Series) string {
	head := []string{xLabel}
	if xLabel == "" {
		head[0] = "Category"
	}
	for _, s := range series {
		head = append(head, s.Name)
	}
	rows := make([][]string, len(cats))
	for i, c := range cats {
		rows[i] = []string{c}
		for _, s := range series {
			v := "—"
			if i < len(s.Values) && finite(s.Values[i]) {
				v = formatNumber(s.Values[i]) + unit
			}
			rows[i] = append(rows[i], v)
		}
	}
	return dataTable(title, head, rows, 1)
}

func names(series []Series) []string {
	out := make([]string, len(series))
	for i, s := range series {
		out[i] = s.Name
	}
	return out
}
