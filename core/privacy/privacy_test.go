package privacy_test

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/privacy"
	"github.com/challengepartners/upwards/core/storage"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

func subject(id uint) *pluginv1.Subject {
	return &pluginv1.Subject{Id: &pluginv1.Subject_PupilId{PupilId: uint64(id)}}
}

// setup installs hello (the SDK's example), notes (enabled) and notesb
// (enabled, given a note, then disabled: it still holds the tenant's data)
// for tenant A, and makes pupils P and Q of A with notes in both plugins.
func setup(t *testing.T, e *env) (p, q uint, pUPN string) {
	t.Helper()
	e.install("hello", e.a)
	e.install("notes", e.a, e.b)
	e.install("notesb", e.a)
	pp, u := e.pupil(e.a, "Ada", "Lovelace", -1)
	qq, _ := e.pupil(e.a, "Grace", "Hopper", -1)
	e.note(e.a, "notes", pp.ID, "Ada reads fluently")
	e.note(e.a, "notes", qq.ID, "Grace is new this term")
	e.note(e.a, "notesb", pp.ID, "Ada joined the chess club")
	e.must(e.rt.Disable(e.ctx, "notesb", e.a.tenant.ID))
	// A teacher's read of P, through the audit log's one door.
	reader := audit.WithActor(context.Background(), audit.Actor{Label: "teacher@alpha.example.org"})
	e.must(audit.RecordAccess(reader, e.db.DB, audit.Access{TenantID: e.a.tenant.ID, Action: "pupil.read", Via: "GET /pupils/:id", PupilIDs: []uint{pp.ID, qq.ID}}))
	return pp.ID, qq.ID, u
}

func TestExportHoldsTheCoreRecordAuditAndEveryPluginsData(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		p, _, u := setup(t, e)
		arch, err := e.svc.Export(e.ctx, e.a.tenant.ID, p, privacy.ExportOptions{})
		var ee *privacy.ExportError
		if errors.As(err, &ee) {
			t.Fatalf("%v: %+v", err, ee.Request.Outcomes)
		}
		if err != nil {
			t.Fatal(err)
		}
		files := unzip(t, arch)
		m := manifestOf(t, files)
		if !m.Complete || m.PupilID != p || m.Tenant != "alpha" || m.RequestID == 0 || m.Format != privacy.ExportFormat {
			t.Fatalf("manifest: %+v", m)
		}
		// The core's record, with the UPN opened and the school named.
		var rec map[string]any
		if err := json.Unmarshal([]byte(files["core/pupil.json"]), &rec); err != nil {
			t.Fatal(err)
		}
		if rec["upn"] != u || rec["given_name"] != "Ada" || rec["family_name"] != "Lovelace" || rec["school_name"] != "alpha Primary" {
			t.Fatalf("core/pupil.json: %s", files["core/pupil.json"])
		}
		// The audit entries naming the pupil: the teacher's read, with the
		// other pupil counted, not named.
		var evs []map[string]any
		if err := json.Unmarshal([]byte(files["core/audit-events.json"]), &evs); err != nil {
			t.Fatal(err)
		}
		if len(evs) != 1 || evs[0]["actor"] != "teacher@alpha.example.org" || evs[0]["via"] != "GET /pupils/:id" || evs[0]["other_pupils"] != float64(1) {
			t.Fatalf("core/audit-events.json: %s", files["core/audit-events.json"])
		}
		// Every plugin that holds the tenant's data: notes, notesb (disabled
		// since), hello (holds nothing about pupils).
		notes, ok := source(m, "plugin:notes")
		if !ok || !notes.OK() || !*notes.Enabled || len(notes.Files) != 2 {
			t.Fatalf("notes in the manifest: %+v", notes)
		}
		if got := files["plugins/notes/notes.json"]; !strings.Contains(got, "Ada reads fluently") || strings.Contains(got, "Grace") {
			t.Fatalf("plugins/notes/notes.json: %s", got)
		}
		if files["plugins/notes/escape.txt"] != "contained" {
			t.Fatalf("a hostile file name was not kept inside the plugin's folder: %v", keys(files))
		}
		notesb, ok := source(m, "plugin:notesb")
		if !ok || !notesb.OK() || *notesb.Enabled || !strings.Contains(files["plugins/notesb/notes.json"], "chess club") {
			t.Fatalf("the disabled plugin's data is missing: %+v %v", notesb, keys(files))
		}
		if hello, ok := source(m, "plugin:hello"); !ok || !hello.OK() || len(hello.Files) != 0 {
			t.Fatalf("hello in the manifest: %+v", hello)
		}
		for name := range files {
			if name != "manifest.json" && !strings.HasPrefix(name, "core/") && !strings.HasPrefix(name, "plugins/") {
				t.Errorf("unexpected file %s in the archive", name)
			}
		}
		// The export is recorded and audited, naming the pupil by id only.
		exp := e.events(e.a, p, "pupil.export")
		if len(exp) != 1 || strings.Contains(exp[0].After, u) || strings.Contains(exp[0].After, "Ada") || !strings.Contains(exp[0].After, `"plugin:notes"`) {
			t.Fatalf("pupil.export events: %+v", exp)
		}
		reqs, err := e.svc.RequestsOfPupil(e.ctx, e.a.tenant.ID, p)
		if err != nil || len(reqs) != 1 || reqs[0].Kind != privacy.KindExport || reqs[0].Status != privacy.StatusDone {
			t.Fatalf("requests: %+v %v", reqs, err)
		}
	})
}

