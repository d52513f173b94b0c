package matrix

import "testing"

func TestLayoutPlacesClampsAndMeasuresMovement(t *testing.T) {
	x := Axis{Min: -30, Max: 10, Step: 10}
	y := Axis{Min: 0, Max: 100, Step: 50}
	// Plotting area: Left 64 .. Right 384 (320 px for 40 months: 8 px a month),
	// Top 16 .. Bottom 216 (200 px for 100: 2 px a point).
	p := Layout(x, y, 400, 264, []Dot{
		{Label: "a", From: &Value{-20, 40}, To: &Value{-10, 60}},
		{Label: "b", From: &Value{-50, 120}, To: &Value{-50, 120}}, // beyond both axes: at the corner, not moving
		{Label: "c", To: &Value{0, 0}},
		{Label: "d"},
	})
	a := p.Dots[0]
	if *a.From != (Pos{144, 136}) || *a.To != (Pos{224, 96}) || !a.Arrow || a.DX != 10 || a.DY != 20 || a.Number != 1 {
		t.Fatalf("a = %+v from %+v to %+v", a, *a.From, *a.To)
	}
	// 80 px right and 40 px up: the arrow stops 6 px short of the dot.
	if a.ArrowEnd != (Pos{218.6, 98.7}) {
		t.Fatalf("arrow end = %+v", a.ArrowEnd)
	}
	b := p.Dots[1]
	if *b.From != (Pos{64, 16}) || b.Arrow || !b.Clamped {
		t.Fatalf("b = %+v from %+v", b, *b.From)
	}
	c := p.Dots[2]
	if c.From != nil || c.Arrow || c.Position != (Pos{304, 216}) {
		t.Fatalf("c = %+v", c)
	}
	if d := p.Dots[3]; d.From != nil || d.To != nil || d.Arrow {
		t.Fatalf("d = %+v", d)
	}
	if !p.HasZeroX || p.ZeroX != 304 || len(p.XTicks) != 5 || p.XTicks[0].Label != "-30" || len(p.YTicks) != 3 || p.YTicks[2].At != 16 {
		t.Fatalf("ticks or zero line: %+v %+v %v", p.XTicks, p.YTicks, p.ZeroX)
	}
	movers := p.Movers()
	if len(movers) != 2 || movers[0].Label != "a" || movers[1].Label != "b" {
		t.Fatalf("movers = %+v", movers)
	}
}

func TestNoZeroLineOutsideTheAxis(t *testing.T) {
	if p := Layout(Axis{Min: 5, Max: 10, Step: 5}, AttitudeAxis, 400, 300, nil); p.HasZeroX {
		t.Fatal("a zero line outside the axis")
	}
}
