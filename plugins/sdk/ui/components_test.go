package ui_test

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
	"github.com/challengepartners/upwards/plugins/sdk/ui"
)

const hostile = `<script>alert("x")</script>" onmouseover="steal()`

// everything renders one of each component with s in every string it takes.
func everything(s string) map[string]template.HTML {
	f := ui.Field{Kind: ui.Text, Name: s, Label: s, Hint: s, Value: s, Error: s, Min: s, Autocomplete: s}
	cols := []ui.Column{{Key: "a", Label: s, Sortable: true}, {Key: "b", Label: s, Numeric: true}}
	return map[string]template.HTML{
		"header": ui.Header{Crumbs: []ui.Crumb{{Label: s, Href: s}}, Title: s, Lead: s, Actions: []ui.Link{{Label: s, Href: s}}}.HTML(),
		"table": ui.Table{Caption: s, Columns: cols, Rows: []ui.Row{{"a": s, "b": ui.Link{Label: s, Href: s}}},
			Query: url.Values{s: {s}}, ID: s}.HTML(),
		"empty":    ui.Table{Caption: s, Columns: cols, Empty: s}.HTML(),
		"field":    f.HTML(),
		"select":   ui.Field{Kind: ui.Select, Name: s, Label: s, Value: s, Options: []ui.Option{{Value: s, Label: s}}}.HTML(),
		"textarea": ui.Field{Kind: ui.Textarea, Name: s, Label: s, Value: s}.HTML(),
		"checkbox": ui.Field{Kind: ui.Checkbox, Name: s, Label: s, Value: s, Error: s}.HTML(),
		"summary":  ui.ErrorSummary(ui.Errors{{Field: s, Message: s}}, f),
		"form":     ui.Form{Action: s, Fields: []ui.Field{f}, Errors: ui.Errors{{Field: s, Message: s}}, Submit: s}.HTML(),
		"badge":    ui.Badge(ui.Danger, s),
		"stats":    ui.Stats{{Value: s, Label: s, N: 3, Trend: ui.Trend{Dir: ui.Up, Text: s}}}.HTML(),
		"danger":   ui.DangerZone{ID: s, Title: s, Warning: s, Action: s, Confirm: s, Button: s, Error: s}.HTML(),
		"pager":    ui.Pager{Page: 2, PerPage: 1, Total: 3, Query: url.Values{s: {s}}}.HTML(),
		"bar": ui.BarChart{ID: s, Title: s, Desc: s, XLabel: s, YLabel: s, Categories: []string{s}, Unit: s,
			Series: []ui.Series{{Name: s, Values: []float64{1}}, {Name: s, Values: []float64{2}}}}.HTML(),
		"line": ui.LineChart{Title: s, Desc: s, XLabel: s, YLabel: s, Categories: []string{s, s}, Unit: s,
			Series: []ui.Series{{Name: s, Values: []float64{1, 2}}, {Name: s, Values: []float64{2, 3}}}}.HTML(),
		"scatter": ui.ScatterChart{Title: s, Desc: s, XLabel: s, YLabel: s, XUnit: s, YUnit: s,
			Groups: []ui.Group{{Name: s, Points: []ui.Point{{X: 1, Y: 2, Label: s}}}, {Name: s, Points: []ui.Point{{X: 2, Y: 1, Label: s}}}}}.HTML(),
		"chart-empty": ui.BarChart{Title: s}.HTML(),
	}
}

