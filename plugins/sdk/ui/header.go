package ui

import "html/template"

// Crumb is one step of a breadcrumb trail.
type Crumb struct {
	Label string
	Href  string // plugin links come from sdk.URL
}

// Link is a link shown as a button, e.g. a page header's action.
type Link struct {
	Label string
	Href  string
	// Secondary draws the link as a quieter button.
	Secondary bool
}

// Header is the top of a page: the breadcrumb trail, the one h1, an optional
// lead paragraph and the page's actions (links styled as buttons).
//
// The trail is a nav labelled "Breadcrumb" whose last crumb, the page
// itself, carries aria-current="page" and no link; when Crumbs is empty there
// is no trail. The title is added as that last crumb unless the last crumb
// has no Href (the page already named itself).
type Header struct {
	Crumbs  []Crumb
	Title   string
	Lead    string
	Actions []Link
}

var _ Component = Header{}

var headerTmpl = mustParse("header", `<header class="ui-page-header">
{{- if .Crumbs}}<nav class="ui-crumbs" aria-label="Breadcrumb"><ol>
{{- range $i, $c := .Crumbs}}{{if eq $i $.Last}}<li><span aria-current="page">{{$c.Label}}</span></li>{{else}}<li><a href="{{$c.Href}}">{{$c.Label}}</a></li>{{end}}{{end -}}
</ol></nav>{{end}}
<div class="ui-page-title"><h1>{{.Title}}</h1>
{{- if .Actions}}<ul class="ui-actions">{{range .Actions}}<li><a class="ui-button{{if .Secondary}} ui-button-secondary{{end}}" href="{{.Href}}">{{.Label}}</a></li>{{end}}</ul>{{end -}}
</div>
{{- if .Lead}}<p class="ui-lead">{{.Lead}}</p>{{end -}}
</header>`)

// HTML renders the header.
func (h Header) HTML() template.HTML {
	crumbs := h.Crumbs
	if n := len(crumbs); n > 0 && crumbs[n-1].Href != "" {
		crumbs = append(crumbs[:n:n], Crumb{Label: h.Title})
	}
	return execute(headerTmpl, struct {
		Header
		Last int
	}{Header{Crumbs: crumbs, Title: h.Title, Lead: h.Lead, Actions: h.Actions}, len(crumbs) - 1})
}
