package matrix

import (
	"fmt"
	"testing"
)

func labelOf(p Placed) string { return p.Label }

// noOverlap fails t when two shown labels overlap, a label covers a dot or
// leaves the plotting area.
func noOverlap(t *testing.T, p Plot) {
	t.Helper()
	for i, a := range p.Dots {
		if !a.LabelShown {
			continue
		}
		if !a.LabelBox.within(p.Left, p.Top, p.Right, p.Bottom) {
			t.Errorf("label %q at %v leaves the plotting area", a.Label, a.LabelBox)
		}
		for j, b := range p.Dots {
			for _, at := range []*Pos{b.From, b.To} {
				if at != nil && a.LabelBox.overlaps(Box{at.X - dotR, at.Y - dotR, 2 * dotR, 2 * dotR}) {
					t.Errorf("label %q at %v covers dot %q at %v", a.Label, a.LabelBox, b.Label, *at)
				}
			}
			if j > i && b.LabelShown && a.LabelBox.overlaps(b.LabelBox) {
				t.Errorf("labels %q %v and %q %v overlap", a.Label, a.LabelBox, b.Label, b.LabelBox)
			}
		}
	}
}

func TestPlaceLabels(t *testing.T) {
	v := func(x, y float64) *Value { return &Value{x, y} }
	for _, tc := range []struct {
		name  string
		dots  []Dot
		shown []bool
		where []string // "right", "left", "above", "below" … of the dot, for the shown
	}{
		{"one dot: to its right", []Dot{{Label: "A1", To: v(-12, 50)}}, []bool{true}, []string{"right"}},
		{"at the right edge: to its left", []Dot{{Label: "A1", To: v(12, 50)}}, []bool{true}, []string{"left"}},
		{"two dots side by side: the second goes elsewhere",
			[]Dot{{Label: "A1", To: v(-12, 50)}, {Label: "A2", To: v(-11, 50)}}, []bool{true, true}, []string{"left", "right"}},
		{"not drawn: no label", []Dot{{Label: "A1"}}, []bool{false}, []string{""}},
		{"only where it was", []Dot{{Label: "A1", From: v(-24, 20)}}, []bool{true}, []string{"right"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := Layout(GapAxis, AttitudeAxis, 720, 480, tc.dots)
			p.PlaceLabels(labelOf)
			noOverlap(t, p)
			for i, d := range p.Dots {
				if d.LabelShown != tc.shown[i] {
					t.Fatalf("dot %d shown %v, want %v", i, d.LabelShown, tc.shown[i])
				}
				if !d.LabelShown {
					continue
				}
				b, c := d.LabelBox, d.Position
				var got string
				switch {
				case b.X > c.X:
					got = "right"
				case b.X+b.W < c.X:
					got = "left"
				case b.Y+b.H < c.Y:
					got = "above"
				default:
					got = "below"
				}
				if got != tc.where[i] {
					t.Errorf("dot %q: label %s of it (%v around %v), want %s", d.Label, got, b, c, tc.where[i])
				}
			}
		})
	}
}

// A crowd: fifty pupils on nearly the same spot. Labels never overlap;
// those with no room are left off, and the same dots give the same places.
func TestPlaceLabelsCrowd(t *testing.T) {
	var dots []Dot
	for i := 0; i < 50; i++ {
		dots = append(dots, Dot{Label: fmt.Sprintf("B%d", i+1), From: &Value{X: -10 - float64(i%5), Y: 40 + float64(i%7)}, To: &Value{X: -8 + float64(i%3), Y: 45 + float64(i%4)}})
	}
	p := Layout(GapAxis, AttitudeAxis, 720, 480, dots)
	p.PlaceLabels(labelOf)
	noOverlap(t, p)
	shown := 0
	for _, d := range p.Dots {
		if d.LabelShown {
			shown++
		}
	}
	if shown == 0 || shown == len(dots) {
		t.Errorf("%d of %d labels shown: a crowd should show some and leave some off", shown, len(dots))
	}
	q := Layout(GapAxis, AttitudeAxis, 720, 480, dots)
	q.PlaceLabels(labelOf)
	for i := range p.Dots {
		if p.Dots[i].LabelBox != q.Dots[i].LabelBox || p.Dots[i].LabelShown != q.Dots[i].LabelShown {
			t.Fatalf("dot %d placed differently on a second run", i)
		}
	}
}

// A reserved place (the quadrants' counts in a corner) keeps labels off it.
func TestPlaceLabelsKeepsOffReserved(t *testing.T) {
	dots := []Dot{{Label: "A1", To: &Value{X: -35, Y: 97}}} // by the top left corner
	p := Layout(GapAxis, AttitudeAxis, 720, 480, dots)
	p.PlaceLabels(labelOf)
	free := p.Dots[0].LabelBox
	if !p.Dots[0].LabelShown {
		t.Fatal("no room for a lone label")
	}
	p.Reserved = []Box{free}
	p.PlaceLabels(labelOf)
	if p.Dots[0].LabelShown && p.Dots[0].LabelBox.overlaps(free) {
		t.Errorf("the label %v overlaps the reserved %v", p.Dots[0].LabelBox, free)
	}
}