func TestAnotherTenantsPupilIsNotFound(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		bp, _ := e.pupil(e.b, "Beta", "Pupil", 400)
		if _, err := e.svc.Export(e.ctx, e.a.tenant.ID, bp.ID, privacy.ExportOptions{}); !errors.Is(err, privacy.ErrNotFound) {
			t.Fatalf("export of B's pupil as A: %v", err)
		}
		if _, err := e.svc.Erase(e.ctx, e.a.tenant.ID, bp.ID, "parent's request"); !errors.Is(err, privacy.ErrNotFound) {
			t.Fatalf("erasure of B's pupil as A: %v", err)
		}
		if _, err := e.svc.Pupil(e.ctx, e.a.tenant.ID, bp.ID); !errors.Is(err, privacy.ErrNotFound) {
			t.Fatalf("summary of B's pupil as A: %v", err)
		}
		if !e.pupilExists(e.b, bp.ID) {
			t.Fatal("B's pupil is gone")
		}
		reqs, _ := e.svc.Requests(e.ctx, e.a.tenant.ID, 0)
		reqsB, _ := e.svc.Requests(e.ctx, e.b.tenant.ID, 0)
		if len(reqs)+len(reqsB) != 0 {
			t.Fatalf("requests recorded: %+v %+v", reqs, reqsB)
		}
	})
}

func TestErasureReachesEveryPluginAndRemovesTheCoreRecord(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		p, q, u := setup(t, e)
		// A reason naming the pupil, or giving the UPN, is refused and changes nothing.
		for _, bad := range []string{"Ada's parents asked", "asked for " + u[:5] + " " + u[5:], "x", ""} {
			var inv *privacy.InvalidError
			if _, err := e.svc.Erase(e.ctx, e.a.tenant.ID, p, bad); !errors.As(err, &inv) || strings.Contains(err.Error(), "Ada") {
				t.Fatalf("reason %q: %v", bad, err)
			}
		}
		if !e.pupilExists(e.a, p) || !strings.Contains(e.pluginExport("notes", e.a, p), "fluently") {
			t.Fatal("a refused erasure changed something")
		}

		if n := e.erasures(e.a); n != 0 {
			t.Fatalf("erasures revision %d after refused erasures; want 0", n)
		}
		req, err := e.svc.Erase(e.ctx, e.a.tenant.ID, p, "The parent asked for erasure")
		if err != nil {
			t.Fatal(err)
		}
		// Caches of answers derived from the tenant's data (the plugins'
		// contributions to the home page) learn of it, in this tenant alone.
		if a, b := e.erasures(e.a), e.erasures(e.b); a != 1 || b != 0 {
			t.Fatalf("erasures revisions %d (this tenant), %d (the other); want 1, 0", a, b)
		}
		if req.Status != privacy.StatusDone || req.CompletedAt == nil || req.Attempts != 1 {
			t.Fatalf("request: %+v", req)
		}
		if e.pupilExists(e.a, p) {
			t.Fatal("the core's record survived the erasure")
		}
		// Every plugin, the disabled one too, answers a second export with nothing.
		for _, id := range []string{"notes", "notesb", "hello"} {
			if got := e.pluginExport(id, e.a, p); got != "" {
				t.Fatalf("plugin %s still holds %q", id, got)
			}
		}
		// Another pupil's data stays.
		if !e.pupilExists(e.a, q) || !strings.Contains(e.pluginExport("notes", e.a, q), "Grace") {
			t.Fatal("the erasure touched another pupil")
		}
		counts := map[string]int64{}
		for _, o := range req.Outcomes {
			counts[o.Source] = o.Erased
		}
		if counts["core"] != 1 || counts["plugin:notes"] != 1 || counts["plugin:notesb"] != 1 || counts["plugin:hello"] != 0 {
			t.Fatalf("outcomes: %+v", req.Outcomes)
		}
		evs := e.events(e.a, p, "pupil.erase")
		if len(evs) != 1 || !strings.Contains(evs[0].After, "The parent asked for erasure") ||
			!strings.Contains(evs[0].After, `"status":"done"`) || !strings.Contains(evs[0].After, `"plugin:notesb"`) ||
			evs[0].EntityID != strconv.FormatUint(uint64(p), 10) || evs[0].ActorLabel != "test" {
			t.Fatalf("pupil.erase events: %+v", evs)
		}
		// Erasing again returns the finished request and does nothing more.
		again, err := e.svc.Erase(e.ctx, e.a.tenant.ID, p, "again")
		if err != nil || again.ID != req.ID || again.Status != privacy.StatusDone {
			t.Fatalf("erase again: %+v %v", again, err)
		}
		if n := len(e.events(e.a, p, "pupil.erase")); n != 1 {
			t.Fatalf("%d pupil.erase events after erasing again", n)
		}
		// An export after erasure finds nobody.
		if _, err := e.svc.Export(e.ctx, e.a.tenant.ID, p, privacy.ExportOptions{}); !errors.Is(err, privacy.ErrNotFound) {
			t.Fatalf("export after erasure: %v", err)
		}
	})
}

