package sdk

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

func (s *server) HandleHTTP(ctx context.Context, req *pluginv1.HandleHTTPRequest) (*pluginv1.HandleHTTPResponse, error) {
	if !strings.HasPrefix(req.GetPath(), "/") {
		return nil, status.Errorf(codes.InvalidArgument, "path %q does not start with /", req.GetPath())
	}
	if s.p.Handler == nil {
		return &pluginv1.HandleHTTPResponse{Status: http.StatusNotFound, Body: []byte("this plugin has no pages\n"),
			Headers: []*pluginv1.Header{{Name: "Content-Type", Values: []string{"text/plain; charset=utf-8"}}}}, nil
	}
	st, err := s.state(req.GetActor())
	if err != nil {
		return nil, err
	}
	st.csrf, st.base, st.route = req.GetCsrfToken(), req.GetBasePath(), req.GetRoute()
	r, err := buildRequest(withState(ctx, st), req)
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	release, err := s.bind(ctx, st)
	if err != nil {
		return nil, err
	}
	rec := &recorder{header: http.Header{}}
	err = s.guard(req.GetMethod()+" "+req.GetRoute(), func() error {
		s.p.Handler.ServeHTTP(rec, r)
		return nil
	})
	release()
	s.afterCall(ctx, st)
	if err != nil {
		return nil, status.Error(codes.Internal, "the handler panicked (see the plugin's log)")
	}
	return rec.response(), nil
}

// buildRequest turns the core's request into an *http.Request below the
// plugin's base, with the manifest route's parameters as path values.
func buildRequest(ctx context.Context, req *pluginv1.HandleHTTPRequest) (*http.Request, error) {
	u := &url.URL{Path: req.GetPath(), RawQuery: req.GetRawQuery()}
	r, err := http.NewRequestWithContext(ctx, req.GetMethod(), u.String(), bytes.NewReader(req.GetBody()))
	if err != nil {
		return nil, err
	}
	r.RequestURI = u.RequestURI()
	r.ContentLength = int64(len(req.GetBody()))
	for _, h := range req.GetHeaders() {
		name := http.CanonicalHeaderKey(h.GetName())
		if name == "Host" {
			if len(h.GetValues()) > 0 {
				r.Host = h.GetValues()[0]
			}
			continue
		}
		r.Header[name] = append(r.Header[name], h.GetValues()...)
	}
	for name, value := range matchRoute(req.GetRoute(), req.GetPath()) {
		r.SetPathValue(name, value)
	}
	return r, nil
}

// matchRoute returns the parameters of an Echo-style pattern ("/a/:id",
// "/files/*") in path; nil when it does not match.
func matchRoute(pattern, path string) map[string]string {
	if pattern == "" {
		return nil
	}
	ps := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	xs := strings.Split(strings.TrimPrefix(path, "/"), "/")
	out := map[string]string{}
	for i, p := range ps {
		if p == "*" {
			out["*"] = strings.Join(xs[min(i, len(xs)):], "/")
			return out
		}
		if i >= len(xs) {
			return nil
		}
		switch {
		case strings.HasPrefix(p, ":"):
			v, err := url.PathUnescape(xs[i])
			if err != nil {
				v = xs[i]
			}
			out[p[1:]] = v
		case p != xs[i]:
			return nil
		}
	}
	if len(xs) != len(ps) {
		return nil
	}
	return out
}

// pageHeader marks a response as a page fragment; its value is the
// escaped title. The SDK removes it before answering the core.
const pageHeader = "X-Upwards-Page-Title"

// recorder is the ResponseWriter handlers write to.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (w *recorder) Header() http.Header { return w.header }

func (w *recorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *recorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	if w.header.Get("Content-Type") == "" && w.body.Len() == 0 && len(b) > 0 {
		w.header.Set("Content-Type", http.DetectContentType(b))
	}
	return w.body.Write(b)
}

// Flush is a no-op: the answer goes to the core in one piece.
func (w *recorder) Flush() {}

func (w *recorder) response() *pluginv1.HandleHTTPResponse {
	code := w.status
	if code == 0 {
		code = http.StatusOK
	}
	out := &pluginv1.HandleHTTPResponse{Status: int32(code), Body: w.body.Bytes()}
	if t, ok := w.header[pageHeader]; ok {
		out.Fragment = true
		if len(t) > 0 {
			out.Title, _ = url.PathUnescape(t[0])
		}
		delete(w.header, pageHeader)
	}
	if o, ok := w.header[imagesHeader]; ok {
		out.ImageOrigins = o
		delete(w.header, imagesHeader)
	}
	names := make([]string, 0, len(w.header))
	for name := range w.header {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		out.Headers = append(out.Headers, &pluginv1.Header{Name: name, Values: w.header[name]})
	}
	return out
}
