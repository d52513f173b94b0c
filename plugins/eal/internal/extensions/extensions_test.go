package extensions

import (
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
	"github.com/challengepartners/upwards/plugins/eal/internal/store"
)

func ptr[T any](v T) *T { return &v }

// world is a trial of two centres and five schools: S1 (intervention)
// and S2 (control) revealed in wave 1 at centre 1, S3 in wave 2 allocated
// but not revealed, S4 ready, S5 not eligible; two delegates at S1 and
// one at S2; the centre's three days dated.
func world(wave2 string) *Trial {
	at := time.Date(2017, 7, 3, 9, 0, 0, 0, time.UTC)
	w1 := store.Wave{ID: 1, Number: 1, State: store.WaveRevealed, AllocatedAt: &at, RevealedAt: &at}
	w2 := store.Wave{ID: 2, Number: 2, State: wave2}
	if wave2 == store.WaveAllocated || wave2 == store.WaveRevealed {
		w2.AllocatedAt = &at
	}
	if wave2 == store.WaveRevealed {
		w2.RevealedAt = &at
	}
	yes, no := ptr(true), ptr(false)
	t := &Trial{
		Trial: store.Trial{ID: 7, Name: "EAL 2017", RecruitmentOn: "2017-01-09", BaselineOn: "2017-04-24", RandomisationOn: "2017-07-03",
			DeliveryOn: "2017-09-04", FollowUpOn: "2018-07-02", OutcomesOn: "2019-08-22"},
		Schools: []store.TrialSchool{
			{ID: 1, SchoolID: 101, CentreID: 1, Code: "S001", Eligible: yes, AgreementOn: "2017-03-01", WaveID: ptr(uint64(1)), Arm: store.ArmIntervention},
			{ID: 2, SchoolID: 102, CentreID: 1, Code: "S002", Eligible: yes, AgreementOn: "2017-03-01", WaveID: ptr(uint64(1)), Arm: store.ArmControl},
			{ID: 3, SchoolID: 103, CentreID: 2, Code: "S003", Eligible: yes, AgreementOn: "2017-03-01", WaveID: ptr(uint64(2))},
			{ID: 4, SchoolID: 104, CentreID: 2, Code: "S004", Eligible: yes, AgreementOn: "2017-03-01"},
			{ID: 5, SchoolID: 105, CentreID: 2, Code: "S005", Eligible: no, IneligibleReasons: "Fewer than 10% of pupils have EAL\nOther"},
		},
		Waves:     map[uint64]store.Wave{1: w1, 2: w2},
		Centres:   map[uint64]store.Centre{1: {ID: 1, UnitID: 20, Name: "North Delivery Centre"}, 2: {ID: 2, UnitID: 21, Name: "South Delivery Centre"}},
		Days:      map[uint64][]store.CentreDay{1: {{CentreID: 1, Day: 1, HeldOn: "2017-10-02"}, {CentreID: 1, Day: 2, HeldOn: "2017-11-06"}, {CentreID: 1, Day: 3, HeldOn: "2018-01-08"}}},
		Delegates: []store.Delegate{{ID: 1, TrialSchoolID: 1, PersonID: 501}, {ID: 2, TrialSchoolID: 1, PersonID: 502}, {ID: 3, TrialSchoolID: 2, PersonID: 503}},
		Attendance: []store.Attendance{{DelegateID: 1, Day: 1, Present: true}, {DelegateID: 2, Day: 1, Present: false},
			{DelegateID: 1, Day: 2, Present: true}, {DelegateID: 1, Day: 3, Present: true}},
		Counts: map[uint64]store.SchoolCount{
			1: {Pupils: 7, Objected: 1, Scored: map[rules.Point]int{rules.PointBaseline: 6, rules.PointPost: 6}},
			2: {Pupils: 6, Scored: map[rules.Point]int{rules.PointBaseline: 6, rules.PointPost: 4}},
			3: {Pupils: 6, Scored: map[rules.Point]int{rules.PointBaseline: 6}},
			4: {Pupils: 6, Scored: map[rules.Point]int{rules.PointBaseline: 6}},
			5: {Scored: map[rules.Point]int{}},
		},
	}
	if wave2 != store.WaveAllocated && wave2 != store.WaveRevealed {
		t.Schools[2].Arm = ""
	} else {
		t.Schools[2].Arm = store.ArmControl
	}
	return t
}

