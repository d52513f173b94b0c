package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// uploadStaff posts file as the staff import form and returns the answer.
func (c *client) uploadStaff(name string, file []byte) (*http.Response, string) {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("_csrf", c.csrf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(file)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.w.url+"/users/import", &body)
	req.Host = c.host
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (w *world) userCount() int64 {
	var n int64
	if err := w.app.DB.Table("users").Count(&n).Error; err != nil {
		w.t.Fatal(err)
	}
	return n
}

// A staff file with problems is refused whole, each problem named by row
// and column; a good one adds every account with its role at its school,
// audited, in one go. On PostgreSQL the import's transaction runs on the
// request's binding, as the tenant role.
func TestStaffImportAllOrNothing(t *testing.T) {
	for _, d := range storagetest.Dialects {
		t.Run(string(d), func(t *testing.T) { staffImportAllOrNothing(t, d) })
	}
}

func staffImportAllOrNothing(t *testing.T, d storage.Dialect) {
	w := newWorld(t, d)
	c := w.client(w.a.host)
	c.login(w.a.adminEmail)
	c.get("/users/import")
	before := w.userCount()
	bad := "Name,Email,School,Role\n" +
		"Ann Able,ann@alpha.example.org,alpha Hub Primary,Teacher\n" +
		"Bob Baker,not-an-email,alpha Hub Primary,Teacher\n" +
		"Cat Cole,cat@alpha.example.org,Nowhere School,Teacher\n" +
		"Dan Dale,dan@alpha.example.org,alpha Hub Primary,Wizard\n" +
		"Eve Eden,ANN@alpha.example.org,alpha Hub Primary,Teacher\n" +
		"Fay Ford,teacher@alpha.example.org,alpha Hub Primary,Teacher\n" +
		"\u202eGus,gus@alpha.example.org,alpha Hub Primary,Teacher\n" +
		"Hal Hart,hal@alpha.example.org,beta Hub Primary,Teacher\n"
	resp, page := c.uploadStaff("staff.csv", []byte(bad))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad file: %d %.3000s", resp.StatusCode, page)
	}
	for _, want := range []string{
		"<td>3</td><td>email</td>", "<td>4</td><td>school</td>", "<td>5</td><td>role</td>",
		"<td>6</td><td>email</td><td>also on row 2", "<td>7</td><td>email</td><td>teacher@alpha.example.org already has an account",
		"<td>8</td><td>name</td>", "<td>9</td><td>school</td>", "Nothing was saved",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("refusal lacks %q", want)
		}
	}
	if strings.Contains(page, "<td>2</td>") {
		t.Error("a good row is listed as a problem")
	}
	if after := w.userCount(); after != before {
		t.Fatalf("a refused file added %d users", after-before)
	}
	// A cell past the bound is refused naming its row, as in the pupil import.
	huge := "name,email,school,role\nA,a@alpha.example.org,\"" + strings.Repeat("x", 70<<10) + "\",Teacher\n"
	if resp, page := c.uploadStaff("huge.csv", []byte(huge)); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "row 2") {
		t.Fatalf("huge cell: %d %.2000s", resp.StatusCode, page)
	}
	good := "\ufeffname;email;school;role\n" +
		"Ann Able;ann@alpha.example.org;alpha hub primary;Teacher\n" +
		"Bea Best;bea@alpha.example.org;" + *w.a.trustSchool.URN + ";headteacher\n"
	resp, page = c.uploadStaff("staff.csv", []byte(good))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("good file: %d %.3000s", resp.StatusCode, page)
	}
	_, page = c.get("/users")
	if !strings.Contains(page, "2 members of staff added") || !strings.Contains(page, "Teacher at alpha Hub Primary") || !strings.Contains(page, "Headteacher at alpha Trust Primary") {
		t.Fatalf("after import: %.4000s", page)
	}
	if after := w.userCount(); after != before+2 {
		t.Fatalf("users after import: %d, want %d", after, before+2)
	}
	var n int64
	w.app.DB.Table("audit_events").Where("tenant_id = ? AND action = ?", w.a.tenant.ID, "staff.import").Count(&n)
	var grants int64
	w.app.DB.Table("audit_events").Where("tenant_id = ? AND action = ?", w.a.tenant.ID, "role.grant").Count(&grants)
	if n != 1 || grants != 6 {
		t.Fatalf("audit: %d staff.import, %d role.grant (want 1 and 4 fixture + 2)", n, grants)
	}
	// The new grants hold at once in this process.
	ids, err := w.app.Authz.Holders(context.Background(), w.a.tenant.ID, authz.HolderFilter{Role: authz.RoleHeadteacher})
	if err != nil || len(ids) != 1 {
		t.Fatalf("headteachers: %v %v", ids, err)
	}
	if ok, err := w.app.Authz.Can(context.Background(), w.a.tenant.ID, ids[0], authz.PermPupilImport, w.a.trustSchool.ID); err != nil || !ok {
		t.Fatalf("the imported headteacher cannot import pupils at her school: %v %v", ok, err)
	}
	// A hub manager (no user.write) cannot open it.
	hc := w.client(w.a.host)
	hc.login(w.a.hubMgrEmail)
	if resp, _ := hc.get("/users/import"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("hub manager: %d", resp.StatusCode)
	}
}
