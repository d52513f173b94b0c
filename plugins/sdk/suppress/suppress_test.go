package suppress_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"math/rand"
	"os/exec"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/suppress"
)

func TestPrimarySuppression(t *testing.T) {
	cases := []struct {
		p    suppress.Policy
		n    int
		want string
	}{
		{suppress.Default, 0, "<5"}, {suppress.Default, 1, "<5"}, {suppress.Default, 4, "<5"},
		{suppress.Default, 5, "5"}, {suppress.Default, 290000, "290000"}, {suppress.Default, -1, "<5"},
		{suppress.Policy{ShowZero: true}, 0, "0"}, {suppress.Policy{ShowZero: true}, 3, "<5"},
		{suppress.Policy{Threshold: 10}, 9, "<10"}, {suppress.Policy{Threshold: 10}, 10, "10"},
		{suppress.Policy{Word: true}, 2, "suppressed"},
	}
	for _, c := range cases {
		if got := c.p.Format(c.n); got != c.want {
			t.Errorf("%+v.Format(%d) = %q, want %q", c.p, c.n, got, c.want)
		}
	}
	if v, ok := suppress.Count(3).Value(); ok || v != 0 {
		t.Fatalf("a suppressed cell gave its value away: %d %v", v, ok)
	}
	if v, ok := suppress.Count(7).Value(); !ok || v != 7 {
		t.Fatalf("a shown cell: %d %v", v, ok)
	}
}

func TestCellsNeverLeakTheirValue(t *testing.T) {
	_, cells, err := suppress.Default.Row(3, 6, 40)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(map[string]any{"cells": cells, "one": suppress.Count(2)})
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(back); got != "map[cells:[<5 suppressed 40] one:<5]" {
		t.Fatalf("JSON %s reads back as %s", b, got)
	}
	tpl := template.Must(template.New("t").Funcs(suppress.Default.FuncMap()).Parse(
		`{{range .Cells}}[{{.}}]{{end}} {{suppress .N}} {{suppress .M}}`))
	var out bytes.Buffer
	if err := tpl.Execute(&out, map[string]any{"Cells": cells, "N": 3, "M": 12}); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "[&lt;5][suppressed][40] &lt;5 12" {
		t.Fatalf("template printed %q", got)
	}
}

func TestRowSecondarySuppression(t *testing.T) {
	cases := []struct {
		parts []int
		total string
		want  string
	}{
		{[]int{10, 20, 30}, "60", "10 20 30"},               // nothing small
		{[]int{3, 6, 100}, "109", "<5 suppressed 100"},      // total-minus-others would give the 3
		{[]int{3, 100, 6}, "109", "<5 100 suppressed"},      // the smallest shown part goes, wherever it is
		{[]int{1, 2, 50, 60}, "113", "<5 <5 suppressed 60"}, // 1+2 would be known to be 3 (< 5)
		{[]int{2, 4, 50}, "56", "<5 <5 50"},                 // 2+4 = 6: each is still one of 2, 3, 4
		{[]int{3, 4, 90}, "97", "<5 <5 90"},                 // two hidden adding to 7: each stays unknown
		{[]int{3, 1}, "<5", "<5 <5"},                        // a small total hides itself
		{[]int{4}, "<5", "<5"},                              // one part is its total
		{[]int{}, "<5", ""},                                 // an empty row totals 0
		{[]int{6, 7, 8, 3}, "24", "suppressed 7 8 <5"},      // the smallest shown part
	}
	for _, c := range cases {
		total, cells, err := suppress.Default.Row(c.parts...)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, cell := range cells {
			got = append(got, cell.String())
		}
		if total.String() != c.total || strings.Join(got, " ") != c.want {
			t.Errorf("Row(%v) = %s | %s; want %s | %s", c.parts, strings.Join(got, " "), total, c.want, c.total)
		}
	}
	if _, _, err := suppress.Default.Row(3, -1); err == nil {
		t.Fatal("a negative count must be refused")
	}
}

// safe checks a line the way a reader would attack it: with the total and
// the parts shown, no hidden member may be the only unknown, and the hidden
// parts under a shown total must add up to at least the threshold.
func safe(t *testing.T, where string, total suppress.Cell, cells []suppress.Cell, threshold int) {
	t.Helper()
	hidden := 0
	for _, c := range cells {
		if c.Suppressed() {
			hidden++
		} else if v, _ := c.Value(); v < threshold {
			t.Fatalf("%s: %d shown", where, v)
		}
	}
	if total.Suppressed() {
		hidden++
	}
	if hidden == 1 {
		t.Fatalf("%s: a single hidden member can be worked out: total %s, cells %v", where, total, cells)
	}
	if !total.Suppressed() && hidden >= 2 {
		tv, _ := total.Value()
		shown := 0
		for _, c := range cells {
			if v, ok := c.Value(); ok {
				shown += v
			}
		}
		if tv-shown < threshold {
			t.Fatalf("%s: the hidden parts are known to add up to %d: total %s, cells %v", where, tv-shown, total, cells)
		}
	}
}

func TestRandomRowsAndTablesResistDifferencing(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	small := func() int {
		if rng.Intn(3) == 0 {
			return rng.Intn(5)
		}
		return rng.Intn(60)
	}
	for i := 0; i < 2000; i++ {
		parts := make([]int, 1+rng.Intn(6))
		for j := range parts {
			parts[j] = small()
		}
		total, cells, err := suppress.Default.Row(parts...)
		if err != nil {
			t.Fatal(err)
		}
		safe(t, "row", total, cells, 5)
	}
	for i := 0; i < 500; i++ {
		rows, cols := 1+rng.Intn(5), 1+rng.Intn(5)
		counts := make([][]int, rows)
		for r := range counts {
			counts[r] = make([]int, cols)
			for c := range counts[r] {
				counts[r][c] = small()
			}
		}
		tb, err := suppress.Default.Table(counts)
		if err != nil {
			t.Fatal(err)
		}
		for r := range counts {
			safe(t, "table row", tb.RowTotals[r], tb.Cells[r], 5)
		}
		for c := 0; c < cols; c++ {
			col := make([]suppress.Cell, rows)
			for r := range counts {
				col[r] = tb.Cells[r][c]
			}
			safe(t, "table column", tb.ColTotals[c], col, 5)
		}
		safe(t, "row totals", tb.Total, tb.RowTotals, 5)
		safe(t, "column totals", tb.Total, tb.ColTotals, 5)
	}
}

func TestTable(t *testing.T) {
	// Schools by year group: one school has 2 pupils in year 7.
	tb, err := suppress.Default.Table([][]int{{2, 30, 31}, {25, 28, 27}, {40, 41, 39}})
	if err != nil {
		t.Fatal(err)
	}
	hidden := 0
	for _, row := range tb.Cells {
		for _, c := range row {
			if c.Suppressed() {
				hidden++
			}
		}
	}
	// The 2 needs a partner in its row and in its column, and those need
	// partners in turn: the classic four-cell rectangle.
	if hidden != 4 || !tb.Cells[0][0].Suppressed() || tb.Cells[0][0].Secondary() || tb.Total.Suppressed() {
		t.Fatalf("hidden %d cells: %v", hidden, tb.Cells)
	}
	if _, err := suppress.Default.Table([][]int{{1, 2}, {3}}); err == nil {
		t.Fatal("ragged rows must be refused")
	}
}

// TestImportsNothingFromTheCore keeps the helper usable by plugins built
// outside the repository.
func TestImportsNothingFromTheCore(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "github.com/challengepartners/upwards/core/") {
			t.Errorf("suppress depends on %s", p)
		}
	}
}
