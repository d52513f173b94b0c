package rules

import (
	"math"
	"strings"
	"testing"
)

func TestBands(t *testing.T) {
	bands, err := ParseBands(DefaultBands)
	if err != nil {
		t.Fatal(err)
	}
	for roll, want := range map[int]int{0: 2, 212: 2, 349: 2, 350: 3, 899: 3, 900: 4, 1850: 4} {
		if got := TeamSize(bands, roll); got != want {
			t.Errorf("roll %d: team %d, want %d", roll, got, want)
		}
	}
	for _, c := range []struct{ in, msg string }{
		{"0:2, 300", "band 2: write each band"},
		{"100:2", "band 1: the first band starts at 0"},
		{"0:2, 300:3, 200:4", "band 3: rolls must rise"},
		{"0:0", "band 1: a team has 1 to 8"},
		{"0:9", "band 1: a team has 1 to 8"},
		{"", "band 1: write each band"},
	} {
		if _, err := ParseBands(c.in); err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("ParseBands(%q) = %v, want %q", c.in, err, c.msg)
		}
	}
}

func TestWhoReadsAReportInEachState(t *testing.T) {
	team, host, central, reader, other := Viewer{Team: true}, Viewer{Host: true}, Viewer{Central: true}, Viewer{Reader: true}, Viewer{}
	cases := []struct {
		state string
		v     Viewer
		want  bool
	}{
		{Draft, team, true}, {Draft, host, false}, {Draft, central, false}, {Draft, reader, false},
		{Submitted, team, true}, {Submitted, host, true}, {Submitted, central, true}, {Submitted, reader, false},
		{Agreed, reader, true}, {Agreed, host, true}, {Published, reader, true}, {Published, central, true},
		{Published, other, false}, {Agreed, other, false}, {"", host, false},
	}
	for _, c := range cases {
		if got := CanRead(c.state, c.v); got != c.want {
			t.Errorf("CanRead(%s, %+v) = %v, want %v", c.state, c.v, got, c.want)
		}
	}
}

func TestReportTransitions(t *testing.T) {
	cases := []struct {
		state, act, want, msg string
	}{
		{Draft, ActSubmit, Submitted, ""},
		{Draft, ActEdit, Draft, ""},
		{Submitted, ActAgree, Agreed, ""},
		{Submitted, ActReturn, Draft, ""},
		{Agreed, ActPublish, Published, ""},
		{Submitted, ActEdit, "", "only a draft can be changed"},
		{Draft, ActAgree, "", "only a report submitted to the host"},
		{Draft, ActPublish, "", "only a report the host has agreed"},
		{Published, ActSubmit, "", "published already"},
		{Published, ActReturn, "", "this one is published"},
	}
	for _, c := range cases {
		got, err := Next(c.state, c.act)
		if got != c.want || (c.msg == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.msg)) {
			t.Errorf("Next(%s, %s) = %q, %v; want %q, %q", c.state, c.act, got, err, c.want, c.msg)
		}
	}
}

func TestCheckSubmit(t *testing.T) {
	cases := []struct {
		name  string
		d     DraftCounts
		rules []string
		msg   string
	}{
		{"complete", DraftCounts{WWW: 2, EBI: 1, CarriedForward: 2, Judged: 2, Summary: true}, nil, ""},
		{"empty", DraftCounts{}, []string{"summary", "www", "ebi"}, "Add at least one What Went Well"},
		{"two EBIs unjudged", DraftCounts{WWW: 1, EBI: 1, CarriedForward: 3, Judged: 1, Summary: true}, []string{"progress"}, "2 more of last year's"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			vs := CheckSubmit(c.d)
			var got []string
			all := ""
			for _, v := range vs {
				got = append(got, v.Rule)
				all += v.Message + "; "
			}
			if strings.Join(got, ",") != strings.Join(c.rules, ",") || !strings.Contains(all, c.msg) {
				t.Fatalf("CheckSubmit = %v (%s), want %v with %q", got, all, c.rules, c.msg)
			}
		})
	}
}

// The partnership's published figures: 4.7/5 overall, 9.2/10 from host heads.
func TestFeedbackFigures(t *testing.T) {
	cases := []struct {
		scores []int
		max    int
		want   string
		n      int
	}{
		{[]int{5, 5, 4, 5, 5, 4, 5, 5, 5, 4}, 5, "4.7/5", 10},
		{[]int{9, 10, 9, 9, 9}, 10, "9.2/10", 5},
		{[]int{4, 5}, 5, "4.5/5", 2}, // 4.5 stays 4.5
		{[]int{1, 2, 2}, 10, "1.7/10", 3},
		{nil, 5, "—", 0},
	}
	for _, c := range cases {
		f := Score(c.scores, c.max)
		if f.String() != c.want || f.N != c.n {
			t.Errorf("Score(%v) = %s n=%d, want %s n=%d", c.scores, f, f.N, c.want, c.n)
		}
	}
	if !math.IsNaN(Score(nil, 5).Mean) {
		t.Fatal("no scores must have no mean")
	}
	if e := CheckScores(0, 11); e["overall"] == "" || e["cpd"] == "" {
		t.Fatalf("out of range: %v", e)
	}
	if e := CheckScores(5, 10); len(e) != 0 {
		t.Fatalf("in range: %v", e)
	}
}

