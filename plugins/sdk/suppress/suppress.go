// Package suppress hides small numbers in counts shown across schools, so
// that no pupil can be picked out from an aggregate. It is shared by the
// core's pages and by plugins, and imports nothing from the core.
//
// Rules (threshold T, default 5):
//
//   - Primary suppression: every count below T — zero included unless
//     Policy.ShowZero — is suppressed. Negative counts are suppressed too.
//   - Secondary suppression (Row, Table): when a total is shown, a single
//     suppressed part could be recovered as the total minus the other parts.
//     So while a row's total is shown and its suppressed parts are fewer than
//     two, or add up to less than T, the smallest part still shown (the first
//     of equals) is suppressed as well; when no part is left to suppress, the
//     total is. A suppressed total with its parts shown is as good as shown,
//     so the smallest part is then suppressed too. Table applies the same
//     rule to every row and every column with their totals, and to the row
//     and column totals with the grand total, until nothing changes.
//   - What it does not do: it cannot know about other tables the reader
//     sees. Two tables that share a total, or one table shown by several
//     breakdowns, can still be differenced; suppress each figure once, in
//     one Table, or show fewer margins.
//
// A Cell never gives away a suppressed value: String (what templates print)
// shows "<5" for a primary suppression and "suppressed" for a secondary one
// (whose value may be T or more), and MarshalJSON writes the same text
// instead of the number. Policy.Word shows every suppressed cell as
// "suppressed", so that a reader cannot tell primary from secondary.
package suppress

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// DefaultThreshold is the smallest count shown: counts of 0 to 4 are suppressed.
const DefaultThreshold = 5

// Policy says which counts are suppressed and how suppressed cells read.
// The zero Policy is the default: threshold 5, zero suppressed, "<5".
type Policy struct {
	// Threshold is the smallest count shown (0 means DefaultThreshold).
	Threshold int
	// ShowZero shows a count of zero (a zero is suppressed by default: "none
	// of the pupils at this school…" can disclose as much as "one").
	ShowZero bool
	// Word shows every suppressed cell as "suppressed" rather than "<5".
	Word bool
}

// Default is the policy of the zero value.
var Default = Policy{}

func (p Policy) threshold() int {
	if p.Threshold <= 0 {
		return DefaultThreshold
	}
	return p.Threshold
}

// Cell is one count as it may be shown.
type Cell struct {
	value      int
	suppressed bool
	secondary  bool
	label      string // what a suppressed cell reads as
}

// Suppressed reports whether the count must not be shown.
func (c Cell) Suppressed() bool { return c.suppressed }

// Secondary reports whether the cell is suppressed only to protect another.
func (c Cell) Secondary() bool { return c.secondary }

// Value returns the count and true when it may be shown, or 0 and false.
func (c Cell) Value() (int, bool) {
	if c.suppressed {
		return 0, false
	}
	return c.value, true
}

// String is the cell as shown: the count, or its suppression label.
func (c Cell) String() string {
	if !c.suppressed {
		return strconv.Itoa(c.value)
	}
	return c.label
}

// MarshalJSON writes a shown count as a number and a suppressed one as its label.
func (c Cell) MarshalJSON() ([]byte, error) {
	if !c.suppressed {
		return []byte(strconv.Itoa(c.value)), nil
	}
	return json.Marshal(c.label)
}

// hides reports whether n is suppressed on its own.
func (p Policy) hides(n int) bool {
	if n == 0 && p.ShowZero {
		return false
	}
	return n < p.threshold()
}

func (p Policy) primaryLabel() string {
	if p.Word {
		return "suppressed"
	}
	return "<" + strconv.Itoa(p.threshold())
}

// Count applies primary suppression to one count.
func (p Policy) Count(n int) Cell {
	c := Cell{value: n}
	if p.hides(n) {
		c.suppressed, c.label = true, p.primaryLabel()
	}
	return c
}

// Format returns n as shown under p: the number, or "<5" (or "suppressed").
func (p Policy) Format(n int) string { return p.Count(n).String() }

// Count applies the default policy to one count.
func Count(n int) Cell { return Default.Count(n) }

// Format returns n as shown under the default policy.
func Format(n int) string { return Default.Format(n) }

