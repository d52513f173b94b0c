package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/testdb"
)

// update rewrites the golden answers: go test -run TestTheExtensionsAnswerAsTheGolden -update.
var update = flag.Bool("update", false, "rewrite testdata/extensions.golden from the current answers")

// demoClock is the demo's "now": Mon 7 Dec 2026, week 13 of 2026-27.
var demoClock = time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)

// goldenDays are the days the extensions are asked on after the demo is
// built on demoClock: that day, the week after (other reviews, meetings
// and days in their windows), the spring and summer terms (reports
// overdue, feedback windows closed), the next autumn (no current year)
// and the start of the demo's year.
var goldenDays = []time.Time{
	demoClock,
	demoClock.AddDate(0, 0, 10),
	demoClock.AddDate(0, 0, 60),
	demoClock.AddDate(0, 0, 200),
	demoClock.AddDate(0, 0, 300),
	time.Date(2026, 9, 8, 9, 0, 0, 0, time.UTC),
}

// startDemo builds the demo on fresh storage of dialect d, on demoClock.
func startDemo(t testing.TB, d string) (*plugintest.Harness, *plugintest.Fixture, map[string]uint64, string, string) {
	t.Helper()
	fx, ids := demoFixture()
	driver, dsn, schema := testdb.Storage(t, d)
	h := plugintest.Start(t, binary, plugintest.WithStorage(driver, dsn, schema), plugintest.WithFixture(fx))
	h.SetClock(demoClock)
	if err := h.RunJob(h.As(plugintest.AdminID), "demo_seed", nil); err != nil {
		t.Fatal(err)
	}
	return h, fx, ids, driver, dsn
}

// answers are every extension's answer for every demo login, on the day
// the harness's clock says, as text: panels of every school the viewer
// may be asked about, to-dos and figures, with links, attention, due dates
// and units, and the problems the core's checks found.
func answers(h *plugintest.Harness, fx *plugintest.Fixture, ids map[string]uint64) string {
	var b strings.Builder
	var schools []uint64
	for _, sc := range fx.Schools {
		schools = append(schools, sc.GetId())
	}
	who := []string{"central", "hub manager", "lead", "host head", "other head", "soon head"}
	ids["reviewer"] = 204
	who = append(who, "reviewer")
	for _, w := range who {
		a := h.As(ids[w])
		fmt.Fprintf(&b, "== %s (%d)\n", w, ids[w])
		for start := 0; start < len(schools); start += 50 { // the contract's most per call
			panels, problems, err := h.SchoolPanels(a, schools[start:min(len(schools), start+50)]...)
			fmt.Fprintf(&b, "-- panels from %d: %s %q\n", start, errText(err), problems)
			for _, p := range panels {
				fmt.Fprintf(&b, "unit %d\n", p.GetUnitId())
				for _, l := range p.GetLines() {
					fmt.Fprintf(&b, "  %v %s → %s\n", l.GetAttention(), l.GetText(), l.GetLink())
				}
			}
		}
		todos, problems, err := h.Todos(a)
		fmt.Fprintf(&b, "-- todos: %s %q\n", errText(err), problems)
		for _, x := range todos {
			due := "-"
			if d := x.GetDue(); d != nil {
				due = fmt.Sprintf("%04d-%02d-%02d", d.GetYear(), d.GetMonth(), d.GetDay())
			}
			fmt.Fprintf(&b, "  %s → %s by %s unit %d\n", x.GetTitle(), x.GetLink(), due, x.GetUnitId())
		}
		figs, problems, err := h.Figures(a)
		fmt.Fprintf(&b, "-- figures: %s %q\n", errText(err), problems)
		for _, f := range figs {
			fmt.Fprintf(&b, "  %s: %s | %s → %s\n", f.GetLabel(), f.GetValue(), f.GetDetail(), f.GetLink())
		}
	}
	return b.String()
}

func errText(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, plugintest.ErrNotAsked):
		return "not asked"
	default:
		return "error " + err.Error()
	}
}

// TestTheExtensionsAnswerAsTheGolden pins what the school panels, to-dos
// and figures say on the demo, for every demo login on six days, on both
// kinds of storage, to the answers captured before the extensions' queries
// were rewritten to count in SQL (testdata/extensions.<dialect>.golden.gz;
// the demo differs a little between the dialects, as rows come back in
// another order): a query that counts differently from the old one changes
// a line here. On a difference the answers are written beside the golden
// file (.got) to diff.
func TestTheExtensionsAnswerAsTheGolden(t *testing.T) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			golden := filepath.Join("testdata", "extensions."+d+".golden.gz")
			h, fx, ids, _, _ := startDemo(t, d)
			var b strings.Builder
			for _, day := range goldenDays {
				h.SetClock(day)
				fmt.Fprintf(&b, "######## %s\n%s", day.Format(time.DateOnly), answers(h, fx, ids))
			}
			got := b.String()
			if *update {
				writeGzip(t, golden, got)
				return
			}
			want := readGzip(t, golden)
			if got == want {
				return
			}
			gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
			for i := 0; i < max(len(gl), len(wl)); i++ {
				var g, w string
				if i < len(gl) {
					g = gl[i]
				}
				if i < len(wl) {
					w = wl[i]
				}
				if g != w {
					_ = os.WriteFile(strings.TrimSuffix(golden, ".golden.gz")+".got", []byte(got), 0o644)
					t.Fatalf("the answers differ from %s at line %d:\n got  %q\n want %q", golden, i+1, g, w)
				}
			}
		})
	}
}

func writeGzip(t *testing.T, path, text string) {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write([]byte(text))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readGzip(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("read the golden answers (capture them with -update): %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return string(out)
}