// Every string a component is given is escaped: hostile text never becomes
// markup, an attribute or a script link.
func TestEveryComponentEscapesWhatItIsGiven(t *testing.T) {
	for name, out := range everything(hostile) {
		h := string(out)
		if h == "" {
			t.Errorf("%s rendered nothing", name)
			continue
		}
		if strings.Contains(h, "<script") || strings.Contains(h, `" onmouseover=`) || strings.Contains(h, `"steal()`) {
			t.Errorf("%s let hostile text through:\n%s", name, h)
		}
		if l := strings.ToLower(h); !strings.Contains(l, "&lt;script&gt;") && !strings.Contains(l, "%3cscript%3e") && !strings.Contains(l, "-script-") {
			t.Errorf("%s dropped the text instead of escaping it:\n%s", name, h)
		}
	}
	// A javascript: URL is neutralised wherever a component takes a link.
	for name, out := range map[string]template.HTML{
		"crumb":  ui.Header{Crumbs: []ui.Crumb{{Label: "x", Href: "javascript:alert(1)"}}, Title: "t"}.HTML(),
		"action": ui.Header{Title: "t", Actions: []ui.Link{{Label: "x", Href: "javascript:alert(1)"}}}.HTML(),
		"cell":   ui.Table{Columns: []ui.Column{{Key: "a", Label: "A"}}, Rows: []ui.Row{{"a": ui.Link{Label: "x", Href: "javascript:alert(1)"}}}}.HTML(),
		"form":   ui.Form{Action: "javascript:alert(1)", Submit: "Go"}.HTML(),
	} {
		if strings.Contains(string(out), "javascript:") {
			t.Errorf("%s kept a javascript: link: %s", name, out)
		}
	}
}

// The same values give the same bytes, for every component.
func TestOutputIsDeterministic(t *testing.T) {
	a, b := everything("Ash Field & Co"), everything("Ash Field & Co")
	for name := range a {
		if a[name] != b[name] {
			t.Errorf("%s differs between two renderings", name)
		}
	}
}

func TestHeaderMarksTheCurrentPage(t *testing.T) {
	h := string(ui.Header{Crumbs: []ui.Crumb{{Label: "Challenge the Gap", Href: "/p/cg/"}, {Label: "Cluster 1", Href: "/p/cg/clusters/1"}},
		Title: "Meadow Primary", Actions: []ui.Link{{Label: "Edit", Href: "/p/cg/schools/2/edit"}}}.HTML())
	for _, want := range []string{
		`<nav class="ui-crumbs" aria-label="Breadcrumb">`,
		`<li><a href="/p/cg/clusters/1">Cluster 1</a></li><li><span aria-current="page">Meadow Primary</span></li>`,
		`<h1>Meadow Primary</h1>`, `<a class="ui-button" href="/p/cg/schools/2/edit">Edit</a>`,
	} {
		if !strings.Contains(h, want) {
			t.Errorf("header lacks %s:\n%s", want, h)
		}
	}
	if n := strings.Count(h, "aria-current"); n != 1 {
		t.Errorf("%d crumbs are current, want 1", n)
	}
	// A trail whose last crumb has no link is the page itself: not repeated.
	h = string(ui.Header{Crumbs: []ui.Crumb{{Label: "Home", Href: "/"}, {Label: "Here"}}, Title: "Here"}.HTML())
	if strings.Count(h, ">Here<") != 2 || !strings.Contains(h, `<span aria-current="page">Here</span>`) {
		t.Errorf("the current crumb is repeated or missing:\n%s", h)
	}
	if h := string(ui.Header{Title: "Alone"}.HTML()); strings.Contains(h, "<nav") {
		t.Errorf("a header without crumbs has a trail: %s", h)
	}
}

var pupilCols = []ui.Column{
	{Key: "name", Label: "Pupil", Sortable: true},
	{Key: "year", Label: "Year group", Numeric: true, Sortable: true},
	{Key: "note", Label: "Note"},
}

