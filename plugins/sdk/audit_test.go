package sdk

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// thing is the audited table of the outbox tests.
type thing struct {
	ID       uint64 `gorm:"primaryKey"`
	TenantID uint64 `gorm:"not null;index"`
	Name     string `gorm:"not null"`
}

var thingMigrations = []Migration{{Version: 1, Name: "create things", Up: func(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&thing{})
}}}

// fastTiming retries quickly, so tests wait milliseconds, not seconds.
var fastTiming = outboxTiming{idle: 200 * time.Millisecond, minBackoff: 20 * time.Millisecond, maxBackoff: 100 * time.Millisecond}

// outboxServer is a migrated server of a plugin whose POST /things creates
// a thing and audits it with AuditTx (a name "fail" rolls the change back
// after the entry is written), on storage of dialect d, with a TestHost.
func outboxServer(t *testing.T, d string) (*server, *plugintest.TestHost) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /things", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		name := r.URL.Query().Get("name")
		err := Tenant(ctx).Transaction(func(tx *gorm.DB) error {
			th := thing{Name: name}
			if err := tx.Create(&th).Error; err != nil {
				return err
			}
			if err := AuditTx(ctx, tx, "demo.thing.create", "thing", fmt.Sprint(th.ID), nil, th); err != nil {
				return err
			}
			if name == "fail" {
				return errors.New("the change fails after its audit entry")
			}
			return nil
		})
		if err != nil {
			http.Error(w, "Nothing was saved.", http.StatusInternalServerError)
			return
		}
		_, _ = io.WriteString(w, "Saved.")
	})
	p := &Plugin{Manifest: testManifest(), Handler: mux, Migrations: thingMigrations}
	host := plugintest.NewTestHost(plugintest.DefaultFixture(), p.Manifest)
	c, conn := hostClient(t, host)
	s := newServer(p, nil)
	s.log, s.outboxTiming = newLogger(io.Discard), fastTiming
	s.configure(c, conn, openTest(t, d), t.TempDir())
	t.Cleanup(s.close)
	if _, err := s.Migrate(t.Context(), &pluginv1.MigrateRequest{}); err != nil {
		t.Fatal(err)
	}
	return s, host
}

// actorOf is person user of tenant 1 with a token and an audit seal of host.
func actorOf(host *plugintest.TestHost, user uint64) *pluginv1.Actor {
	a := &pluginv1.Actor{TenantId: 1, UserId: user, UserEmail: fmt.Sprintf("user%d@test.example", user), RequestId: fmt.Sprint("req-", time.Now().UnixNano())}
	a.Token = host.Mint(user, true)
	a.AuditSeal = host.AuditSeal(a)
	return a
}

// post creates a thing through the handler and returns the page's text.
func post(t *testing.T, s *server, host *plugintest.TestHost, name string) string {
	t.Helper()
	resp, err := s.HandleHTTP(t.Context(), &pluginv1.HandleHTTPRequest{Actor: actorOf(host, plugintest.AdminID), Method: "POST",
		Path: "/things", RawQuery: "name=" + name})
	if err != nil {
		t.Fatal(err)
	}
	return string(resp.GetBody())
}

