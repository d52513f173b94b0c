package matrix

import "testing"

func TestSplitOf(t *testing.T) {
	for _, tc := range []struct {
		x, y Axis
		want Split
	}{
		{GapAxis, AttitudeAxis, Split{0, 50}},                            // across at no gap
		{Axis{Min: 50, Max: 100}, Axis{Min: 0, Max: 100}, Split{75, 50}}, // attendance: the middle
		{Axis{Min: 0, Max: 100}, Axis{Min: -36, Max: 12}, Split{50, -12}},
	} {
		if got := SplitOf(tc.x, tc.y); got != tc.want {
			t.Errorf("SplitOf(%v, %v) = %v, want %v", tc.x, tc.y, got, tc.want)
		}
	}
}

func TestQuadrantOf(t *testing.T) {
	s := Split{0, 50}
	for _, tc := range []struct {
		v    Value
		want Quadrant
	}{
		{Value{-12, 30}, BottomLeft},
		{Value{-12, 70}, TopLeft},
		{Value{3, 30}, BottomRight},
		{Value{3, 70}, TopRight},
		{Value{0, 50}, TopRight},   // on both lines: the better side
		{Value{-0.5, 50}, TopLeft}, // on the line across
		{Value{0, 49.9}, BottomRight},
	} {
		if got := s.Of(tc.v); got != tc.want {
			t.Errorf("Of(%v) = %v, want %v", tc.v, got, tc.want)
		}
	}
}

func TestQuadrantName(t *testing.T) {
	s := SplitOf(GapAxis, AttitudeAxis)
	want := map[Quadrant]string{
		TopLeft:     "gap below 0, attitude 50 or more",
		TopRight:    "gap 0 or more, attitude 50 or more",
		BottomLeft:  "gap below 0, attitude below 50",
		BottomRight: "gap 0 or more, attitude below 50",
	}
	for q, w := range want {
		if got := s.Name(q, GapAxis, AttitudeAxis); got != w {
			t.Errorf("Name(%d) = %q, want %q", q, got, w)
		}
	}
}

func TestCountQuadrants(t *testing.T) {
	v := func(x, y float64) *Value { return &Value{x, y} }
	dots := []Dot{
		{From: v(-20, 30), To: v(-10, 60)}, // bottom left → top left
		{From: v(-20, 30), To: v(2, 70)},   // bottom left → top right
		{From: v(-5, 40), To: v(-4, 45)},   // stays bottom left
		{From: v(1, 80), To: v(-1, 80)},    // top right → top left
		{From: v(-3, 60)},                  // only at the first snapshot
		{To: v(5, 10)},                     // only at the second
		{},                                 // neither
	}
	c := CountQuadrants(Split{0, 50}, dots)
	if want := [4]int{TopLeft: 1, TopRight: 1, BottomLeft: 3}; c.From != want {
		t.Errorf("From = %v, want %v", c.From, want)
	}
	if want := [4]int{TopLeft: 2, TopRight: 1, BottomLeft: 1, BottomRight: 1}; c.To != want {
		t.Errorf("To = %v, want %v", c.To, want)
	}
	var want [4][4]int
	want[BottomLeft][TopLeft] = 1
	want[BottomLeft][TopRight] = 1
	want[BottomLeft][BottomLeft] = 1
	want[TopRight][TopLeft] = 1
	if c.Moves != want {
		t.Errorf("Moves = %v, want %v", c.Moves, want)
	}
	if c.Both != 4 {
		t.Errorf("Both = %d, want 4", c.Both)
	}
}

func TestSplitAt(t *testing.T) {
	p := Layout(GapAxis, AttitudeAxis, 720, 480, nil)
	at := p.SplitAt(SplitOf(GapAxis, AttitudeAxis))
	if at.X != p.ZeroX {
		t.Errorf("the split across is at %v, the line of no gap at %v", at.X, p.ZeroX)
	}
	if want := round((p.Top + p.Bottom) / 2); at.Y != want {
		t.Errorf("the split up is at %v, want the middle %v", at.Y, want)
	}
}