func TestTableSortLinksAndAriaSort(t *testing.T) {
	q := url.Values{"year": {"2025-26"}, "page": {"3"}, "sort": {"year"}, "dir": {"desc"}}
	h := string(ui.Table{Caption: "Target pupils", Columns: pupilCols, Sort: ui.Sort{Key: "year", Desc: true}, Query: q,
		Rows: []ui.Row{{"name": "Ava", "year": 5, "note": "—"}}, ID: "pupils"}.HTML())
	for _, want := range []string{
		`<caption>Target pupils</caption>`,
		`id="pupils" data-testid="pupils"`,
		// Not sorted by name: the link sorts ascending, keeps the filter, drops the page.
		`<th scope="col"><a href="?dir=asc&amp;sort=name&amp;year=2025-26">Pupil<span class="visually-hidden">, sort ascending</span></a></th>`,
		// Sorted descending by year: aria-sort says so and the link turns it around.
		`<th scope="col" class="ui-num" aria-sort="descending"><a href="?dir=asc&amp;sort=year&amp;year=2025-26">Year group`,
		`<th scope="col">Note</th>`,
		`<td class="ui-num">5</td>`,
	} {
		if !strings.Contains(h, want) {
			t.Errorf("table lacks %s:\n%s", want, h)
		}
	}
	if n := strings.Count(h, "aria-sort"); n != 1 {
		t.Errorf("%d headers carry aria-sort, want 1", n)
	}
	asc := string(ui.Table{Columns: pupilCols, Sort: ui.Sort{Key: "name"}}.HTML())
	if !strings.Contains(asc, `aria-sort="ascending"><a href="?dir=desc&amp;sort=name">`) {
		t.Errorf("an ascending column does not offer descending:\n%s", asc)
	}
}

func TestTableEmptyState(t *testing.T) {
	h := string(ui.Table{Caption: "Trials", Columns: pupilCols, Empty: "No strategy trialled yet."}.HTML())
	if !strings.Contains(h, `<td class="ui-empty" colspan="3">No strategy trialled yet.</td>`) || !strings.Contains(h, "<caption>Trials</caption>") {
		t.Fatalf("empty table:\n%s", h)
	}
	if h := string(ui.Table{Columns: pupilCols}.HTML()); !strings.Contains(h, "Nothing to show yet.") {
		t.Fatalf("empty table without a message:\n%s", h)
	}
	if h := string(ui.Table{Columns: pupilCols, Rows: []ui.Row{{"name": "A"}}}.HTML()); strings.Contains(h, "ui-empty") {
		t.Fatalf("a table with a row shows the empty state:\n%s", h)
	}
}

func TestParseSortAcceptsOnlySortableColumns(t *testing.T) {
	def := ui.Sort{Key: "name"}
	cases := []struct {
		query string
		want  ui.Sort
		param string // the *SortError's parameter, "" for none
	}{
		{"", def, ""},
		{"sort=year", ui.Sort{Key: "year"}, ""},
		{"sort=year&dir=asc", ui.Sort{Key: "year"}, ""},
		{"sort=year&dir=desc", ui.Sort{Key: "year", Desc: true}, ""},
		{"sort=note", def, "sort"},             // a column, but not sortable
		{"sort=upn", def, "sort"},              // no column
		{"sort=name%3Bdrop", def, "sort"},      // no column
		{"sort=year&dir=sideways", def, "dir"}, // no direction
	}
	for _, c := range cases {
		q, _ := url.ParseQuery(c.query)
		got, err := ui.ParseSort(q, pupilCols, def)
		if got != c.want {
			t.Errorf("%q: sort %+v, want %+v", c.query, got, c.want)
		}
		var se *ui.SortError
		switch {
		case c.param == "" && err != nil:
			t.Errorf("%q: %v", c.query, err)
		case c.param != "" && (!errors.As(err, &se) || se.Param != c.param):
			t.Errorf("%q: error %v, want a SortError about %s", c.query, err, c.param)
		}
	}
}

