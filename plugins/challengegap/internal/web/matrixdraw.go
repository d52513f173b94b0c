package web

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/matrix"
)

// svgData is what a matrix drawing needs: the plot, the two snapshots'
// labels, whether dots carry their labels (pseudonyms) or numbers, and the
// quadrant counts drawn in the corners.
type svgData struct {
	ID       string // prefix of the drawing's element ids, unique on its page
	Plot     matrix.Plot
	From, To string
	Labels   bool // dots carry their labels rather than numbers
	Small    bool // a small multiple: no labels on the dots
	Quads    quadView
}

// newSVG lays out the labels of p and counts its quadrants.
func newSVG(id string, p matrix.Plot, from, to string, labels bool) svgData {
	d := svgData{ID: id, Plot: p, From: from, To: to, Labels: labels}
	d.Plot.Dots = append([]matrix.Placed(nil), p.Dots...) // placing labels must not change the caller's plot
	d.Quads = newQuadView(d.Plot, from, to)
	for _, q := range d.Quads.Rows { // keep labels off the corners' counts ("12 → 15")
		w, h := matrix.LabelSize(len([]rune(strconv.Itoa(q.From) + " → " + strconv.Itoa(q.To))))
		b := matrix.Box{X: q.TextX, Y: q.TextY - 10, W: w, H: h}
		if q.TextAnchor == "end" {
			b.X -= w
		}
		d.Plot.Reserved = append(d.Plot.Reserved, b)
	}
	d.Plot.PlaceLabels(d.labelText)
	return d
}

func (d svgData) labelText(p matrix.Placed) string {
	if d.Labels {
		return p.Label
	}
	return strconv.Itoa(p.Number)
}

// groupColour and groupShape are group g's colour and marker: the SDK's
// chart palette (3:1 against white) and shapes, so that no school is told
// from another by colour alone.
func groupColour(g int) string { return ui.Palette[g%len(ui.Palette)] }
func groupShape(g int) ui.Shape {
	return ui.Shape(g % 6)
}

// How a marker is drawn: hollow (white with the colour's outline) where a
// pupil was, filled where the pupil is, or as a legend's swatch.
type markKind int

const (
	markHollow markKind = iota
	markFilled
	markSwatch
)

// markerSVG draws shape s centred at (x, y) in the colour.
func markerSVG(b []byte, s ui.Shape, x, y float64, colour string, kind markKind) []byte {
	const r = 5.0
	num := func(v float64) { b = strconv.AppendFloat(b, round1(v), 'f', -1, 64) }
	path := func(pts ...float64) {
		b = append(b, `<path d="`...)
		for i := 0; i < len(pts); i += 2 {
			if i == 0 {
				b = append(b, 'M')
			} else {
				b = append(b, " L"...)
			}
			num(x + pts[i])
			b = append(b, ' ')
			num(y + pts[i+1])
		}
		b = append(b, ` Z"`...)
	}
	switch s {
	case ui.Circle:
		b = append(b, `<circle cx="`...)
		num(x)
		b = append(b, `" cy="`...)
		num(y)
		b = append(b, `" r="5"`...)
	case ui.Square:
		b = append(b, `<rect x="`...)
		num(x - r + 0.5)
		b = append(b, `" y="`...)
		num(y - r + 0.5)
		b = append(b, `" width="9" height="9"`...)
	case ui.Triangle:
		path(0, -r-1, r, r-1, -r, r-1)
	case ui.Diamond:
		path(0, -r-1, r+1, 0, 0, r+1, -r-1, 0)
	case ui.TriangleDown:
		path(0, r+1, r, -r+1, -r, -r+1)
	default: // plus
		const a, w = 6.0, 2.0
		path(-w, -a, w, -a, w, -w, a, -w, a, w, w, w, w, a, -w, a, -w, w, -a, w, -a, -w, -w, -w)
	}
	switch kind {
	case markHollow:
		return append(b, ` fill="#ffffff" stroke="`+colour+`" stroke-width="1.5"/>`...)
	case markFilled:
		return append(b, ` fill="`+colour+`" stroke="#ffffff" stroke-width="1" data-to="1"/>`...)
	}
	return append(b, ` fill="`+colour+`"/>`...)
}

func round1(v float64) float64 {
	if v < 0 {
		return -float64(int64(-v*10+0.5)) / 10
	}
	return float64(int64(v*10+0.5)) / 10
}

// DefsSVG is an arrowhead per group drawn, in the group's colour.
func (d svgData) DefsSVG() template.HTML {
	seen := map[int]bool{}
	var b strings.Builder
	for _, p := range d.Plot.Dots {
		if seen[p.Group] {
			continue
		}
		seen[p.Group] = true
		b.WriteString(`<marker id="` + escText(d.ID) + `-arrow-` + strconv.Itoa(p.Group) + `" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="` + groupColour(p.Group) + `"/></marker>`)
	}
	return template.HTML(b.String()) //nolint:gosec // ids escaped, colours ours
}

