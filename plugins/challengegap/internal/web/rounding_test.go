package web

import (
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/matrix"
)

// Bug 2 of issue 13: a matrix's movers read rounded changes, never a
// float's noise (+0.5999999999999943).
func TestMatrixChangesAreRounded(t *testing.T) {
	v := func(x, y float64) *matrix.Value { return &matrix.Value{X: x, Y: y} }
	axes := axesChoice{X: matrix.MeasureAttendance, Y: matrix.DefaultY}
	plot := axes.layout([]matrix.Dot{{Label: "A1", From: v(93.4, 40), To: v(94.0, 50)}})
	if got := plot.Dots[0].DX; got == 0.6 {
		t.Fatalf("the change is %v: the case no longer carries a float's noise", got)
	}
	cv := clusterMatrixView{Plot: plot}
	for _, d := range plot.Dots {
		cv.Movers = append(cv.Movers, pseudoRow{Placed: d})
	}
	got := string(cv.MoversHTML())
	if !strings.Contains(got, "&#43;0.6") || strings.Contains(got, "0.59999") {
		t.Fatalf("the movers read %s", got)
	}
	if formatValue(93.39999999999999) != "93.4" {
		t.Fatalf("a value reads %s", formatValue(93.39999999999999))
	}
}
