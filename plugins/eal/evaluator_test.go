package main

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	"github.com/challengepartners/upwards/plugins/sdk/research"

	"github.com/challengepartners/upwards/plugins/eal/internal/export"
)

// identifying lists every name, URN and address of the fixture: schools,
// centres, people (the harness's added actors among them) and pupils.
func identifying(x *trialRun) []string {
	f := x.h.Fixture
	var out []string
	for _, s := range f.Schools {
		out = append(out, s.GetName(), s.GetUrn())
	}
	for _, u := range f.Units {
		if u.GetId() != f.RootUnitID {
			out = append(out, u.GetName())
		}
	}
	for _, p := range f.People {
		out = append(out, p.GetName(), p.GetEmail())
	}
	for _, p := range f.Pupils {
		out = append(out, p.GetGivenName()+" "+p.GetFamilyName(), p.GetFamilyName())
	}
	return out
}

// TestTheEvaluatorReachesNothingIdentifying runs a whole trial, then asks
// for every GET route as the evaluator and opens every file of the
// export: no school's, centre's, person's or pupil's name, no URN and no
// address is in any of them, though the pages and files are there (trial
// ids, pseudonyms, the allocation, the seed).
func TestTheEvaluatorReachesNothingIdentifying(t *testing.T) {
	x := startRun(t, "sqlite")
	x.setUp()
	x.recruit()
	x.randomise(1)
	x.post(x.mgr, x.path("/centres/%d/facilitators", centreN), url.Values{"person": {fmt.Sprint(facilitatorID)}, "trained_on": {"2017-06-20"}})
	x.post(x.fac, x.path("/centres/%d/sessions", centreN), url.Values{"day": {"1"}, "fidelity": {"5"}, "notes": {"Fenella Facilitova led it with Morag HeadleyAbara"}})
	x.post(x.mgr, x.path("/schools/%d/withdraw", schoolG), url.Values{"withdrawn_on": {"2018-02-01"}, "stage": {"delivery"},
		"reason": {"Other"}, "note": {"Greyfriars College's head, Jago HeadleyDimitrov, left"}})
	x.post(x.mgr, x.path("/exports"), nil)
	names := identifying(x)
	seen := 0
	check := func(where, body string) {
		t.Helper()
		for _, n := range names {
			if n != "" && strings.Contains(body, n) {
				t.Errorf("%s holds %q", where, n)
			}
		}
	}
	for _, p := range getPaths(x) {
		resp, err := x.h.Get(x.eval, p)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode == 200 {
			seen++
			check("GET "+p, resp.String())
		}
	}
	if seen < 8 {
		t.Fatalf("the evaluator reached only %d answers", seen)
	}
	files := exportFiles(t, x, 1)
	for name, b := range files {
		check("the export's "+name, string(b))
	}
	has(t, "the evaluator's trial page", x.page(x.eval, fmt.Sprintf("/research/trials/%d", x.trial)), "S001", "C01", "Verified", seedOf(t, x.h, 1))
	has(t, "the export's schools", string(files["schools.csv"]), "S001,C01,C01,1,")
	if !strings.Contains(string(files["pupils.csv"]), ",S001,") {
		t.Fatalf("pupils.csv:\n%s", files["pupils.csv"])
	}
	// And what the evaluator may not reach, they do not: the named pages.
	for _, p := range []string{"/", x.path(""), x.path("/schools/%d", schoolD), x.path("/randomisation"), x.path("/exports")} {
		if resp, _ := x.h.Get(x.eval, p); resp.StatusCode != 403 && resp.StatusCode != 404 {
			t.Errorf("the evaluator reached %s: %d", p, resp.StatusCode)
		}
	}
	// The same check catches a name: the trial manager's page has them.
	if page := x.page(x.mgr, x.path("")); !strings.Contains(page, "Dunmore Academy") {
		t.Fatalf("the trial manager's page lacks the school's name:\n%s", page)
	}
}

