package prodtest

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/pupils/importfile/importtest"
	"github.com/challengepartners/upwards/core/storage"
)

// TestWorkerKilledMidJob kills the worker with SIGKILL while it commits a
// pupil import (one transaction, so the kill leaves nothing half-written):
// a new worker runs the job again, and its effect happens once — every
// pupil imported exactly once, the import done, one commit audited. asynq
// recovers a dead worker's task once its lease has been expired 30 s, so
// this test waits about a minute; -short skips it.
func TestWorkerKilledMidJob(t *testing.T) {
	if testing.Short() {
		t.Skip("waits about a minute for asynq to recover the dead worker's task")
	}
	c := newCluster(t)
	node := c.serve("node")
	w1 := c.worker("worker-1")
	const rows = 20000
	var csv bytes.Buffer
	must(t, importtest.WriteCSV(&csv, 0, rows, time.Now()))
	id := upload(t, c, node, csv.Bytes())
	db, err := storage.Open(context.Background(), c.dbURL, nil)
	must(t, err)
	defer db.Close()
	var rec struct {
		Status        string
		ProcessedRows int
	}
	read := func() {
		t.Helper()
		must(t, db.Raw("SELECT status, processed_rows FROM pupil_imports WHERE id = ?", id).Scan(&rec).Error)
	}
	wait := func(what string, limit time.Duration, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(limit); !ok(); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not within %s (import %s: %+v)", what, limit, id, rec)
			}
		}
	}
	wait("checked by the worker", 60*time.Second, func() bool { read(); return rec.Status == "checked" })
	commit := fmt.Sprintf("/units/%d/imports/%s/commit", c.schoolID, id)
	post(t, c, node, commit, "application/x-www-form-urlencoded", bytes.NewBufferString("mode=all"))
	wait("the commit under way", 30*time.Second, func() bool { read(); return rec.Status == "importing" && rec.ProcessedRows > 0 })
	killed := time.Now()
	processed := rec.ProcessedRows
	w1.kill9(t)
	pupils := func() int64 {
		var n int64
		must(t, db.Raw("SELECT count(*) FROM pupils WHERE tenant_id = ?", c.tenantID).Scan(&n).Error)
		return n
	}
	if n := pupils(); n != 0 {
		t.Fatalf("%d pupils after the worker died mid-commit: the commit was not atomic", n)
	}
	c.worker("worker-2")
	wait("the job run again by the new worker", 150*time.Second, func() bool { read(); return rec.Status == "done" })
	again := time.Since(killed)
	if n := pupils(); n != rows {
		t.Fatalf("%d pupils after the job ran again, want %d exactly", n, rows)
	}
	var imports int64
	must(t, db.Raw("SELECT count(*) FROM audit_events WHERE entity_type = 'pupil_import' AND entity_id = ? AND action = 'pupil.import'", id).Scan(&imports).Error)
	if imports != 1 {
		t.Fatalf("the import's commit is audited %d times, want once", imports)
	}
	t.Logf("FIGURE: worker killed with SIGKILL mid-commit of a %d-row pupil import (%d rows processed): nothing written; "+
		"the new worker ran it again and it was done %s after the kill, with %d pupils (each once)", rows, processed, again.Round(time.Second), rows)
}

// upload posts a pupil file for the school through node and returns the import's id.
func upload(t *testing.T, c *cluster, node *proc, file []byte) string {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "pupils.csv")
	must(t, err)
	_, _ = fw.Write(file)
	must(t, mw.Close())
	loc := post(t, c, node, fmt.Sprintf("/units/%d/import", c.schoolID), mw.FormDataContentType(), &body)
	m := regexp.MustCompile(`/imports/(\d+)$`).FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("upload redirected to %q", loc)
	}
	return m[1]
}

// post sends a form through node as the tenant admin; it must answer 303.
func post(t *testing.T, c *cluster, n *proc, path, ctype string, body *bytes.Buffer) string {
	t.Helper()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest(http.MethodPost, n.base()+path, body)
	c.asAdmin(req)
	req.Header.Set("Content-Type", ctype)
	resp, err := noRedirect.Do(req)
	must(t, err)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST %s on %s: %d", path, n.name, resp.StatusCode)
	}
	return resp.Header.Get("Location")
}
