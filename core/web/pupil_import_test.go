package web_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/pupils/importfile/importtest"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// upload posts file as the multipart import form of unit, with the page's CSRF token unless csrf is false.
func (c *client) upload(unit uint, name string, file []byte, csrf bool) *http.Response {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if csrf {
		mw.WriteField("_csrf", c.csrf)
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(file)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/units/%d/import", c.w.url, unit), &body)
	req.Host = c.host
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// waitImport follows an import page until it stops refreshing itself, and returns its body.
func (c *client) waitImport(path string) string {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, body := c.get(path)
		if resp.StatusCode != http.StatusOK {
			c.t.Fatalf("GET %s: %d\n%s", path, resp.StatusCode, body)
		}
		if resp.Header.Get("Refresh") == "" {
			return body
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("import %s still running: %s", path, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func testid(body, id string) string {
	m := regexp.MustCompile(`data-testid="` + id + `"[^>]*>([^<]*)<`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return strings.TrimSpace(m[1])
}

func pupilCSV(n int) []byte {
	var b bytes.Buffer
	importtest.WriteCSV(&b, 0, n, time.Now())
	return b.Bytes()
}

// The import from the browser's point of view: upload, preview with per-row
// errors, refusal of "import all" while rows are bad, a fixed file
// committed, an idempotent re-upload; who may do it; CSRF; a huge upload
// refused before it is read.
func TestPupilImportWebFlow(t *testing.T) {
	for _, d := range storagetest.Dialects {
		t.Run(string(d), func(t *testing.T) { testPupilImportWebFlow(t, d) })
	}
}

func testPupilImportWebFlow(t *testing.T, d storage.Dialect) {
	w := newWorld(t, d)
	worker := w.app.Worker()
	if err := worker.Start(); err != nil {
		t.Fatal(err)
	}
	defer worker.Shutdown()
	school := w.a.trustSchool.ID
	countPupils := func() int64 {
		var n int64
		w.app.DB.Table("pupils").Where("school_id = ?", school).Count(&n)
		return n
	}
	c := w.client(w.a.host)
	c.login(w.a.adminEmail)
	resp, body := c.get(fmt.Sprintf("/units/%d/import", school))
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `data-testid="import-form"`) {
		t.Fatalf("import page: %d", resp.StatusCode)
	}

	good := pupilCSV(30)
	bad := strings.Replace(string(good), importtest.UPN(4)+",", "Q"+importtest.UPN(4)[1:]+",", 1)
	bad = strings.Replace(bad, importtest.UPN(9)+",", importtest.UPN(2)+",", 1) // a duplicate of row 4's UPN

	// CSRF: an upload without the token is refused and keeps nothing.
	if resp := c.upload(school, "pupils.csv", good, false); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("upload without CSRF: %d", resp.StatusCode)
	}
	resp = c.upload(school, "pupils.csv", []byte(bad), true)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	badPath := resp.Header.Get("Location")
	body = c.waitImport(badPath)
	if testid(body, "count-errors") != "3" || testid(body, "count-new") != "27" || !strings.Contains(body, "UPN check letter") ||
		!strings.Contains(body, "the same UPN is also in row 11") || !strings.Contains(body, `id="import-all" disabled`) ||
		!strings.Contains(body, "Import only the 27 valid rows") || !strings.Contains(testid(body, "import-encoding"), "UTF-8") {
		t.Fatalf("preview of the bad file:\n%s", body)
	}
	if strings.Contains(body, importtest.UPN(4)[1:]) || strings.Contains(body, importtest.UPN(2)) {
		t.Fatal("the preview shows a UPN")
	}
	if resp, _ := c.post(badPath+"/commit", url.Values{"mode": {"all"}}); resp.StatusCode != http.StatusConflict {
		t.Fatalf("import all with errors: %d", resp.StatusCode)
	}
	if countPupils() != 0 {
		t.Fatal("a preview or refused commit wrote pupils")
	}

	// A file that is not a pupil list: a clear message, nothing imported.
	resp = c.upload(school, "photo.csv", bytes.Repeat([]byte{0, 7, 200, 13}, 500), true)
	body = c.waitImport(resp.Header.Get("Location"))
	if !strings.Contains(testid(body, "import-message"), "binary data") || strings.Contains(body, "import-all") {
		t.Fatalf("garbage file:\n%s", body)
	}

	// The fixed file.
	resp = c.upload(school, "pupils-fixed.csv", good, true)
	path := resp.Header.Get("Location")
	body = c.waitImport(path)
	if testid(body, "count-new") != "30" || testid(body, "count-errors") != "0" || strings.Contains(body, `id="import-all" disabled`) {
		t.Fatalf("preview of the good file:\n%s", body)
	}
	if resp, _ := c.post(path+"/commit", url.Values{"mode": {"all"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("commit: %d", resp.StatusCode)
	}
	body = c.waitImport(path)
	if testid(body, "count-created") != "30" || countPupils() != 30 {
		t.Fatalf("result (%d pupils):\n%s", countPupils(), body)
	}
	var sealedLeft int64
	w.app.DB.Table("pupil_imports").Where("file_sealed IS NOT NULL AND status = ?", "done").Count(&sealedLeft)
	if sealedLeft != 0 {
		t.Fatal("the committed file was kept")
	}
	if resp, _ := c.post(path+"/commit", url.Values{"mode": {"all"}}); resp.StatusCode != http.StatusConflict {
		t.Fatalf("second commit: %d", resp.StatusCode)
	}
	// The same file again: all unchanged.
	resp = c.upload(school, "pupils-fixed.csv", good, true)
	body = c.waitImport(resp.Header.Get("Location"))
	if testid(body, "count-unchanged") != "30" || testid(body, "count-new") != "0" {
		t.Fatalf("re-upload preview:\n%s", body)
	}
	// The JSON status of an import.
	if resp, body := c.get(path + "/status"); resp.StatusCode != http.StatusOK || !strings.Contains(body, `"status":"done"`) {
		t.Fatalf("status: %d %s", resp.StatusCode, body)
	}

	// Who may not: a hub manager, a teacher of another school, the trust
	// leader (reads pupils, does not import), another tenant's admin.
	for _, who := range []struct {
		email, host string
	}{{w.a.hubMgrEmail, w.a.host}, {w.a.teacherEmail, w.a.host}, {w.a.trustEmail, w.a.host}, {w.b.adminEmail, w.b.host}} {
		o := w.client(who.host)
		o.login(who.email)
		for _, p := range []string{fmt.Sprintf("/units/%d/import", school), path, path + "/status"} {
			if resp, _ := o.get(p); resp.StatusCode != http.StatusNotFound {
				t.Errorf("%s GET %s: %d, want 404", who.email, p, resp.StatusCode)
			}
		}
		if resp, _ := o.post(path+"/commit", url.Values{"mode": {"valid"}}); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s commit: %d, want 404", who.email, resp.StatusCode)
		}
	}
	// An import seen through another school of the tenant is not found.
	other := strings.Replace(path, fmt.Sprintf("/units/%d/", school), fmt.Sprintf("/units/%d/", w.a.otherSchool.ID), 1)
	if resp, _ := c.get(other); resp.StatusCode != http.StatusNotFound {
		t.Errorf("import through another school: %d", resp.StatusCode)
	}

	// A 1 GB upload is refused from its Content-Length before its body is read.
	var read atomic.Int64
	req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/units/%d/import", w.url, school), &zeros{n: &read, left: 1 << 30})
	req.Host = w.a.host
	req.ContentLength = 1 << 30
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	req.Header.Set("X-CSRF-Token", c.csrf)
	hresp, err := c.http.Do(req)
	if err == nil {
		hresp.Body.Close()
		if hresp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("1 GB upload: %d, want 413", hresp.StatusCode)
		}
	}
	if read.Load() > 64<<20 {
		t.Errorf("the server read %d bytes of a refused upload", read.Load())
	}
	var imports int64
	w.app.DB.Table("pupil_imports").Count(&imports)
	if imports != 4 {
		t.Errorf("%d imports kept, want 4", imports)
	}
}

// zeros yields left zero bytes, counting what is read.
type zeros struct {
	n    *atomic.Int64
	left int64
}

func (z *zeros) Read(p []byte) (int, error) {
	if z.left <= 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	if n > z.left {
		n = z.left
	}
	clear(p[:n])
	z.left -= n
	z.n.Add(n)
	return int(n), nil
}

// A school's page links to the import for those who may import there, and only at schools.
func TestImportLinkOnSchoolPage(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	admin := w.client(w.a.host)
	admin.login(w.a.adminEmail)
	if _, body := admin.get(fmt.Sprintf("/units/%d", w.a.trustSchool.ID)); !strings.Contains(body, fmt.Sprintf(`href="/units/%d/import"`, w.a.trustSchool.ID)) {
		t.Fatal("no import link on the school page for a tenant admin")
	}
	if _, body := admin.get(fmt.Sprintf("/units/%d", w.a.trust.ID)); strings.Contains(body, `data-testid="import-link"`) {
		t.Fatal("an import link on a trust's page")
	}
	ceo := w.client(w.a.host)
	ceo.login(w.a.trustEmail)
	if _, body := ceo.get(fmt.Sprintf("/units/%d", w.a.trustSchool.ID)); strings.Contains(body, `data-testid="import-link"`) {
		t.Fatal("an import link for a trust leader, who may not import")
	}
}
