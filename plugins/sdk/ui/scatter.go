package ui

import (
	"html/template"
	"math"
)

// Point is one mark of a scatter chart. Label names it in its hover title
// and the table ("Pupil A3"); never put personal data in a chart that people
// outside the pupil's school may see.
type Point struct {
	X, Y  float64
	Label string
}

// Group is one group of a scatter chart, drawn in its own colour and marker shape.
type Group struct {
	Name   string
	Points []Point
}

// ScatterChart plots points on two value axes, a colour and a marker shape
// per group, each point with a hover title ("Group: Label (X 12, Y 40)").
// Points with a NaN or infinite coordinate are left out of the drawing and
// shown as "—" in the table.
type ScatterChart struct {
	// ID is the figure's id and data-testid; by default "chart-" and the title's slug.
	ID string
	// Title is the chart's accessible name and visible caption.
	Title string
	// Desc says in a sentence what the chart shows, for screen readers.
	Desc           string
	XLabel, YLabel string
	Groups         []Group
	// XUnit and YUnit follow the values in titles, ticks and the table.
	XUnit, YUnit string
	// XMin < XMax and YMin < YMax fix an axis.
	XMin, XMax, YMin, YMax float64
}

var _ Component = ScatterChart{}

// HTML renders the chart, or a short note when no point can be drawn.
func (c ScatterChart) HTML() template.HTML {
	f := frame{ID: c.ID, Title: c.Title, Desc: c.Desc, XLabel: c.XLabel, YLabel: c.YLabel}
	xlo, xhi, ylo, yhi := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	any := false
	for _, g := range c.Groups {
		for _, p := range g.Points {
			if finite(p.X) && finite(p.Y) {
				xlo, xhi = math.Min(xlo, p.X), math.Max(xhi, p.X)
				ylo, yhi = math.Min(ylo, p.Y), math.Max(yhi, p.Y)
				any = true
			}
		}
	}
	if !any {
		return f.empty()
	}
	xFixed, yFixed := c.XMin < c.XMax, c.YMin < c.YMax
	if xFixed {
		xlo, xhi = c.XMin, c.XMax
	}
	if yFixed {
		ylo, yhi = c.YMin, c.YMax
	}
	y := newAxis(ylo, yhi, yFixed, chartH-marginB, marginT, c.YUnit)
	f.fitLeft(y)
	x := newAxis(xlo, xhi, xFixed, f.left, chartW-marginR, c.XUnit)
	var b svg
	f.open(&b)
	f.yAxis(&b, y)
	b.f(`<g class="ui-axis" font-size="12" fill="%s">`, inkColour)
	for _, t := range x.ticks {
		px := num(x.at(t))
		b.f(`<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s"/>`, px, px, num(chartH-marginB), num(chartH-marginB+5), mutedColour)
		b.f(`<text x="%s" y="%s" text-anchor="middle">%s</text>`, px, num(chartH-marginB+20), esc(x.label(t)))
	}
	f.xBase(&b)
	b.WriteString(`</g><g class="ui-marks">`)
	var rows [][]string
	groupNames := make([]string, len(c.Groups))
	for gi, g := range c.Groups {
		groupNames[gi] = g.Name
		for _, p := range g.Points {
			xs, ys := "—", "—"
			if finite(p.X) {
				xs = formatNumber(p.X) + c.XUnit
			}
			if finite(p.Y) {
				ys = formatNumber(p.Y) + c.YUnit
			}
			rows = append(rows, []string{g.Name, p.Label, xs, ys})
			if !finite(p.X) || !finite(p.Y) || p.X < x.min || p.X > x.max || p.Y < y.min || p.Y > y.max {
				continue
			}
			title := g.Name + ": "
			if p.Label != "" {
				title += p.Label + " "
			}
			title += "(" + axisName(c.XLabel, "x") + " " + xs + ", " + axisName(c.YLabel, "y") + " " + ys + ")"
			marker(&b, gi, x.at(p.X), y.at(p.Y), title)
		}
	}
	b.WriteString(`</g></svg>`)
	b.WriteString(legend(groupNames, false))
	head := []string{"Group", "Point", axisName(c.XLabel, "x"), axisName(c.YLabel, "y")}
	b.WriteString(dataTable(c.Title, head, rows, 2))
	b.WriteString(`</figure>`)
	return template.HTML(b.String()) //nolint:gosec // every text escaped
}

func axisName(label, def string) string {
	if label == "" {
		return def
	}
	return label
}
