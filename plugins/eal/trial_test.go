package main

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
)

var presentBox = regexp.MustCompile(`id="present-1-(\d+)"`)
var assessForm = regexp.MustCompile(`action="/p/eal/me/delegates/(\d+)/assessments"`)

// TestATrialRunsFromRecruitmentToTheEvaluatorsExport takes a trial through
// every stage on both storages: recruitment with an ineligible school,
// baselines, a wave frozen, committed, allocated and revealed (the
// product's re-derivation verified), the course days with attendance and
// a session log, a delegate's self-assessments, and an export; the
// CONSORT diagram counts each step.
func TestATrialRunsFromRecruitmentToTheEvaluatorsExport(t *testing.T) {
	plugintest.EachDialect(t, func(t *testing.T, d string) {
		x := startRun(t, d)
		x.setUp()
		x.recruit()
		page := x.page(x.mgr, x.path(""))
		has(t, "the trial page before randomisation", page, "Assessed for eligibility: 5 schools", "Excluded: 5 schools",
			"Not eligible: Fewer than 10% of pupils have EAL: 1", "Not randomised yet: 4", "Randomised: 0 schools",
			"Dunmore Academy", "Ready to randomise", "6 of 6")
		x.randomise(1)
		rnd := x.page(x.mgr, x.path("/randomisation"))
		has(t, "the randomisation page", rnd, "Verified", "eal-randomise v1 wave=1 schools=4", seedOf(t, x.h, 1), "Schools per stratum and arm")

		page = x.page(x.mgr, x.path(""))
		has(t, "the trial page after randomisation", page, "Randomised: 4 schools", "Allocated to intervention: 2 schools",
			"Allocated to control: 2 schools", "Not eligible: Fewer than 10% of pupils have EAL: 1", `role="img"`)

		// The North centre: its days, the attendance of its intervention
		// school's delegates, a session logged by its trained facilitator.
		x.post(x.mgr, x.path("/centres/%d/facilitators", centreN), url.Values{"person": {fmt.Sprint(x.fac.GetUserId())}, "trained_on": {"2017-06-20"}})
		x.post(x.lead, x.path("/centres/%d/days", centreN), url.Values{"day1": {"2017-10-02"}, "day2": {"2017-11-06"}, "day3": {"2018-01-08"}})
		centre := x.page(x.lead, x.path("/centres/%d", centreN))
		boxes := presentBox.FindAllStringSubmatch(centre, -1)
		if len(boxes) != 2 { // North has one school in each arm: its intervention school's two delegates are booked
			t.Fatalf("%d delegates booked at North, want 2:\n%s", len(boxes), centre)
		}
		x.post(x.lead, x.path("/centres/%d/attendance", centreN), url.Values{"day": {"1"}, "present": {boxes[0][1]}})
		x.post(x.fac, x.path("/centres/%d/sessions", centreN), url.Values{"day": {"1"}, "fidelity": {"4"}, "notes": {"Kept to time"}})
		centre = x.page(x.lead, x.path("/centres/%d", centreN))
		has(t, "the centre after day 1", centre, `id="present-1-`+boxes[0][1]+`" name="present" value="`+boxes[0][1]+`" checked`, "4 Mostly as designed", "Kept to time")

		// The delegate who attended answers the self-assessments.
		var delegate uint64
		for _, s := range trialSchools {
			for _, tid := range teachersOf(s) {
				if me := x.page(x.h.As(tid), "/me"); strings.Contains(me, "Your course days") && strings.Contains(me, "<td>Yes</td>") {
					delegate = tid
				}
			}
		}
		if delegate == 0 {
			t.Fatal("no delegate sees the day they attended")
		}
		me := x.h.As(delegate)
		id := assessForm.FindStringSubmatch(x.page(me, "/me"))[1]
		answers := url.Values{"kind": {"pre"}, "language": {"2"}, "demands": {"2"}, "learners": {"3"}, "confidence": {"2"}}
		x.post(me, "/me/delegates/"+id+"/assessments", answers)
		answers.Set("kind", "post")
		answers.Set("confidence", "5")
		x.post(me, "/me/delegates/"+id+"/assessments", answers)
		has(t, "the delegate's course", x.page(me, "/me"), "Before the course", "After the course", "5 Very high")
		// Another teacher may not answer for them.
		other := x.h.As(teachersOf(schoolD)[2])
		if resp, _ := x.h.Post(other, "/me/delegates/"+id+"/assessments", answers); resp.StatusCode != 403 {
			t.Fatalf("another teacher answering for the delegate: %d", resp.StatusCode)
		}

		// The export.
		x.post(x.mgr, x.path("/exports"), url.Values{"change_log": {""}})
		files := exportFiles(t, x, 1)
		has(t, "the export's delegates", string(files["delegates.csv"]), "teacher,school,subject,days_attended,pre_language")
		has(t, "the export's CONSORT", string(files["consort.txt"]), "Randomised: 4 schools")
		has(t, "the export's list", string(files["randomisation/wave-1-seed.txt"]), seedOf(t, x.h, 1))
		has(t, "the checksums", string(files["SHA256SUMS"]), "pupils.csv", "schools.dictionary.md", "consort.svg")
	})
}
