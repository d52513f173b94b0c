package cli_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/cli"
	"github.com/challengepartners/upwards/core/demo"
	"github.com/challengepartners/upwards/core/identity/identitytest"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// buildChallengeGap builds the Challenge the Gap plugin binary into dir.
func buildChallengeGap(t *testing.T, dir string) { buildPlugin(t, dir, cli.DemoPlugin) }

// demoCommand runs `upwards demo` on the install of db and data with the
// plugin binaries of dir, and returns what it printed; a failure fails the
// test with that output.
func demoCommand(t *testing.T, db, data, plugins string) string {
	t.Helper()
	root := cli.Root()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs([]string{"--database-url", db, "--data-dir", data, "--log-level", "error", "demo", "--plugins-dir", plugins})
	if err := root.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	return out.String()
}

// statisticsRows is the row count SQLite's statistics in the database file
// at path give index idx; 0 when there are none.
func statisticsRows(t *testing.T, path, idx string) int {
	t.Helper()
	sdb, err := storage.Open(context.Background(), "sqlite:"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	var stats []string
	if err := sdb.Core(context.Background()).Raw(`SELECT stat FROM sqlite_stat1 WHERE idx = ?`, idx).Scan(&stats).Error; err != nil {
		t.Fatalf("statistics of %s: %v", path, err)
	}
	if len(stats) == 0 {
		return 0
	}
	n, _ := strconv.Atoi(strings.Fields(stats[0])[0])
	return n
}

// buildPlugin builds the programme plugin plugins/<id> into dir/<id>, as
// make build does.
func buildPlugin(t *testing.T, dir, id string) {
	t.Helper()
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	build := exec.Command("go", "build", "-o", filepath.Join(dir, id), "./plugins/"+id)
	build.Dir = repo
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the %s plugin: %v\n%s", id, err, out)
	}
}

// The demo on `make run`: Challenge the Gap is installed and enabled for both
// demo tenants and fills its programme, so that a demo user's cluster matrix
// shows dots and arrows on first run, and the trust has its trio.
// It runs on SQLite and on PostgreSQL (where the plugin gets a schema of its own).
func TestDemoRunsChallengeTheGap(t *testing.T) {
	plugins := t.TempDir()
	buildChallengeGap(t, plugins)
	for _, d := range storagetest.Dialects {
		t.Run(string(d), func(t *testing.T) { demoRunsChallengeTheGap(t, d, plugins) })
	}
}

