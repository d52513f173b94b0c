package web

import (
	"html/template"
	"net/http"
	"slices"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/matrix"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// multiple is one school's small drawing beside a cluster's combined one.
type multiple struct {
	School schoolSummary
	SVG    svgData
}

// multiples draws each school shown on its own small matrix, on the same
// axes as the combined drawing, in the school's colour and marker.
func (v clusterMatrixView) multiples(dots []matrix.Dot) []multiple {
	var out []multiple
	for _, sum := range v.Schools {
		if !sum.Shown {
			continue
		}
		var own []matrix.Dot
		for _, d := range dots {
			if d.Group == sum.Group {
				own = append(own, d)
			}
		}
		x, _ := v.Axes.X.Axis()
		y, _ := v.Axes.Y.Axis()
		svg := newSVG("m"+sum.Letter, matrix.Layout(x, y, 360, 260, own), v.FromLabel, v.ToLabel, true)
		svg.Small = true
		out = append(out, multiple{School: sum, SVG: svg})
	}
	return out
}

// onlySchool reads the query field school: one of the schools drawn, to
// draw it alone, or empty for all. Another value is a 400 that names it.
func onlySchool(r *http.Request, schools []uint64) (uint64, error) {
	raw := r.URL.Query().Get("school")
	if raw == "" {
		return 0, nil
	}
	id, err := strconv.ParseUint(raw, 10, 64)
	if err != nil || !slices.Contains(schools, id) {
		return 0, badQuery("school", "choose one of the schools listed, or all")
	}
	return id, nil
}

// ShownSchools are the schools drawn (5 pupils or more), for the filter.
func (v clusterMatrixView) ShownSchools() []schoolSummary {
	var out []schoolSummary
	for _, s := range v.Schools {
		if s.Shown {
			out = append(out, s)
		}
	}
	return out
}

// LegendItem is a school's entry in the drawing's legend: its swatch (the
// marker in its colour) and its letter and name.
func (v clusterMatrixView) Legend() []legendItem {
	var out []legendItem
	for _, s := range v.ShownSchools() {
		if v.Only != 0 && v.Only != s.ID {
			continue
		}
		b := []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" focusable="false">`)
		b = markerSVG(b, groupShape(s.Group), 8, 8, groupColour(s.Group), markSwatch)
		b = append(b, `</svg>`...)
		swatch := template.HTML(b) //nolint:gosec // our own markup
		out = append(out, legendItem{Swatch: swatch, School: s, Shape: groupShape(s.Group).String()})
	}
	return out
}

type legendItem struct {
	Swatch template.HTML
	School schoolSummary
	Shape  string
}

// ownPupilNames reads from the Host the names of the pupils of the schools
// whose cohort the viewer may read (named), to show beside their
// pseudonyms; one call, none when the viewer may read no school's.
func ownPupilNames(r *http.Request, points map[uint64][]store.PupilPoints, named map[uint64]bool) (map[uint64]string, error) {
	var ids, schools []uint64
	for school, ok := range named {
		if !ok {
			continue
		}
		schools = append(schools, school)
		for _, pp := range points[school] {
			ids = append(ids, pp.PupilID)
		}
	}
	out := map[uint64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	ctx := r.Context()
	pupils, err := sdk.HostFrom(ctx).Pupils(ctx, ids, schools)
	if err != nil {
		return nil, err
	}
	for _, p := range pupils {
		if named[p.GetSchoolId()] {
			out[p.GetId()] = p.GetGivenName() + " " + p.GetFamilyName()
		}
	}
	return out, nil
}
