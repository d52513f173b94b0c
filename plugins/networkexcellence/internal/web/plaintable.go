package web

import (
	"html/template"
	"strconv"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk/ui"
)

// plainTable renders a ui.Table whose cells are all text or links, with no
// sortable or numeric column, straight into a buffer: the same HTML as
// ui.Table.HTML (TestPlainTableRendersAsUI) without the template engine's
// reflection, which was a fifth of a Directory search's time in the
// plugin. Any other table is rendered by ui.
type plainTable struct{ ui.Table }

// htmlText escapes as html/template does in text and quoted attributes.
var htmlText = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

func (t plainTable) HTML() template.HTML {
	for _, c := range t.Columns {
		if c.Sortable || c.Numeric {
			return t.Table.HTML()
		}
	}
	for _, r := range t.Rows {
		for _, v := range r {
			switch x := v.(type) {
			case string:
			case ui.Link:
				if !strings.HasPrefix(x.Href, "/") || strings.HasPrefix(x.Href, "//") || strings.ContainsAny(x.Href, "\"'<>&+ \\%\x00") {
					return t.Table.HTML()
				}
			default:
				return t.Table.HTML()
			}
		}
	}
	var b strings.Builder
	b.Grow(256 + 300*len(t.Rows))
	b.WriteString(`<table class="ui-table"`)
	if t.ID != "" {
		b.WriteString(` id="` + htmlText.Replace(t.ID) + `" data-testid="` + htmlText.Replace(t.ID) + `"`)
	}
	b.WriteString(">")
	if t.Caption != "" {
		b.WriteString("<caption>" + htmlText.Replace(t.Caption) + "</caption>")
	}
	b.WriteString("\n<thead><tr>")
	for _, c := range t.Columns {
		b.WriteString(`<th scope="col">` + htmlText.Replace(c.Label) + "</th>")
	}
	b.WriteString("</tr></thead>\n<tbody>")
	for _, r := range t.Rows {
		b.WriteString("<tr>")
		for _, c := range t.Columns {
			b.WriteString("<td>")
			switch x := r[c.Key].(type) {
			case ui.Link:
				b.WriteString(`<a href="` + x.Href + `">` + htmlText.Replace(x.Label) + "</a>")
			case string:
				b.WriteString(htmlText.Replace(x))
			}
			b.WriteString("</td>")
		}
		b.WriteString("</tr>\n")
	}
	if len(t.Rows) == 0 {
		empty := t.Empty
		if empty == "" {
			empty = "Nothing to show yet."
		}
		b.WriteString(`<tr><td class="ui-empty" colspan="` + strconv.Itoa(len(t.Columns)) + `">` + htmlText.Replace(empty) + "</td></tr>\n")
	}
	b.WriteString("</tbody></table>")
	return template.HTML(b.String()) //nolint:gosec // every part escaped above
}
