package ui

import (
	"bytes"
	_ "embed"
	"html/template"
	"strings"
)

// CSS is the components' stylesheet. The core serves it in its shell as
// /static/ui.css, after its own app.css, whose variables (--ink, --muted,
// --line, --brand) and focus style it uses; a plugin never serves it itself.
//
//go:embed ui.css
var CSS string

// Component is what every component of this package is: something that
// renders itself as escaped, deterministic HTML.
type Component interface {
	HTML() template.HTML
}

// FuncMap returns the template functions of the package, for
// template.New(name).Funcs(ui.FuncMap()):
//
//	{{ui .Table}}                 any Component (Header, Table, Field, Chart…)
//	{{uiBadge "success" "Done"}}  a status badge: tone name, then its words
//	{{uiFields .Fields}}          several fields, in order
//	{{uiErrorSummary .Errors .Fields}}
//
// Each call returns a fresh map, which the caller may extend.
func FuncMap() template.FuncMap {
	return template.FuncMap{
		"ui": func(c any) template.HTML {
			if c, ok := c.(Component); ok && c != nil {
				return c.HTML()
			}
			return ""
		},
		"uiBadge": func(tone, text string) template.HTML { return Badge(ParseTone(tone), text) },
		"uiFields": func(fs []Field) template.HTML {
			var b strings.Builder
			for _, f := range fs {
				b.WriteString(string(f.HTML()))
			}
			return template.HTML(b.String()) //nolint:gosec // each field escapes its values
		},
		"uiErrorSummary": func(es Errors, fs []Field) template.HTML { return ErrorSummary(es, fs...) },
	}
}

// mustParse parses a component's template; a mistake in one fails at start
// (and in the package's tests), never on a page.
func mustParse(name, text string) *template.Template {
	return template.Must(template.New(name).Parse(text))
}

// execute runs t with data. The package's templates take only their own
// types, so a failure is a bug in this package: the page then shows a short
// note in place of the component rather than half of it.
func execute(t *template.Template, data any) template.HTML {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return `<p class="ui-broken">This part of the page could not be shown.</p>`
	}
	return template.HTML(b.String()) //nolint:gosec // html/template output
}

// idPart turns s into a fragment fit for an HTML id: letters, digits, "-"
// and "_" are kept, anything else becomes "-".
func idPart(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

// slug is a lower-case id fragment of a title ("Gap closed, by school" →
// "gap-closed-by-school").
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
