package web

import (
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/challengepartners/upwards/plugins/sdk/ui"
)

// The operators' page /admin/ui shows every component of the plugin SDK's
// ui package with sample data, through the real package and in the real
// shell (with /static/ui.css), so authors can see them and the browser test
// can screenshot them and check them with axe-core. Its two forms work: the
// sample form refuses bad input and keeps it, the danger zone insists on its
// checkbox, and both confirm with a flash. Nothing is stored.

// sampleSchool is one row of the sample table (fictional schools).
type sampleSchool struct {
	Name, Phase string
	Pupils      int
	Gap         float64 // months of gap closed; NaN when not measured
	Status      ui.Tone
	StatusText  string
}

var sampleSchools = []sampleSchool{
	{"Ash Field Primary", "Primary", 15, 4.2, ui.Success, "On track"},
	{"Beacon Hill Academy", "Secondary", 12, 1.5, ui.Warning, "Behind plan"},
	{"Cedar Lane Primary", "Primary", 14, 3.1, ui.Success, "On track"},
	{"Dunmore Church School", "Primary", 9, math.NaN(), ui.Neutral, "No snapshot yet"},
	{"Elm Park School", "Secondary", 16, 2.8, ui.Info, "Baseline taken"},
	{"Fenwick Junior", "Primary", 11, -0.5, ui.Danger, "Gap widened"},
	{"Greystone Academy", "Secondary", 13, 5.0, ui.Success, "On track"},
	{"Hollins Infant School", "Primary", 8, 2.2, ui.Info, "Baseline taken"},
	{"Ivybridge Primary", "Primary", 15, 3.6, ui.Success, "On track"},
	{"Juniper Way School", "Secondary", 10, 0.9, ui.Warning, "Behind plan"},
	{"Kingsmead Primary", "Primary", 12, 4.8, ui.Success, "On track"},
	{"Larkrise Academy", "Secondary", 14, 1.1, ui.Warning, "Behind plan"},
}

var sampleColumns = []ui.Column{
	{Key: "name", Label: "School", Sortable: true},
	{Key: "phase", Label: "Phase"},
	{Key: "pupils", Label: "Target pupils", Numeric: true, Sortable: true},
	{Key: "gap", Label: "Gap closed (months)", Numeric: true, Sortable: true},
	{Key: "status", Label: "Status"},
}

// sampleFields is the sample form as it first shows.
func sampleFields() []ui.Field {
	return []ui.Field{
		{Kind: ui.Text, Name: "title", Label: "Workshop title", Hint: "As the cluster will see it, e.g. Workshop 2: the matrix", Required: true},
		{Kind: ui.Date, Name: "held_on", Label: "Held on", Required: true, Width: "short"},
		{Kind: ui.Number, Name: "attendance", Label: "People who attended", Min: "0", Max: "100", Width: "short"},
		{Kind: ui.Select, Name: "venue", Label: "Venue", Required: true, Options: []ui.Option{
			{Value: "", Label: "Choose a venue"}, {Value: "hall", Label: "The hall"}, {Value: "library", Label: "The library"}, {Value: "online", Label: "Online"}}},
		{Kind: ui.Textarea, Name: "notes", Label: "Notes", Hint: "What was agreed; no pupil names", Rows: 3},
		{Kind: ui.Checkbox, Name: "share", Label: "Share the notes with the cluster's schools"},
	}
}

// checkSample validates the sample form, every problem at once.
func checkSample(f url.Values) ui.Errors {
	var errs ui.Errors
	if strings.TrimSpace(f.Get("title")) == "" {
		errs.Add("title", "Enter the workshop's title")
	} else if len([]rune(f.Get("title"))) > 120 {
		errs.Add("title", "Shorten the title to 120 characters or fewer")
	}
	if _, err := time.Parse(time.DateOnly, f.Get("held_on")); err != nil {
		errs.Add("held_on", "Enter the date as a real date, e.g. 2025-10-01")
	}
	if v := f.Get("attendance"); v != "" {
		if n, err := strconv.Atoi(v); err != nil || n < 0 || n > 100 {
			errs.Add("attendance", "Enter a whole number from 0 to 100, or leave it empty")
		}
	}
	switch f.Get("venue") {
	case "hall", "library", "online":
	default:
		errs.Add("venue", "Choose where the workshop was held")
	}
	return errs
}

