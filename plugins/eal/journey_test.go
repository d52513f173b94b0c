package main

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/eal/internal/export"
)

// trialRun drives a trial through the plugin's routes, as its people
// would: the trial manager, the schools' heads and teachers, a centre lead,
// a facilitator and the evaluator.
type trialRun struct {
	t       *testing.T
	h       *plugintest.Harness
	mgr     *pluginv1.Actor
	eval    *pluginv1.Actor
	lead    *pluginv1.Actor // centre lead of North
	fac     *pluginv1.Actor // facilitator of North
	trial   uint64
	centres map[uint64]uint64 // centre unit → the trial's centre id
}

// startRun starts the plugin on fresh storage of the dialect with the
// fixture, its clock on a day of the trial.
func startRun(t *testing.T, dialect string) *trialRun {
	t.Helper()
	st := plugintest.NewStorage(t, dialect)
	h := plugintest.Start(t, binary, plugintest.WithStorage(st.GetDriver(), st.GetDsn(), st.GetSchema()), plugintest.WithFixture(fixture()))
	h.SetClock(time.Date(2017, 6, 1, 9, 0, 0, 0, time.UTC))
	x := &trialRun{t: t, h: h, centres: map[uint64]uint64{}}
	x.mgr = h.As(managerID)
	x.eval = h.AsRole(RoleEvaluator, plugintest.RootUnit)
	x.lead = h.As(centreLeadID)
	x.fac = h.As(facilitatorID)
	return x
}

// post posts form as actor and wants a redirect (a change made).
func (x *trialRun) post(actor *pluginv1.Actor, path string, form url.Values) *plugintest.Response {
	x.t.Helper()
	resp, err := x.h.Post(actor, path, form)
	if err != nil {
		x.t.Fatalf("POST %s: %v", path, err)
	}
	if resp.StatusCode != http.StatusSeeOther {
		x.t.Fatalf("POST %s %v answered %d, want 303:\n%s", path, form, resp.StatusCode, resp.String())
	}
	return resp
}

