package ui

import (
	"html/template"
	"strings"
)

// LineChart draws one line per series across ordered categories (the
// snapshots of a year, say), each point a marker of the series' shape with a
// hover title, each line its own dash. A NaN value breaks the line. It has
// BarChart's fields, meaning the same, except that the value axis need not
// include 0.
type LineChart BarChart

var _ Component = LineChart{}

// HTML renders the chart, or a short note when it has no finite value.
func (c LineChart) HTML() template.HTML {
	f := frame{ID: c.ID, Title: c.Title, Desc: c.Desc, XLabel: c.XLabel, YLabel: c.YLabel}
	b, y, ok := f.start(c.Series, len(c.Categories), c.YMin, c.YMax, c.Unit, false)
	if !ok {
		return f.empty()
	}
	band := (chartW - f.left - marginR) / float64(len(c.Categories))
	at := func(i int) float64 { return f.left + band*(float64(i)+0.5) }
	b.WriteString(`<g class="ui-marks">`)
	for si, s := range c.Series {
		// The line, in runs of finite values.
		var run []string
		flush := func() {
			if len(run) > 1 {
				b.f(`<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`, strings.Join(run, " "), colour(si), dashAttr(si))
			}
			run = run[:0]
		}
		for ci := range c.Categories {
			if ci >= len(s.Values) || !finite(s.Values[ci]) || s.Values[ci] < y.min || s.Values[ci] > y.max {
				flush()
				continue
			}
			run = append(run, num(at(ci))+","+num(y.at(s.Values[ci])))
		}
		flush()
		for ci, cat := range c.Categories {
			if ci < len(s.Values) && finite(s.Values[ci]) && s.Values[ci] >= y.min && s.Values[ci] <= y.max {
				marker(b, si, at(ci), y.at(s.Values[ci]), markTitle(s.Name, cat, formatNumber(s.Values[ci])+c.Unit))
			}
		}
	}
	b.WriteString(`</g>`)
	f.categoryAxis(b, c.Categories)
	b.WriteString(`</svg>`)
	b.WriteString(legend(names(c.Series), true))
	b.WriteString(seriesTable(c.Title, c.XLabel, c.Unit, c.Categories, c.Series))
	b.WriteString(`</figure>`)
	return template.HTML(b.String()) //nolint:gosec // every text escaped
}
