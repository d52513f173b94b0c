package ui

import (
	"cmp"
	"fmt"
	"html/template"
	"math"
	"net/url"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // dates are shown in Europe/London wherever the plugin runs
)

// Column is one column of a Table.
type Column struct {
	// Key names the column: the Row key its cells are read from, and its
	// name in the sort query (?sort=KEY).
	Key   string
	Label string
	// Numeric right-aligns the column with figures of equal width.
	Numeric bool
	// Sortable makes the header a link that sorts by this column.
	Sortable bool
}

// Row is one row of a Table: a cell for each column key. A cell is shown
// escaped (a string, a number, a time.Time as "Sun 28 Sep 2025" in Europe/
// London, a Link as a link, template.HTML as it is); a missing or nil cell
// shows as empty.
type Row map[string]any

// SortValue may be implemented by a cell whose order differs from its text
// (SortRows compares the values it returns).
type SortValue interface {
	SortValue() any
}

// Sort is a table's order: a column key and its direction.
type Sort struct {
	Key  string
	Desc bool
}

// SortError is a sort query naming a column that cannot be sorted by, or a
// direction other than asc and desc.
type SortError struct {
	Param, Value string
}

func (e *SortError) Error() string {
	if e.Param == "dir" {
		return fmt.Sprintf("dir: %q is no direction; use asc or desc", e.Value)
	}
	return fmt.Sprintf("sort: %q is no column this table sorts by", e.Value)
}

// ParseSort reads ?sort=KEY&dir=asc|desc and checks KEY against the
// sortable columns. Without a sort parameter it returns def. A key no
// sortable column has, or a direction other than asc or desc, returns def
// and a *SortError the handler may answer with 400 or ignore.
func ParseSort(q url.Values, cols []Column, def Sort) (Sort, error) {
	key := q.Get("sort")
	if key == "" {
		return def, nil
	}
	ok := slices.ContainsFunc(cols, func(c Column) bool { return c.Sortable && c.Key == key })
	if !ok {
		return def, &SortError{Param: "sort", Value: key}
	}
	switch dir := q.Get("dir"); dir {
	case "", "asc":
		return Sort{Key: key}, nil
	case "desc":
		return Sort{Key: key, Desc: true}, nil
	default:
		return def, &SortError{Param: "dir", Value: dir}
	}
}

// SortRows sorts rows in place by s, stably: numbers by value, times in
// order, Links by label, text without regard to case, empty cells last.
// Sort in the query instead when the rows come from storage a page at a time.
func SortRows(rows []Row, s Sort) {
	if s.Key == "" {
		return
	}
	slices.SortStableFunc(rows, func(a, b Row) int {
		c := compareCells(a[s.Key], b[s.Key])
		if s.Desc {
			return -c
		}
		return c
	})
}

// compareCells orders two cells; an empty cell sorts after any value.
func compareCells(a, b any) int {
	ka, kb := sortKey(a), sortKey(b)
	switch {
	case ka == nil && kb == nil:
		return 0
	case ka == nil:
		return 1
	case kb == nil:
		return -1
	}
	fa, aNum := ka.(float64)
	fb, bNum := kb.(float64)
	switch {
	case aNum && bNum:
		return cmp.Compare(fa, fb)
	case aNum:
		return -1
	case bNum:
		return 1
	}
	return cmp.Compare(ka.(string), kb.(string))
}

// sortKey is a float64, a string, or nil for an empty cell.
func sortKey(v any) any {
	if sv, ok := v.(SortValue); ok {
		v = sv.SortValue()
	}
	switch x := v.(type) {
	case nil:
		return nil
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case uint:
		return float64(x)
	case uint64:
		return float64(x)
	case float32:
		return nanNil(float64(x))
	case float64:
		return nanNil(x)
	case time.Time:
		if x.IsZero() {
			return nil
		}
		return float64(x.UnixNano())
	case Link:
		return strings.ToLower(x.Label)
	case string:
		if x == "" {
			return nil
		}
		return strings.ToLower(x)
	}
	return strings.ToLower(fmt.Sprint(v))
}

func nanNil(f float64) any {
	if math.IsNaN(f) {
		return nil
	}
	return f
}

