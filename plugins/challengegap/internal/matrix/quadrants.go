package matrix

import "strconv"

// Quadrant is one of the four parts the matrix's two split lines make.
type Quadrant int

// The quadrants, in reading order of the drawing: top left first.
const (
	TopLeft Quadrant = iota
	TopRight
	BottomLeft
	BottomRight
)

// Quadrants lists the quadrants in the order tables show them.
var Quadrants = [4]Quadrant{TopLeft, TopRight, BottomLeft, BottomRight}

// Split is where the quadrant lines cross, in the axes' units: across at
// zero when the axis runs through it (the line of no gap), otherwise at the
// axis's middle; up at the axis's middle.
type Split struct{ X, Y float64 }

// SplitOf returns the split of the axes x and y.
func SplitOf(x, y Axis) Split {
	s := Split{X: (x.Min + x.Max) / 2, Y: (y.Min + y.Max) / 2}
	if x.Min < 0 && x.Max > 0 {
		s.X = 0
	}
	return s
}

// Of returns the quadrant of v: a value on a line counts on the better side
// (right, top).
func (s Split) Of(v Value) Quadrant {
	q := BottomLeft
	if v.Y >= s.Y {
		q = TopLeft
	}
	if v.X >= s.X {
		q++
	}
	return q
}

// Name says in words which values quadrant q holds, e.g. "gap below 0,
// attitude 50 or more".
func (s Split) Name(q Quadrant, x, y Axis) string {
	part := func(a Axis, at float64, high bool) string {
		n := strconv.FormatFloat(at, 'f', -1, 64)
		if high {
			return a.Short + " " + n + " or more"
		}
		return a.Short + " below " + n
	}
	return part(x, s.X, q == TopRight || q == BottomRight) + ", " + part(y, s.Y, q == TopLeft || q == TopRight)
}

// QuadrantCounts is how many pupils lie in each quadrant at the two
// snapshots compared, and how many of those with both values moved from
// each quadrant (first index) to each (second index).
type QuadrantCounts struct {
	From, To [4]int
	Moves    [4][4]int
	Both     int // pupils with both values
}

// CountQuadrants counts dots by quadrant of split s.
func CountQuadrants(s Split, dots []Dot) QuadrantCounts {
	var c QuadrantCounts
	for _, d := range dots {
		if d.From != nil {
			c.From[s.Of(*d.From)]++
		}
		if d.To != nil {
			c.To[s.Of(*d.To)]++
		}
		if d.From != nil && d.To != nil {
			c.Moves[s.Of(*d.From)][s.Of(*d.To)]++
			c.Both++
		}
	}
	return c
}

// SplitAt returns where the split lines lie on the drawing, in pixels.
func (p Plot) SplitAt(s Split) Pos { return Pos{X: round(p.px(s.X)), Y: round(p.py(s.Y))} }