func TestSortRows(t *testing.T) {
	rows := []ui.Row{
		{"name": "bea", "year": 6}, {"name": "Ava", "year": 3.5}, {"name": ui.Link{Label: "Cal", Href: "/c"}},
		{"name": "", "year": 4}, {"name": "dan", "year": 10},
	}
	order := func() string {
		var out []string
		for _, r := range rows {
			out = append(out, fmt.Sprint(r["year"]))
		}
		return strings.Join(out, ",")
	}
	ui.SortRows(rows, ui.Sort{Key: "year"})
	if got := order(); got != "3.5,4,6,10,<nil>" {
		t.Errorf("by year ascending: %s (numbers by value, empty last)", got)
	}
	ui.SortRows(rows, ui.Sort{Key: "name"})
	var names []string
	for _, r := range rows {
		names = append(names, fmt.Sprint(r["name"]))
	}
	if got := strings.Join(names, ","); got != "Ava,bea,{Cal /c false},dan," {
		t.Errorf("by name: %s (case-insensitive, links by label, empty last)", got)
	}
	ui.SortRows(rows, ui.Sort{Key: "year", Desc: true})
	if got := order(); got != "<nil>,10,6,4,3.5" {
		t.Errorf("by year descending: %s", got)
	}
}

func TestFieldsKeepTheValueAndShowTheErrorBeside(t *testing.T) {
	fields := []ui.Field{
		{Kind: ui.Date, Name: "held_on", Label: "Date of the workshop", Hint: "For example 2025-10-01", Required: true},
		{Kind: ui.Number, Name: "attendance", Label: "Attendance", Min: "0", Max: "100", Value: "stored"},
		{Kind: ui.Select, Name: "venue", Label: "Venue", Options: []ui.Option{{Value: "1", Label: "Hall"}, {Value: "2", Label: "Library"}}},
		{Kind: ui.Textarea, Name: "notes", Label: "Notes"},
		{Kind: ui.Checkbox, Name: "public", Label: "Show to the cluster"},
	}
	form := url.Values{"held_on": {"2025-13-01"}, "venue": {"2"}, "notes": {"<b>typed</b>"}, "public": {"yes"}}
	errs := ui.Errors{{Field: "held_on", Message: "is no date: use YYYY-MM-DD"}}
	bound := ui.Bind(fields, form, errs)
	date := string(bound[0].HTML())
	for _, want := range []string{
		`<label for="f-held_on">Date of the workshop</label>`,
		`<p class="ui-hint" id="f-held_on-hint">For example 2025-10-01</p>`,
		`<p class="ui-error-message" id="f-held_on-error"><span class="visually-hidden">Error:</span> is no date: use YYYY-MM-DD</p>`,
		`<input type="date" id="f-held_on" name="held_on" value="2025-13-01" required aria-invalid="true" aria-describedby="f-held_on-hint f-held_on-error">`,
	} {
		if !strings.Contains(date, want) {
			t.Errorf("date field lacks %s:\n%s", want, date)
		}
	}
	if h := string(bound[1].HTML()); !strings.Contains(h, `value="stored" min="0" max="100"`) || strings.Contains(h, "aria-invalid") || strings.Contains(h, "aria-describedby") {
		t.Errorf("a field the form lacks keeps its value and has no error:\n%s", h)
	}
	if h := string(bound[2].HTML()); !strings.Contains(h, `<option value="2" selected>Library</option>`) || strings.Count(h, "selected") != 1 {
		t.Errorf("select keeps the choice:\n%s", h)
	}
	if h := string(bound[3].HTML()); !strings.Contains(h, `rows="4">&lt;b&gt;typed&lt;/b&gt;</textarea>`) {
		t.Errorf("textarea keeps the escaped text:\n%s", h)
	}
	if h := string(bound[4].HTML()); !strings.Contains(h, `type="checkbox" id="f-public" name="public" value="yes" checked>`) {
		t.Errorf("checkbox keeps the tick:\n%s", h)
	}
	if ui.Bind(fields, url.Values{}, nil)[4].Checked {
		t.Error("an unticked box came back ticked")
	}
	if fields[0].Value != "" || fields[0].Error != "" {
		t.Error("Bind changed the fields it was given")
	}
}

