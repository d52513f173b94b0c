package web_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/jobs/jobstest"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// The production path: two nodes on one PostgreSQL and one real Redis. A
// request to the web node enqueues a job that a worker on the other node runs.
func TestProductionPathAcrossNodes(t *testing.T) {
	dbURL, redisURL := storagetest.URL(t, storage.Postgres), jobstest.URL(t, jobstest.Real)
	w := newWorldWith(t, dbURL, redisURL)
	c := w.client("anything.test")
	if resp, body := c.get("/readyz"); resp.StatusCode != 200 || !strings.Contains(body, `"redis":"ok"`) {
		t.Fatalf("readyz on PostgreSQL and Redis: %d %s", resp.StatusCode, body)
	}
	workerNode, _, _ := startAppWith(t, dbURL, redisURL)
	worker := workerNode.Worker()
	if err := worker.Start(); err != nil {
		t.Fatal(err)
	}
	defer worker.Shutdown()

	admin := w.client(w.a.host)
	admin.login(w.a.adminEmail)
	admin.get("/settings")
	if resp, _ := admin.post("/settings/test-mail", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("test mail: %d", resp.StatusCode)
	}
	logPath := filepath.Join(workerNode.Config.DataDir, "mail.log")
	deadline := time.Now().Add(20 * time.Second)
	for {
		if b, _ := os.ReadFile(logPath); strings.Contains(string(b), "Subject: Upwards test email") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the worker node did not send the mail the web node queued")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if b, _ := os.ReadFile(filepath.Join(w.app.Config.DataDir, "mail.log")); len(b) != 0 {
		t.Fatal("the web node, which runs no worker, sent mail")
	}
}
