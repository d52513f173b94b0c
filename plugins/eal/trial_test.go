package main

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

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
		// The core's pages before the randomisation: each school's place,
		// the trial manager's next step, the delegates' self-assessment,
		// the figures.
		mgr := ask(t, x.h, x.mgr, trialSchools...)
		has(t, "Dunmore's panel", panelOf(mgr, schoolD), "Ready to be randomised in the next wave | 2 delegates named for the course")
		has(t, "Hollins Park's panel", panelOf(mgr, schoolH), "Not eligible: Fewer than 10% of pupils have EAL | No delegate named yet")
		has(t, "the trial manager's to-dos", mgr.todos, "Randomise wave 1: 4 schools ready @2017-07-03")
		has(t, "the figures", mgr.figures, "Schools recruited = 5 (EAL trial 2017: 4 eligible, 4 with the agreement signed)",
			"Schools randomised = 0 (None yet; 4 ready for the next wave)")
		if del := ask(t, x.h, x.h.As(teachersOf(schoolD)[0])); del.todos != "Answer your self-assessment before the course @2017-09-04" || del.panels != "" {
			t.Fatalf("a delegate's to-dos: %q, panels %q (not asked: %v)", del.todos, del.panels, del.notAsked)
		}
		if other := ask(t, x.h, x.h.As(teachersOf(schoolD)[2])); other.todos != "" {
			t.Fatalf("a teacher who is not a delegate, the baseline done: %q", other.todos)
		}
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
		// Day 1 is held at midnight in London: the attendance to record
		// and the session to log are on the centre lead's and the
		// facilitator's to-dos, due that day.
		x.h.SetClock(time.Date(2017, 10, 1, 22, 59, 0, 0, time.UTC))
		if lead := ask(t, x.h, x.lead); strings.Contains(lead.todos, "attendance") {
			t.Fatalf("the lead's to-dos before day 1: %q", lead.todos)
		}
		x.h.AdvanceClock(time.Minute)
		has(t, "the centre lead's to-dos on day 1", ask(t, x.h, x.lead).todos,
			"Record day 1's attendance at North Delivery Centre (held Mon 2 Oct 2017): 2 delegates not recorded @2017-10-02")
		has(t, "the facilitator's to-dos on day 1", ask(t, x.h, x.fac).todos, "Log day 1 at North Delivery Centre (held Mon 2 Oct 2017) and its fidelity @2017-10-02")
		centre := x.page(x.lead, x.path("/centres/%d", centreN))
		boxes := presentBox.FindAllStringSubmatch(centre, -1)
		if len(boxes) != 2 { // North has one school in each arm: its intervention school's two delegates are booked
			t.Fatalf("%d delegates booked at North, want 2:\n%s", len(boxes), centre)
		}
		x.post(x.lead, x.path("/centres/%d/attendance", centreN), url.Values{"day": {"1"}, "present": {boxes[0][1]}})
		x.post(x.fac, x.path("/centres/%d/sessions", centreN), url.Values{"day": {"1"}, "fidelity": {"4"}, "notes": {"Kept to time"}})
		centre = x.page(x.lead, x.path("/centres/%d", centreN))
		if lead, fac := ask(t, x.h, x.lead), ask(t, x.h, x.fac); lead.todos != "" || fac.todos != "" {
			t.Fatalf("to-dos once day 1 is recorded and logged: lead %q, facilitator %q", lead.todos, fac.todos)
		}
		has(t, "the figures after day 1", ask(t, x.h, x.mgr).figures, "Delegates trained = 0 of 4", "Course attendance = 50% (1 of 2 delegate-days recorded)")
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

// TestARefusedFormKeepsTheInputAndWritesNothing: a trial with a bad date
// and no name, and an eligibility check with a bad share, come back as the
// user left them, each problem beside its field; nothing is saved or
// audited.
func TestARefusedFormKeepsTheInputAndWritesNothing(t *testing.T) {
	x := startRun(t, "sqlite")
	resp, err := x.h.Post(x.mgr, "/trials", url.Values{"name": {""}, "registration_id": {"ISRCTN-X"}, "phase_recruitment": {"9 January"}})
	if err != nil {
		t.Fatal(err)
	}
	has(t, "the refused trial", resp.String(), `<a href="#f-name">Name: is required</a>`, `value="ISRCTN-X"`, `value="9 January"`,
		`id="f-phase_recruitment" name="phase_recruitment" value="9 January" class="ui-short" required aria-invalid="true"`)
	if resp.StatusCode != 422 || len(x.h.Host.Audits()) != 0 {
		t.Fatalf("refused trial: %d, %d audits", resp.StatusCode, len(x.h.Host.Audits()))
	}
	x.setUp()
	x.post(x.mgr, x.path("/schools"), url.Values{"school": {fmt.Sprint(schoolE)}, "centre": {"1"}, "interest_on": {"2017-02-01"}})
	audits := len(x.h.Host.Audits())
	resp, _ = x.h.Post(x.mgr, x.path("/schools/%d/eligibility", schoolE), url.Values{"eal_percent": {"140"}, "fsm_percent": {""}})
	has(t, "the refused check", resp.String(), "There are 2 problems", `value="140"`, "a percentage from 0 to 100", "Not checked yet")
	if resp.StatusCode != 422 || len(x.h.Host.Audits()) != audits {
		t.Fatalf("refused check: %d, audited %d", resp.StatusCode, len(x.h.Host.Audits())-audits)
	}
	// A school of another centre, or none, is refused naming the field.
	resp, _ = x.h.Post(x.mgr, x.path("/schools"), url.Values{"school": {fmt.Sprint(schoolF)}, "centre": {"1"}, "interest_on": {"2017-02-01"}})
	has(t, "a school at the wrong centre", resp.String(), "Delivery centre: Choose the delivery centre the school belongs to")
}
