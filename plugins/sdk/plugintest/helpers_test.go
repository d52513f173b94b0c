package plugintest

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

func TestResponseReadsTheAnswerLikeTheCore(t *testing.T) {
	h := Start(t, helloBin)
	resp, err := h.Post(h.AllPermissions(), "/greetings", url.Values{"school_id": {"10"}, "message": {"Welcome back"}})
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSeeOther || resp.Location() != "/p/hello/" || resp.Header.Get("location") != "/p/hello/" || resp.Fragment {
		t.Fatalf("POST: %d to %q (fragment %v)", resp.StatusCode, resp.Location(), resp.Fragment)
	}
	resp, err = h.Get(h.As(HeadID), "/")
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !resp.Fragment || resp.Title != "Hello" || !strings.Contains(resp.String(), "Welcome back") ||
		resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("GET /: %d fragment %v title %q type %q:\n%s", resp.StatusCode, resp.Fragment, resp.Title, resp.Header.Get("Content-Type"), resp)
	}
	resp, err = h.Request(h.As(TeacherID), "POST", "/greetings", url.Values{"message": {"hi"}})
	if err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the core refuses the teacher's post: %v %v", resp, err)
	}
	if resp, err := h.Get(h.AllPermissions(), "/nowhere"); !errors.Is(err, ErrNoRoute) || resp != nil {
		t.Fatalf("undeclared path: %v %v", resp, err)
	}

	// A plugin not built on the SDK may leave the status unset: the core answers 200.
	r := NewResponse(&pluginv1.HandleHTTPResponse{Body: []byte("ok"),
		Headers: []*pluginv1.Header{{Name: "content-type", Values: []string{"text/plain"}}, {Name: "Set-Cookie", Values: []string{"a=1", "b=2"}}}})
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "text/plain" || len(r.Header.Values("Set-Cookie")) != 2 || r.String() != "ok" {
		t.Fatalf("NewResponse: status %d, type %q, cookies %v, body %q", r.StatusCode, r.Header.Get("Content-Type"), r.Header.Values("Set-Cookie"), r.Body)
	}
}

func TestTheClockReachesRequestsAndJobs(t *testing.T) {
	fx := DefaultFixture()
	fx.Settings["due_by"] = "2000-01-01"
	h := Start(t, helloBin, WithFixture(fx))
	if !h.Clock().IsZero() {
		t.Fatalf("Start set the clock to %v; it must leave the real one", h.Clock())
	}
	overdue := func() bool {
		t.Helper()
		resp, err := h.Get(h.As(HeadID), "/")
		if err != nil || !strings.Contains(resp.String(), "2000") {
			t.Fatalf("GET /: %v %v", resp, err)
		}
		return strings.Contains(resp.String(), "Overdue")
	}
	if !overdue() {
		t.Error("on the real clock 1 Jan 2000 is not past")
	}
	h.SetClock(time.Date(1999, 12, 31, 12, 0, 0, 0, time.UTC))
	if overdue() {
		t.Error("on 31 Dec 1999 1 Jan 2000 is past")
	}
	h.AdvanceClock(36 * time.Hour)
	if want := time.Date(2000, 1, 2, 0, 0, 0, 0, time.UTC); !h.Clock().Equal(want) || !overdue() {
		t.Errorf("advanced to %v (want %v), overdue %v", h.Clock(), want, overdue())
	}
	h.SetClock(time.Time{})
	if !overdue() {
		t.Error("back on the real clock 1 Jan 2000 is not past")
	}
	// AdvanceClock from the real clock starts at the real time.
	h.AdvanceClock(-24 * time.Hour)
	if d := time.Since(h.Clock()); d < 24*time.Hour || d > 25*time.Hour {
		t.Errorf("a day back from the real clock is %v ago", d)
	}

	// A job runs on the clock too: the digest counts from a week before it.
	h.SetClock(time.Date(2025, 9, 28, 9, 0, 0, 0, time.UTC))
	if err := h.RunJob(h.System(), "digest", nil); err != nil {
		t.Fatal(err)
	}
	if m := h.Host.Mails(); len(m) != 1 || !strings.Contains(m[0].Body, "since Sun 21 Sep 2025") {
		t.Fatalf("digest on 28 Sep 2025: %+v", m)
	}
}