// page gets a page as actor and wants it (200, a fragment).
func (x *trialRun) page(actor *pluginv1.Actor, path string) string {
	x.t.Helper()
	resp, err := x.h.Get(actor, path)
	if err != nil {
		x.t.Fatalf("GET %s: %v", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		x.t.Fatalf("GET %s answered %d:\n%s", path, resp.StatusCode, resp.String())
	}
	return resp.String()
}

func (x *trialRun) path(format string, args ...any) string {
	return fmt.Sprintf("/trials/%d", x.trial) + fmt.Sprintf(format, args...)
}

// setUp makes the trial and adds both centres.
func (x *trialRun) setUp() {
	x.t.Helper()
	form := url.Values{"name": {"EAL trial 2017"}, "registration_id": {"ISRCTN-TEST"}}
	for i, d := range []string{"2017-01-09", "2017-04-24", "2017-07-03", "2017-09-04", "2018-07-02", "2019-08-22"} {
		form.Set("phase_"+[]string{"recruitment", "baseline", "randomisation", "delivery", "follow_up", "outcomes"}[i], d)
	}
	resp := x.post(x.mgr, "/trials", form)
	if _, err := fmt.Sscanf(resp.Location(), "/p/eal/trials/%d", &x.trial); err != nil {
		x.t.Fatalf("new trial at %q", resp.Location())
	}
	for i, u := range []uint64{centreN, centreS} {
		x.post(x.mgr, x.path("/centres"), url.Values{"unit": {fmt.Sprint(u)}, "host": {fmt.Sprint(plugintest.SchoolB)}})
		x.centres[u] = uint64(i + 1)
	}
}

// recruit brings every evaluation school to "ready", except Hollins Park,
// whose share of EAL pupils is too small.
func (x *trialRun) recruit() {
	x.t.Helper()
	for _, s := range trialSchools {
		c := fmt.Sprint(x.centres[centreOf[s]])
		if s == schoolD { // its head expresses the interest
			x.post(x.h.As(headOf(s)), x.path("/schools/%d/interest", s), url.Values{"centre": {c}})
		} else {
			x.post(x.mgr, x.path("/schools"), url.Values{"school": {fmt.Sprint(s)}, "centre": {c}, "interest_on": {"2017-02-01"}})
		}
		eal := "24.5"
		if s == schoolH {
			eal = "3"
		}
		x.post(x.mgr, x.path("/schools/%d/eligibility", s), url.Values{"eal_percent": {eal}, "fsm_percent": {"31"}})
		if s == schoolH {
			continue
		}
		x.post(x.mgr, x.path("/schools/%d/agreement", s), url.Values{"agreement_on": {"2017-03-01"}, "lead": {fmt.Sprint(headOf(s))}})
		head := x.h.As(headOf(s))
		for i, tid := range teachersOf(s)[:2] {
			x.post(head, x.path("/schools/%d/delegates", s), url.Values{"person": {fmt.Sprint(tid)}, "subject": {[]string{"Science", "History"}[i]}})
		}
		x.baseline(s)
	}
}

var codeField = regexp.MustCompile(`name="code_(\d+)"`)

// baseline adds the school's EAL pupils and records everyone's baseline.
func (x *trialRun) baseline(s uint64) {
	x.t.Helper()
	head := x.h.As(headOf(s))
	x.post(head, x.path("/schools/%d/pupils", s), nil)
	ids := codeField.FindAllStringSubmatch(x.page(head, x.path("/schools/%d/pupils?point=baseline", s)), -1)
	if len(ids) != 6 {
		x.t.Fatalf("school %d has %d pupils in the baseline grid, want its 6 EAL pupils", s, len(ids))
	}
	form := url.Values{"point": {"baseline"}}
	for i, m := range ids {
		form.Set("code_"+m[1], string("ABCDEN"[i%6]))
		form.Set("score_"+m[1], fmt.Sprint(20+5*i))
	}
	x.post(head, x.path("/schools/%d/pupils/points", s), form)
}

// randomise freezes, commits, allocates and reveals the next wave.
func (x *trialRun) randomise(n int, steps ...string) {
	x.t.Helper()
	if len(steps) == 0 {
		steps = []string{"freeze", "commit", "allocate", "reveal"}
	}
	for _, step := range steps {
		if step == "freeze" {
			x.post(x.mgr, x.path("/waves"), nil)
			continue
		}
		x.post(x.mgr, x.path("/waves/%d/%s", n, step), nil)
	}
}

// trialDB opens the plugin's storage, for what no page shows (the seed).
func trialDB(t *testing.T, h *plugintest.Harness) *gorm.DB {
	t.Helper()
	cfg := &gorm.Config{Logger: logger.Discard}
	var db *gorm.DB
	var err error
	if h.Storage.GetDriver() == "sqlite" {
		db, err = gorm.Open(sqlite.Open("file:"+h.Storage.GetDsn()+"?_pragma=busy_timeout(10000)"), cfg)
	} else {
		db, err = gorm.Open(postgres.Open(h.Storage.GetDsn()), cfg)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if s, err := db.DB(); err == nil {
			_ = s.Close()
		}
	})
	return db
}

// seedOf reads a wave's seed from the storage.
func seedOf(t *testing.T, h *plugintest.Harness, wave int) string {
	t.Helper()
	var seed []byte
	if err := trialDB(t, h).Raw("SELECT seed FROM waves WHERE number = ?", wave).Row().Scan(&seed); err != nil || len(seed) != 32 {
		t.Fatalf("wave %d's seed: %v (%d bytes)", wave, err, len(seed))
	}
	return fmt.Sprintf("%x", seed)
}

// has fails unless s holds every one of want.
func has(t *testing.T, where, s string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(s, w) {
			t.Fatalf("%s lacks %q:\n%s", where, w, s)
		}
	}
}

// exportFiles downloads export version v as the evaluator and unzips it.
func exportFiles(t *testing.T, x *trialRun, v int) map[string][]byte {
	t.Helper()
	resp, err := x.h.Get(x.eval, fmt.Sprintf("/research/trials/%d/exports/%d", x.trial, v))
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("export %d: %v %v", v, resp, err)
	}
	files, err := export.Files(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// objectionButton is a pupil's objection form: its trial pupil id and the
// pupil's name on the button.
var objectionButton = regexp.MustCompile(`action="/p/eal/trials/\d+/schools/\d+/pupils/(\d+)/objection">.*?Record an objection for ([^<]+)</button>`)