func TestErrorSummaryLinksEachField(t *testing.T) {
	fields := []ui.Field{{Name: "name", Label: "Name"}, {Name: "email", ID: "who", Label: "Email"}}
	h := string(ui.ErrorSummary(ui.Errors{{Field: "email", Message: "is no address"}, {Field: "", Message: "The form expired"}, {Field: "name", Message: "is required"}}, fields...))
	for _, want := range []string{
		`role="alert"`, `<h2 id="ui-error-summary-title">There are 3 problems</h2>`,
		`<li><a href="#who">Email: is no address</a></li><li>The form expired</li><li><a href="#f-name">Name: is required</a></li>`,
	} {
		if !strings.Contains(h, want) {
			t.Errorf("summary lacks %s:\n%s", want, h)
		}
	}
	if ui.ErrorSummary(nil, fields...) != "" {
		t.Error("a summary without errors rendered something")
	}
	if h := string(ui.ErrorSummary(ui.Errors{{Field: "x", Message: "m"}})); !strings.Contains(h, "There is a problem") {
		t.Errorf("one problem: %s", h)
	}
}

// storeValidationError has the shape plugins already use (challengegap's
// store.ValidationError).
type storeValidationError struct{ Field, Message string }

func (e *storeValidationError) Error() string { return e.Field + ": " + e.Message }

func TestErrorsOfReadsThePluginsOwnValidationErrors(t *testing.T) {
	var es ui.Errors
	es.Add("label", "is required")
	err := fmt.Errorf("save year: %w", errors.Join(
		&storeValidationError{Field: "first_year", Message: "must be 2000 or later"},
		es,
		errors.New("unrelated"),
	))
	got, ok := ui.ErrorsOf(err)
	if !ok || len(got) != 2 || got.For("first_year") != "must be 2000 or later" || got.For("label") != "is required" {
		t.Fatalf("ErrorsOf: %v %v", got, ok)
	}
	if _, ok := ui.ErrorsOf(errors.New("database is down")); ok {
		t.Fatal("a plain error counted as a form error")
	}
	var fe *ui.FieldError
	if !errors.As(es.OrNil(), &fe) || fe.Field != "label" {
		t.Fatal("errors.As does not find the FieldError in Errors")
	}
	if (ui.Errors{}).OrNil() != nil {
		t.Fatal("empty Errors is an error")
	}
}

func TestBadgeWordsCarryTheMeaning(t *testing.T) {
	for _, tone := range []string{"neutral", "info", "success", "warning", "danger"} {
		h := string(ui.Badge(ui.ParseTone(tone), "Overdue"))
		if h != `<span class="ui-badge ui-tone-`+tone+`">Overdue</span>` {
			t.Errorf("%s badge: %s", tone, h)
		}
	}
	if ui.ParseTone("purple") != ui.Neutral || ui.Tone(42).String() != "neutral" {
		t.Error("an unknown tone is not neutral")
	}
}

func TestStatCard(t *testing.T) {
	h := string(ui.Stat{Value: "4.2 months", Label: "Gap closed", N: 31, Trend: ui.Trend{Dir: ui.Down, Text: "1.0 less than last year", Tone: ui.Danger}}.HTML())
	for _, want := range []string{`<p class="ui-stat-label">Gap closed</p>`, `<p class="ui-stat-value">4.2 months</p>`, `<p class="ui-stat-n">n = 31</p>`,
		`<p class="ui-trend ui-tone-danger"><span aria-hidden="true">▼</span> 1.0 less than last year</p>`} {
		if !strings.Contains(h, want) {
			t.Errorf("stat lacks %s:\n%s", want, h)
		}
	}
	if h := string(ui.Stat{Value: "7", Label: "Schools"}.HTML()); strings.Contains(h, "n =") || strings.Contains(h, "ui-trend") {
		t.Errorf("a bare stat shows n or a trend:\n%s", h)
	}
}

