package authz

// Design comparison behind docs/authz.md, on one in-memory tenant of 500
// schools and 5,000 users (no database, no Go bookkeeping around Casbin):
//
//	go test ./core/authz -run '^$' -bench Designs -benchtime 200000x
//
// Each design decides identically (TestRoleManagerMatchesCasbinDefault).

import (
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	casbin "github.com/casbin/casbin/v2"

	"github.com/challengepartners/upwards/policies"
)

func BenchmarkDesigns(b *testing.B) {
	w := newWorld(b, 1, 500, 5000)
	cold := w.triples(1<<20, 2)  // ~1M checks: mostly distinct, so Casbin's g() memo rarely hits
	warm := cold[:4096]          // the same few thousand checks again and again
	heap := map[string]float64{} // MB retained by each design's enforcer
	run := func(name string, check func(triple) bool, ts []triple) {
		b.Run(name, func(b *testing.B) {
			latencies(b, ts, check)
			if mb, ok := heap[strings.Split(name, "/")[0]]; ok {
				b.ReportMetric(mb, "heap-MB")
			}
		})
	}
	measured := func(name string, build func() *casbin.Enforcer) *casbin.Enforcer {
		before := heapInUse()
		e := build()
		heap[name] = float64(heapInUse()-before) / (1 << 20)
		return e
	}
	enforce := func(e interface {
		Enforce(...interface{}) (bool, error)
	}) func(triple) bool {
		return func(c triple) bool {
			ok, err := e.Enforce(c.user, c.unit, c.perm)
			if err != nil {
				b.Fatal(err)
			}
			return ok
		}
	}

	textbook := measured("textbook-p-lines", func() *casbin.Enforcer { return w.withDefaultManager(b, textbookModel, true) })
	run("textbook-p-lines/cold", enforce(textbook), cold)
	defaultRM := measured("default-domain-manager", func() *casbin.Enforcer { return w.withDefaultManager(b, policies.Model(), false) })
	run("default-domain-manager/cold", enforce(defaultRM), cold)
	run("default-domain-manager/warm", enforce(defaultRM), warm)
	chosen := measured("unit-role-manager", func() *casbin.Enforcer { return w.chosen(b) })
	run("unit-role-manager/cold", enforce(chosen), cold)
	run("unit-role-manager/warm", enforce(w.chosen(b)), warm)

	synced, err := casbin.NewSyncedCachedEnforcer(w.chosen(b).GetModel())
	if err != nil {
		b.Fatal(err)
	}
	synced.SetRoleManager(w.chosen(b).GetRoleManager())
	if err := synced.BuildRoleLinks(); err != nil {
		b.Fatal(err)
	}
	run("unit-role-manager+synced-cached/cold", enforce(synced), cold)
	run("unit-role-manager+synced-cached/warm", enforce(synced), warm)

	answers := map[triple]bool{}
	check := enforce(w.chosen(b))
	for _, c := range warm {
		answers[c] = check(c)
	}
	run("map-lookup/warm", func(c triple) bool { return answers[c] }, warm)
}

func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// latencies times every call and reports its percentiles in ns (each
// includes ~2 clock reads) and the share of calls allowed.
func latencies(b *testing.B, ts []triple, check func(triple) bool) {
	lat := make([]time.Duration, b.N)
	allowed := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := ts[i%len(ts)]
		t0 := time.Now()
		if check(c) {
			allowed++
		}
		lat[i] = time.Since(t0)
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	for _, p := range []struct {
		name string
		q    float64
	}{{"p50-ns", 0.50}, {"p90-ns", 0.90}, {"p99-ns", 0.99}} {
		b.ReportMetric(float64(lat[int(p.q*float64(len(lat)-1))].Nanoseconds()), p.name)
	}
	b.ReportMetric(float64(allowed)/float64(b.N), "allowed")
}