// FuncMap returns template functions: {{suppress .N}} prints a count under p.
// Pass it to html/template's or text/template's Funcs.
func (p Policy) FuncMap() map[string]any {
	return map[string]any{"suppress": p.Format}
}

func (p Policy) secondary(c *Cell) {
	c.suppressed, c.secondary = true, true
	c.label = "suppressed"
}

// Row suppresses the parts of a total, which must add up to it, and the
// total itself, applying secondary suppression so that no suppressed part
// can be worked out from the total and the parts shown.
func (p Policy) Row(parts ...int) (total Cell, cells []Cell, err error) {
	sum := 0
	cells = make([]Cell, len(parts))
	for i, n := range parts {
		if n < 0 {
			return Cell{}, nil, fmt.Errorf("suppress: part %d is negative (%d)", i, n)
		}
		sum += n
		cells[i] = p.Count(n)
	}
	total = p.Count(sum)
	p.protectLine(&total, ptrs(cells))
	return total, cells, nil
}

// protectLine applies secondary suppression to one line: its cells and
// their total, tied by one equation (the cells add up to the total). It
// reports whether it suppressed anything more.
func (p Policy) protectLine(total *Cell, cells []*Cell) bool {
	changed := false
	for {
		hidden, hiddenSum, smallest := 0, 0, -1
		for i, c := range cells {
			if c.suppressed {
				hidden++
				hiddenSum += c.value
			} else if smallest < 0 || c.value < cells[smallest].value {
				smallest = i
			}
		}
		if total.suppressed {
			hidden++
		}
		// A lone hidden member of the equation can be solved for; hidden
		// parts under a shown total are known to add up to total - shown.
		if hidden == 0 || (hidden >= 2 && (total.suppressed || hiddenSum >= p.threshold())) {
			return changed
		}
		switch {
		case smallest >= 0:
			p.secondary(cells[smallest])
		case !total.suppressed:
			p.secondary(total)
		default:
			return changed
		}
		changed = true
	}
}

// Table suppresses a two-way table of counts (rows of equal length) with
// its row totals, column totals and grand total, all computed from the
// counts. Secondary suppression runs over every row and every column until
// no cell changes.
type Table struct {
	Cells     [][]Cell
	RowTotals []Cell
	ColTotals []Cell
	Total     Cell
}

// Table builds and suppresses a Table from counts.
func (p Policy) Table(counts [][]int) (Table, error) {
	var t Table
	cols := 0
	if len(counts) > 0 {
		cols = len(counts[0])
	}
	colSums := make([]int, cols)
	grand := 0
	t.Cells = make([][]Cell, len(counts))
	t.RowTotals = make([]Cell, len(counts))
	for r, row := range counts {
		if len(row) != cols {
			return Table{}, fmt.Errorf("suppress: row %d has %d counts, row 0 has %d", r, len(row), cols)
		}
		sum := 0
		t.Cells[r] = make([]Cell, cols)
		for c, n := range row {
			if n < 0 {
				return Table{}, fmt.Errorf("suppress: count at row %d, column %d is negative (%d)", r, c, n)
			}
			t.Cells[r][c] = p.Count(n)
			sum += n
			colSums[c] += n
		}
		t.RowTotals[r] = p.Count(sum)
		grand += sum
	}
	t.ColTotals = make([]Cell, cols)
	for c, n := range colSums {
		t.ColTotals[c] = p.Count(n)
	}
	t.Total = p.Count(grand)
	for changed := true; changed; {
		changed = false
		for r := range t.Cells {
			line := make([]*Cell, cols)
			for c := range t.Cells[r] {
				line[c] = &t.Cells[r][c]
			}
			changed = p.protectLine(&t.RowTotals[r], line) || changed
		}
		for c := 0; c < cols; c++ {
			line := make([]*Cell, len(t.Cells))
			for r := range t.Cells {
				line[r] = &t.Cells[r][c]
			}
			changed = p.protectLine(&t.ColTotals[c], line) || changed
		}
		// The margins are a line of their own under the grand total.
		changed = p.protectLine(&t.Total, ptrs(t.RowTotals)) || changed
		changed = p.protectLine(&t.Total, ptrs(t.ColTotals)) || changed
	}
	return t, nil
}

func ptrs(cs []Cell) []*Cell {
	out := make([]*Cell, len(cs))
	for i := range cs {
		out[i] = &cs[i]
	}
	return out
}
