package ui

import (
	"html/template"
	"math"
)

// BarChart is a bar chart of one or more series over categories, bars of a
// category side by side. Values may be negative; the value axis always
// includes 0 (LineChart has the same fields). Each bar has a hover title ("Series, Category: 12.5%"), the
// series a legend entry, and the figures are also a table.
type BarChart struct {
	// ID is the figure's id and data-testid; by default "chart-" and the title's slug.
	ID string
	// Title is the chart's accessible name and visible caption.
	Title string
	// Desc says in a sentence what the chart shows, for screen readers.
	Desc           string
	XLabel, YLabel string
	Categories     []string
	Series         []Series
	// Unit follows each value in titles, ticks and the table ("%", " months").
	Unit string
	// YMin and YMax fix the value axis when YMin < YMax.
	YMin, YMax float64
}

var _ Component = BarChart{}

// HTML renders the chart, or a short note when it has no finite value.
func (c BarChart) HTML() template.HTML {
	f := frame{ID: c.ID, Title: c.Title, Desc: c.Desc, XLabel: c.XLabel, YLabel: c.YLabel}
	b, y, ok := f.start(c.Series, len(c.Categories), c.YMin, c.YMax, c.Unit, true)
	if !ok {
		return f.empty()
	}
	band := (chartW - f.left - marginR) / float64(len(c.Categories))
	bar := band * 0.8 / float64(len(c.Series))
	zero := y.at(math.Min(math.Max(0, y.min), y.max))
	b.WriteString(`<g class="ui-marks">`)
	for si, s := range c.Series {
		for ci, cat := range c.Categories {
			if ci >= len(s.Values) || !finite(s.Values[ci]) {
				continue
			}
			v := math.Min(math.Max(s.Values[ci], y.min), y.max)
			x := f.left + band*float64(ci) + band*0.1 + bar*float64(si)
			top, h := math.Min(y.at(v), zero), math.Abs(y.at(v)-zero)
			b.f(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`,
				num(x), num(top), num(bar), num(h), colour(si), esc(markTitle(s.Name, cat, formatNumber(s.Values[ci])+c.Unit)))
		}
	}
	b.WriteString(`</g>`)
	f.categoryAxis(b, c.Categories)
	b.WriteString(`</svg>`)
	b.WriteString(legend(names(c.Series), false))
	b.WriteString(seriesTable(c.Title, c.XLabel, c.Unit, c.Categories, c.Series))
	b.WriteString(`</figure>`)
	return template.HTML(b.String()) //nolint:gosec // every text escaped
}

// markTitle is a mark's hover title: "Series, Category: value", without the
// series when it has no name.
func markTitle(series, category, value string) string {
	if series == "" {
		return category + ": " + value
	}
	return series + ", " + category + ": " + value
}
