package home

import (
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

var (
	y1718 = store.Year{ID: 1, Label: "2017-18", StartsOn: "2017-09-01", EndsOn: "2018-08-31"}
	y1819 = store.Year{ID: 2, Label: "2018-19", StartsOn: "2018-09-01", EndsOn: "2019-08-31"}
	y1920 = store.Year{ID: 3, Label: "2019-20", StartsOn: "2019-09-01", EndsOn: "2020-08-31"}
)

func TestChooseYear(t *testing.T) {
	years := []store.Year{y1920, y1718, y1819} // any order
	for _, tc := range []struct {
		today string
		want  string
	}{
		{"2018-01-15", "2017-18"}, // running
		{"2018-09-01", "2018-19"}, // its first day
		{"2019-08-31", "2018-19"}, // its last day
		{"2021-02-01", "2019-20"}, // all past: the latest
		{"2016-05-01", "2017-18"}, // none started: the first to come
	} {
		if got := ChooseYear(years, day(tc.today)); got == nil || got.Label != tc.want {
			t.Errorf("ChooseYear on %s = %v, want %s", tc.today, got, tc.want)
		}
	}
	// The running year wins over one added in advance.
	if got := ChooseYear([]store.Year{y1819, y1718}, day("2018-05-01")); got.Label != "2017-18" {
		t.Errorf("with next year added early: %s", got.Label)
	}
	if ChooseYear(nil, day("2018-01-01")) != nil {
		t.Error("a year with none")
	}
}

func TestWindowOn(t *testing.T) {
	schedule := Schedule("October,March,July")
	for _, tc := range []struct {
		today string
		open  bool
		label string
		due   string
	}{
		{"2018-03-01", true, "March", "2018-03-31"},
		{"2018-03-31", true, "March", "2018-03-31"},
		{"2018-04-01", false, "", ""},
		{"2017-10-15", true, "October", "2017-10-31"},
		{"2018-02-28", false, "", ""},
		{"2019-03-10", false, "", ""}, // outside the year
	} {
		w := WindowOn(&y1718, schedule, day(tc.today))
		due := ""
		if !w.Due.IsZero() {
			due = w.Due.Format(time.DateOnly)
		}
		if w.Open != tc.open || w.Label != tc.label || due != tc.due {
			t.Errorf("WindowOn %s = %+v, want %v %q %s", tc.today, w, tc.open, tc.label, tc.due)
		}
	}
	// A bad setting falls back on the default, as the reminder job does.
	if got := Schedule("Octember"); len(got) != 3 || got[0] != time.October {
		t.Errorf("Schedule of a bad setting = %v", got)
	}
}

func TestBaselineDue(t *testing.T) {
	for _, tc := range []struct {
		schedule string
		want     string
	}{
		{"October,March,July", "2017-09-30"},
		{"December,March", "2017-11-30"},
		{"February,July", "2018-01-31"},
	} {
		if got := BaselineDue(y1718, Schedule(tc.schedule)).Format(time.DateOnly); got != tc.want {
			t.Errorf("BaselineDue with %s = %s, want %s", tc.schedule, got, tc.want)
		}
	}
}

func TestWords(t *testing.T) {
	if plural(1, "pupil", "pupils") != "1 pupil" || plural(0, "pupil", "pupils") != "0 pupils" || plural(2, "pupil", "pupils") != "2 pupils" {
		t.Error("plural")
	}
	if listNames([]string{"A"}) != "A" || listNames([]string{"A", "B"}) != "A and B" || listNames([]string{"A", "B", "C"}) != "A, B and C" {
		t.Error("listNames")
	}
	long := strings.Repeat("é", 250)
	if got := clip(long, MaxText); len([]rune(got)) != MaxText || !strings.HasSuffix(got, "…") {
		t.Errorf("clip: %d runes", len([]rune(got)))
	}
	if clip("a  b\nc", 10) != "a b c" {
		t.Error("clip keeps one line")
	}
	if showDay("2026-03-05") != "Thu 5 Mar 2026" {
		t.Errorf("showDay = %s", showDay("2026-03-05"))
	}
}

func lines(f SchoolFacts, today string) []string {
	var out []string
	for _, l := range Panel(f, day(today)) {
		s := l.Text
		if l.Attention {
			s += " !"
		}
		out = append(out, s)
	}
	return out
}

func TestPanel(t *testing.T) {
	accepted := &store.Participant{ClusterID: 4, SchoolID: 10, Status: store.StatusAccepted}
	cluster := &store.Cluster{ID: 4, Name: "Portsmouth Cluster 2"}
	frozen := &store.CohortState{Started: true, Frozen: true, Pupils: 15, Snapshots: []store.SnapshotEntry{
		{ID: 1, Seq: 0, Label: "Baseline", TakenOn: "2017-09-20", Entered: 15},
		{ID: 2, Seq: 1, Label: "October", TakenOn: "2017-10-20", Entered: 15},
		{ID: 3, Seq: 2, Label: "March", TakenOn: "2018-03-05", Entered: 12},
	}}
	ws := []store.Workshop{{ID: 1, Number: 1, HeldOn: "2017-09-28"}, {ID: 2, Number: 2, HeldOn: "2017-11-20"},
		{ID: 3, Number: 3, HeldOn: "2018-01-20"}, {ID: 4, Number: 4, HeldOn: "2018-03-05"}, {ID: 5, Number: 5}, {ID: 6, Number: 6}}
	team := []store.TeamMember{{Role: "leader"}, {Role: "teacher", Subject: "maths"}, {Role: "para", ParaType: "mentor"}}
	base := SchoolFacts{SchoolID: 10, Year: y1718, Running: true, Place: accepted, Cluster: cluster, Partners: []string{"Birch Academy", "Damson Primary"},
		Phase: "primary", Team: team, Cohort: frozen, Target: 15, Workshops: ws,
		Trials: []store.Trial{{Decision: "scale_up"}, {Decision: ""}}, PupilPages: true}
	march := base
	march.Window = WindowOn(&y1718, Schedule(""), day("2018-03-02"))
	after := base
	after.Window = Window{}
	past := base
	past.Running = false
	secondary := base
	secondary.Phase = "secondary"
	for _, tc := range []struct {
		name  string
		f     SchoolFacts
		today string
		want  []string
	}{
		{"in the March window, data incomplete", march, "2018-03-02", []string{
			"In Portsmouth Cluster 2 (2017-18), trio with Birch Academy and Damson Primary",
			"Team: 1 leader, 1 teacher, 1 para-professional",
			"Target cohort: 15 pupils, baseline taken Wed 20 Sep 2017",
			"March data: 12 of 15 pupils entered, due by Sat 31 Mar 2018 !",
			"Next workshop: Workshop 4, Mon 5 Mar 2018",
			"Strategies: 2 trialled (1 to scale up, 1 not decided yet)"}},
		{"after the window", after, "2018-04-03", []string{
			"In Portsmouth Cluster 2 (2017-18), trio with Birch Academy and Damson Primary",
			"Team: 1 leader, 1 teacher, 1 para-professional",
			"Target cohort: 15 pupils, baseline taken Wed 20 Sep 2017",
			"March data: 12 of 15 pupils entered",
			"Next workshop: Workshop 5, date to be set",
			"Strategies: 2 trialled (1 to scale up, 1 not decided yet)"}},
		{"a past year", past, "2019-01-10", []string{
			"In Portsmouth Cluster 2 (2017-18), trio with Birch Academy and Damson Primary",
			"Team: 1 leader, 1 teacher, 1 para-professional",
			"Target cohort: 15 pupils, baseline taken Wed 20 Sep 2017",
			"March data: 12 of 15 pupils entered",
			"Workshops: 4 of 6 held",
			"Strategies: 2 trialled (1 to scale up, 1 not decided yet)"}},
		{"a team short of the secondary rule", secondary, "2018-04-03", []string{
			"In Portsmouth Cluster 2 (2017-18), trio with Birch Academy and Damson Primary",
			"Team: 1 leader, 1 teacher, 1 para-professional (does not meet the secondary rule) !",
			"Target cohort: 15 pupils, baseline taken Wed 20 Sep 2017",
			"March data: 12 of 15 pupils entered",
			"Next workshop: Workshop 5, date to be set",
			"Strategies: 2 trialled (1 to scale up, 1 not decided yet)"}},
		{"no place, clusters recruiting", SchoolFacts{SchoolID: 10, Year: y1718, Running: true, Recruiting: 1}, "2018-04-03", []string{
			"Not taking part in 2017-18: 1 cluster is open to join"}},
		{"no place, nothing open", SchoolFacts{SchoolID: 10, Year: y1718, Running: true}, "2018-04-03", nil},
		{"asked to join", SchoolFacts{SchoolID: 10, Year: y1718, Running: true, Cluster: cluster,
			Place: &store.Participant{ClusterID: 4, Status: store.StatusInterested}}, "2018-04-03", []string{
			"Asked to join Portsmouth Cluster 2 (2017-18): awaiting the cluster lead's decision"}},
		{"withdrawn", SchoolFacts{SchoolID: 10, Year: y1718, Running: true, Cluster: cluster,
			Place: &store.Participant{ClusterID: 4, Status: store.StatusWithdrawn, WithdrawnOn: "2018-02-01"}}, "2018-04-03", []string{
			"Withdrew from Portsmouth Cluster 2 (2017-18) on Thu 1 Feb 2018"}},
		{"nothing chosen yet", SchoolFacts{SchoolID: 10, Year: y1718, Running: true, Cluster: cluster, Place: accepted, Target: 15}, "2017-09-10", []string{
			"In Portsmouth Cluster 2 (2017-18)", "No team chosen yet !", "Target cohort not chosen yet (about 15 pupils) !"}},
	} {
		if got := lines(tc.f, tc.today); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%s:\n%s\nwant:\n%s", tc.name, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
		}
	}
	// Without the pupil-level pages, the cohort and data lines link the school's page.
	march.PupilPages = false
	for _, l := range Panel(march, day("2018-03-02"))[2:4] {
		if l.Link != "/schools/10?year=1" {
			t.Errorf("line %q links %s without cohort.read", l.Text, l.Link)
		}
	}
}