// Table is a data table with a caption, column headers (scope="col") and,
// when a column is sortable, header links that sort by it without
// JavaScript: "?sort=KEY&dir=asc" on the current page, keeping the other
// query parameters of Query except "page" (a new order starts on page 1).
// The sorted header carries aria-sort. With no rows the table shows Empty.
//
// The handler reads the order with ParseSort, sorts (SortRows, or ORDER BY),
// and passes the order back as Sort.
type Table struct {
	Caption string
	Columns []Column
	Rows    []Row
	// Empty is the message shown when Rows is empty ("Nothing to show yet."
	// by default): say what would fill the table, e.g. "No pupil chosen yet."
	Empty string
	Sort  Sort
	// Query is the current request's query (r.URL.Query()), kept in sort links.
	Query url.Values
	// ID, if set, is the table's id and data-testid.
	ID string
}

var _ Component = Table{}

type headerCell struct {
	Column
	Href, AriaSort, Next, Arrow string
}

type tableView struct {
	Table
	Head  []headerCell
	Body  [][]bodyCell
	Empty string
}

type bodyCell struct {
	Numeric bool
	Link    *Link
	Value   any
}

var tableTmpl = mustParse("table", `<table class="ui-table"{{with .ID}} id="{{.}}" data-testid="{{.}}"{{end}}>
{{- with .Caption}}<caption>{{.}}</caption>{{end}}
<thead><tr>{{range .Head}}<th scope="col"{{if .Numeric}} class="ui-num"{{end}}{{with .AriaSort}} aria-sort="{{.}}"{{end}}>
{{- if .Sortable}}<a href="{{.Href}}">{{.Label}}<span class="visually-hidden">, sort {{.Next}}</span>{{if .Arrow}} <span aria-hidden="true">{{.Arrow}}</span>{{end}}</a>{{else}}{{.Label}}{{end}}</th>{{end}}</tr></thead>
<tbody>
{{- range .Body}}<tr>{{range .}}<td{{if .Numeric}} class="ui-num"{{end}}>{{with .Link}}<a href="{{.Href}}">{{.Label}}</a>{{else}}{{.Value}}{{end}}</td>{{end}}</tr>
{{else}}<tr><td class="ui-empty" colspan="{{len .Head}}">{{.Empty}}</td></tr>
{{end -}}
</tbody></table>`)

// HTML renders the table.
func (t Table) HTML() template.HTML {
	v := tableView{Table: t, Empty: t.Empty}
	if v.Empty == "" {
		v.Empty = "Nothing to show yet."
	}
	for _, c := range t.Columns {
		h := headerCell{Column: c}
		if c.Sortable {
			desc := false
			if t.Sort.Key == c.Key {
				h.AriaSort, h.Arrow, desc = "ascending", "▲", true
				if t.Sort.Desc {
					h.AriaSort, h.Arrow, desc = "descending", "▼", false
				}
			}
			h.Href, h.Next = sortHref(t.Query, c.Key, desc), "ascending"
			if desc {
				h.Next = "descending"
			}
		}
		v.Head = append(v.Head, h)
	}
	for _, r := range t.Rows {
		cells := make([]bodyCell, len(t.Columns))
		for i, c := range t.Columns {
			cells[i] = bodyCell{Numeric: c.Numeric, Value: cellValue(r[c.Key])}
			if l, ok := r[c.Key].(Link); ok {
				cells[i].Link = &l
			}
		}
		v.Body = append(v.Body, cells)
	}
	return execute(tableTmpl, v)
}

// cellValue is what a cell shows.
func cellValue(v any) any {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		return FormatDate(x)
	case float64:
		if math.IsNaN(x) {
			return "—"
		}
		return formatNumber(x)
	case float32:
		return cellValue(float64(x))
	}
	return v
}

// sortHref is the query-only link that sorts by key, keeping the query's
// other parameters (but "page").
func sortHref(q url.Values, key string, desc bool) string {
	out := url.Values{}
	for k, vs := range q {
		if k != "sort" && k != "dir" && k != "page" {
			out[k] = vs
		}
	}
	out.Set("sort", key)
	out.Set("dir", "asc")
	if desc {
		out.Set("dir", "desc")
	}
	return "?" + out.Encode()
}

// london is the schools' time zone, in which dates are shown.
var london = mustLondon()

func mustLondon() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		return time.UTC // unreachable: time/tzdata is embedded
	}
	return loc
}

// FormatDate shows t as people read a date here: "Sun 28 Sep 2025", in Europe/London.
func FormatDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(london).Format("Mon 2 Jan 2006")
}
