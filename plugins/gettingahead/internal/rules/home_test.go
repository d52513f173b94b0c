package rules

import (
	"strings"
	"testing"
)

func TestLeadersLine(t *testing.T) {
	head := func(min int) PanelLeader { return PanelLeader{Coached: true, CoachIsHead: true, Minutes: min} }
	for _, tc := range []struct {
		name string
		ls   []PanelLeader
		want string
	}{
		{"none", nil, ""},
		{"one coached by a head", []PanelLeader{head(840)}, "1 leader in the 2025-26 cohort, coached by a head from another school: 14 of 20 hours"},
		{"one coached by a trust leader", []PanelLeader{{Coached: true, Minutes: 90}}, "1 leader in the 2025-26 cohort, coached by a trust leader: 1.5 of 20 hours"},
		{"one not matched", []PanelLeader{{}}, "1 leader in the 2025-26 cohort, not yet matched with a coach"},
		{"two not matched", []PanelLeader{{}, {}}, "2 leaders in the 2025-26 cohort, not yet matched with a coach"},
		{"two coached by heads", []PanelLeader{head(600), head(300)}, "2 leaders in the 2025-26 cohort, each coached by a head from another school: 15 of 40 hours between them"},
		{"a head and a trust leader", []PanelLeader{head(60), {Coached: true}}, "2 leaders in the 2025-26 cohort, each coached by a head or trust leader from elsewhere: 1 of 40 hours between them"},
		{"one of two coached", []PanelLeader{head(90), {}}, "2 leaders in the 2025-26 cohort: 1 coached (1.5 of 20 hours between them), 1 not yet matched with a coach"},
	} {
		if got := LeadersLine("2025-26", 20, tc.ls); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestCoachesAndSelfLines(t *testing.T) {
	for _, tc := range []struct {
		name string
		cs   []PanelCoach
		self bool
		want string
	}{
		{"before the match", []PanelCoach{{Places: 3}}, false, "Hosts a coach in the 2026-27 cohort, with 3 places"},
		{"one pair", []PanelCoach{{Places: 3, Pairs: 1, Minutes: 90}}, false, "Hosts a coach in the 2026-27 cohort, coaching 1 leader from another school: 1.5 of 10 hours"},
		{"two coaches", []PanelCoach{{Places: 1, Pairs: 1, Minutes: 60}, {Places: 2, Pairs: 2, Minutes: 120}}, false,
			"Hosts 2 coaches in the 2026-27 cohort, coaching 3 leaders from other schools: 3 of 30 hours"},
		{"oneself before the match", []PanelCoach{{Places: 1}}, true, "You coach in the 2026-27 cohort, with 1 place"},
		{"oneself", []PanelCoach{{Places: 3, Pairs: 2, Minutes: 840}}, true, "You coach 2 leaders in the 2026-27 cohort: 14 of 20 hours"},
		{"no coach", nil, false, ""},
	} {
		if got := CoachesLine("2026-27", 10, tc.cs, tc.self); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := SelfLine("2026-27", 10, "Grace Adebayo", 240); got != "You are in the 2026-27 cohort, coached by Grace Adebayo: 4 of 10 hours" {
		t.Errorf("SelfLine: %q", got)
	}
	if got := SelfLine("2026-27", 10, "", 0); got != "You are in the 2026-27 cohort, not yet matched with a coach" {
		t.Errorf("SelfLine without a coach: %q", got)
	}
}

func TestDueDatesAndWords(t *testing.T) {
	if got := NextSessionDue(day("2026-12-07")); got != day("2027-01-18") {
		t.Errorf("NextSessionDue = %s", got)
	}
	if got := StartAssessmentDue(2026); got != day("2026-10-31") {
		t.Errorf("StartAssessmentDue = %s", got)
	}
	if from, due := EndAssessmentWindow(2017); from != day("2018-06-01") || due != day("2018-07-15") {
		t.Errorf("EndAssessmentWindow = %s %s", from, due)
	}
	for d, want := range map[string]bool{"2017-08-31": false, "2017-09-01": true, "2018-08-31": true, "2018-09-01": false} {
		if InYear(2017, day(d)) != want {
			t.Errorf("InYear(2017, %s) != %v", d, want)
		}
	}
	if Count(1, "pair", "pairs") != "1 pair" || Count(0, "pair", "pairs") != "0 pairs" || Count(2, "pair", "pairs") != "2 pairs" {
		t.Error("Count does not agree in number")
	}
	for min, want := range map[int]string{0: "0", 840: "14", 870: "14.5", 50: "0.8"} {
		if got := HoursText(min); got != want {
			t.Errorf("HoursText(%d) = %q, want %q", min, got, want)
		}
	}
	if got := Clip(strings.Repeat("é", 210), 200); len([]rune(got)) != 200 || !strings.HasSuffix(got, "…") {
		t.Errorf("Clip: %d runes", len([]rune(got)))
	}
	if Clip("short", 200) != "short" {
		t.Error("Clip cut a short text")
	}
}
