package jobs_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/jobs"
	"github.com/challengepartners/upwards/core/jobs/jobstest"
)

func get(t *testing.T, h http.Handler, method, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

func TestMonitorHandlerServesUIUnderRootPath(t *testing.T) {
	jobstest.Each(t, func(t *testing.T, r *jobs.Redis) {
		reg := jobs.NewRegistry()
		reg.Handle("test:x", func(context.Context, []byte) error { return nil })
		if _, err := jobs.NewClient(r, reg).Enqueue(context.Background(), "test:x", nil); err != nil {
			t.Fatal(err)
		}
		h := jobs.MonitorHandler(r, "/admin/jobs/", true)

		index := get(t, h, "GET", "/admin/jobs/")
		if index.Code != http.StatusOK || !strings.Contains(index.Body.String(), "<div id=\"root\">") {
			t.Fatalf("index: %d %.200s", index.Code, index.Body.String())
		}
		body := index.Body.String()
		// html/template escapes slashes inside the script: "\/admin\/jobs".
		if !strings.Contains(body, `window.FLAG_ROOT_PATH="\/admin\/jobs"`) {
			t.Errorf("index does not carry the root path: %s", regexp.MustCompile(`FLAG_ROOT_PATH=[^,]*`).FindString(body))
		}
		scripts := regexp.MustCompile(`<script[^>]* src="([^"]+)"`).FindAllStringSubmatch(body, -1)
		if len(scripts) == 0 {
			t.Fatal("index references no scripts")
		}
		for _, s := range scripts {
			if !strings.HasPrefix(s[1], "/admin/jobs/static/") {
				t.Errorf("asset %s is not under the root path", s[1])
				continue
			}
			asset := get(t, h, "GET", s[1])
			if asset.Code != http.StatusOK || !strings.Contains(asset.Header().Get("Content-Type"), "javascript") || asset.Body.Len() < 1000 {
				t.Errorf("asset %s: %d %q, %d bytes", s[1], asset.Code, asset.Header().Get("Content-Type"), asset.Body.Len())
			}
		}

		api := get(t, h, "GET", "/admin/jobs/api/queues")
		if api.Code != http.StatusOK {
			t.Fatalf("api/queues: %d %s", api.Code, api.Body.String())
		}
		var queues struct {
			Queues []struct {
				Queue   string `json:"queue"`
				Pending int    `json:"pending"`
			} `json:"queues"`
		}
		if err := json.NewDecoder(io.Reader(api.Body)).Decode(&queues); err != nil {
			t.Fatal(err)
		}
		if len(queues.Queues) != 1 || queues.Queues[0].Queue != "default" || queues.Queues[0].Pending != 1 {
			t.Errorf("api/queues = %+v", queues)
		}
		if rec := get(t, h, "POST", "/admin/jobs/api/queues/default:pause"); rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("read-only monitor allowed a pause: %d", rec.Code)
		}
		// Under a strict policy the index page gets a nonce of its own; assets and the API keep the policy.
		strict := "default-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'"
		withPolicy := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			w.Header().Set("Content-Security-Policy", strict)
			h.ServeHTTP(w, req)
		})
		nonces := map[string]bool{}
		for _, path := range []string{"/admin/jobs", "/admin/jobs/", "/admin/jobs/queues/default"} {
			page := get(t, withPolicy, "GET", path)
			csp := page.Header().Get("Content-Security-Policy")
			m := regexp.MustCompile(`script-src 'self' 'nonce-([^']+)'`).FindStringSubmatch(csp)
			if page.Code != http.StatusOK || m == nil || !strings.Contains(csp, "style-src 'self' 'nonce-"+m[1]+"'") ||
				!strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
				t.Fatalf("%s: %d, policy %q", path, page.Code, csp)
			}
			body := page.Body.String()
			if strings.Contains(body, "fonts.googleapis.com") || !strings.Contains(body, `<meta property="csp-nonce" content="`+m[1]+`"/>`) ||
				strings.Count(body, "<script") != strings.Count(body, `<script nonce="`+m[1]+`"`) || page.Header().Get("Content-Type") != "text/html; charset=utf-8" {
				t.Errorf("%s: the page is not rewritten for its nonce: %.600s", path, body)
			}
			nonces[m[1]] = true
		}
		if len(nonces) != 3 {
			t.Errorf("three pages shared a nonce: %v", nonces)
		}
		for _, path := range []string{scripts[0][1], "/admin/jobs/api/queues"} {
			if rec := get(t, withPolicy, "GET", path); rec.Code != http.StatusOK || rec.Header().Get("Content-Security-Policy") != strict {
				t.Errorf("%s: %d, policy %q", path, rec.Code, rec.Header().Get("Content-Security-Policy"))
			}
		}

		writable := jobs.MonitorHandler(r, "admin/ops", false)
		if rec := get(t, writable, "POST", "/admin/ops/api/queues/default:pause"); rec.Code/100 != 2 {
			t.Errorf("writable monitor refused a pause: %d %s", rec.Code, rec.Body.String())
		}
	})
}