func TestReciprocity(t *testing.T) {
	// School 1 hosts a 2-day review with a lead (outside) and 3 team seats:
	// 6 days received. Its two reviewers sit at 2-day reviews of schools 2
	// and 3: 4 days given, not met. School 2 hosts a 2-day review with 2
	// team seats (4 days) and gave 2 days... plus one more 2-day seat: met.
	seats := []SeatDays{
		{Host: 1, ReviewerSchool: 0, Lead: true, Days: 2},
		{Host: 1, ReviewerSchool: 2, Days: 2}, {Host: 1, ReviewerSchool: 2, Days: 2}, {Host: 1, ReviewerSchool: 3, Days: 2},
		{Host: 2, ReviewerSchool: 1, Days: 2}, {Host: 2, ReviewerSchool: 3, Days: 2},
		{Host: 3, ReviewerSchool: 1, Days: 2, Lead: true},
	}
	rs := CountReciprocity(seats)
	want := []Reciprocity{{1, 6, 4}, {2, 4, 4}, {3, 0, 4}}
	if len(rs) != len(want) {
		t.Fatalf("%+v", rs)
	}
	for i := range want {
		if rs[i] != want[i] {
			t.Errorf("school %d: %+v, want %+v", want[i].School, rs[i], want[i])
		}
	}
	if rs[0].Met() || !rs[1].Met() || rs[0].Owed() != 2 || rs[2].Credit() != 4 {
		t.Fatalf("met/owed/credit wrong: %+v", rs)
	}
	// School 3 hosted nothing: it does not count. 1 of 2 hosts met it.
	share, hosted := ShareMet(rs)
	if hosted != 2 || Percent(share) != "50%" {
		t.Fatalf("share %v of %d", share, hosted)
	}
	// 60% as in 2016-17: 3 of 5.
	five := []Reciprocity{{1, 4, 4}, {2, 4, 6}, {3, 4, 8}, {4, 4, 0}, {5, 6, 2}}
	if s, n := ShareMet(five); Percent(s) != "60%" || n != 5 {
		t.Fatalf("share %v of %d", s, n)
	}
	if s, n := ShareMet(nil); Percent(s) != "—" || n != 0 {
		t.Fatal("no hosts")
	}
}

func TestCreditsAddUpToThePool(t *testing.T) {
	cases := []struct {
		name  string
		pool  int64
		rolls []int
		want  []int64
	}{
		{"even", 900, []int{100, 200, 300}, []int64{150, 300, 450}},
		{"remainders go to the largest", 100, []int{1, 1, 1}, []int64{34, 33, 33}},
		{"a school without a roll gets nothing", 1000, []int{0, 250, 750}, []int64{0, 250, 750}},
		{"no pupils at all", 1000, []int{0, 0}, []int64{0, 0}},
		{"no pool", 0, []int{10}, []int64{0}},
		{"largest remainder wins the penny", 10, []int{2, 3, 4}, []int64{2, 3, 5}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Credits(c.pool, c.rolls)
			var sum int64
			for i := range got {
				sum += got[i]
				if got[i] != c.want[i] {
					t.Fatalf("Credits(%d, %v) = %v, want %v", c.pool, c.rolls, got, c.want)
				}
			}
			if c.want[0]+sum > 0 && sum != c.pool && c.name != "no pupils at all" {
				t.Fatalf("credits add up to %d, not %d", sum, c.pool)
			}
		})
	}
}

func TestWeights(t *testing.T) {
	w, err := ParseWeights(DefaultWeights)
	if err != nil || w != (Weights{Travel: 1, Load: 4, Reciprocity: 2, Prior: 10}) {
		t.Fatalf("%+v %v", w, err)
	}
	if w, err := ParseWeights(" prior=3 "); err != nil || w != (Weights{Prior: 3}) {
		t.Fatalf("%+v %v", w, err)
	}
	for in, msg := range map[string]string{"travel=x": "name=number", "speed=1": "travel, load", "load=1,load=2": "weighed twice", "prior=-1": "0 to 1000"} {
		if _, err := ParseWeights(in); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("ParseWeights(%q) = %v, want %q", in, err, msg)
		}
	}
}
