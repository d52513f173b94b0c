package ui

import (
	"fmt"
	"html/template"
	"net/url"
	"strconv"
)

// PageError is a page query that is not a whole number from 1.
type PageError struct{ Value string }

func (e *PageError) Error() string {
	return fmt.Sprintf("page: %q is no page number; pages are numbered from 1", e.Value)
}

// ParsePage reads ?page=N (1 when absent). A value that is not a whole
// number from 1 returns 1 and a *PageError. A page past the last is the
// Pager's business (Clamp).
func ParsePage(q url.Values) (int, error) {
	v := q.Get("page")
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 1, &PageError{Value: v}
	}
	return n, nil
}

// Pager is the navigation between the pages of a long list: previous and
// next links and the page numbers (the first, the last and those around the
// current one; gaps shown as "…"), in a nav labelled "Pagination" whose
// current page carries aria-current="page". Links are "?page=N" on the
// current page, keeping the other parameters of Query. Nothing is rendered
// when everything fits on one page.
type Pager struct {
	Page    int // the current page, from 1 (ParsePage)
	PerPage int
	Total   int // the number of items in the whole list
	Query   url.Values
}

var _ Component = Pager{}

// Pages is the number of pages (at least 1).
func (p Pager) Pages() int {
	if p.PerPage <= 0 || p.Total <= 0 {
		return 1
	}
	return (p.Total + p.PerPage - 1) / p.PerPage
}

// Clamp returns p with Page within 1 and Pages().
func (p Pager) Clamp() Pager {
	p.Page = min(max(p.Page, 1), p.Pages())
	return p
}

// Offset is the index of the current page's first item (for OFFSET), after Clamp.
func (p Pager) Offset() int {
	c := p.Clamp()
	return (c.Page - 1) * max(c.PerPage, 0)
}

type pageLink struct {
	N       int
	Href    string
	Current bool
	Gap     bool
}

var pagerTmpl = mustParse("pager", `<nav class="ui-pager" aria-label="Pagination"><ul>
{{- with .Prev}}<li><a href="{{.}}" rel="prev">Previous<span class="visually-hidden"> page</span></a></li>{{end}}
{{- range .Links}}{{if .Gap}}<li class="ui-gap" aria-hidden="true">…</li>{{else if .Current}}<li><a href="{{.Href}}" aria-current="page"><span class="visually-hidden">Page </span>{{.N}}</a></li>{{else}}<li><a href="{{.Href}}"><span class="visually-hidden">Page </span>{{.N}}</a></li>{{end}}{{end}}
{{- with .Next}}<li><a href="{{.}}" rel="next">Next<span class="visually-hidden"> page</span></a></li>{{end -}}
</ul></nav>`)

// HTML renders the navigation.
func (p Pager) HTML() template.HTML {
	p = p.Clamp()
	last := p.Pages()
	if last <= 1 {
		return ""
	}
	v := struct {
		Prev, Next string
		Links      []pageLink
	}{}
	if p.Page > 1 {
		v.Prev = pageHref(p.Query, p.Page-1)
	}
	if p.Page < last {
		v.Next = pageHref(p.Query, p.Page+1)
	}
	// The first, the last and two either side of the current page.
	shown := []int{1}
	for n := max(p.Page-2, 2); n <= min(p.Page+2, last-1); n++ {
		shown = append(shown, n)
	}
	shown = append(shown, last)
	for i, n := range shown {
		if i > 0 && n > shown[i-1]+1 {
			v.Links = append(v.Links, pageLink{Gap: true})
		}
		v.Links = append(v.Links, pageLink{N: n, Href: pageHref(p.Query, n), Current: n == p.Page})
	}
	return execute(pagerTmpl, v)
}

func pageHref(q url.Values, n int) string {
	out := url.Values{}
	for k, vs := range q {
		if k != "page" {
			out[k] = vs
		}
	}
	out.Set("page", strconv.Itoa(n))
	return "?" + out.Encode()
}
