package rules

import (
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestYearStartAndBounds(t *testing.T) {
	for in, want := range map[string]int{"2017-09-01": 2017, "2018-08-31": 2017, "2018-03-01": 2017, "2026-12-07": 2026} {
		if got := YearStart(day(in)); got != want {
			t.Errorf("YearStart(%s) = %d, want %d", in, got, want)
		}
	}
	from, to := YearBounds(2017)
	if from != day("2017-09-01") || to != day("2018-08-31") || YearLabel(2017) != "2017-18" || YearLabel(2099) != "2099-00" {
		t.Fatalf("bounds %s %s %s", from, to, YearLabel(2017))
	}
}

func TestCheckYearDate(t *testing.T) {
	today := day("2018-03-10")
	for _, tc := range []struct {
		name, day, want string
	}{
		{"in the year, before today", "2017-10-02", ""},
		{"today", "2018-03-10", ""},
		{"tomorrow", "2018-03-11", "in the future"},
		{"before the year", "2017-08-31", "programme year 2017-18"},
		{"after the year", "2018-09-01", "programme year 2017-18"},
	} {
		got := CheckYearDate(day(tc.day), 2017, today)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestQuietAfterSixWeeksWhileTheYearRuns(t *testing.T) {
	for _, tc := range []struct {
		name, last, today string
		want              bool
	}{
		{"41 days", "2017-10-01", "2017-11-11", false},
		{"42 days", "2017-10-01", "2017-11-12", true},
		{"long quiet", "2017-10-01", "2018-06-01", true},
		{"the year is over", "2017-10-01", "2018-09-01", false},
		{"before the year", "2017-06-01", "2017-08-20", false},
	} {
		if got := Quiet(day(tc.last), 2017, day(tc.today)); got != tc.want {
			t.Errorf("%s: Quiet = %v, want %v", tc.name, got, tc.want)
		}
	}
	if DaysSince(day("2017-10-01"), day("2017-11-12")) != 42 {
		t.Error("DaysSince")
	}
}

func TestPace(t *testing.T) {
	start := day("2017-10-01") // 334 days to 31 August
	if got := ExpectedSoFar(10, start, 2017, day("2017-09-20")); got != 0 {
		t.Errorf("before the start: %v", got)
	}
	if got := ExpectedSoFar(10, start, 2017, day("2018-09-10")); got != 10 {
		t.Errorf("after the year: %v", got)
	}
	half := ExpectedSoFar(10, start, 2017, start.AddDate(0, 0, 167))
	if half < 4.99 || half > 5.01 {
		t.Errorf("halfway: %v", half)
	}
	for _, tc := range []struct {
		name     string
		minutes  int
		soFar    float64
		want     Pace
		wantText string
	}{
		{"nothing expected yet", 0, 0, PaceNone, "Not started"},
		{"a session on the first day", 90, 0, OnTrack, "On track"},
		{"on track", 300, 5, OnTrack, "On track"},
		{"behind", 180, 5, Behind, "Behind"},
		{"well behind", 120, 5, FarBehind, "Well behind"},
		{"all hours logged", 600, 7, Completed, "Expected hours met"},
	} {
		got := PaceOf(tc.minutes, tc.soFar, 10)
		if got != tc.want || got.Label() != tc.wantText {
			t.Errorf("%s: %v (%s), want %v (%s)", tc.name, got, got.Label(), tc.want, tc.wantText)
		}
	}
}

func TestShareInWords(t *testing.T) {
	for _, tc := range []struct {
		k, n int
		want string
	}{
		{16, 48, "a third"}, {15, 48, "about a third"}, {20, 48, "about two fifths"}, {24, 48, "half"},
		{0, 48, "none"}, {48, 48, "all"}, {1, 0, "none of them"}, {12, 48, "a quarter"}, {43, 48, "about nine in ten"}, {45, 48, "more than nine in ten"}, {1, 30, "fewer than one in ten"}, {3, 30, "a tenth"},
	} {
		if got := Share(tc.k, tc.n); got != tc.want {
			t.Errorf("Share(%d, %d) = %q, want %q", tc.k, tc.n, got, tc.want)
		}
	}
}

func TestSelfAssessmentItems(t *testing.T) {
	seen := map[string]bool{}
	for _, it := range Items {
		if seen[it.Key] {
			t.Errorf("item %s twice", it.Key)
		}
		seen[it.Key] = true
	}
	for _, a := range Areas {
		if len(ItemsOf(a.Key)) == 0 {
			t.Errorf("area %s has no items", a.Key)
		}
	}
	scores := map[string]int{}
	for _, it := range Items {
		scores[it.Key] = 3
	}
	if bad := CheckScores(scores); len(bad) != 0 {
		t.Fatalf("complete answers refused: %v", bad)
	}
	scores["k_role"], scores["r_ready"] = 0, 6
	delete(scores, "v_vision")
	if bad := CheckScores(scores); strings.Join(bad, ",") != "k_role,v_vision,r_ready" {
		t.Fatalf("faults %v", bad)
	}
	scores = map[string]int{"r_ready": 2, "r_interview": 3, "r_network": 4}
	if m, ok := AreaMean(scores, "readiness"); !ok || m != 3 {
		t.Fatalf("mean %v %v", m, ok)
	}
	if _, ok := AreaMean(scores, "values"); ok {
		t.Fatal("a mean of missing items")
	}
}

func TestLabelsAndChecks(t *testing.T) {
	if PostLabel("deputy_head") != "Deputy headteacher" || PostLabel("gone") != "gone" || !ValidPost("other_senior") || ValidPost("") {
		t.Error("posts")
	}
	if !IsPromotion(PromotedHeadship) || IsPromotion(AppliedHeadship) || !ValidOutcome(PromotedOther) {
		t.Error("outcomes")
	}
	if CheckMinutes(14) == "" || CheckMinutes(481) == "" || CheckMinutes(60) != "" || Hours(90) != "1.5" {
		t.Error("minutes")
	}
	if List([]string{"vision", "finance"}, ThemeLabel) != "Vision and strategy, Finance and resources" {
		t.Error("list")
	}
}
