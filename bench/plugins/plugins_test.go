package plugins_test

import (
	"testing"
)

// BenchmarkPlugins runs the full comparison once per call; use -benchtime 1x.
func BenchmarkPlugins(b *testing.B) {
	var r report
	for range b.N {
		r = measure(b, benchSizes)
	}
	r.log(b)
	b.ReportMetric(r.plugin.PerSecond(), "plugin-req/s")
	b.ReportMetric(r.inProcess.PerSecond(), "inproc-req/s")
	b.ReportMetric(r.throughputRatio(), "plugin/inproc")
	b.ReportMetric(r.cpuRatio(), "cpu-ratio")
	b.ReportMetric(float64(r.plugin.P(0.99).Microseconds())/1000, "plugin-p99-ms")
	b.ReportMetric(float64(r.inProcess.P(0.99).Microseconds())/1000, "inproc-p99-ms")
	b.ReportMetric(r.callsPerPage(), "host-calls/page")
	b.ReportMetric(float64(r.coreCold.Milliseconds()), "cold-core-ms")
	b.ReportMetric(float64(r.pluginsCold.Milliseconds()), "cold-plugins-ms")
	b.ReportMetric(r.coldRatio(), "cold-ratio")
}

// TestReport exercises the benchmark's whole path with small counts and
// checks what does not depend on the machine: every page answered, both
// plugins running, and the page's Host calls (Schools and one permission
// check: exactly 2 per view).
func TestReport(t *testing.T) {
	r := measure(t, testSizes)
	r.log(t)
	if r.pages == 0 || r.callsPerPage() != 2 {
		t.Errorf("host calls per page = %d/%d, want 2", r.hostCalls, r.pages)
	}
	if r.pluginRuntime != "running" || r.helloStatus != "running" {
		t.Errorf("plugins after the run: benchpage %q, hello %q, want both running", r.pluginRuntime, r.helloStatus)
	}
	want := testSizes.requests * testSizes.rounds
	if r.plugin.Requests != want || r.inProcess.Requests != want || r.throughputRatio() <= 0 || r.coldRatio() <= 0 {
		t.Errorf("incomplete report: %+v", r)
	}
}