func TestClusterTodosNameTheSchoolsStillToEnter(t *testing.T) {
	c := store.Cluster{ID: 4, UnitID: 40, Name: "North"}
	done := &store.CohortState{Frozen: true, Pupils: 3, Snapshots: []store.SnapshotEntry{{Label: "March", Entered: 3}}}
	part := &store.CohortState{Frozen: true, Pupils: 3, Snapshots: []store.SnapshotEntry{{Label: "March", Entered: 2}}}
	none := &store.CohortState{Frozen: true, Pupils: 3}
	open := &store.CohortState{Pupils: 3}
	f := ClusterFacts{Cluster: c, Requests: 2, Schools: map[uint64]*store.CohortState{1: done, 2: part, 3: none, 4: open, 5: nil}}
	today := day("2018-03-10")
	var got []string
	for _, td := range ClusterTodos(y1718, f, WindowOn(&y1718, Schedule(""), today), today) {
		got = append(got, td.Title)
	}
	want := []string{"Decide on 2 schools asking to join North", "North: 2 of 3 schools still to enter the March data"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("ClusterTodos = %q, want %q", got, want)
	}
}

func TestFiguresSuppressSmallShares(t *testing.T) {
	for _, tc := range []struct {
		part, total int
		want        string
	}{{115, 180, "64%"}, {3, 180, "suppressed"}, {178, 180, "suppressed"}, {0, 0, "no data yet"}, {5, 10, "50%"}} {
		if got := shareFigure("x", tc.part, tc.total, "did", "2017-18", "/years/1").Value; got != tc.want {
			t.Errorf("share %d of %d = %s, want %s", tc.part, tc.total, got, tc.want)
		}
	}
}

