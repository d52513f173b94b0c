package networkexcellence_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// BenchmarkDirectorySearch requests, in turn, the core's dashboard and a
// School Support Directory search with a word and two filters (oracy,
// primary, Ofsted good) through the core's plugin route, on the demo
// network (418 member schools, 304 accredited Areas of Excellence), as the
// central team; it reports each page's time and their ratio (the issue's
// goal: at most 2×), and the map's data for every school, gzipped.
func BenchmarkDirectorySearch(b *testing.B) {
	w := newWorld(b)
	const search = "/p/networkexcellence/directory?q=oracy&phase=primary&ofsted=good"
	_, page := w.do(b, http.MethodGet, search, nil)
	if !strings.Contains(page, "Area of Excellence:") {
		b.Fatalf("the search finds no oracy:\n%.800s", page)
	}
	_, all := w.do(b, http.MethodGet, "/p/networkexcellence/directory/map.json", nil)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte(all))
	_ = zw.Close()
	w.dashboard(b)
	var dash, dir time.Duration
	b.ResetTimer()
	for b.Loop() {
		d := w.dashboard(b)
		dash += d
		d, _ = w.do(b, http.MethodGet, search, nil)
		dir += d
	}
	n := float64(b.N)
	b.ReportMetric(float64(dir.Microseconds())/n/1000, "search-ms/page")
	b.ReportMetric(float64(dash.Microseconds())/n/1000, "dashboard-ms/page")
	b.ReportMetric(float64(dir)/float64(dash), "search/dashboard")
	b.ReportMetric(float64(gz.Len())/1024, "map-KiB-gzip")
	if b.N > 1 {
		fmt.Fprintf(os.Stderr, "directory search (oracy, primary, good) over 418 schools and 304 AoEs: %.1f ms a page, %.2f× the core dashboard (%.1f ms); map data of every school %d bytes, %.1f KiB gzipped\n",
			float64(dir.Microseconds())/n/1000, float64(dir)/float64(dash), float64(dash.Microseconds())/n/1000, len(all), float64(gz.Len())/1024)
	}
}