// TestAnObjectionRemovesThePupilFromTheNextExport: a pupil's pseudonym is
// in export version 1; a parent objects (recorded and audited); version 2
// lacks the pupil and says why in its change log, and version 1 is
// unchanged, byte for byte.
func TestAnObjectionRemovesThePupilFromTheNextExport(t *testing.T) {
	x := startRun(t, "postgres")
	x.setUp()
	x.recruit()
	x.post(x.mgr, x.path("/exports"), nil)
	v1 := exportFiles(t, x, 1)
	var secret []byte
	if err := trialDB(t, x.h).Raw("SELECT secret FROM trials WHERE id = ?", x.trial).Row().Scan(&secret); err != nil {
		t.Fatal(err)
	}
	ps, err := research.NewPseudonymiser(secret, export.ProjectID(x.trial))
	if err != nil {
		t.Fatal(err)
	}
	head := x.h.As(headOf(schoolE))
	page := x.page(head, x.path("/schools/%d/pupils", schoolE))
	m := objectionButton.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no objection button:\n%s", page)
	}
	trialPupil, core := m[1], ""
	for _, p := range x.h.Fixture.Pupils {
		if p.GetGivenName()+" "+p.GetFamilyName() == m[2] {
			core = fmt.Sprint(p.GetId())
		}
	}
	pseudonym := ps.Pseudonym("pupil", core)
	has(t, "export version 1", string(v1["pupils.csv"]), pseudonym)
	x.post(head, x.path("/schools/%d/pupils/%s/objection", schoolE, trialPupil), url.Values{"objected_on": {"2017-06-01"}})
	audited := false
	for _, a := range x.h.Host.Audits() {
		audited = audited || (a.Action == "eal.pupil.objection" && a.EntityID == trialPupil)
	}
	if !audited {
		t.Fatal("the objection was not audited")
	}
	// A second version needs a change log.
	if resp, _ := x.h.Post(x.mgr, x.path("/exports"), url.Values{"change_log": {""}}); resp.StatusCode != 422 ||
		!strings.Contains(resp.String(), "say what this version changes since version 1") {
		t.Fatalf("version 2 without a change log: %d %s", resp.StatusCode, resp.String())
	}
	x.post(x.mgr, x.path("/exports"), url.Values{"change_log": {"A parent's objection"}})
	v2 := exportFiles(t, x, 2)
	if strings.Contains(string(v2["pupils.csv"]), pseudonym) {
		t.Fatalf("version 2 still holds the pupil who objected:\n%s", v2["pupils.csv"])
	}
	has(t, "version 2's change log", string(v2["CHANGES.md"]), "## Version 2", "A parent's objection", "## Version 1")
	if rows := strings.Count(string(v1["pupils.csv"]), "\n") - strings.Count(string(v2["pupils.csv"]), "\n"); rows != 1 {
		t.Fatalf("version 2 has %d fewer rows, want 1", rows)
	}
	again := exportFiles(t, x, 1)
	for name, b := range v1 {
		if string(again[name]) != string(b) {
			t.Fatalf("version 1's %s changed", name)
		}
	}
}

// TestSubjectRightsCoverDelegatesAndPupils: a delegate's and a pupil's
// records come out in the export and are gone after the erasure (audited);
// a second erasure erases nothing.
func TestSubjectRightsCoverDelegatesAndPupils(t *testing.T) {
	x := startRun(t, "sqlite")
	x.setUp()
	x.recruit()
	teacher := teachersOf(schoolD)[0]
	var pupil uint64
	for _, p := range x.h.Fixture.Pupils {
		if p.GetSchoolId() == schoolD && p.GetEal() {
			pupil = p.GetId()
			break
		}
	}
	for _, s := range []plugintest.Subject{{PersonID: teacher}, {PupilID: pupil}} {
		files, err := x.h.ExportSubject(nil, s)
		if err != nil || len(files) != 1 || !strings.Contains(string(files[0].Content), `"TrialSchoolID": `) {
			t.Fatalf("export of %+v: %v %v", s, files, err)
		}
		erased, _, err := x.h.EraseSubject(nil, s)
		if err != nil || erased == 0 {
			t.Fatalf("erase %+v: %d %v", s, erased, err)
		}
		if files, _ := x.h.ExportSubject(nil, s); len(files) != 0 {
			t.Fatalf("after the erasure %+v still has %d files", s, len(files))
		}
		if erased, anon, err := x.h.EraseSubject(nil, s); err != nil || erased+anon != 0 {
			t.Fatalf("a second erasure of %+v: %d %d %v", s, erased, anon, err)
		}
	}
	n := 0
	for _, a := range x.h.Host.Audits() {
		if a.Action == "eal.subject.erase" {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("%d erasures audited, want 2", n)
	}
}