func TestAFailingPluginLeavesAnIncompleteErasureThatARetryCompletes(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		p, _, _ := setup(t, e)
		mend := e.breakPlugin("notes", "erase")
		req, err := e.svc.Erase(e.ctx, e.a.tenant.ID, p, "The parent asked for erasure")
		if !errors.Is(err, privacy.ErrIncomplete) || !strings.Contains(err.Error(), "plugin:notes") {
			t.Fatalf("erase with notes failing: %v", err)
		}
		if req.Status != privacy.StatusIncomplete || strings.Join(req.Failed(), ",") != "core,plugin:notes" {
			t.Fatalf("request: %+v failed %v", req, req.Failed())
		}
		// The working plugin erased: caches must not show what it held.
		if n := e.erasures(e.a); n != 1 {
			t.Fatalf("erasures revision %d after an incomplete erasure; want 1", n)
		}
		if !e.pupilExists(e.a, p) {
			t.Fatal("the core's record was deleted although a plugin failed")
		}
		if e.pluginExport("notesb", e.a, p) != "" || e.pluginExport("notes", e.a, p) == "" {
			t.Fatal("the working plugin should have erased, the failing one not")
		}
		evs := e.events(e.a, p, "pupil.erase")
		if len(evs) != 1 || !strings.Contains(evs[0].After, `"status":"incomplete"`) || !strings.Contains(evs[0].After, `"plugin:notes":{"anonymised":0,"erased":0,"status":"error"}`) {
			t.Fatalf("pupil.erase events: %+v", evs)
		}
		list, _ := e.svc.Requests(e.ctx, e.a.tenant.ID, 10)
		if len(list) != 1 || list[0].Status != privacy.StatusIncomplete {
			t.Fatalf("requests: %+v", list)
		}

		// Still failing: a retry stays incomplete, the same request.
		again, err := e.svc.Erase(e.ctx, e.a.tenant.ID, p, "another reason")
		if !errors.Is(err, privacy.ErrIncomplete) || again.ID != req.ID || again.Attempts != 2 {
			t.Fatalf("second attempt: %+v %v", again, err)
		}
		mend()
		done, err := e.svc.Erase(e.ctx, e.a.tenant.ID, p, "another reason")
		if err != nil || done.ID != req.ID || done.Status != privacy.StatusDone || done.Attempts != 3 || done.Reason != "The parent asked for erasure" {
			t.Fatalf("retry after mending: %+v %v", done, err)
		}
		if e.pupilExists(e.a, p) || e.pluginExport("notes", e.a, p) != "" {
			t.Fatal("the retry did not finish the erasure")
		}
		var notesErased int64
		for _, o := range done.Outcomes {
			if o.Source == "plugin:notes" {
				notesErased = o.Erased
			}
		}
		if notesErased != 1 {
			t.Fatalf("outcomes: %+v", done.Outcomes)
		}
		if n := len(e.events(e.a, p, "pupil.erase")); n != 3 {
			t.Fatalf("%d pupil.erase events, want one per attempt (3)", n)
		}
	})
}

