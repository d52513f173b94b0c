package rules

import (
	"reflect"
	"testing"
	"time"
)

func TestParseSchedule(t *testing.T) {
	tests := []struct {
		in      string
		want    []time.Month
		wantErr bool
	}{
		{"October, March, July", DefaultSchedule, false},
		{"oct mar jul", DefaultSchedule, false},
		{"10,3,7", DefaultSchedule, false},
		{"December; April", []time.Month{time.December, time.April}, false},
		{"Oct, October", nil, true},
		{"13", nil, true},
		{"Ma", nil, true}, // too short to tell March from May
		{"Smarch", nil, true},
		{"", nil, true},
	}
	for _, tc := range tests {
		got, err := ParseSchedule(tc.in)
		if (err != nil) != tc.wantErr || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseSchedule(%q) = %v, %v; want %v (error %v)", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestAgeAndGapMonths(t *testing.T) {
	on := time.Date(2017, time.October, 15, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name          string
		y             int
		m             time.Month
		d             int
		ageEquivalent int
		wantAge       int
		wantGap       int
	}{
		{"exactly 8 years", 2009, time.October, 15, 96, 96, 0},
		{"a day short of 8 years", 2009, time.October, 16, 96, 95, 1},
		{"8 years 5 months, number age 7", 2009, time.May, 1, 84, 101, -17},
		{"ahead", 2010, time.January, 31, 100, 92, 8},
		{"born after the day", 2018, time.January, 1, 30, 0, 30},
	}
	for _, tc := range tests {
		if got := AgeMonths(tc.y, tc.m, tc.d, on); got != tc.wantAge {
			t.Errorf("%s: AgeMonths = %d, want %d", tc.name, got, tc.wantAge)
		}
		if got := GapMonths(tc.ageEquivalent, tc.y, tc.m, tc.d, on); got != tc.wantGap {
			t.Errorf("%s: GapMonths = %d, want %d", tc.name, got, tc.wantGap)
		}
	}
}

func TestBornBy(t *testing.T) {
	on := time.Date(2017, time.October, 2, 15, 0, 0, 0, time.UTC)
	if !BornBy(2017, time.October, 2, on) || !BornBy(2009, time.May, 1, on) || BornBy(2017, time.October, 3, on) || BornBy(2018, time.March, 1, on) {
		t.Fatal("BornBy is wrong around the day")
	}
}

func TestCheckDataPoint(t *testing.T) {
	i := func(v int) *int { return &v }
	f := func(v float64) *float64 { return &v }
	fields := func(ps []Problem) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Field)
		}
		return out
	}
	tests := []struct {
		name string
		d    DataPoint
		want []string
	}{
		{"empty is fine (nothing recorded)", DataPoint{}, nil},
		{"complete", DataPoint{Reading: AREBelow, Writing: AREAt, Maths: AREAbove, AgeEquivalent: i(90), Attitude: i(64), Aspiration: i(80), Attendance: f(94.5)}, nil},
		{"bad level", DataPoint{Reading: "way below"}, []string{"reading"}},
		{"age-equivalent too low", DataPoint{AgeEquivalent: i(12)}, []string{"age_equivalent"}},
		{"age-equivalent too high", DataPoint{AgeEquivalent: i(241)}, []string{"age_equivalent"}},
		{"scores out of range", DataPoint{Attitude: i(-1), Aspiration: i(101)}, []string{"attitude", "aspiration"}},
		{"attendance over 100", DataPoint{Attendance: f(100.1)}, []string{"attendance"}},
		{"edges are fine", DataPoint{AgeEquivalent: i(24), Attitude: i(0), Aspiration: i(100), Attendance: f(0)}, nil},
	}
	for _, tc := range tests {
		if got := fields(CheckDataPoint(tc.d)); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: CheckDataPoint = %v, want %v", tc.name, got, tc.want)
		}
	}
	if AREAt.Label() != "At ARE" || ARE("").Label() != "Not assessed" || !ARE("").Valid() {
		t.Fatal("ARE labels")
	}
}
