// Package matrix lays out the programme's matrix: every target pupil as a
// dot on two axes (by default the attainment gap in months against attitude
// to learning), with an arrow from where the pupil was at one snapshot to
// where they are at another. It is pure geometry for a server-rendered SVG;
// it knows nothing of names, storage or the Host.
package matrix

import (
	"fmt"
	"math"
	"sort"
)

// Axis is one axis of the matrix: values from Min to Max (values beyond
// are drawn at the edge) and the ticks to label.
type Axis struct {
	Label    string
	Short    string // the name in a sentence ("gap")
	Unit     string // after a change in a sentence (" months", "%")
	Min, Max float64
	Step     float64 // between ticks
}

// The default axes: the gap in months (behind is negative) and attitude to learning (0-100).
var (
	GapAxis      = Axis{Label: "Attainment gap (months)", Short: "gap", Unit: " months", Min: -36, Max: 12, Step: 6}
	AttitudeAxis = Axis{Label: "Attitude to learning", Short: "attitude", Min: 0, Max: 100, Step: 20}
)

// Value is a pupil's place at one snapshot, in the axes' units.
type Value struct{ X, Y float64 }

// Dot is one pupil: its label (a name or a pseudonym) and its values at the
// two snapshots compared (nil: not recorded).
type Dot struct {
	Label    string
	From, To *Value
	Group    int    // the dot's group (a school of a cluster): its colour and marker
	Name     string // the pupil's name beside a pseudonym, where the viewer may see it
}

// Pos is a place on the drawing, in pixels from the top left.
type Pos struct{ X, Y float64 }

// Placed is a dot laid out: where it was and is, and whether it moved.
type Placed struct {
	Label    string
	From, To *Pos
	Arrow    bool    // both places known and apart
	ArrowEnd Pos     // where the arrow stops: short of the To dot
	DX, DY   float64 // the change in the axes' units (To - From), when both are known
	Number   int     // the dot's number on the drawing and in the table
	Clamped  bool    // a value lay beyond an axis and is drawn at its edge
	Position Pos     // where the label goes: To, or From when To is unknown
	Group    int     // the Dot's group
	Was, Is  *Value  // the values at the two snapshots (nil: not recorded)
	Name     string  // the Dot's name, if any

	// Set by PlaceLabels: the label's box, when it found room for it.
	LabelBox   Box
	LabelShown bool
}

// Tick is a labelled line across the drawing.
type Tick struct {
	At    float64 // pixels along the axis
	Label string
}

// Plot is the matrix laid out.
type Plot struct {
	Width, Height float64 // of the whole drawing
	Left, Top     float64 // of the plotting area
	Right, Bottom float64
	X, Y          Axis
	XTicks        []Tick
	YTicks        []Tick
	ZeroX         float64 // pixels of X = 0 (the line of no gap), when strictly within the axis
	HasZeroX      bool
	Dots          []Placed
	Reserved      []Box // places labels must keep clear of (the quadrants' counts)
}

// dotGap is how far short of the To dot an arrow stops, in pixels.
const dotGap = 6

// Layout places dots on a drawing of width × height pixels. Dots are
// numbered in the order given.
func Layout(x, y Axis, width, height float64, dots []Dot) Plot {
	p := Plot{Width: width, Height: height, Left: 64, Top: 16, Right: width - 16, Bottom: height - 48, X: x, Y: y}
	for v := x.Min; v <= x.Max+1e-9; v += x.Step {
		p.XTicks = append(p.XTicks, Tick{At: p.px(v), Label: fmt.Sprintf("%g", v)})
	}
	for v := y.Min; v <= y.Max+1e-9; v += y.Step {
		p.YTicks = append(p.YTicks, Tick{At: p.py(v), Label: fmt.Sprintf("%g", v)})
	}
	if x.Min < 0 && x.Max > 0 {
		p.ZeroX, p.HasZeroX = p.px(0), true
	}
	for i, d := range dots {
		pl := Placed{Label: d.Label, Number: i + 1, Group: d.Group, Was: d.From, Is: d.To, Name: d.Name}
		if d.From != nil {
			pos, c := p.place(*d.From)
			pl.From, pl.Clamped = &pos, c
		}
		if d.To != nil {
			pos, c := p.place(*d.To)
			pl.To, pl.Clamped = &pos, pl.Clamped || c
		}
		if d.From != nil && d.To != nil {
			pl.DX, pl.DY = d.To.X-d.From.X, d.To.Y-d.From.Y
			dist := math.Hypot(pl.To.X-pl.From.X, pl.To.Y-pl.From.Y)
			pl.Arrow = dist >= 1
			pl.ArrowEnd = *pl.To
			if dist > dotGap*2 {
				pl.ArrowEnd = Pos{X: round(pl.To.X - (pl.To.X-pl.From.X)/dist*dotGap), Y: round(pl.To.Y - (pl.To.Y-pl.From.Y)/dist*dotGap)}
			}
		}
		switch {
		case pl.To != nil:
			pl.Position = *pl.To
		case pl.From != nil:
			pl.Position = *pl.From
		}
		p.Dots = append(p.Dots, pl)
	}
	return p
}

func clamp(v, lo, hi float64) (float64, bool) {
	switch {
	case v < lo:
		return lo, true
	case v > hi:
		return hi, true
	}
	return v, false
}

func (p Plot) px(v float64) float64 {
	return p.Left + (v-p.X.Min)/(p.X.Max-p.X.Min)*(p.Right-p.Left)
}

func (p Plot) py(v float64) float64 {
	return p.Bottom - (v-p.Y.Min)/(p.Y.Max-p.Y.Min)*(p.Bottom-p.Top)
}

func (p Plot) place(v Value) (Pos, bool) {
	x, cx := clamp(v.X, p.X.Min, p.X.Max)
	y, cy := clamp(v.Y, p.Y.Min, p.Y.Max)
	return Pos{X: round(p.px(x)), Y: round(p.py(y))}, cx || cy
}

func round(v float64) float64 { return math.Round(v*10) / 10 }

// Movers returns the numbers of the dots with both values, ordered by how
// far they moved along X (most closed first), then by number.
func (p Plot) Movers() []Placed {
	var out []Placed
	for _, d := range p.Dots {
		if d.From != nil && d.To != nil {
			out = append(out, d)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DX > out[j].DX })
	return out
}