func TestAFailingPluginFailsTheExportUnlessPartialIsAllowed(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		p, _, _ := setup(t, e)
		mend := e.breakPlugin("notesb", "export")
		defer mend()
		_, err := e.svc.Export(e.ctx, e.a.tenant.ID, p, privacy.ExportOptions{})
		var ee *privacy.ExportError
		if !errors.As(err, &ee) || !errors.Is(err, privacy.ErrIncomplete) || !strings.Contains(err.Error(), "plugin:notesb") {
			t.Fatalf("export with notesb failing: %v", err)
		}
		if ee.Request.Status != privacy.StatusFailed {
			t.Fatalf("request: %+v", ee.Request)
		}
		arch, err := e.svc.Export(e.ctx, e.a.tenant.ID, p, privacy.ExportOptions{AllowPartial: true})
		if err != nil {
			t.Fatal(err)
		}
		files := unzip(t, arch)
		m := manifestOf(t, files)
		nb, _ := source(m, "plugin:notesb")
		if m.Complete || nb.OK() || !strings.Contains(nb.Error, "notes storage is unavailable") || files["plugins/notes/notes.json"] == "" {
			t.Fatalf("partial export: %+v %v", m, keys(files))
		}
		evs := e.events(e.a, p, "pupil.export")
		if len(evs) != 2 || !strings.Contains(evs[0].After, `"status":"failed"`) || !strings.Contains(evs[1].After, `"status":"partial"`) {
			t.Fatalf("pupil.export events: %+v", evs)
		}
	})
}

func keys(m map[string]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// On PostgreSQL a request bound to its tenant (storage.Bind) reads and
// writes the privacy records through that binding: the export and summary
// of its own pupil work there, as the tenant role; asked for another
// tenant, every statement is refused (storage.ErrOtherTenant), so no bug
// in a filter can reach another school's pupils or requests.
func TestBoundWorkReachesItsOwnTenantOnly(t *testing.T) {
	e := newEnv(t, storage.Postgres)
	p, _, _ := setup(t, e)
	bp, _ := e.pupil(e.b, "Beta", "Pupil", 400)
	ctx, release, err := e.db.Bind(e.ctx, e.a.tenant.ID)
	e.must(err)
	defer release()
	if _, err := e.svc.Pupil(ctx, e.a.tenant.ID, p); err != nil {
		t.Fatalf("summary of A's pupil, bound to A: %v", err)
	}
	a, err := e.svc.Export(ctx, e.a.tenant.ID, p, privacy.ExportOptions{})
	if err != nil {
		t.Fatalf("export of A's pupil, bound to A: %v", err)
	}
	if !a.Manifest.Complete || a.Request.Status != privacy.StatusDone {
		t.Errorf("the export bound to A: %+v", a.Manifest)
	}
	if reqs, err := e.svc.Requests(ctx, e.a.tenant.ID, 0); err != nil || len(reqs) != 1 {
		t.Errorf("A's requests, bound to A: %v %+v", err, reqs)
	}
	if _, err := e.svc.Pupil(ctx, e.b.tenant.ID, bp.ID); !errors.Is(err, storage.ErrOtherTenant) {
		t.Errorf("summary of B's pupil, bound to A: %v, want ErrOtherTenant", err)
	}
	if _, err := e.svc.Requests(ctx, e.b.tenant.ID, 0); !errors.Is(err, storage.ErrOtherTenant) {
		t.Errorf("B's requests, bound to A: %v, want ErrOtherTenant", err)
	}
	if _, err := e.svc.Export(ctx, e.b.tenant.ID, bp.ID, privacy.ExportOptions{}); !errors.Is(err, storage.ErrOtherTenant) {
		t.Errorf("export of B's pupil, bound to A: %v, want ErrOtherTenant", err)
	}
}

// erasures is the tenant's erasures revision (storage.TenantErasuresKey).
func (e *env) erasures(f tenantFix) int64 {
	e.t.Helper()
	k := storage.TenantErasuresKey(f.tenant.ID)
	got, err := storage.Revisions(e.ctx, e.db.Core(e.ctx), k)
	if err != nil {
		e.t.Fatal(err)
	}
	return got[k]
}
