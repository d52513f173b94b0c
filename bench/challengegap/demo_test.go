package challengegap_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/config"
	"github.com/challengepartners/upwards/core/demo"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// BenchmarkDemo builds the whole demo install the way `upwards demo` does
// (open and migrate, the core's demo, start, install the built plugin,
// enable it and run its demo_seed in both tenants, close) on a fresh
// database of each dialect, and reports the time of each phase in seconds.
// Run it with -benchtime 1x (each iteration is a whole demo).
func BenchmarkDemo(b *testing.B) {
	bin := buildPlugin(b)
	for _, d := range storagetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			var sum phases
			for b.Loop() {
				b.StopTimer()
				db, data := storagetest.URL(b, d), b.TempDir()
				b.StartTimer()
				sum.add(demoOnce(b, db, data, bin))
			}
			sum.report(b, string(d))
		})
	}
}

// benchPupilKey is a fixed 32-byte key (base64) for the pupil-key setting.
const benchPupilKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="

// phases are the times of the steps of one demo build.
type phases struct {
	n                                    int
	open, core, start, install, enable   time.Duration
	seedPartnership, seedTrust, shutdown time.Duration
	total                                time.Duration
}

func (p *phases) add(o phases) {
	p.n++
	p.open += o.open
	p.core += o.core
	p.start += o.start
	p.install += o.install
	p.enable += o.enable
	p.seedPartnership += o.seedPartnership
	p.seedTrust += o.seedTrust
	p.shutdown += o.shutdown
	p.total += o.total
}

func (p *phases) report(b *testing.B, label string) {
	n := float64(p.n)
	sec := func(d time.Duration) float64 { return d.Seconds() / n }
	b.ReportMetric(sec(p.total), "total-s")
	b.ReportMetric(sec(p.open), "open+migrate-s")
	b.ReportMetric(sec(p.core), "core-demo-s")
	b.ReportMetric(sec(p.start), "start-s")
	b.ReportMetric(sec(p.install), "plugin-install-s")
	b.ReportMetric(sec(p.enable), "plugin-enable-s")
	b.ReportMetric(sec(p.seedPartnership), "seed-partnership-s")
	b.ReportMetric(sec(p.seedTrust), "seed-trust-s")
	b.ReportMetric(sec(p.shutdown), "close-s")
	fmt.Fprintf(os.Stderr, "demo on %s: %.2f s (open+migrate %.2f, core demo %.2f, start %.2f, install %.2f, enable %.2f, seed partnership %.2f, trust %.2f, close %.2f)\n",
		label, sec(p.total), sec(p.open), sec(p.core), sec(p.start), sec(p.install), sec(p.enable), sec(p.seedPartnership), sec(p.seedTrust), sec(p.shutdown))
}

// demoOnce builds the demo on db as `upwards demo` does, timing each step.
func demoOnce(b *testing.B, db, data, bin string) phases {
	var p phases
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "bench"})
	lap := func(d *time.Duration) func() {
		t0 := time.Now()
		return func() { *d += time.Since(t0) }
	}
	t0 := time.Now()
	done := lap(&p.open)
	cfg := config.Defaults()
	cfg.DatabaseURL, cfg.DataDir, cfg.LogLevel = db, data, "error"
	cfg.PupilKey = benchPupilKey // PostgreSQL requires the setting
	a, err := app.Open(ctx, cfg, app.NewLogger(cfg, io.Discard))
	must(b, err)
	_, err = a.Migrate(ctx)
	must(b, err)
	done()
	done = lap(&p.core)
	must(b, a.LoadPermissions(ctx))
	_, err = demo.Build(ctx, demo.Services{Tenancy: a.Tenancy, Identity: a.Identity, Authz: a.Authz, Pupils: a.Pupils})
	must(b, err)
	done()
	done = lap(&p.start)
	must(b, a.Start(ctx))
	done()
	done = lap(&p.install)
	_, err = a.Plugins.Install(ctx, bin, false)
	must(b, err)
	done()
	for _, slug := range []string{demo.PartnershipSlug, demo.TrustSlug} {
		tn, err := a.Tenancy.TenantBySlug(ctx, slug)
		must(b, err)
		done = lap(&p.enable)
		must(b, a.Plugins.Enable(ctx, "challengegap", tn.ID))
		done()
		admin, err := a.Identity.UserByEmail(ctx, tn.ID, demo.Admins[slug])
		must(b, err)
		seed := &p.seedPartnership
		if slug == demo.TrustSlug {
			seed = &p.seedTrust
		}
		done = lap(seed)
		must(b, a.Plugins.RunJob(ctx, "challengegap", "demo_seed", tn.ID, admin.ID, nil))
		done()
	}
	done = lap(&p.shutdown)
	must(b, a.Close())
	done()
	p.total = time.Since(t0)
	return p
}
