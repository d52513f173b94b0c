package matrix

import "testing"

func TestLayoutOnAttendanceAgainstARE(t *testing.T) {
	x, _ := MeasureAttendance.Axis()
	y, _ := MeasureARE.Axis()
	// Plotting area: Left 64 .. Right 384 (320 px for 50 points: 6.4 px a point),
	// Top 16 .. Bottom 216 (200 px for 100 %: 2 px a point).
	p := Layout(x, y, 400, 264, []Dot{
		{Label: "a", From: &Value{90, 100.0 / 3}, To: &Value{95, 200.0 / 3}},
		{Label: "b", From: &Value{40, 0}, To: &Value{40, 0}}, // below the attendance axis: at its edge, not moving
	})
	a := p.Dots[0]
	if *a.From != (Pos{320, 149.3}) || *a.To != (Pos{352, 82.7}) || !a.Arrow || a.DX != 5 {
		t.Fatalf("a = %+v from %+v to %+v", a, *a.From, *a.To)
	}
	if b := p.Dots[1]; *b.From != (Pos{64, 216}) || b.Arrow || !b.Clamped {
		t.Fatalf("b = %+v from %+v", b, *b.From)
	}
	// No zero line on an axis starting at 50; ticks every 10 points and every 25 %.
	if p.HasZeroX || len(p.XTicks) != 6 || p.XTicks[0].Label != "50" || p.XTicks[5].At != 384 ||
		len(p.YTicks) != 5 || p.YTicks[1].Label != "25" || p.YTicks[1].At != 166 {
		t.Fatalf("ticks or zero line: %+v %+v %v", p.XTicks, p.YTicks, p.HasZeroX)
	}
	// Attitude as X starts at 0: the edge, not a line of "no gap".
	ax, _ := MeasureAttitude.Axis()
	if q := Layout(ax, y, 400, 264, nil); q.HasZeroX {
		t.Fatal("a zero line drawn at the edge of an axis starting at 0")
	}
}

func TestChooseAxes(t *testing.T) {
	for _, tc := range []struct {
		x, y   string
		wx, wy Measure
	}{
		{"", "", MeasureGap, MeasureAttitude},
		{"attendance", "are", MeasureAttendance, MeasureARE},
		{"aspiration", "", MeasureAspiration, MeasureAttitude},
		{"<script>", "gap", MeasureGap, MeasureAttitude}, // unknown x is the default, then both are the gap: the defaults
		{"attitude", "attitude", MeasureGap, MeasureAttitude},
		{"attitude", "gap", MeasureAttitude, MeasureGap},
	} {
		if x, y := ChooseAxes(tc.x, tc.y); x != tc.wx || y != tc.wy {
			t.Errorf("ChooseAxes(%q, %q) = %s, %s; want %s, %s", tc.x, tc.y, x, y, tc.wx, tc.wy)
		}
	}
	for _, m := range Measures {
		if a, ok := m.Axis(); !ok || a.Label == "" || a.Short == "" || a.Max <= a.Min || a.Step <= 0 {
			t.Errorf("measure %s has axis %+v", m, a)
		}
	}
}
