package rules

import (
	"testing"
	"time"
)

func TestYearGroupInTheProgrammeYear(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tc := range []struct {
		current int
		today   string
		year    int
		want    int
	}{
		{7, "2026-12-07", 2025, 6},   // a Y7 today was in Y6 in 2025-26: an exam year
		{7, "2026-08-31", 2025, 7},   // still 2025-26 on 31 August
		{7, "2026-09-01", 2025, 6},   // 2026-27 from 1 September
		{3, "2018-01-15", 2017, 3},   // the programme year running
		{-1, "2019-10-01", 2017, -3}, // not yet at school then
		{5, "2017-10-01", 2018, 6},   // a year planned ahead
	} {
		if got := YearGroupIn(tc.current, day(tc.today), tc.year); got != tc.want {
			t.Errorf("Y%d on %s in %d: Y%d, want Y%d", tc.current, tc.today, tc.year, got, tc.want)
		}
	}
}
