package matrix

// Label placement: each dot's label goes in the first of eight places
// around it (right, left, above, below, then the corners) where it overlaps
// no label already placed, no dot and no edge of the plotting area; a label
// that fits nowhere is left off the drawing (the dot keeps its hover title,
// and the table beside the drawing names it). Dots are labelled in their
// order, so the same dots always give the same drawing.

// Box is a rectangle on the drawing: its top left corner and size.
type Box struct{ X, Y, W, H float64 }

func (a Box) overlaps(b Box) bool {
	return a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H
}

func (a Box) within(left, top, right, bottom float64) bool {
	return a.X >= left && a.Y >= top && a.X+a.W <= right && a.Y+a.H <= bottom
}

// LabelSize is a label's box for text of n characters at the drawing's
// 11-pixel font: generous, so that real glyphs stay inside it.
func LabelSize(n int) (w, h float64) { return float64(n)*7 + 2, 13 }

// dotR is the half-width of a dot's box for placement.
const dotR = 6

// PlaceLabels places the label text(d) of every drawn dot of p, setting
// each dot's Label box and LabelShown.
func (p *Plot) PlaceLabels(text func(Placed) string) {
	taken := append([]Box(nil), p.Reserved...)
	for _, d := range p.Dots {
		for _, at := range []*Pos{d.From, d.To} {
			if at != nil {
				taken = append(taken, Box{X: at.X - dotR, Y: at.Y - dotR, W: 2 * dotR, H: 2 * dotR})
			}
		}
	}
	for i := range p.Dots {
		d := &p.Dots[i]
		d.LabelShown = false
		if d.From == nil && d.To == nil {
			continue
		}
		w, h := LabelSize(len([]rune(text(*d))))
		c := d.Position
		const gap = dotR + 1
		candidates := []Box{
			{c.X + gap, c.Y - h/2, w, h},         // right
			{c.X - gap - w, c.Y - h/2, w, h},     // left
			{c.X - w/2, c.Y - gap - h, w, h},     // above
			{c.X - w/2, c.Y + gap, w, h},         // below
			{c.X + gap, c.Y - gap - h, w, h},     // above right
			{c.X - gap - w, c.Y - gap - h, w, h}, // above left
			{c.X + gap, c.Y + gap, w, h},         // below right
			{c.X - gap - w, c.Y + gap, w, h},     // below left
		}
	next:
		for _, b := range candidates {
			if !b.within(p.Left, p.Top, p.Right, p.Bottom) {
				continue
			}
			for _, t := range taken {
				if b.overlaps(t) {
					continue next
				}
			}
			b = Box{X: round(b.X), Y: round(b.Y), W: b.W, H: b.H}
			d.LabelBox, d.LabelShown = b, true
			taken = append(taken, b)
			break
		}
	}
}
