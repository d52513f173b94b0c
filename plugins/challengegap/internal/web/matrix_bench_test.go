package web

import (
	"io"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/matrix"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// benchView is a cluster's matrix of 7 schools × 15 pupils, as the page
// draws it, from fixed random values.
func benchView() clusterMatrixView {
	rng := rand.New(rand.NewPCG(1, 2))
	v := clusterMatrixView{Cluster: &store.Cluster{ID: 1, Name: "Bench Cluster"}, Year: &store.Year{ID: 1, Label: "2017-18"},
		Labels: []string{"Baseline", "October", "March", "July"}, To: 3, FromLabel: "Baseline", ToLabel: "July", MinCount: MinCount,
		Axes: axesChoice{X: matrix.DefaultX, Y: matrix.DefaultY, Measures: matrix.Measures}, Action: "/clusters/1/matrix"}
	var dots []matrix.Dot
	var strategies [][]string
	for s := range 7 {
		sum := schoolSummary{Letter: letter(s), Name: "Bench School " + strconv.Itoa(s), Drawn: 15, Shown: true, MeanChange: "3.4"}
		v.Schools = append(v.Schools, sum)
		for p := range 15 {
			from := &matrix.Value{X: float64(-30 + rng.IntN(30)), Y: float64(20 + rng.IntN(50))}
			to := &matrix.Value{X: from.X + float64(rng.IntN(8)-1), Y: from.Y + float64(rng.IntN(12)-2)}
			dots = append(dots, matrix.Dot{Label: sum.Letter + strconv.Itoa(p+1), From: from, To: to})
			strategies = append(strategies, []string{"Pre-teaching key vocabulary", "Learning journals"}[:1+p%2])
		}
	}
	v.Plot = v.Axes.layout(dots)
	for i, d := range v.Plot.Dots {
		v.Rows = append(v.Rows, pseudoRow{Placed: d, Strategies: strategies[i]})
	}
	for _, m := range v.Plot.Movers() {
		v.Movers = append(v.Movers, v.Rows[m.Number-1])
	}
	return v
}

func BenchmarkClusterMatrixTemplate(b *testing.B) {
	v := benchView()
	for b.Loop() {
		if err := tmpl.ExecuteTemplate(io.Discard, "clustermatrix", v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMatrixSVGTemplate(b *testing.B) {
	v := benchView()
	d := svgData{Plot: v.Plot, From: v.FromLabel, To: v.ToLabel, Labels: true}
	for b.Loop() {
		if err := tmpl.ExecuteTemplate(io.Discard, "matrixsvg", d); err != nil {
			b.Fatal(err)
		}
	}
}