func demoRunsChallengeTheGap(t *testing.T, d storage.Dialect, plugins string) {
	db := storagetest.URL(t, d)
	data := t.TempDir()
	if d == storage.Postgres {
		t.Setenv("UPWARDS_PUPIL_KEY", testPupilKey) // PostgreSQL requires the setting; startedApp reads it too
	}
	runDemo := func() string { return demoCommand(t, db, data, plugins) }
	if out := runDemo(); !strings.Contains(out, "Challenge the Gap is installed and enabled for both demo tenants") ||
		!strings.Contains(out, "staff of the programme's schools") {
		t.Fatalf("demo output:\n%s", out)
	}
	if d == storage.SQLite {
		// The planner's statistics know of the demo's rows, in the core's
		// database and the plugin's (after its demo_seed job).
		if n := statisticsRows(t, strings.TrimPrefix(db, "sqlite:"), "idx_org_edges_pair"); n < 600 {
			t.Errorf("the core's statistics count %d org edges, want the demo's 600 or more", n)
		}
		if n := statisticsRows(t, filepath.Join(data, "plugins", cli.DemoPlugin, cli.DemoPlugin+".db"), "ux_data_points_pupil"); n < 1000 {
			t.Errorf("the plugin's statistics count %d data points, want the demo's thousands", n)
		}
	}

	ctx, a, hs := startedApp(t, db, data)
	get := func(host, token, path string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, hs.URL+path, nil)
		req.Host = host
		identitytest.SetSession(req, token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	clusterLink := regexp.MustCompile(`href="/p/challengegap/clusters/(\d+)"`)
	for _, tc := range []struct {
		slug, host, email string
		clusters          int
	}{
		// The partnership's programme lead is its central team; the trust's, its leader.
		{demo.PartnershipSlug, demo.PartnershipHost, "central@partnership.example.org", 11},
		{demo.TrustSlug, demo.TrustHost, "ceo@northstar.example.org", 1},
	} {
		tn, err := a.Tenancy.TenantBySlug(ctx, tc.slug)
		if err != nil {
			t.Fatal(err)
		}
		on, err := a.Plugins.Registry().IsEnabled(ctx, cli.DemoPlugin, tn.ID)
		if err != nil || !on {
			t.Fatalf("%s: challengegap enabled = %v, %v", tc.slug, on, err)
		}
		u, err := a.Identity.UserByEmail(ctx, tn.ID, tc.email)
		if err != nil {
			t.Fatal(err)
		}
		tok, _, err := identitytest.Session(ctx, a.Identity, tn.ID, u.ID, demo.Password)
		if err != nil {
			t.Fatal(err)
		}
		status, home := get(tc.host, tok, "/p/challengegap/")
		if status != http.StatusOK {
			t.Fatalf("%s: home %d", tc.slug, status)
		}
		ids := map[string]bool{}
		for _, m := range clusterLink.FindAllStringSubmatch(home, -1) {
			ids[m[1]] = true
		}
		if len(ids) != tc.clusters {
			t.Fatalf("%s: %d clusters linked from the home page, want %d:\n%s", tc.slug, len(ids), tc.clusters, home)
		}
		for id := range ids {
			status, page := get(tc.host, tok, "/p/challengegap/clusters/"+id+"/matrix")
			if status != http.StatusOK {
				t.Fatalf("%s: cluster %s matrix %d", tc.slug, id, status)
			}
			arrows, dots := strings.Count(page, `marker-end="url(#m-arrow-`), strings.Count(page, "<g data-dot=")
			if arrows < 5 || dots < 10 {
				t.Errorf("%s: cluster %s matrix has %d arrows and %d dots: no movement on first run", tc.slug, id, arrows, dots)
			}
			if tc.slug == demo.TrustSlug {
				status, page := get(tc.host, tok, "/p/challengegap/clusters/"+id)
				if status != http.StatusOK || !strings.Contains(page, "Trio A") {
					t.Errorf("trust cluster page %d lacks its trio", status)
				}
				schools := regexp.MustCompile(`href="/p/challengegap/schools/(\d+)\?year=(\d+)"`).FindAllStringSubmatch(page, -1)
				seen := map[string]bool{}
				for _, m := range schools {
					if seen[m[1]] {
						continue
					}
					seen[m[1]] = true
					status, sp := get(tc.host, tok, "/p/challengegap/schools/"+m[1]+"?year="+m[2])
					if status != http.StatusOK || strings.Contains(sp, `data-testid="violations"`) || !strings.Contains(sp, "Leader") {
						t.Errorf("trust school %s: %d, or its team breaks a phase rule", m[1], status)
					}
				}
				if len(seen) != 3 {
					t.Errorf("the trust's cluster links %d schools, want 3", len(seen))
				}
				// The reports show the year's survey, trials and decisions on
				// first run, and at least one school's report its case study.
				status, report := get(tc.host, tok, "/p/challengegap/clusters/"+id+"/report")
				if status != http.StatusOK || !strings.Contains(report, `data-testid="survey-results"`) || !strings.Contains(report, `data-testid="report-trials"`) {
					t.Errorf("the trust cluster's report (%d) lacks the survey or the trials:\n%s", status, report)
				}
				studies := 0
				for _, m := range schools {
					status, report := get(tc.host, tok, "/p/challengegap/schools/"+m[1]+"/report?year="+m[2])
					if status != http.StatusOK || !strings.Contains(report, `data-testid="survey-results"`) || !strings.Contains(report, "steps done") && !strings.Contains(report, "Continue") {
						t.Errorf("school %s's report (%d) lacks the survey or the decisions:\n%s", m[1], status, report)
					}
					if strings.Contains(report, `data-testid="case-study"`) {
						studies++
					}
				}
				if studies == 0 {
					t.Error("no school of the trust's cluster has a case study in its report")
				}
			}
			break
		}
	}
	// A second run changes nothing and still succeeds.
	a.Close()
	if out := runDemo(); !strings.Contains(out, "already built") {
		t.Fatalf("second demo run:\n%s", out)
	}
}
