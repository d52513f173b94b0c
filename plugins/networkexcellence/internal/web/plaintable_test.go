package web

import (
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/ui"
)

// TestPlainTableRendersAsUI: the Directory's results table is the HTML ui
// renders, escaping included, with rows and without; a table it does not
// handle (a sortable column, another kind of cell) is ui's own.
func TestPlainTableRendersAsUI(t *testing.T) {
	cols := []ui.Column{{Key: "school", Label: "School"}, {Key: "hub", Label: "Hub & <co>"}, {Key: "why", Label: "Why"}}
	rows := []ui.Row{
		{"school": ui.Link{Label: `St Mary's "C of E" <Primary> & Nursery + Co`, Href: "/p/networkexcellence/directory/schools/12"}, "hub": "Elm Hub", "why": "Area of Excellence: Talk; hosts Leadership Development Days"},
		{"school": ui.Link{Label: "Ash\x00 School", Href: "/p/networkexcellence/directory/schools/7"}, "hub": "", "why": "é ü — ✓ 'quoted'"},
		{"school": ui.Link{Label: "No hub", Href: "/p/x"}},
	}
	for _, tb := range []ui.Table{
		{Caption: "Schools", ID: "results", Columns: cols, Rows: rows, Empty: "No school matches."},
		{Caption: "Schools", ID: "results", Columns: cols, Empty: "No school <matches>."},
		{Columns: cols},
		{Caption: "A", Columns: []ui.Column{{Key: "a", Label: "A", Sortable: true}}, Rows: []ui.Row{{"a": "x"}}},
		{Caption: "B", Columns: []ui.Column{{Key: "a", Label: "A"}}, Rows: []ui.Row{{"a": 3.5}}},
		{Caption: "C", Columns: []ui.Column{{Key: "a", Label: "A"}}, Rows: []ui.Row{{"a": ui.Link{Label: "x", Href: "javascript:alert(1)"}}}},
		{Caption: "D", Columns: make([]ui.Column, 12)},
	} {
		if got, want := (plainTable{tb}).HTML(), tb.HTML(); got != want {
			t.Errorf("%s:\n%s\nwant\n%s", tb.Caption, got, want)
		}
	}
}
