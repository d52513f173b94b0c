package figures

import (
	"bytes"
	"encoding/csv"
	"math"
	"strconv"
	"testing"
)

func TestCompute(t *testing.T) {
	y := Compute(Inputs{Label: "2025-26", Hosted: 10, Met: 6, Overall: ScoresOf(5, 5, 4), CPD: ScoresOf(9, 10),
		LDDScores: ScoresOf(9, 10, 9, 8, 10, 9, 9, 9, 10, 8), Pairs: 89, Hubs: 25, HubsHosted: 11})
	cases := []struct{ name, got, want string }{
		{"reciprocity", Percent(y.Reciprocity), "60%"},
		{"overall", y.OverallMean.String(), "4.7/5"},
		{"cpd", y.CPDMean.String(), "9.5/10"},
		{"ldd rating", y.LDDRating.String(), "9.1/10"},
		{"hubs hosted", Percent(y.HubShare), "44%"},
		{"no scores", Compute(Inputs{}).LDDRating.String(), "—"},
		{"no hubs", Percent(Compute(Inputs{}).HubShare), "—"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: %s, want %s", c.name, c.got, c.want)
		}
	}
}

// TestTheCSVIsNumbers: every cell but the year parses as a number or is
// empty (nothing to rest on).
func TestTheCSVIsNumbers(t *testing.T) {
	ys := []Year{Compute(Inputs{Label: "2024-25", Reviews: 400, ReviewsDone: 398, Hosted: 3, Met: 1, LDDScores: ScoresOf(7)}), Compute(Inputs{Label: "2025-26"})}
	var b bytes.Buffer
	if err := WriteCSV(&b, ys); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || len(rows[0]) != len(Columns) {
		t.Fatalf("%d rows of %d", len(rows), len(rows[0]))
	}
	for _, row := range rows[1:] {
		for i, cell := range row[1:] {
			if cell == "" {
				continue
			}
			if _, err := strconv.ParseFloat(cell, 64); err != nil {
				t.Errorf("%s %s = %q is not a number", row[0], Columns[i+1], cell)
			}
		}
	}
	if rows[1][5] != "33.3" || rows[1][13] != "7.0" || rows[2][13] != "" {
		t.Fatalf("%v", rows)
	}
	if s := Series(ys, func(y Year) float64 { return y.LDDRating.Value }); s[0] != 7 || !math.IsNaN(s[1]) {
		t.Fatalf("%v", s)
	}
}