// uiView is what the page template shows.
type uiView struct {
	Header, Badges, Stats, Table, Pager, Empty, Form, Danger template.HTML
	Bar, Line, Scatter                                       template.HTML
}

func (s *Server) uiPage(c echo.Context) error {
	return s.renderUI(c, http.StatusOK, nil, nil, "")
}

// uiSample answers the sample form: 422 with the form as the user left it,
// or a flash and a redirect.
func (s *Server) uiSample(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	if errs := checkSample(form); len(errs) > 0 {
		return s.renderUI(c, http.StatusUnprocessableEntity, form, errs, "")
	}
	SetFlash(c, "Workshop saved. (This is the sample page: nothing was stored.)")
	return c.Redirect(http.StatusSeeOther, "/admin/ui")
}

// uiDelete answers the danger zone: without the box ticked it deletes
// nothing and says so beside the box.
func (s *Server) uiDelete(c echo.Context) error {
	if !ui.Confirmed(c.Request()) {
		return s.renderUI(c, http.StatusUnprocessableEntity, nil, nil, ui.NotConfirmed)
	}
	SetFlash(c, "The sample trio was deleted. (This is the sample page: nothing was stored.)")
	return c.Redirect(http.StatusSeeOther, "/admin/ui")
}

func (s *Server) renderUI(c echo.Context, status int, form url.Values, errs ui.Errors, dangerError string) error {
	q := c.QueryParams()
	order, err := ui.ParseSort(q, sampleColumns, ui.Sort{Key: "name"})
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	page, err := ui.ParsePage(q)
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, err.Error())
	}
	rows := make([]ui.Row, len(sampleSchools))
	for i, sc := range sampleSchools {
		rows[i] = ui.Row{"name": sc.Name, "phase": sc.Phase, "pupils": sc.Pupils, "gap": sc.Gap, "status": ui.Badge(sc.Status, sc.StatusText)}
	}
	ui.SortRows(rows, order)
	pager := ui.Pager{Page: page, PerPage: 5, Total: len(rows), Query: q}.Clamp()
	rows = rows[pager.Offset():min(pager.Offset()+pager.PerPage, len(rows))]
	csrf := template.HTML(`<input type="hidden" name="_csrf" value="` + template.HTMLEscapeString(csrfOf(c)) + `">`) //nolint:gosec // escaped
	var crumbs []ui.Crumb
	crumbs = append(crumbs, ui.Crumb{Label: "Home", Href: "/"})
	var actions []ui.Link
	if s.Plugins != nil {
		actions = append(actions, ui.Link{Label: "Plugins", Href: "/admin/plugins"})
	}
	actions = append(actions, ui.Link{Label: "Jobs", Href: "/admin/jobs", Secondary: true})
	fields := ui.Bind(sampleFields(), form, errs)
	v := uiView{
		Header: ui.Header{Crumbs: crumbs, Title: "UI components", Actions: actions,
			Lead: "Every component a plugin page is built from (the SDK's package ui), with sample data. docs/plugins/ui.md shows the code of each."}.HTML(),
		Badges: ui.Badge(ui.Neutral, "Draft") + " " + ui.Badge(ui.Info, "Baseline taken") + " " + ui.Badge(ui.Success, "On track") + " " +
			ui.Badge(ui.Warning, "Behind plan") + " " + ui.Badge(ui.Danger, "Gap widened"),
		Stats: ui.Stats{
			{Value: "3.2 months", Label: "Gap closed since the baseline", N: 149, Trend: ui.Trend{Dir: ui.Up, Text: "0.8 more than last year", Tone: ui.Success}},
			{Value: "64%", Label: "Target pupils at the expected standard", N: 149, Trend: ui.Trend{Dir: ui.Down, Text: "3 points fewer than in October", Tone: ui.Danger}},
			{Value: "12", Label: "Schools in the cluster", Trend: ui.Trend{Dir: ui.Flat, Text: "as last year"}},
		}.HTML(),
		Table: ui.Table{Caption: "Schools of the cluster (sample)", Columns: sampleColumns, Rows: rows, Sort: order, Query: q, ID: "sample-table"}.HTML(),
		Pager: pager.HTML(),
		Empty: ui.Table{Caption: "Trios", Columns: []ui.Column{{Key: "name", Label: "Trio"}, {Key: "schools", Label: "Schools", Numeric: true}},
			Empty: "No trio formed yet. Form one from the cluster's schools.", ID: "empty-table"}.HTML(),
		Form: ui.ErrorSummary(errs, fields...) + ui.Form{Action: "/admin/ui/sample", CSRF: csrf, Fields: fields, Submit: "Save the workshop"}.HTML(),
		Danger: ui.DangerZone{ID: "delete-trio", Title: "Delete the sample trio", Warning: "Deleting a trio removes its visits and their notes for every school in it. This cannot be undone.",
			Action: "/admin/ui/delete", CSRF: csrf, Button: "Delete the trio", Error: dangerError}.HTML(),
	}
	v.Bar, v.Line, v.Scatter = sampleCharts()
	return s.render(c, status, "ui", "UI components", v)
}

