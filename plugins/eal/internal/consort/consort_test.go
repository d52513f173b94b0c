package consort

import (
	"regexp"
	"strings"
	"testing"
)

// TestTheDiagramCountsEachPath: a trial of 12 schools (2 ineligible, 1
// withdrawn before randomisation, 1 waiting, 8 randomised of which one
// intervention school never attended and one control school was lost).
func TestTheDiagramCountsEachPath(t *testing.T) {
	in := []School{
		{Ineligible: "Phase Primary"}, {Ineligible: "Phase Primary"}, {WithdrawnBefore: "Workload or capacity"}, {},
		{Randomised: true, Arm: Intervention, Received: true, Pupils: 10}, {Randomised: true, Arm: Intervention, Received: true, Pupils: 7},
		{Randomised: true, Arm: Intervention, Received: true, Pupils: 3}, {Randomised: true, Arm: Intervention, Pupils: 5},
		{Randomised: true, Arm: Control, Pupils: 8}, {Randomised: true, Arm: Control, Pupils: 9}, {Randomised: true, Arm: Control, Pupils: 1},
		{Randomised: true, Arm: Control, Lost: "Change of leadership", Pupils: 4},
	}
	d := Compute(in)
	text := d.Text()
	for _, want := range []string{
		"Assessed for eligibility: 12 schools", "Excluded: 4 schools", "  Not eligible: Phase Primary: 2", "  Not randomised yet: 1",
		"  Withdrew before randomisation: Workload or capacity: 1", "Randomised: 8 schools", "Allocated to intervention: 4 schools",
		"  Received the intervention: 3 schools", "  Did not receive it: 1 school", "Intervention, lost to follow-up: 0 schools",
		"Intervention, analysed: 4 schools, 25 pupils", "Allocated to control: 4 schools", "Control, lost to follow-up: 1 school",
		"  Change of leadership: 1", "Control, analysed: 3 schools, 18 pupils",
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("the diagram lacks %q:\n%s", want, text)
		}
	}
	// The drawing holds the same numbers, is an image with a name and a
	// description, and the page gives them again as a list.
	page := string(d.HTML("c"))
	for _, want := range []string{`role="img"`, `aria-labelledby="c-title c-title-desc"`, "<title id=\"c-title\">", "<li>Randomised: 8 schools</li>",
		"Intervention, analysed: 4 schools, 25 pupils"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page's diagram lacks %q", want)
		}
	}
	if strings.Count(d.SVG(), "<rect ") != 9 {
		t.Errorf("the SVG has %d boxes, want 9", strings.Count(d.SVG(), "<rect "))
	}
	d.SuppressPupils = true
	if !strings.Contains(d.Text(), "Control, analysed: 3 schools, 18 pupils") {
		t.Fatalf("a count of 5 or more suppressed:\n%s", d.Text())
	}
}

// TestBeforeTheAllocationTheDiagramNamesNoArm: randomised schools without
// an arm yet (a wave frozen and committed) draw no arm box and no arm word.
func TestBeforeTheAllocationTheDiagramNamesNoArm(t *testing.T) {
	d := Compute([]School{{Randomised: true}, {Randomised: true}, {}})
	if d.Allocated {
		t.Fatal("allocated before any arm")
	}
	arm := regexp.MustCompile(`(?i)intervention|control`)
	for _, s := range []string{d.Text(), d.SVG(), string(d.HTML("c"))} {
		if m := arm.FindString(s); m != "" {
			t.Fatalf("%q before the allocation:\n%s", m, s)
		}
	}
	small := Compute([]School{{Randomised: true, Arm: Control, Pupils: 3}})
	small.SuppressPupils = true
	if !strings.Contains(small.Text(), "fewer than 5 pupils") || strings.Contains(small.Text(), "3 pupils") {
		t.Fatalf("a small count shown:\n%s", small.Text())
	}
}
