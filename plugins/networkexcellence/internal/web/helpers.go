package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// today is the request's London date, as stored (YYYY-MM-DD).
func today(r *http.Request) string { return sdk.Today(r.Context()).Format(time.DateOnly) }

// now is the request's time.
func now(r *http.Request) time.Time { return sdk.Now(r.Context()) }

// day shows a stored date as people read it: "Tue 9 Sep 2025"; "" stays "".
func day(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return d.Format("Mon 2 Jan 2006")
}

// when shows an instant as its London date.
func when(t *time.Time) string {
	if t == nil {
		return ""
	}
	return ui.FormatDate(*t)
}

// money shows pence as pounds: "£1,250.00".
func money(p int64) string {
	neg := p < 0
	if neg {
		p = -p
	}
	whole := strconv.FormatInt(p/100, 10)
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	s := fmt.Sprintf("£%s.%02d", b.String(), p%100)
	if neg {
		return "−" + s
	}
	return s
}

// poundsValue is pence as a form value: "1250.50".
func poundsValue(p int64) string { return fmt.Sprintf("%d.%02d", p/100, p%100) }

// yearParam loads the year named by the :year path parameter.
func yearParam(r *http.Request, s *store.Store) (*store.Year, error) {
	id, err := id(r, "year")
	if err != nil {
		return nil, err
	}
	y, err := s.Year(id)
	if err != nil {
		return nil, answer(err)
	}
	return y, nil
}

// yearQuery loads the year named by ?year=, or the current year (nil when
// the programme has none yet).
func yearQuery(r *http.Request, s *store.Store) (*store.Year, error) {
	if v := r.URL.Query().Get("year"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return nil, sdk.ErrNotFound
		}
		y, err := s.Year(n)
		return y, answer(err)
	}
	return s.CurrentYear(sdk.Today(r.Context()))
}

// formID reads an id field of a form (0 when empty or malformed).
func formID(r *http.Request, field string) uint64 {
	v, _ := strconv.ParseUint(strings.TrimSpace(r.PostFormValue(field)), 10, 64)
	return v
}

// path builds a plugin path from parts: path("reviews", 7, "edit") = "/reviews/7/edit".
func path(parts ...any) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(fmt.Sprint(p)))
	}
	return b.String()
}

// link is a table cell linking to a plugin path.
func link(r *http.Request, label, p string) ui.Link {
	return ui.Link{Label: label, Href: sdk.URL(r, p)}
}

// crumbs starts every breadcrumb trail at the programme's home.
func crumbs(r *http.Request, more ...ui.Crumb) []ui.Crumb {
	return append([]ui.Crumb{{Label: "Network of Excellence", Href: sdk.URL(r, "/")}}, more...)
}

// again answers a refused form (422): the page as load builds it, with the
// refused form's fields (pick names them) as the user left them and every
// problem beside its field and in the page's summary. Any other error is
// answered as it is.
func again[V any](w http.ResponseWriter, r *http.Request, err error, title, name string, load func() (V, error),
	pick func(V) (*[]ui.Field, *ui.Errors)) error {
	errs, ok := ui.ErrorsOf(err)
	if !ok {
		return answer(err)
	}
	v, lerr := load()
	if lerr != nil {
		return lerr
	}
	fields, summary := pick(v)
	*summary = errs
	if fields != nil {
		*fields = ui.Bind(*fields, r.PostForm, errs)
	}
	return renderStatus(w, r, http.StatusUnprocessableEntity, title, name, v)
}

// common is what every page template gets besides its data.
type common struct {
	CSRF template.HTML
	Base string
}

func commonOf(r *http.Request) common { return common{CSRF: sdk.CSRFField(r), Base: sdk.BasePath(r)} }

func timeParse(s string) (time.Time, error) { return time.Parse(time.DateOnly, s) }

// htmlCell is a table cell of trusted HTML (a badge, a form built here).
func htmlCell(s string) template.HTML { return template.HTML(s) } //nolint:gosec // built from escaped parts

// removeButton is a small POST form with one button, as a table cell.
func removeButton(r *http.Request, p, label string) string {
	return `<form method="post" action="` + template.HTMLEscapeString(sdk.URL(r, p)) + `">` + string(sdk.CSRFField(r)) +
		`<button type="submit" class="ui-button-secondary">Remove<span class="visually-hidden"> ` + template.HTMLEscapeString(label) + `</span></button></form>`
}