func (s *server) pending(t *testing.T) int64 {
	t.Helper()
	var n int64
	if err := unscoped(s.storage()).Model(&auditRecord{}).Where("refused_at IS NULL").Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

func things(t *testing.T, s *server) []string {
	t.Helper()
	var names []string
	if err := unscoped(s.storage()).Model(&thing{}).Order("id").Pluck("name", &names).Error; err != nil {
		t.Fatal(err)
	}
	return names
}

// auditedNames are the names in the Host's audit entries, in order.
func auditedNames(host *plugintest.TestHost) []string {
	var out []string
	for _, a := range host.Audits() {
		i := strings.Index(a.AfterJSON, `"Name":"`)
		if i < 0 {
			out = append(out, "?")
			continue
		}
		rest := a.AfterJSON[i+len(`"Name":"`):]
		out = append(out, rest[:strings.IndexByte(rest, '"')])
	}
	return out
}

func waitFor(t *testing.T, bound time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(bound)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, bound)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// An entry commits or rolls back with its change and reaches the Host before
// the call answers, with the actor and time of the change.
func TestAuditTxRidesInTheChangesTransaction(t *testing.T) {
	eachDialect(t, func(t *testing.T, d string) {
		s, host := outboxServer(t, d)
		before := time.Now()
		if got := post(t, s, host, "first"); got != "Saved." {
			t.Fatalf("page: %q", got)
		}
		// Delivered before HandleHTTP answered: no waiting.
		a := host.Audits()
		if len(a) != 1 || a[0].Action != "demo.thing.create" || a[0].UserID != plugintest.AdminID || a[0].TenantID != 1 ||
			a[0].Key == "" || !strings.HasPrefix(a[0].RequestID, "req-") || a[0].At.Before(before.Add(-time.Millisecond)) || a[0].At.After(time.Now()) {
			t.Fatalf("audits after the call = %+v", a)
		}
		if n := s.pending(t); n != 0 {
			t.Fatalf("%d entries left in the outbox after delivery", n)
		}
		// A change that rolls back takes its entry with it.
		if got := post(t, s, host, "fail"); got != "Nothing was saved.\n" {
			t.Fatalf("failing page: %q", got)
		}
		if n, names := len(host.Audits()), things(t, s); n != 1 || len(names) != 1 {
			t.Fatalf("after a rolled-back change: %d audits, things %v", n, names)
		}
	})
}

// A Host that refuses audits for a while: every change succeeds and says so,
// nothing is recorded meanwhile, and once the Host takes entries again each
// is recorded exactly once, in order, also when acknowledgements are lost.
func TestOutboxDeliversOnceInOrderWhenTheHostComesBack(t *testing.T) {
	eachDialect(t, func(t *testing.T, d string) {
		s, host := outboxServer(t, d)
		host.RefuseAudits(true)
		for _, name := range []string{"one", "two", "three"} {
			if got := post(t, s, host, name); got != "Saved." {
				t.Fatalf("%s: the page says %q while the Host refuses audits; the change is saved", name, got)
			}
		}
		if names := things(t, s); strings.Join(names, ",") != "one,two,three" {
			t.Fatalf("things = %v", names)
		}
		time.Sleep(150 * time.Millisecond) // a few background rounds fail meanwhile
		if a := host.Audits(); len(a) != 0 || s.pending(t) != 3 {
			t.Fatalf("while refused: %d audits, %d pending", len(a), s.pending(t))
		}
		host.RefuseAudits(false)
		waitFor(t, 2*time.Second, "the three entries delivered", func() bool { return s.pending(t) == 0 })
		if got := auditedNames(host); strings.Join(got, ",") != "one,two,three" {
			t.Fatalf("audited %v, want one,two,three once each", got)
		}

		// Lost acknowledgements: the Host records, the SDK hears an error and
		// delivers again; each entry is still recorded once.
		host.LoseAuditAcks(true)
		post(t, s, host, "four")
		post(t, s, host, "five")
		time.Sleep(150 * time.Millisecond)
		if n := s.pending(t); n != 2 {
			t.Fatalf("with lost acknowledgements %d entries pending, want 2", n)
		}
		host.LoseAuditAcks(false)
		waitFor(t, 2*time.Second, "acknowledged", func() bool { return s.pending(t) == 0 })
		if got := auditedNames(host); strings.Join(got, ",") != "one,two,three,four,five" {
			t.Fatalf("audited %v, want each once in order", got)
		}
		if n := host.CallCount("DeliverAudit"); n < 5 {
			t.Fatalf("%d deliveries: the retries did not happen", n)
		}
	})
}

// An entry the core refuses for good is kept, marked and skipped; the
// entries after it are delivered.
func TestRefusedEntryIsKeptAndSkipped(t *testing.T) {
	s, host := outboxServer(t, "sqlite")
	host.RefuseAudits(true)
	post(t, s, host, "forged")
	post(t, s, host, "fine")
	// Someone edits the first entry's seal in storage: it no longer verifies.
	if err := unscoped(s.storage()).Model(&auditRecord{}).Where("action = ? AND after_json LIKE ?", "demo.thing.create", `%forged%`).
		Update("seal", "v1.1.AAAA").Error; err != nil {
		t.Fatal(err)
	}
	host.RefuseAudits(false)
	waitFor(t, 2*time.Second, "the other entry delivered", func() bool { return s.pending(t) == 0 })
	if got := auditedNames(host); strings.Join(got, ",") != "fine" {
		t.Fatalf("audited %v, want only the entry whose seal verifies", got)
	}
	var kept auditRecord
	if err := unscoped(s.storage()).Where("refused_at IS NOT NULL").First(&kept).Error; err != nil || !strings.Contains(kept.Refused, "seal does not verify") {
		t.Fatalf("refused entry: %+v, %v", kept, err)
	}
	calls := host.CallCount("DeliverAudit")
	time.Sleep(300 * time.Millisecond) // more than an idle period
	for _, c := range host.Calls()[calls:] {
		if req, ok := c.Request.(*pluginv1.DeliverAuditRequest); ok && len(req.GetEntries()) > 0 {
			t.Fatalf("the refused entry was sent again: %v", req)
		}
	}
}

// AuditTx refuses, writing nothing, what the core would refuse, a handle
// that is not a transaction, and a call from a core that gives no seal.
func TestAuditTxRefusesBadEntries(t *testing.T) {
	s, host := outboxServer(t, "sqlite")
	st, err := s.state(actorOf(host, plugintest.AdminID))
	if err != nil {
		t.Fatal(err)
	}
	ctx := withState(t.Context(), st)
	noSeal := actorOf(host, plugintest.AdminID)
	noSeal.AuditSeal = ""
	st2, _ := s.state(noSeal)
	try := func(fn func(tx *gorm.DB) error) error {
		return Tenant(ctx).Transaction(fn)
	}
	checks := []struct {
		name string
		err  error
		want string
	}{
		{"not a transaction", AuditTx(ctx, Tenant(ctx), "demo.thing.create", "thing", "1", nil, nil), "not a transaction"},
		{"another prefix", try(func(tx *gorm.DB) error { return AuditTx(ctx, tx, "core.thing.create", "thing", "1", nil, nil) }), `must start with "demo."`},
		{"the bare prefix", try(func(tx *gorm.DB) error { return AuditTx(ctx, tx, "demo.", "thing", "1", nil, nil) }), `must start with "demo."`},
		{"a long entity", try(func(tx *gorm.DB) error {
			return AuditTx(ctx, tx, "demo.thing.create", strings.Repeat("x", 65), "1", nil, nil)
		}), "at most 64"},
		{"a pupil's name", try(func(tx *gorm.DB) error {
			return AuditTx(ctx, tx, "demo.thing.create", "thing", "1", nil, map[string]string{"given_name": "Amara"})
		}), "given_name"},
		{"spaced raw JSON", try(func(tx *gorm.DB) error {
			return AuditTx(ctx, tx, "demo.thing.create", "thing", "1", nil, []byte(`{"upn" : "A1"}`))
		}), "pupil's upn"},
		{"not JSON", try(func(tx *gorm.DB) error { return AuditTx(ctx, tx, "demo.thing.create", "thing", "1", []byte("{"), nil) }), "not a JSON document"},
		{"too large", try(func(tx *gorm.DB) error {
			return AuditTx(ctx, tx, "demo.thing.create", "thing", "1", nil, strings.Repeat("x", MaxAuditDocument))
		}), "at most"},
		{"no seal", Tenant(withState(t.Context(), st2)).Transaction(func(tx *gorm.DB) error {
			return AuditTx(withState(t.Context(), st2), tx, "demo.thing.create", "thing", "1", nil, nil)
		}), ErrNoAuditSeal.Error()},
		{"outside a call", AuditTx(t.Context(), Tenant(ctx), "demo.thing.create", "thing", "1", nil, nil), "not a request, job or event"},
	}
	for _, c := range checks {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", c.name, c.err, c.want)
		}
	}
	if !errors.Is(checks[8].err, ErrNoAuditSeal) {
		t.Errorf("no seal: %v does not wrap ErrNoAuditSeal", checks[8].err)
	}
	var n int64
	unscoped(s.storage()).Model(&auditRecord{}).Count(&n)
	if n != 0 || st.audited.Load() {
		t.Fatalf("refused entries wrote %d outbox rows (audited %v)", n, st.audited.Load())
	}
}

