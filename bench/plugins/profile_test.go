package plugins_test

import (
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"
)

// profiler writes the core's profiles of the first measured round of each
// side when BENCH_PROFILE is set; otherwise it does nothing.
type profiler struct {
	tb  testing.TB
	dir string
	cpu *os.File
}

func newProfiler(tb testing.TB) *profiler {
	p := &profiler{tb: tb, dir: profileDir()}
	if p.dir != "" {
		must(tb, os.MkdirAll(p.dir, 0o755))
		p.allocs("base")
		runtime.SetBlockProfileRate(int(10 * time.Microsecond))
		runtime.SetMutexProfileFraction(10)
		tb.Cleanup(func() {
			runtime.SetBlockProfileRate(0)
			runtime.SetMutexProfileFraction(0)
		})
	}
	return p
}

func (p *profiler) start(round int, side string) {
	if p.dir == "" || round > 0 {
		return
	}
	f, err := os.Create(filepath.Join(p.dir, "core-"+side+"-cpu.pprof"))
	must(p.tb, err)
	must(p.tb, pprof.StartCPUProfile(f))
	p.cpu = f
}

func (p *profiler) stop(round int, side string) {
	if p.dir == "" || round > 0 {
		return
	}
	pprof.StopCPUProfile()
	must(p.tb, p.cpu.Close())
	p.allocs(side)
	for _, kind := range []string{"block", "mutex"} { // cumulative: compare with -base
		f, err := os.Create(filepath.Join(p.dir, "core-"+kind+"-"+side+".pprof"))
		must(p.tb, err)
		must(p.tb, pprof.Lookup(kind).WriteTo(f, 0))
		must(p.tb, f.Close())
	}
}

// allocs writes the cumulative allocation profile; diff two with -base.
func (p *profiler) allocs(name string) {
	runtime.GC()
	f, err := os.Create(filepath.Join(p.dir, "core-allocs-"+name+".pprof"))
	must(p.tb, err)
	defer f.Close()
	must(p.tb, pprof.Lookup("allocs").WriteTo(f, 0))
}
