// Command pageplugin serves pageplugin's page as a plugin process.
//
// Built with -ldflags "-X main.profileDir=DIR" (the benchmark does so when
// BENCH_PROFILE is set), it writes DIR/plugin-cpu.pprof and
// DIR/plugin-allocs.pprof over its whole life; the core's environment does
// not reach a plugin, so the setting travels in the binary.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"

	"github.com/challengepartners/upwards/bench/plugins/internal/pageplugin"
	"github.com/challengepartners/upwards/plugins/sdk"
)

// profileDir is set at link time to profile the process.
var profileDir string

func main() {
	if profileDir == "" {
		sdk.Serve(pageplugin.Plugin())
		return
	}
	cpu, err := os.Create(filepath.Join(profileDir, fmt.Sprintf("plugin-cpu-%d.pprof", os.Getpid())))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sdk.Serve(pageplugin.Plugin())
	pprof.StopCPUProfile()
	_ = cpu.Close()
	runtime.GC()
	if f, err := os.Create(filepath.Join(profileDir, fmt.Sprintf("plugin-allocs-%d.pprof", os.Getpid()))); err == nil {
		_ = pprof.Lookup("allocs").WriteTo(f, 0)
		_ = f.Close()
	}
}