// sampleCharts are one chart of each kind, with a gap in the data of each.
func sampleCharts() (bar, line, scatter template.HTML) {
	snapshots := []string{"Baseline", "October", "March"}
	bar = ui.BarChart{Title: "Target pupils at the expected standard",
		Desc:   "Per cent of the cluster's target pupils at the expected standard in reading, writing and maths at each snapshot; writing was not assessed in October.",
		XLabel: "Snapshot", YLabel: "Pupils at the standard", Unit: "%", Categories: snapshots, YMin: 0, YMax: 100,
		Series: []ui.Series{{Name: "Reading", Values: []float64{40, 55, 70}}, {Name: "Writing", Values: []float64{35, math.NaN(), 60}}, {Name: "Maths", Values: []float64{45, 50, 65}}}}.HTML()
	line = ui.LineChart{Title: "Attitude to learning, by school",
		Desc:   "Mean attitude score (0 to 100) of each school's target pupils at each snapshot; Cedar Lane took no October snapshot.",
		XLabel: "Snapshot", YLabel: "Mean attitude", Categories: snapshots,
		Series: []ui.Series{{Name: "Ash Field Primary", Values: []float64{42, 51, 63}}, {Name: "Beacon Hill Academy", Values: []float64{50, 52, 49}},
			{Name: "Cedar Lane Primary", Values: []float64{38, math.NaN(), 58}}}}.HTML()
	scatter = ui.ScatterChart{Title: "Attitude against the reading gap",
		Desc:   "Each target pupil's attitude score and reading age gap in March, by school; pupils are shown by code, never by name.",
		XLabel: "Attitude", YLabel: "Reading age gap", YUnit: " months",
		Groups: []ui.Group{
			{Name: "Ash Field Primary", Points: []ui.Point{{X: 30, Y: -14, Label: "A1"}, {X: 55, Y: -6, Label: "A2"}, {X: 72, Y: 2, Label: "A3"}, {X: 64, Y: -2, Label: "A4"}}},
			{Name: "Beacon Hill Academy", Points: []ui.Point{{X: 25, Y: -18, Label: "B1"}, {X: 81, Y: 4, Label: "B2"}, {X: 47, Y: -9, Label: "B3"}}},
			{Name: "Cedar Lane Primary", Points: []ui.Point{{X: 40, Y: -10, Label: "C1"}, {X: 66, Y: -1, Label: "C2"}, {X: 58, Y: -4, Label: "C3"}}},
		}}.HTML()
	return bar, line, scatter
}