func texts(lines []sdk.PanelLine) string {
	var b []string
	for _, l := range lines {
		s := l.Text
		if l.Attention {
			s = "!" + s
		}
		b = append(b, s)
	}
	return strings.Join(b, " | ")
}

func TestThePanelTellsAnArmOnlyOnceItsWaveIsRevealed(t *testing.T) {
	for _, tc := range []struct {
		name, wave2, today string
		school             int
		want               string
	}{
		{"intervention during the course", store.WaveRevealed, "2017-10-10", 0,
			"Intervention school (wave 1), delegates 1/2 trained | Next course day: day 2 on Mon 6 Nov 2017 at North Delivery Centre | Post-test: all 6 pupils scored"},
		{"intervention on a course day", store.WaveRevealed, "2017-11-06", 0,
			"Intervention school (wave 1), delegates 1/2 trained | Next course day: day 2 today at North Delivery Centre | Post-test: all 6 pupils scored"},
		{"intervention after the course", store.WaveRevealed, "2018-07-02", 0,
			"Intervention school (wave 1), delegates 1/2 trained | Post-test: all 6 pupils scored | Follow-up: 0 of 6 pupils scored, due by Thu 22 Aug 2019"},
		{"control, post-test overdue", store.WaveRevealed, "2018-07-03", 1,
			"!Control school (wave 1): outcomes due by Mon 2 Jul 2018 | 1 delegate named for the course | !Post-test: 4 of 6 pupils scored, due by Mon 2 Jul 2018 | Follow-up: 0 of 6 pupils scored, due by Thu 22 Aug 2019"},
		{"control before the post-test opens", store.WaveRevealed, "2017-08-01", 1,
			"Control school (wave 1): carries on as usual, offered the course after the trial | 1 delegate named for the course"},
		{"allocated, not revealed", store.WaveAllocated, "2017-08-01", 2,
			"Randomised in wave 2: its allocation is told once the wave is revealed"},
		{"frozen", store.WaveFrozen, "2017-08-01", 2, "In wave 2's frozen list, to be randomised"},
		{"ready", store.WaveFrozen, "2017-08-01", 3, "Ready to be randomised in the next wave | No delegate named yet"},
		{"not eligible", store.WaveFrozen, "2017-08-01", 4, "Not eligible: Fewer than 10% of pupils have EAL | No delegate named yet"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := world(tc.wave2)
			if got := texts(Panel(w, w.Schools[tc.school], tc.today, "")); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
	// Before its wave is revealed, nothing in a panel depends on the arm:
	// the intervention school of an unrevealed wave reads like the control.
	w := world(store.WaveAllocated)
	w.Waves[1] = store.Wave{ID: 1, Number: 1, State: store.WaveAllocated, AllocatedAt: w.Waves[2].AllocatedAt}
	a, b := texts(Panel(w, w.Schools[0], "2017-10-10", "")), texts(Panel(w, w.Schools[1], "2017-10-10", ""))
	if strings.Contains(a+b, "ntervention") || strings.Contains(a+b, "ontrol") || strings.Contains(a, "course day") {
		t.Fatalf("an unrevealed wave's arms show:\n%s\n%s", a, b)
	}
	// A school withdrawn says so, and no more is asked of it.
	w = world(store.WaveRevealed)
	w.Schools[1].WithdrawnOn, w.Schools[1].WithdrawnStage = "2018-05-14", string(rules.FollowUp)
	if got := texts(Panel(w, w.Schools[1], "2018-07-03", "")); got != "Control school (wave 1) | Withdrew from the trial on Mon 14 May 2018 (follow-up)" {
		t.Fatalf("withdrawn: %s", got)
	}
}

func TestToDosForEachRole(t *testing.T) {
	w := world(store.WaveAllocated)
	titles := func(ts []sdk.Todo) string {
		var b []string
		for _, x := range ts {
			s := x.Title
			if !x.Due.IsZero() {
				s += " @" + x.Due.Format(time.DateOnly)
			}
			b = append(b, s)
		}
		return strings.Join(b, " | ")
	}
	for _, tc := range []struct {
		name string
		got  []sdk.Todo
		want string
	}{
		{"delegate before answering", DelegateTodos(w, w.Delegates[2], map[string]bool{}, "2017-09-01"),
			"Answer your self-assessment before the course @2017-10-02"},
		{"delegate during the course", DelegateTodos(w, w.Delegates[2], map[string]bool{"pre": true}, "2017-12-01"), ""},
		{"delegate after the course", DelegateTodos(w, w.Delegates[2], map[string]bool{"pre": true}, "2018-01-08"),
			"Answer your self-assessment after the course @2018-07-02"},
		{"delegate done", DelegateTodos(w, w.Delegates[2], map[string]bool{"pre": true, "post": true}, "2018-01-08"), ""},
		{"centre lead, day 1 held", CentreTodos(w, w.Centres[1], "2017-10-02"), ""},
		{"centre lead, day 2 held", CentreTodos(w, w.Centres[1], "2017-11-06"),
			"Record day 2's attendance at North Delivery Centre (held Mon 6 Nov 2017): 1 delegate not recorded @2017-11-06"},
		{"centre lead of undated days", CentreTodos(w, w.Centres[2], "2017-08-01"), "Date the 3 course days at South Delivery Centre @2017-09-04"},
		{"facilitator", FacilitatorTodos(w, w.Centres[1], store.Facilitator{ID: 9, CentreID: 1}, "2017-11-06"),
			"Log day 1 at North Delivery Centre (held Mon 2 Oct 2017) and its fidelity @2017-10-02 | Log day 2 at North Delivery Centre (held Mon 6 Nov 2017) and its fidelity @2017-11-06"},
		{"facilitator at a centre with nobody booked", FacilitatorTodos(w, w.Centres[2], store.Facilitator{ID: 9, CentreID: 2}, "2017-11-06"), ""},
		{"school staff, post-test", PupilTodos(w, w.Schools[1], "2018-07-03"),
			"Enter the post-test scores of the school's EAL pupils (4 of 6 done) @2018-07-02 | Enter the follow-up scores of the school's EAL pupils (0 of 6 done) @2019-08-22"},
		{"school staff, complete", PupilTodos(w, w.Schools[0], "2018-01-01"), ""},
		{"trial manager", ManagerTodos(w, "2017-10-01"),
			"Wave 2 of the randomisation is allocated: reveal its seed | Collect the post-test scores: 1 of 3 schools complete (10 of 18 pupils) @2018-07-02"},
	} {
		if got := titles(tc.got); got != tc.want {
			t.Errorf("%s:\ngot  %s\nwant %s", tc.name, got, tc.want)
		}
	}
	// The links: each to the page where it is done.
	if l := PupilTodos(w, w.Schools[1], "2018-07-03")[0].Link; l != "/trials/7/schools/102/pupils?point=post" {
		t.Errorf("pupil to-do link %s", l)
	}
	if l := CentreTodos(w, w.Centres[1], "2017-11-06")[0].Link; l != "/trials/7/centres/20" {
		t.Errorf("centre to-do link %s", l)
	}
	// Before the attendance's wave is revealed, nobody is booked: no
	// attendance to record that would tell the arm.
	w.Waves[1] = store.Wave{ID: 1, Number: 1, State: store.WaveAllocated, AllocatedAt: w.Waves[2].AllocatedAt}
	if got := titles(CentreTodos(w, w.Centres[1], "2017-11-06")); got != "" {
		t.Errorf("attendance before the reveal: %s", got)
	}
	// The next wave, when none is open.
	w = world(store.WaveRevealed)
	if got := titles(ManagerTodos(w, "2017-08-01")); got != "Randomise wave 3: 1 school ready" {
		t.Errorf("next wave: %s", got)
	}
	// Sorted: due soonest first, undated last, at most 50.
	var many []sdk.Todo
	for i := 0; i < 60; i++ {
		many = append(many, sdk.Todo{Title: "x", Due: time.Date(2017, 1, 60-i, 0, 0, 0, 0, time.UTC)})
	}
	many = append([]sdk.Todo{{Title: "undated"}}, many...)
	s := Sorted(many)
	if len(s) != 50 || s[0].Due.Day() != 1 || s[0].Due.Month() != 1 || s[49].Title != "x" {
		t.Errorf("sorted: %d, first %v, last %v", len(s), s[0].Due, s[49])
	}
}

func TestFiguresCountTheRevealedArmsOnly(t *testing.T) {
	figs := func(w *Trial, today string) string {
		var b []string
		for _, f := range BuildFigures(w, today) {
			b = append(b, f.Label+"="+f.Value+" ("+f.Detail+")")
		}
		return strings.Join(b, " | ")
	}
	got := figs(world(store.WaveAllocated), "2017-10-01")
	want := "Schools recruited=5 (EAL 2017: 4 eligible, 4 with the agreement signed) | " +
		"Schools randomised=3 (1 intervention, 1 control; 1 in a wave not yet revealed; 1 ready for the next wave) | " +
		"Delegates trained=1 of 2 (Intervention schools' delegates who attended all 3 course days) | " +
		"Course attendance=75% (3 of 4 delegate-days recorded) | " +
		"Post-test scores collected=10 of 18 (56% of the randomised schools' EAL pupils still in the trial; due by Mon 2 Jul 2018)"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	// Before any reveal: no arm, no training, no attendance.
	w := world(store.WaveFrozen)
	w.Waves[1] = store.Wave{ID: 1, Number: 1, State: store.WaveAllocated, AllocatedAt: w.Waves[1].AllocatedAt}
	got = figs(w, "2017-08-01")
	if want := "Schools recruited=5 (EAL 2017: 4 eligible, 4 with the agreement signed) | Schools randomised=2 (2 in a wave not yet revealed; 1 ready for the next wave)"; got != want {
		t.Errorf("before the reveal:\ngot  %s\nwant %s", got, want)
	}
}

func TestWords(t *testing.T) {
	for _, c := range [][2]string{
		{plural(1, "pupil", "pupils"), "1 pupil"}, {plural(0, "pupil", "pupils"), "0 pupils"}, {plural(1240, "pupil", "pupils"), "1,240 pupils"},
		{thousands(999), "999"}, {thousands(1000000), "1,000,000"}, {percent(2, 3), "67%"}, {percent(1, 0), "—"}, {percent(1, 8), "13%"},
		{day("2025-09-28"), "Sun 28 Sep 2025"}, {capital("post-test"), "Post-test"},
	} {
		if c[0] != c[1] {
			t.Errorf("%q, want %q", c[0], c[1])
		}
	}
}

// TestMayHavePupilTodosHoldsWheneverPupilTodosGive: Todos asks the Host
// only about the schools MayHavePupilTodos names, so it must name every
// school PupilTodos gives a to-do, whatever the counts, on every day of
// the trial.
func TestMayHavePupilTodosHoldsWheneverPupilTodosGive(t *testing.T) {
	for _, wave2 := range []string{store.WaveFrozen, store.WaveAllocated, store.WaveRevealed} {
		w := world(wave2)
		w.Schools[1].WithdrawnOn, w.Schools[1].WithdrawnStage = "2018-05-14", string(rules.FollowUp)
		given := 0
		for d := time.Date(2017, 1, 1, 0, 0, 0, 0, time.UTC); d.Year() < 2020; d = d.AddDate(0, 0, 7) {
			day := d.Format(time.DateOnly)
			for _, ts := range w.Schools {
				may := MayHavePupilTodos(w, ts, day)
				if len(PupilTodos(w, ts, day)) > 0 {
					given++
					if !may {
						t.Fatalf("wave 2 %s, %s, %s: PupilTodos gives a to-do, MayHavePupilTodos says none", wave2, day, ts.Code)
					}
				}
				if ts.Withdrawn() && may {
					t.Fatalf("%s: a withdrawn school may have to-dos", day)
				}
			}
		}
		if given == 0 {
			t.Fatalf("wave 2 %s: no to-do given on any day", wave2)
		}
	}
}
