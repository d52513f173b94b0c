package web

import (
	"embed"
	"html/template"
	"net/http"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// gridColumn is one column of the snapshot grid that takes a value: the
// form field's prefix, the problem's field name, the column's label and
// what it takes (the message of a refused cell, after the label).
type gridColumn struct {
	Prefix, Field, Label, Takes string
	ARE                         bool
}

// gridColumns are the grid's entry columns in order (the gap, worked out,
// sits between the age-equivalent score and attitude).
var gridColumns = []gridColumn{
	{"reading", "reading", "Reading", "choose below, at or above age-related expectations", true},
	{"writing", "writing", "Writing", "choose below, at or above age-related expectations", true},
	{"maths", "maths", "Maths", "choose below, at or above age-related expectations", true},
	{"age", "age_equivalent", "Age equivalent", "a whole number of months from 24 to 240", false},
	{"attitude", "attitude", "Attitude", "a whole number 0–100", false},
	{"aspiration", "aspiration", "Aspiration", "a whole number 0–100", false},
	{"attendance", "attendance", "Attendance", "a percentage 0–100, such as 94.5", false},
}

// gridCell is one entry cell of a pupil's row, as the template draws it.
type gridCell struct {
	gridColumn
	Name   string // the form field's name
	ID     string // the field's id; -last and -error for its descriptions
	Value  string // as typed or stored
	Last   string // the value at the previous snapshot, as shown, or ""
	Pupil  string // the pupil's name, for the field's accessible name
	Error  string // "Attendance: a percentage 0–100, such as 94.5", or ""
	Before bool   // the gap's column comes before this cell
}

// AccessibleName labels the field for screen readers: "Reading, Amara Testpupil".
func (c gridCell) AccessibleName() string { return c.Label + ", " + c.Pupil }

// Badge shows an attainment level in words, coloured by tone (never by
// colour alone): below is a warning, at and above a success.
func (c gridCell) Badge() template.HTML { return areBadge(c.Value) }

func areBadge(v string) template.HTML {
	switch rules.ARE(v) {
	case rules.AREBelow:
		return ui.Badge(ui.Warning, "▼ Below")
	case rules.AREAt:
		return ui.Badge(ui.Success, "● At")
	case rules.AREAbove:
		return ui.Badge(ui.Success, "▲ Above")
	}
	return ""
}

// Cells are the row's entry cells, each with last term's value and its
// problem, if any, named by column.
func (g gridRow) Cells() []gridCell {
	values := []string{g.Reading, g.Writing, g.Maths, g.AgeEquivalent, g.Attitude, g.Aspiration, g.Atten}
	var last []string
	if g.Last != nil {
		l := g.Last
		last = []string{rules.ARE(l.Reading).Short(), rules.ARE(l.Writing).Short(), rules.ARE(l.Maths).Short(), itoa(l.AgeEquivalent), itoa(l.Attitude), itoa(l.Aspiration), ""}
		if l.Attendance != nil {
			last[6] = formatValue(*l.Attendance)
		}
	}
	id := strconv.FormatUint(g.PupilID, 10)
	out := make([]gridCell, len(gridColumns))
	for i, col := range gridColumns {
		c := gridCell{gridColumn: col, Name: col.Prefix + "_" + id, ID: "f-" + col.Prefix + "-" + id, Value: values[i], Pupil: g.Name, Before: col.Prefix == "attitude"}
		if last != nil && last[i] != "" && last[i] != "—" {
			c.Last = last[i]
		}
		for _, p := range g.Problems {
			if p.Field == col.Field {
				c.Error = col.Label + ": " + col.Takes
			}
		}
		out[i] = c
	}
	return out
}

// previousPoints reads the values of the snapshot before sn (by order),
// with its label; none for the baseline.
func previousPoints(s *store.Store, sn *store.Snapshot) (string, map[uint64]store.DataPoint, error) {
	sns, err := s.Snapshots(sn.YearID, sn.SchoolID)
	if err != nil {
		return "", nil, err
	}
	for i := range sns {
		if sns[i].ID == sn.ID && i > 0 {
			prev := sns[i-1]
			points, err := s.DataPoints(prev.ID)
			return prev.Label, points, err
		}
	}
	return "", nil, nil
}

// withLast gives each row of v the values of the snapshot before.
func withLast(v *gridView, s *store.Store, sn *store.Snapshot) error {
	label, points, err := previousPoints(s, sn)
	if err != nil {
		return err
	}
	v.LastLabel = label
	for i := range v.Rows {
		if p, ok := points[v.Rows[i].PupilID]; ok {
			v.Rows[i].Last = &p
		}
	}
	return nil
}

//go:embed assets/grid.js
var assetFS embed.FS

// gridScript serves the grid's progressive JavaScript (pasting a block from
// a spreadsheet): a file of the plugin's own origin, so the core's
// Content-Security-Policy (script-src 'self') allows it; no inline script.
func gridScript(w http.ResponseWriter, _ *http.Request) error {
	b, err := assetFS.ReadFile("assets/grid.js")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err = w.Write(b)
	return err
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