// The SDK's table is migrated before the plugin's and numbered apart: the
// plugin's bookkeeping holds its own steps only.
func TestSDKMigrationsAreTrackedApart(t *testing.T) {
	eachDialect(t, func(t *testing.T, d string) {
		s, _ := outboxServer(t, d)
		db := unscoped(s.storage())
		var plugin, sdk []int
		db.Table(pluginMigrationsTable).Order("version").Pluck("version", &plugin)
		db.Table(sdkMigrationsTable).Order("version").Pluck("version", &sdk)
		if fmt.Sprint(plugin) != "[1]" || fmt.Sprint(sdk) != "[1]" || !db.Migrator().HasTable(&auditRecord{}) {
			t.Fatalf("plugin steps %v, SDK steps %v, outbox table %v", plugin, sdk, db.Migrator().HasTable(&auditRecord{}))
		}
		resp, err := s.Migrate(t.Context(), &pluginv1.MigrateRequest{})
		if err != nil || resp.GetFromVersion() != 1 || resp.GetToVersion() != 1 {
			t.Fatalf("second Migrate: %v, %v", resp, err)
		}
	})
}

// The background delivery stops when the server closes, and delivers
// nothing afterwards.
func TestOutboxStopsCleanly(t *testing.T) {
	s, host := outboxServer(t, "sqlite")
	host.RefuseAudits(true)
	post(t, s, host, "late")
	s.mu.RLock()
	ob := s.outbox
	s.mu.RUnlock()
	s.close()
	select {
	case <-ob.done:
	case <-time.After(time.Second):
		t.Fatal("the background delivery did not stop")
	}
	// A delivery cancelled by close may still reach the Host's handler a
	// little later (the RPC was on the wire): wait, still refusing, until
	// no call has arrived for a while, so that only a call made after close
	// could be counted below.
	calls := host.CallCount("DeliverAudit")
	for settled := time.Now().Add(5 * time.Second); time.Now().Before(settled); {
		time.Sleep(200 * time.Millisecond)
		n := host.CallCount("DeliverAudit")
		if n == calls {
			break
		}
		calls = n
	}
	host.RefuseAudits(false)
	time.Sleep(300 * time.Millisecond)
	if n := host.CallCount("DeliverAudit"); n != calls || len(host.Audits()) != 0 {
		t.Fatalf("after close: %d more deliveries, %d audits", n-calls, len(host.Audits()))
	}
	ob.start() // a closed outbox does not start again
	time.Sleep(100 * time.Millisecond)
	if n := host.CallCount("DeliverAudit"); n != calls {
		t.Fatalf("a closed outbox started again: %d deliveries", n-calls)
	}
}
