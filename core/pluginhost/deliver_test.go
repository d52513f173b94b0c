package pluginhost

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// entry is an outbox entry of plugin echo made by a, sealed as the core
// seals a's calls.
func (e *env) entry(a actor, key, action string) *pluginv1.AuditEntry {
	return &pluginv1.AuditEntry{Key: key, Seal: e.rt.auditSeal(a), TenantId: uint64(a.TenantID), UserId: uint64(a.UserID),
		UserEmail: a.UserEmail, RequestId: a.RequestID, Action: action, EntityType: "note", EntityId: key,
		AfterJson: `{"text":"hello"}`, AtUnixMicro: time.Now().Add(-time.Second).UnixMicro()}
}

func (e *env) events(tenantID uint, action string) []audit.Event {
	e.t.Helper()
	var evs []audit.Event
	e.must(e.db.Where("tenant_id = ? AND action = ?", tenantID, action).Order("seq").Find(&evs).Error)
	return evs
}

// DeliverAudit records an entry whose seal the core made for this plugin
// and the actor it names, once however often it is delivered, in order; a
// forged seal, another plugin's seal or a seal of another actor is refused
// by position and records nothing, also for a tenant that has disabled the
// plugin.
func TestDeliverAuditRecordsSealedEntriesOnce(t *testing.T) {
	eachDialect(t, func(t *testing.T, d storage.Dialect) {
		e := newEnv(t, d, Options{})
		e.install("echo", e.a)
		a := e.a
		h := &hostServer{rt: e.rt, pluginID: "echo"}
		admin := actor{PluginID: "echo", TenantID: a.tenant.ID, UserID: a.admin.ID, UserEmail: a.admin.Email, RequestID: "req-1"}
		deliver := func(entries ...*pluginv1.AuditEntry) *pluginv1.DeliverAuditResponse {
			t.Helper()
			r, err := h.DeliverAudit(e.ctx, &pluginv1.DeliverAuditRequest{Entries: entries})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		first, second := e.entry(admin, "key-00000000000001", "echo.note.create"), e.entry(admin, "key-00000000000002", "echo.note.update")
		if r := deliver(first, second); r.GetRecorded() != 2 || r.GetRefused() != "" {
			t.Fatalf("first delivery: %v", r)
		}
		// A lost acknowledgement: the same entries again, and a new one.
		third := e.entry(admin, "key-00000000000003", "echo.note.delete")
		if r := deliver(first, second, third); r.GetRecorded() != 3 || r.GetRefused() != "" {
			t.Fatalf("redelivery: %v", r)
		}
		var got []string
		for _, ev := range append(append(e.events(a.tenant.ID, "echo.note.create"), e.events(a.tenant.ID, "echo.note.update")...), e.events(a.tenant.ID, "echo.note.delete")...) {
			if ev.ActorUserID == nil || *ev.ActorUserID != a.admin.ID || ev.ActorLabel != a.admin.Email || ev.RequestID != "req-1" || ev.After != `{"text":"hello"}` {
				t.Errorf("event not as the entry said: %+v", ev)
			}
			if time.Since(ev.CreatedAt) < 900*time.Millisecond || time.Since(ev.CreatedAt) > time.Minute {
				t.Errorf("event time %v is not the change's", ev.CreatedAt)
			}
			got = append(got, fmt.Sprint(*ev.Seq, ev.Action))
		}
		if len(got) != 3 || got[0] >= got[1] || got[1] >= got[2] {
			t.Fatalf("events (seq action) = %v, want each entry once, in order", got)
		}
		var keys int64
		e.must(e.db.Model(&auditKeyRow{}).Where("plugin_id = 'echo' AND event_id <> 0").Count(&keys).Error)
		if keys != 3 {
			t.Fatalf("%d keys remembered, want 3", keys)
		}

		// Refused for good: the first bad entry is named; later ones are not looked at.
		teacher := actor{PluginID: "echo", TenantID: a.tenant.ID, UserID: a.teacher.ID, UserEmail: a.teacher.Email}
		forged := e.entry(admin, "key-forged-0000001", "echo.note.create")
		forged.Seal = contract.SealAudit([]byte("a key the core never had, 32 byte"), auditClaims(admin), time.Now())
		otherPlugin := e.entry(actor{PluginID: "other", TenantID: a.tenant.ID, UserID: a.admin.ID, UserEmail: a.admin.Email}, "key-other-00000001", "echo.note.create")
		impersonation := e.entry(teacher, "key-imperson-00001", "echo.note.create")
		impersonation.UserId, impersonation.UserEmail = uint64(a.admin.ID), a.admin.Email // the teacher's seal, the admin's name
		otherTenant := e.entry(admin, "key-tenant-0000001", "echo.note.create")
		otherTenant.TenantId = uint64(e.b.tenant.ID)
		coreAction := e.entry(admin, "key-core-000000001", "role.grant")
		pupilName := e.entry(admin, "key-pupil-00000001", "echo.note.create")
		pupilName.AfterJson = `{"given_name":"Amara"}`
		for name, bad := range map[string]*pluginv1.AuditEntry{"forged seal": forged, "another plugin's seal": otherPlugin,
			"another actor's seal": impersonation, "another tenant": otherTenant, "a core action": coreAction, "a pupil's name": pupilName} {
			good := e.entry(admin, "key-good-"+fmt.Sprint(time.Now().UnixNano()), "echo.note.later")
			r := deliver(third, bad, good)
			if r.GetRecorded() != 1 || !strings.HasPrefix(r.GetRefused(), "entry 2 (key "+bad.GetKey()+"): ") {
				t.Errorf("%s: %v, want entry 2 refused", name, r)
			}
		}
		if n := len(e.events(a.tenant.ID, "echo.note.later")) + len(e.events(e.b.tenant.ID, "echo.note.create")) + e.auditCount(a.tenant.ID, "role.grant"); n != 3 {
			t.Fatalf("refused batches recorded something: %d events (want the fixture's 3 role grants)", n)
		}
		if n := len(e.events(a.tenant.ID, "echo.note.create")); n != 1 {
			t.Fatalf("%d echo.note.create events, want the first only", n)
		}

		// A tenant that disabled the plugin still gets its pending entries.
		e.must(e.rt.Disable(e.ctx, "echo", a.tenant.ID))
		if r := deliver(e.entry(admin, "key-after-disable1", "echo.note.archive")); r.GetRecorded() != 1 {
			t.Fatalf("after the tenant disabled echo: %v", r)
		}
		if n := len(e.events(a.tenant.ID, "echo.note.archive")); n != 1 {
			t.Fatalf("after disabling: %d events", n)
		}
		// The hash chain is intact.
		if rep, err := audit.Verify(e.ctx, e.db.DB, a.tenant.ID); err != nil || !rep.OK() {
			t.Fatalf("chain: %+v %v", rep, err)
		}
	})
}

// Concurrent deliveries of one entry (two nodes' plugin processes share a
// PostgreSQL storage) record it once.
func TestConcurrentDeliveriesRecordOnce(t *testing.T) {
	eachDialect(t, func(t *testing.T, d storage.Dialect) {
		e := newEnv(t, d, Options{})
		e.install("echo", e.a)
		h := &hostServer{rt: e.rt, pluginID: "echo"}
		sys := actor{PluginID: "echo", TenantID: e.a.tenant.ID}
		entries := []*pluginv1.AuditEntry{e.entry(sys, "race-000000000001", "echo.race.one"), e.entry(sys, "race-000000000002", "echo.race.two")}
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = h.DeliverAudit(e.ctx, &pluginv1.DeliverAuditRequest{Entries: entries})
			}()
		}
		wg.Wait()
		for _, err := range errs {
			e.must(err)
		}
		one, two := e.events(e.a.tenant.ID, "echo.race.one"), e.events(e.a.tenant.ID, "echo.race.two")
		if len(one) != 1 || len(two) != 1 || *one[0].Seq > *two[0].Seq || one[0].ActorLabel != "plugin:echo" {
			t.Fatalf("events: %+v %+v; want each once, in order, by plugin:echo", one, two)
		}
	})
}

// The seal the core puts in a request's actor lets the plugin deliver that
// request's entry (end to end, through the proxy), in the user's name.
func TestRequestActorCarriesAWorkingSeal(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{})
	e.install("echo", e.a)
	_, body := e.do(http.MethodPost, e.a.host, e.a.hubMgrTok, "/p/echo/outbox?key=request-entry-0001", nil, nil)
	var r struct {
		Recorded int
		Refused  string
	}
	if err := json.Unmarshal([]byte(body), &r); err != nil || r.Recorded != 1 {
		t.Fatalf("delivery from a request: %s (%v)", body, err)
	}
	evs := e.events(e.a.tenant.ID, "echo.outbox")
	if len(evs) != 1 || evs[0].ActorLabel != e.a.hubMgr.Email || evs[0].RequestID == "" {
		t.Fatalf("events: %+v", evs)
	}
}
