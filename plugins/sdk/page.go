package sdk

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
)

// MarkPage marks the response as a page: the HTML the handler then writes
// is a fragment the core wraps in its shell (navigation, styles), with title
// as the page title. Call it before WriteHeader or Write. Headers other than
// cookies are the shell's business and are not passed on for a page.
func MarkPage(w http.ResponseWriter, title string) {
	w.Header().Set(pageHeader, url.PathEscape(title))
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
}

// Page answers with the HTML fragment body as a page titled title (status
// 200). Use PageStatus for another status, e.g. 422 for a form with errors.
func Page(w http.ResponseWriter, r *http.Request, title string, body template.HTML) {
	PageStatus(w, r, http.StatusOK, title, body)
}

// PageStatus is Page with an HTTP status.
func PageStatus(w http.ResponseWriter, _ *http.Request, status int, title string, body template.HTML) {
	MarkPage(w, title)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// Render executes the template named name of t with data and answers it as a
// page titled title. Nothing is written if the template fails, so the
// error can still be answered.
func Render(w http.ResponseWriter, r *http.Request, status int, title string, t *template.Template, name string, data any) error {
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, data); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	PageStatus(w, r, status, title, template.HTML(buf.String())) //nolint:gosec // html/template output
	return nil
}
