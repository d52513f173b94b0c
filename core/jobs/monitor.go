package jobs

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"regexp"
	"strings"

	"github.com/hibiken/asynqmon"
)

// MonitorHandler serves the asynqmon web UI and its JSON API under rootPath
// (e.g. "/admin/jobs"): mount it on rootPath and rootPath+"/" without
// stripping the prefix. Its assets are embedded in asynqmon. readOnly
// refuses every API call but GET. Authorisation is the caller's job. The
// handler's Redis connections close with r.
//
// asynqmon's index page has two inline scripts and its React bundle inserts
// style elements (JSS), which a Content-Security-Policy of script-src and
// style-src 'self' blocks, leaving the page blank. So the index page is
// served with a fresh nonce on each request (see monitorPage): the caller's
// policy, already in the response's Content-Security-Policy header, is kept
// and only that page's script-src and style-src also allow the nonce. Its
// links to Google Fonts style sheets are dropped, so nothing is loaded from
// the internet (text falls back to local fonts). Every other answer of the
// handler keeps the caller's policy untouched.
func MonitorHandler(r *Redis, rootPath string, readOnly bool) http.Handler {
	rootPath = "/" + strings.Trim(rootPath, "/")
	h := asynqmon.New(asynqmon.Options{
		RootPath:     rootPath,
		RedisConnOpt: r.ClientOpt(),
		ReadOnly:     readOnly,
	})
	r.onClose(h.Close)
	return &monitorPage{next: h, api: rootPath + "/api/"}
}

// monitorPage rewrites asynqmon's index page for a strict
// Content-Security-Policy. Pages are told apart from assets and the API by
// what asynqmon answers: it serves its index, with no Content-Type of its
// own, for the root and for every path it has no file for (a single-page
// app's routes).
type monitorPage struct {
	next http.Handler
	api  string
}

func (m *monitorPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet || strings.HasPrefix(r.URL.Path, m.api) {
		m.next.ServeHTTP(w, r)
		return
	}
	buf := &bufferedResponse{header: http.Header{}}
	m.next.ServeHTTP(buf, r)
	body := buf.body.Bytes()
	isPage := buf.header.Get("Content-Type") == "" && bytes.Contains(body, []byte(`<div id="root">`))
	for k, v := range buf.header {
		w.Header()[k] = v
	}
	if isPage && buf.status() == http.StatusOK {
		nonce := newNonce()
		body = withNonce(body, nonce)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if p := w.Header().Get("Content-Security-Policy"); p != "" {
			w.Header().Set("Content-Security-Policy", policyWithNonce(p, nonce))
		}
	}
	w.WriteHeader(buf.status())
	_, _ = w.Write(body)
}

// bufferedResponse keeps what asynqmon writes (an index page or one
// embedded asset, at most a few hundred KB) so that it can be rewritten.
type bufferedResponse struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header         { return b.header }
func (b *bufferedResponse) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *bufferedResponse) WriteHeader(code int) {
	if b.code == 0 {
		b.code = code
	}
}

func (b *bufferedResponse) status() int {
	if b.code == 0 {
		return http.StatusOK
	}
	return b.code
}

var (
	// remoteStylesheet matches a <link> to a style sheet on another site.
	remoteStylesheet = regexp.MustCompile(`<link rel="stylesheet" href="https?://[^"]*"\s*/?>`)
	scriptTag        = regexp.MustCompile(`<script(\s|>)`)
)

// withNonce gives every script element of page the nonce, announces it to
// JSS (which reads <meta property="csp-nonce"> and puts the nonce on the
// style elements it inserts) and drops the remote style sheets.
func withNonce(page []byte, nonce string) []byte {
	page = remoteStylesheet.ReplaceAll(page, nil)
	page = scriptTag.ReplaceAll(page, []byte(`<script nonce="`+nonce+`"$1`))
	return bytes.Replace(page, []byte("<head>"), []byte(`<head><meta property="csp-nonce" content="`+nonce+`"/>`), 1)
}

// policyWithNonce adds 'nonce-…' to the script-src and style-src directives
// of policy, adding either directive (as 'self' plus the nonce) when the
// policy has none. Every other directive is kept as it is.
func policyWithNonce(policy, nonce string) string {
	src := "'nonce-" + nonce + "'"
	want := map[string]bool{"script-src": true, "style-src": true}
	var out []string
	for _, d := range strings.Split(policy, ";") {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		name := strings.ToLower(strings.Fields(d)[0])
		if want[name] {
			d += " " + src
			delete(want, name)
		}
		out = append(out, d)
	}
	for _, name := range []string{"script-src", "style-src"} {
		if want[name] {
			out = append(out, name+" 'self' "+src)
		}
	}
	return strings.Join(out, "; ")
}

// newNonce returns 128 random bits, base64: a CSP nonce for one page.
func newNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return base64.StdEncoding.EncodeToString(b)
}
