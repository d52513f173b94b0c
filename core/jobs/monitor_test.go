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
		scripts := regexp.MustCompile(`<script src="([^"]+)"`).FindAllStringSubmatch(body, -1)
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
		writable := jobs.MonitorHandler(r, "admin/ops", false)
		if rec := get(t, writable, "POST", "/admin/ops/api/queues/default:pause"); rec.Code/100 != 2 {
			t.Errorf("writable monitor refused a pause: %d %s", rec.Code, rec.Body.String())
		}
	})
}
