package pluginhost

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// SubjectPlugins lists the plugins a tenant enables now and those it
// enabled before (they keep its rows), never another tenant's; the subject
// calls reach a plugin no tenant enables any more, and revoke their token.
func TestSubjectPluginsAndCalls(t *testing.T) {
	for _, d := range storagetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			e := newEnv(t, d, Options{})
			e.install("echo", e.a)
			e.install("other", e.a)
			e.install("store", e.b)
			e.must(e.rt.Disable(e.ctx, "other", e.a.tenant.ID))

			ids, enabled, err := e.rt.SubjectPlugins(e.ctx, e.a.tenant.ID)
			e.must(err)
			if !slices.Equal(ids, []string{"echo", "other"}) || !enabled["echo"] || enabled["other"] {
				t.Fatalf("alpha: %v %v", ids, enabled)
			}
			ids, enabled, err = e.rt.SubjectPlugins(e.ctx, e.b.tenant.ID)
			e.must(err)
			if !slices.Equal(ids, []string{"store"}) || !enabled["store"] {
				t.Fatalf("beta: %v %v", ids, enabled)
			}

			subject := &pluginv1.Subject{Id: &pluginv1.Subject_PupilId{PupilId: 7}}
			// These raw test plugins do not implement the calls: the answer
			// proves the process was launched and asked, for "other" too,
			// which no tenant enables any more.
			for _, id := range []string{"echo", "other"} {
				_, err := e.rt.ExportSubject(e.ctx, id, e.a.tenant.ID, e.a.admin.ID, subject)
				if status.Code(errors.Unwrap(err)) != codes.Unimplemented || !strings.Contains(err.Error(), "plugin "+id+" ExportSubject") {
					t.Fatalf("export from %s: %v", id, err)
				}
				_, _, err = e.rt.EraseSubject(e.ctx, id, e.a.tenant.ID, 0, subject)
				if status.Code(errors.Unwrap(err)) != codes.Unimplemented {
					t.Fatalf("erase in %s: %v", id, err)
				}
			}
			if _, err := e.rt.ExportSubject(e.ctx, "nosuch", e.a.tenant.ID, 0, subject); !errors.Is(err, ErrNotFound) {
				t.Fatalf("unknown plugin: %v", err)
			}
			if n := e.rt.tokens.live(); n != 0 {
				t.Fatalf("%d actor tokens still live after the calls", n)
			}
		})
	}
}

// Sync stops a plugin that no tenant enables, but not while a subject call
// has it pinned: the call would otherwise lose its process mid-answer (and,
// under load, the one retry too).
func TestSyncLeavesAPinnedPluginRunning(t *testing.T) {
	e := newEnv(t, storage.SQLite, Options{})
	e.install("other", e.a)
	e.must(e.rt.Disable(e.ctx, "other", e.a.tenant.ID))
	p, err := e.rt.reg.Get(e.ctx, "other")
	e.must(err)
	in := e.rt.instance("other")
	in.pin()
	if _, _, err := e.rt.acquire(e.ctx, p); err != nil {
		t.Fatal(err)
	}
	e.must(e.rt.Sync(e.ctx))
	if in.current() == "" {
		t.Fatal("Sync stopped a plugin a subject call had pinned")
	}
	in.unpin()
	e.must(e.rt.Sync(e.ctx))
	if in.current() != "" {
		t.Fatal("Sync left running a plugin no tenant enables and nothing pins")
	}
}
