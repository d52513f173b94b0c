package sdk

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
)

// imagesHeader carries AllowImagesFrom's origins from the handler to the
// answer (HandleHTTPResponse.image_origins); the SDK removes it.
const imagesHeader = "X-Upwards-Image-Origins"

// AllowImagesFrom asks the core to let this response's page show images
// from other sites, e.g. a map's tile server: each origin is
// "https://host" or "https://host:port" (contract.ImageOriginOf gives it
// from a URL or tile template), at most contract.MaxImageOrigins in all.
// The core adds them to the img-src of this response's
// Content-Security-Policy only. A bad origin, or one too many, is an
// error and nothing is set (the core would refuse the answer). Call it
// before WriteHeader or Write; calling it again adds to the list.
func AllowImagesFrom(w http.ResponseWriter, origins ...string) error {
	all := slices.Clone(w.Header().Values(imagesHeader))
	for _, o := range origins {
		if !slices.Contains(all, o) {
			all = append(all, o)
		}
	}
	if err := contract.CheckImageOrigins(all); err != nil {
		return err
	}
	w.Header()[imagesHeader] = all
	return nil
}

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
