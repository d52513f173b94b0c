package plugintest

import (
	"net/http"
	"net/url"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Response is a plugin's answer to a request, the way the core treats it:
// StatusCode is 200 when the plugin set none, and headers are read by name.
type Response struct {
	// StatusCode is the HTTP status (200 when the plugin left it unset).
	StatusCode int
	// Header holds the headers by canonical name: Header.Get("Location").
	Header http.Header
	// Body is the answer's body: the page's HTML fragment, JSON, a file.
	Body []byte
	// Fragment is true for a page the core wraps in its shell, titled Title.
	Fragment bool
	Title    string
	// ImageOrigins are the other sites the page may show images from
	// (sdk.AllowImagesFrom); the core adds them to its img-src.
	ImageOrigins []string
	// Raw is the answer as the contract carries it.
	Raw *pluginv1.HandleHTTPResponse
}

// NewResponse reads a contract answer (e.g. from Harness.Do) as a Response.
func NewResponse(raw *pluginv1.HandleHTTPResponse) *Response {
	r := &Response{StatusCode: int(raw.GetStatus()), Header: http.Header{}, Body: raw.GetBody(),
		Fragment: raw.GetFragment(), Title: raw.GetTitle(), ImageOrigins: raw.GetImageOrigins(), Raw: raw}
	if r.StatusCode == 0 {
		r.StatusCode = http.StatusOK
	}
	for _, h := range raw.GetHeaders() {
		for _, v := range h.GetValues() {
			r.Header.Add(h.GetName(), v)
		}
	}
	return r
}

// String returns the body as text.
func (r *Response) String() string { return string(r.Body) }

// Location returns the Location header: where a redirect goes, e.g.
// "/p/hello/" after a POST answered 303.
func (r *Response) Location() string { return r.Header.Get("Location") }

// Request requests method and path as actor, like HTTP, and returns the
// answer as a Response. A form is sent url-encoded with the CSRF token; pass
// nil for none. It fails only where HTTP does (ErrNoRoute, a call error).
func (h *Harness) Request(actor *pluginv1.Actor, method, path string, form url.Values) (*Response, error) {
	raw, err := h.HTTP(actor, method, path, form)
	if err != nil {
		return nil, err
	}
	return NewResponse(raw), nil
}

// Get requests path as actor with GET.
func (h *Harness) Get(actor *pluginv1.Actor, path string) (*Response, error) {
	return h.Request(actor, http.MethodGet, path, nil)
}

// Post posts form to path as actor (with the CSRF token).
func (h *Harness) Post(actor *pluginv1.Actor, path string, form url.Values) (*Response, error) {
	if form == nil {
		form = url.Values{}
	}
	return h.Request(actor, http.MethodPost, path, form)
}