// title is a dot's hover text: its label (a name, or a pseudonym) and its
// place at both snapshots, e.g. "A3: gap -12 → -6 months; attitude 40 → 55".
func (d svgData) title(p matrix.Placed) string {
	val := func(v *matrix.Value, x bool) string {
		switch {
		case v == nil:
			return "not recorded"
		case x:
			return formatValue(v.X)
		}
		return formatValue(v.Y)
	}
	label := p.Label
	if !d.Labels {
		label = strconv.Itoa(p.Number) + ". " + p.Label
	} else if p.Name != "" {
		label += " (" + p.Name + ")"
	}
	return label + ": " + d.Plot.X.Short + " " + val(p.Was, true) + " → " + val(p.Is, true) + d.Plot.X.Unit +
		"; " + d.Plot.Y.Short + " " + val(p.Was, false) + " → " + val(p.Is, false) + d.Plot.Y.Unit
}

// DotsSVG is the drawing's dots: for each pupil a group with its hover
// title, the hollow marker where the pupil was, the arrow, the filled
// marker where the pupil is and the label (the pseudonym, or the number)
// where PlaceLabels found room. Built in Go rather than by the template: a
// hundred pupils cost the template some nine hundred actions a page.
func (d svgData) DotsSVG() template.HTML {
	b := make([]byte, 0, len(d.Plot.Dots)*420)
	num := func(v float64) { b = strconv.AppendFloat(b, v, 'g', -1, 64) }
	for _, p := range d.Plot.Dots {
		if p.From == nil && p.To == nil {
			continue
		}
		colour, shape := groupColour(p.Group), groupShape(p.Group)
		b = append(b, "\n  <g data-dot=\""...)
		b = strconv.AppendInt(b, int64(p.Number), 10)
		b = append(b, `"><title>`...)
		b = append(b, escText(d.title(p))...)
		b = append(b, `</title>`...)
		if p.From != nil {
			b = markerSVG(b, shape, p.From.X, p.From.Y, colour, markHollow)
		}
		if p.Arrow {
			b = append(b, `<line x1="`...)
			num(p.From.X)
			b = append(b, `" y1="`...)
			num(p.From.Y)
			b = append(b, `" x2="`...)
			num(p.ArrowEnd.X)
			b = append(b, `" y2="`...)
			num(p.ArrowEnd.Y)
			b = append(b, `" stroke="`+colour+`" stroke-width="1.5" marker-end="url(#`...)
			b = append(b, escText(d.ID)...)
			b = append(b, "-arrow-"...)
			b = strconv.AppendInt(b, int64(p.Group), 10)
			b = append(b, `)"/>`...)
		}
		if p.To != nil {
			b = markerSVG(b, shape, p.To.X, p.To.Y, colour, markFilled)
		}
		if p.LabelShown && !d.Small {
			b = append(b, `<text x="`...)
			num(p.LabelBox.X + 1)
			b = append(b, `" y="`...)
			num(p.LabelBox.Y + 10)
			b = append(b, `" font-size="11">`...)
			b = append(b, escText(d.labelText(p))...)
			b = append(b, `</text>`...)
		}
		b = append(b, `</g>`...)
	}
	return template.HTML(b) //nolint:gosec // numbers, and every text escaped
}

// quadView is the quadrant counts of a drawing: where the split lines lie,
// each quadrant's count at both snapshots and the moves between them.
type quadView struct {
	At       matrix.Pos // the split lines on the drawing
	Split    matrix.Split
	From, To string
	Rows     []quadRow
	Both     int
}

type quadRow struct {
	Name       string
	From, To   int
	Moves      []int // to each quadrant, in matrix.Quadrants' order
	TextX      float64
	TextY      float64
	TextAnchor string
}

func newQuadView(p matrix.Plot, from, to string) quadView {
	s := matrix.SplitOf(p.X, p.Y)
	dots := make([]matrix.Dot, len(p.Dots))
	for i, d := range p.Dots {
		dots[i] = matrix.Dot{From: d.Was, To: d.Is}
	}
	c := matrix.CountQuadrants(s, dots)
	v := quadView{At: p.SplitAt(s), Split: s, From: from, To: to, Both: c.Both}
	for _, q := range matrix.Quadrants {
		row := quadRow{Name: s.Name(q, p.X, p.Y), From: c.From[q], To: c.To[q], Moves: c.Moves[q][:]}
		switch q { // the counts' place on the drawing: the quadrant's outer corner
		case matrix.TopLeft:
			row.TextX, row.TextY, row.TextAnchor = p.Left+4, p.Top+12, "start"
		case matrix.TopRight:
			row.TextX, row.TextY, row.TextAnchor = p.Right-4, p.Top+12, "end"
		case matrix.BottomLeft:
			row.TextX, row.TextY, row.TextAnchor = p.Left+4, p.Bottom-5, "start"
		default:
			row.TextX, row.TextY, row.TextAnchor = p.Right-4, p.Bottom-5, "end"
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}