func TestDangerZoneAndTheServerSideCheck(t *testing.T) {
	h := string(ui.DangerZone{ID: "trio-7", Title: "Delete this trio", Warning: "Its visits go with it.", Action: "/p/cg/trios/7/delete",
		CSRF: `<input type="hidden" name="_csrf" value="t">`, Button: "Delete the trio", Error: ui.NotConfirmed}.HTML())
	for _, want := range []string{
		`<section class="ui-danger" aria-labelledby="trio-7-title">`, `<h2 id="trio-7-title">Delete this trio</h2>`,
		`<strong>Warning:</strong> Its visits go with it.`, `<form method="post" action="/p/cg/trios/7/delete"><input type="hidden" name="_csrf" value="t">`,
		`<input type="checkbox" id="trio-7-confirm" name="confirm" value="yes" required aria-invalid="true" aria-describedby="trio-7-confirm-error">`,
		`I understand that this cannot be undone`, `<button type="submit" class="ui-button-danger">Delete the trio</button>`,
	} {
		if !strings.Contains(h, want) {
			t.Errorf("danger zone lacks %s:\n%s", want, h)
		}
	}
	post := func(body string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/trios/7/delete", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	if ui.Confirmed(post("_csrf=t")) || ui.Confirmed(post("confirm=no")) || !ui.Confirmed(post("confirm=yes")) {
		t.Error("Confirmed does not read the box")
	}
}

func TestPagerBounds(t *testing.T) {
	cases := []struct {
		p             ui.Pager
		pages, offset int
		current       string
	}{
		{ui.Pager{Page: 1, PerPage: 10, Total: 0}, 1, 0, ""},
		{ui.Pager{Page: 1, PerPage: 10, Total: 10}, 1, 0, ""},
		{ui.Pager{Page: 2, PerPage: 10, Total: 11}, 2, 10, "2"},
		{ui.Pager{Page: 9, PerPage: 10, Total: 25}, 3, 20, "3"}, // past the last: the last
		{ui.Pager{Page: -4, PerPage: 10, Total: 25}, 3, 0, "1"},
		{ui.Pager{Page: 1, PerPage: 0, Total: 25}, 1, 0, ""},
	}
	for _, c := range cases {
		h := string(c.p.HTML())
		if c.p.Pages() != c.pages || c.p.Offset() != c.offset {
			t.Errorf("%+v: %d pages offset %d, want %d, %d", c.p, c.p.Pages(), c.p.Offset(), c.pages, c.offset)
		}
		if c.current == "" {
			if h != "" {
				t.Errorf("%+v: one page has a pager: %s", c.p, h)
			}
			continue
		}
		want := fmt.Sprintf(`aria-current="page"><span class="visually-hidden">Page </span>%s</a>`, c.current)
		if !strings.Contains(h, want) || strings.Count(h, "aria-current") != 1 || !strings.Contains(h, `aria-label="Pagination"`) {
			t.Errorf("%+v: current page %s not marked once:\n%s", c.p, c.current, h)
		}
	}
	first := string(ui.Pager{Page: 1, PerPage: 10, Total: 25}.HTML())
	last := string(ui.Pager{Page: 3, PerPage: 10, Total: 25}.HTML())
	if strings.Contains(first, "Previous") || !strings.Contains(first, `href="?page=2" rel="next"`) {
		t.Errorf("first page:\n%s", first)
	}
	if strings.Contains(last, "Next") || !strings.Contains(last, `href="?page=2" rel="prev"`) {
		t.Errorf("last page:\n%s", last)
	}
	// Many pages: the first, the last, two either side of the current, gaps between.
	mid := string(ui.Pager{Page: 50, PerPage: 1, Total: 1_000_000_000, Query: url.Values{"q": {"a b"}}}.HTML())
	nums := regexp.MustCompile(`Page </span>(\d+)<`).FindAllStringSubmatch(mid, -1)
	var got []string
	for _, n := range nums {
		got = append(got, n[1])
	}
	if strings.Join(got, ",") != "1,48,49,50,51,52,1000000000" || strings.Count(mid, "…") != 2 || !strings.Contains(mid, `href="?page=51&amp;q=a&#43;b"`) {
		t.Errorf("window around page 50: %v\n%s", got, mid)
	}
}