func TestExportAndEraseASubject(t *testing.T) {
	h := Start(t, helloBin)
	if _, err := h.Post(h.AllPermissions(), "/greetings", url.Values{"school_id": {"10"}, "message": {"from Ada"}}); err != nil {
		t.Fatal(err)
	}
	ada := Subject{PersonID: AdminID}
	files, err := h.ExportSubject(nil, ada)
	if err != nil || len(files) != 1 || files[0].Name != "hello-greetings.json" || files[0].ContentType != "application/json" ||
		!strings.Contains(string(files[0].Content), "from Ada") {
		t.Fatalf("export: %+v, %v", files, err)
	}
	if files, err := h.ExportSubject(h.As(AdminID), Subject{PersonID: TeacherID}); err != nil || strings.Contains(string(files[0].Content), "from Ada") {
		t.Fatalf("the teacher's export: %+v, %v", files, err)
	}
	erased, anonymised, err := h.EraseSubject(nil, ada)
	if err != nil || erased != 0 || anonymised != 1 {
		t.Fatalf("erase: %d erased, %d anonymised, %v", erased, anonymised, err)
	}
	if files, err := h.ExportSubject(nil, ada); err != nil || strings.Contains(string(files[0].Content), "from Ada") {
		t.Fatalf("after erasure: %+v, %v", files, err)
	}
	if _, _, err := h.EraseSubject(nil, ada); err != nil {
		t.Fatalf("a second erasure: %v", err)
	}
	for _, s := range []Subject{{}, {PupilID: 1000, PersonID: AdminID}} {
		if _, err := h.ExportSubject(nil, s); status.Code(err) != codes.InvalidArgument {
			t.Errorf("export of %+v: %v", s, err)
		}
		if _, _, err := h.EraseSubject(nil, s); status.Code(err) != codes.InvalidArgument {
			t.Errorf("erasure of %+v: %v", s, err)
		}
	}
}

func TestAsRoleActsWithExactlyOneGrant(t *testing.T) {
	h := Start(t, helloBin)
	trust := h.AsRole("trust_leader", TrustUnit)
	resp, err := h.Get(trust, "/")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("trust leader: %v %v", resp, err)
	}
	for school, want := range map[string]bool{"Alder Primary School": true, "Birch Academy": true, "Cedar Special School": false} {
		if strings.Contains(resp.String(), school) != want {
			t.Errorf("the trust leader sees %s: %v, want %v", school, !want, want)
		}
	}
	if p := h.Fixture.person(trust.GetUserId()); p == nil || len(p.GetGrants()) != 1 || p.GetGrants()[0].GetRole() != "trust_leader" ||
		p.GetGrants()[0].GetUnitId() != TrustUnit || len(trust.GetGrants()) != 1 {
		t.Fatalf("the trust leader is %v", p)
	}
	// A hub manager holds no hello permission; the plugin's declared role
	// hello.greeter holds what its default grants give it.
	for _, a := range []*pluginv1.Actor{h.AsRole("hub_manager", HubUnit)} {
		if resp, err := h.Get(a, "/"); err != nil || resp.StatusCode != http.StatusForbidden {
			t.Errorf("%v: %v %v", a.GetGrants(), resp, err)
		}
	}
	if resp, err := h.Get(h.AsRole("hello.greeter", SchoolA), "/"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("a greeter: %v %v", resp, err)
	}
	if again := h.AsRole("trust_leader", TrustUnit); again.GetUserId() != trust.GetUserId() {
		t.Errorf("the same role and unit gave person %d, then %d", trust.GetUserId(), again.GetUserId())
	}
	if other := h.AsRole("trust_leader", HubUnit); other.GetUserId() == trust.GetUserId() {
		t.Error("another unit gave the same person")
	}

	for _, c := range []struct {
		role string
		unit uint64
		says string
	}{
		{"wizard", SchoolA, `"wizard" is neither a core role`},
		{"hello.", SchoolA, `"hello." is neither a core role`},
		// A role the manifest does not declare is one the core would refuse.
		{"hello.visitor", SchoolC, `"hello.visitor" is neither a core role`},
		{"teacher", 999, "the fixture has no unit or school 999"},
	} {
		if msg := fatalOf(t, func(tb testing.TB) {
			(&Harness{t: tb, Manifest: h.Manifest, Fixture: h.Fixture}).AsRole(c.role, c.unit)
		}); !strings.Contains(msg, c.says) {
			t.Errorf("AsRole(%q, %d) failed with %q, want %q", c.role, c.unit, msg, c.says)
		}
	}
}

// fatalTB records the message of Fatalf and ends the goroutine, as t does.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// fatalOf runs fn with a TB whose Fatalf it returns ("" when none).
func fatalOf(t *testing.T, fn func(testing.TB)) string {
	tb := &fatalTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(tb)
	}()
	<-done
	return tb.msg
}

// TestARouterThatDisagreesWithTheManifestDoesNotStart: a manifest route
// without a handler on the router is refused before the plugin serves.
func TestARouterThatDisagreesWithTheManifestDoesNotStart(t *testing.T) {
	cmd := exec.Command(brokenBin)
	cmd.Env = append(os.Environ(), "BROKEN_ROUTER=mismatch")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("the broken router started: %v\n%s", err, out)
	}
	for _, want := range []string{
		"[ERROR] sdk.Serve: plugin broken: the manifest declares route GET /unrouted, which the router does not serve",
		"the manifest declares route GET /units/:id, which the router does not serve",
		"leave Manifest.Routes empty to have them derived from the router",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("the refusal does not say %q:\n%s", want, out)
		}
	}
}
