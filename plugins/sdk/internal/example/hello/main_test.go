package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hello-plugin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "hello")
	out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "build the hello plugin: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

func TestContract(t *testing.T) {
	plugintest.Run(t, binary)
}

func TestGreetingsAreStoredAuditedAndScopedToTheTenant(t *testing.T) {
	h := plugintest.Start(t, binary)
	if got := h.FirstMigrate.GetToVersion(); got != 1 {
		t.Fatalf("migrated to %d, want 1", got)
	}
	admin := h.As(plugintest.AdminID)
	resp, err := h.HTTP(admin, "POST", "/greetings", url.Values{"school_id": {strconv.FormatUint(plugintest.SchoolA, 10)}, "message": {"Good luck with the inspection"}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetStatus() != http.StatusSeeOther || location(resp) != "/p/hello/" {
		t.Fatalf("POST /greetings answered %d to %q: %s", resp.GetStatus(), location(resp), resp.GetBody())
	}
	if got := header(resp, contract.FlashHeader); got != "Greeting%20sent%20to%20Alder%20Primary%20School" {
		t.Fatalf("the save asks for the flash %q", got)
	}
	// Audited through the outbox, before the post answered.
	audits := h.Host.Audits()
	if len(audits) != 1 || audits[0].Action != "hello.greeting.create" || audits[0].UserID != plugintest.AdminID ||
		audits[0].Key == "" || !strings.Contains(audits[0].AfterJSON, "inspection") {
		t.Fatalf("audits = %+v", audits)
	}

	// The headteacher reads it through the API.
	resp, err = h.HTTP(h.As(plugintest.HeadID), "GET", "/api/greetings", nil)
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Greetings []greeting `json:"greetings"`
	}
	if err := json.Unmarshal(resp.GetBody(), &body); err != nil || len(body.Greetings) != 1 || body.Greetings[0].SchoolID != plugintest.SchoolA {
		t.Fatalf("GET /api/greetings = %d %s (%v)", resp.GetStatus(), resp.GetBody(), err)
	}

	// The same request for another tenant sees nothing: storage is tenant-scoped.
	other := h.As(plugintest.HeadID)
	other.TenantId = 2
	resp, err = h.HTTP(other, "GET", "/api/greetings", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(resp.GetBody()), `"greetings":[]`) {
		t.Fatalf("another tenant sees %s", resp.GetBody())
	}

	// A teacher may read but the core refuses the post.
	resp, err = h.HTTP(h.As(plugintest.TeacherID), "POST", "/greetings", url.Values{"message": {"hi"}})
	if err != nil || resp.GetStatus() != http.StatusForbidden {
		t.Fatalf("teacher's POST = %v, %v", resp.GetStatus(), err)
	}
}

func TestPageIsAFragmentWithOneBatchedSchoolsCall(t *testing.T) {
	h := plugintest.Start(t, binary)
	h.Host.Reset()
	resp, err := h.HTTP(h.As(plugintest.HeadID), "GET", "/", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !resp.GetFragment() || resp.GetTitle() != "Hello" || resp.GetStatus() != http.StatusOK {
		t.Fatalf("GET / = status %d fragment %v title %q", resp.GetStatus(), resp.GetFragment(), resp.GetTitle())
	}
	page := string(resp.GetBody())
	// The headteacher of school A sees A only, and no form (no write permission).
	if !strings.Contains(page, "Alder Primary School") || strings.Contains(page, "Birch Academy") || strings.Contains(page, "<form") {
		t.Fatalf("page:\n%s", page)
	}
	if n := h.Host.CallCount("GetSchools"); n != 1 {
		t.Fatalf("GetSchools called %d times for one page, want 1", n)
	}
	// The admin sees the form with the CSRF field and the action under the base path.
	resp, _ = h.HTTP(h.AllPermissions(), "GET", "/", nil)
	for _, want := range []string{`name="_csrf" value="` + plugintest.CSRFToken + `"`, `action="/p/hello/greetings"`, "Cedar Special School"} {
		if !strings.Contains(string(resp.GetBody()), want) {
			t.Fatalf("admin page lacks %s:\n%s", want, resp.GetBody())
		}
	}
	// An invalid post answers the page again with 422.
	resp, _ = h.HTTP(h.AllPermissions(), "POST", "/greetings", url.Values{"message": {""}})
	if resp.GetStatus() != http.StatusUnprocessableEntity || !strings.Contains(string(resp.GetBody()), "1 to 280 characters") {
		t.Fatalf("invalid post = %d %s", resp.GetStatus(), resp.GetBody())
	}
}

func TestDigestMailsTheTenantAdmins(t *testing.T) {
	h := plugintest.Start(t, binary)
	for _, m := range []string{"one", "two"} {
		if _, err := h.HTTP(h.AllPermissions(), "POST", "/greetings", url.Values{"school_id": {"11"}, "message": {m}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.RunJob(h.System(), "digest", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	mails := h.Host.Mails()
	if len(mails) != 1 || mails[0].To != "ada.admin@test.example" || mails[0].Subject != "Hello: 2 greetings this week" {
		t.Fatalf("mails = %+v", mails)
	}
	// A bad payload is refused for good.
	err := h.RunJob(h.System(), "digest", []byte("not json"))
	if err == nil || !strings.Contains(err.Error(), "FailedPrecondition") {
		t.Fatalf("bad payload: %v", err)
	}
}

func TestDigestGoesToTheConfiguredAddress(t *testing.T) {
	fx := plugintest.DefaultFixture()
	fx.Settings["digest_email"] = "office@alder.example"
	h := plugintest.Start(t, binary, plugintest.WithFixture(fx))
	if err := h.RunJob(h.System(), "digest", nil); err != nil {
		t.Fatal(err)
	}
	if mails := h.Host.Mails(); len(mails) != 1 || mails[0].To != "office@alder.example" {
		t.Fatalf("mails = %+v", mails)
	}
}

func TestSubjectExportAndErasure(t *testing.T) {
	h := plugintest.Start(t, binary)
	if _, err := h.HTTP(h.AllPermissions(), "POST", "/greetings", url.Values{"school_id": {"10"}, "message": {"from Ada"}}); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	subject := &pluginv1.Subject{Id: &pluginv1.Subject_PersonId{PersonId: plugintest.AdminID}}
	exp, err := h.Client.ExportSubject(ctx, &pluginv1.ExportSubjectRequest{Actor: h.System(), Subject: subject})
	if err != nil || len(exp.GetFiles()) != 1 || !strings.Contains(string(exp.GetFiles()[0].GetContent()), "from Ada") {
		t.Fatalf("export = %v, %v", exp, err)
	}
	er, err := h.Client.EraseSubject(ctx, &pluginv1.EraseSubjectRequest{Actor: h.System(), Subject: subject})
	if err != nil || er.GetAnonymised() != 1 {
		t.Fatalf("erase = %v, %v", er, err)
	}
	exp, _ = h.Client.ExportSubject(ctx, &pluginv1.ExportSubjectRequest{Actor: h.System(), Subject: subject})
	if strings.Contains(string(exp.GetFiles()[0].GetContent()), "from Ada") {
		t.Fatalf("after erasure the export still holds the greeting")
	}
}

func location(r *pluginv1.HandleHTTPResponse) string { return header(r, "Location") }

func header(r *pluginv1.HandleHTTPResponse, name string) string {
	for _, h := range r.GetHeaders() {
		if h.GetName() == name && len(h.GetValues()) > 0 {
			return h.GetValues()[0]
		}
	}
	return ""
}

// A refused greeting comes back as the user left it, each problem beside
// its field and listed at the top; nothing is saved or confirmed.
func TestRefusedGreetingKeepsTheInput(t *testing.T) {
	h := plugintest.Start(t, binary)
	resp, err := h.HTTP(h.As(plugintest.AdminID), "POST", "/greetings", url.Values{"school_id": {"999"}, "message": {"Hello <there>"}})
	if err != nil {
		t.Fatal(err)
	}
	page := string(resp.GetBody())
	if resp.GetStatus() != http.StatusUnprocessableEntity || header(resp, contract.FlashHeader) != "" {
		t.Fatalf("refused greeting: %d, flash %q", resp.GetStatus(), header(resp, contract.FlashHeader))
	}
	for _, want := range []string{
		`<h2 id="ui-error-summary-title">There is a problem</h2>`, `<a href="#f-school_id">School: Choose one of your schools</a>`,
		`aria-invalid="true" aria-describedby="f-school_id-error"`, `value="Hello &lt;there&gt;"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the refused form lacks %s:\n%s", want, page)
		}
	}
	if len(h.Host.Audits()) != 0 {
		t.Fatal("a refused greeting was audited")
	}
	// The table sorts by link; a column it does not sort by is refused.
	for q, status := range map[string]int32{"?sort=school&dir=asc": 200, "?sort=message": 400, "?sort=sent&dir=up": 400} {
		resp, err := h.HTTP(h.As(plugintest.AdminID), "GET", "/"+q, nil)
		if err != nil || resp.GetStatus() != status {
			t.Errorf("GET /%s: %d %v, want %d", q, resp.GetStatus(), err, status)
		}
	}
}

// TestLargeBodiesReachThePlugin sends a form larger than gRPC's default
// message limit (4 MiB) but within the core's 10 MB body limit.
func TestLargeBodiesReachThePlugin(t *testing.T) {
	h := plugintest.Start(t, binary)
	resp, err := h.HTTP(h.AllPermissions(), "POST", "/greetings", url.Values{"school_id": {"10"}, "message": {strings.Repeat("x", 6<<20)}})
	if err != nil || resp.GetStatus() != http.StatusUnprocessableEntity {
		t.Fatalf("6 MiB form: %v, %v", resp.GetStatus(), err)
	}
}

// While the core's audit log refuses entries, posting a greeting still
// saves it and says so (no "Nothing was saved"); once the Host takes
// entries again every greeting is audited exactly once, in order, within a
// bound, also when acknowledgements are lost on the way back. On both kinds
// of storage.
func TestGreetingsAreAuditedOnceWhenTheHostComesBack(t *testing.T) {
	plugintest.EachDialect(t, func(t *testing.T, dialect string) {
		st := plugintest.NewStorage(t, dialect)
		h := plugintest.Start(t, binary, plugintest.WithStorage(st.GetDriver(), st.GetDsn(), st.GetSchema()))
		admin := h.AllPermissions()
		post := func(msg string) {
			t.Helper()
			resp, err := h.HTTP(admin, "POST", "/greetings", url.Values{"school_id": {"10"}, "message": {msg}})
			if err != nil || resp.GetStatus() != http.StatusSeeOther || location(resp) != "/p/hello/" {
				t.Fatalf("post %q: %v %v %s", msg, resp.GetStatus(), err, resp.GetBody())
			}
			// The save is confirmed (the core shows the flash on the next page)
			// and the greeting is there.
			if got := header(resp, contract.FlashHeader); !strings.HasPrefix(got, "Greeting%20sent%20to") {
				t.Fatalf("the post of %q asks for the flash %q", msg, got)
			}
			page, err := h.HTTP(admin, "GET", "/", nil)
			if err != nil || !strings.Contains(string(page.GetBody()), msg) {
				t.Fatalf("the page after posting %q does not show it: %v\n%s", msg, err, page.GetBody())
			}
		}
		audited := func() []string {
			var out []string
			for _, a := range h.Host.Audits() {
				var g greeting
				_ = json.Unmarshal([]byte(a.AfterJSON), &g)
				out = append(out, g.Message)
			}
			return out
		}
		eventually := func(bound time.Duration, want string) {
			t.Helper()
			deadline := time.Now().Add(bound)
			for strings.Join(audited(), ",") != want {
				if time.Now().After(deadline) {
					t.Fatalf("audited %q, want %q within %s", audited(), want, bound)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}

		h.Host.RefuseAudits(true)
		for _, msg := range []string{"one", "two", "three"} {
			post(msg)
		}
		if a := audited(); len(a) != 0 {
			t.Fatalf("audited while the Host refuses: %v", a)
		}
		h.Host.RefuseAudits(false)
		back := time.Now()
		eventually(10*time.Second, "one,two,three")
		t.Logf("%s: the three entries reached the Host %v after it took entries again", dialect, time.Since(back).Round(10*time.Millisecond))

		h.Host.LoseAuditAcks(true)
		post("four")
		post("five")
		eventually(10*time.Second, "one,two,three,four,five")
		h.Host.LoseAuditAcks(false)
		// The SDK delivers again until acknowledged, then clears its outbox;
		// nothing is recorded twice.
		deadline := time.Now().Add(10 * time.Second)
		for pendingEntries(t, h) != 0 {
			if time.Now().After(deadline) {
				t.Fatalf("%d entries still in the outbox", pendingEntries(t, h))
			}
			time.Sleep(50 * time.Millisecond)
		}
		if got := strings.Join(audited(), ","); got != "one,two,three,four,five" {
			t.Fatalf("after lost acknowledgements: %q", got)
		}
	})
}

// pendingEntries counts the rows of the plugin's audit outbox, read from its
// storage directly.
func pendingEntries(t *testing.T, h *plugintest.Harness) int64 {
	t.Helper()
	var dial gorm.Dialector = postgres.Open(h.Storage.GetDsn())
	if h.Storage.GetDriver() == "sqlite" {
		dial = sqlite.Open(h.Storage.GetDsn())
	}
	db, err := gorm.Open(dial, &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if sqlDB, err := db.DB(); err == nil {
		defer sqlDB.Close()
	}
	var n int64
	if err := db.Table("upwards_audit_outbox").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}