func TestParsePage(t *testing.T) {
	for q, want := range map[string]int{"": 1, "page=1": 1, "page=7": 7} {
		v, _ := url.ParseQuery(q)
		if got, err := ui.ParsePage(v); got != want || err != nil {
			t.Errorf("%q: %d %v", q, got, err)
		}
	}
	for _, q := range []string{"page=0", "page=-2", "page=two", "page=1e3", "page=99999999999999999999"} {
		v, _ := url.ParseQuery(q)
		var pe *ui.PageError
		if got, err := ui.ParsePage(v); got != 1 || !errors.As(err, &pe) {
			t.Errorf("%q: %d %v, want 1 and a PageError", q, got, err)
		}
	}
}

func TestFlashAsksTheCoreThroughAHeader(t *testing.T) {
	w := httptest.NewRecorder()
	ui.Flash(w, "Review saved")
	ui.Flash(w, "Review of Ash Field saved: 100% / done")
	if got := w.Header().Values(contract.FlashHeader); len(got) != 1 || got[0] != "Review%20of%20Ash%20Field%20saved:%20100%25%20%2F%20done" {
		t.Fatalf("flash header %q", got)
	}
}

func TestFormatDateIsLondonTime(t *testing.T) {
	// 23:30 UTC on Saturday 27 September 2025 is Sunday in London (BST).
	if got := ui.FormatDate(time.Date(2025, 9, 27, 23, 30, 0, 0, time.UTC)); got != "Sun 28 Sep 2025" {
		t.Fatalf("FormatDate: %s", got)
	}
	h := string(ui.Table{Columns: []ui.Column{{Key: "on", Label: "On"}}, Rows: []ui.Row{{"on": time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}}}.HTML())
	if !strings.Contains(h, "<td>Mon 5 Jan 2026</td>") {
		t.Fatalf("a time cell: %s", h)
	}
}

func TestFuncMapRendersComponentsInTemplates(t *testing.T) {
	tpl := template.Must(template.New("p").Funcs(ui.FuncMap()).Parse(
		`{{ui .Header}}{{uiBadge "success" "Done"}}{{uiErrorSummary .Errors .Fields}}{{uiFields .Fields}}{{ui .Nil}}`))
	var b strings.Builder
	err := tpl.Execute(&b, map[string]any{
		"Header": ui.Header{Title: "Reviews"}, "Errors": ui.Errors{{Field: "n", Message: "is required"}},
		"Fields": []ui.Field{{Name: "n", Label: "Name", Error: "is required"}}, "Nil": ui.Component(nil),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<h1>Reviews</h1>", `<span class="ui-badge ui-tone-success">Done</span>`, `<a href="#f-n">Name: is required</a>`, `id="f-n"`} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("template output lacks %s:\n%s", want, b.String())
		}
	}
}

// Every class a component emits is styled by ui.css.
func TestEveryClassIsStyled(t *testing.T) {
	var all strings.Builder
	for _, h := range everything("x") {
		all.WriteString(string(h))
	}
	for _, tone := range []ui.Tone{ui.Neutral, ui.Info, ui.Success, ui.Warning, ui.Danger} {
		all.WriteString(string(ui.Badge(tone, "x")))
		all.WriteString(string(ui.Stat{Value: "1", Trend: ui.Trend{Dir: ui.Up, Tone: tone}}.HTML()))
	}
	all.WriteString(string(ui.Header{Title: "t", Actions: []ui.Link{{Label: "a", Href: "/", Secondary: true}}}.HTML()))
	all.WriteString(string(ui.Field{Kind: ui.Number, Name: "n", Width: "short"}.HTML()))
	classes := map[string]bool{}
	for _, m := range regexp.MustCompile(`class="([^"]+)"`).FindAllStringSubmatch(all.String(), -1) {
		for _, c := range strings.Fields(m[1]) {
			classes[c] = true
		}
	}
	if len(classes) < 30 {
		t.Fatalf("only %d classes found", len(classes))
	}
	for c := range classes {
		if c == "visually-hidden" { // the shell's app.css
			continue
		}
		if !strings.Contains(ui.CSS, "."+c) {
			t.Errorf("class %s is not in ui.css", c)
		}
	}
}