func TestFiguresOf(t *testing.T) {
	counts := store.YearCounts{Clusters: 2, Schools: 9, Withdrawn: 1, Pupils: 120, Baselines: 8, Workshops: 12, Held: 7,
		Decisions: map[string]int{"scale_up": 3, "continue": 2, "": 4},
		Movement:  store.Movement{GapPupils: 100, GapClosed: 80, AttitudePupils: 6, AttitudeRaised: 3}}
	for _, tc := range []struct {
		name string
		f    YearFacts
		want []string
	}{
		{"a year with data", YearFacts{Year: y1718, YearCounts: counts}, []string{
			"Clusters = 2 (2017-18)",
			"Schools taking part = 9 (2017-18, 2 clusters; 1 withdrew)",
			"Pupils in target cohorts = 120 (2017-18, 8 schools with a baseline)",
			"Pupils closing the gap since the baseline = 80% (80 of 100 pupils closed part of the gap in months, baseline to each school's latest snapshot, 2017-18)",
			"Pupils whose attitude to learning rose = suppressed (2017-18: fewer than 5 pupils either way)",
			"Workshops held = 7 of 12 (2017-18, the six workshops of every cluster)",
			"Strategies trialled = 9 (2017-18: 3 to scale up, 2 to continue, 0 stopped, 4 not decided yet)"}},
		{"a year without trials or data", YearFacts{Year: y1718, YearCounts: store.YearCounts{Clusters: 1}}, []string{
			"Clusters = 1 (2017-18)",
			"Schools taking part = 0 (2017-18, 1 cluster)",
			"Pupils in target cohorts = 0 (2017-18, 0 schools with a baseline)",
			"Pupils closing the gap since the baseline = no data yet (2017-18: no pupil has values at the baseline and a later snapshot)",
			"Pupils whose attitude to learning rose = no data yet (2017-18: no pupil has values at the baseline and a later snapshot)",
			"Workshops held = 0 of 0 (2017-18, the six workshops of every cluster)"}},
	} {
		var got []string
		for _, f := range FiguresOf(tc.f) {
			got = append(got, f.Label+" = "+f.Value+" ("+f.Detail+")")
		}
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%s:\n%s\nwant:\n%s", tc.name, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
		}
	}
}
