package jobs

import (
	"testing"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/evidence"
)

func TestHeadlineSuppression(t *testing.T) {
	// The programme's own figures: 45 pupils, 7.46 months closed, 60% below ARE at
	// the baseline (27 of 45) and 26% (12 of 45) by March.
	got := headline(evidence.Impact{Pupils: 45, GapPupils: 45, MeanGapClosed: 7.46, BelowFrom: 27, AssessedFrom: 45, BelowTo: 12, AssessedTo: 45})
	want := "- Target pupils: 45\n- Months of gap closed on average: 7.5 (45 pupils)\n" +
		"- Below age-related expectations at the baseline: 60%; now: 27%\n"
	if got != want {
		t.Fatalf("headline =\n%s\nwant\n%s", got, want)
	}
	got = headline(evidence.Impact{Pupils: 6, GapPupils: 4, MeanGapClosed: 3, BelowFrom: 5, AssessedFrom: 6, BelowTo: 0, AssessedTo: 0})
	want = "- Target pupils: 6\n- Months of gap closed on average: not shown (too few pupils)\n" +
		"- Below age-related expectations at the baseline: not shown (too few pupils); now: no pupil assessed\n"
	if got != want {
		t.Fatalf("headline of a few =\n%s\nwant\n%s", got, want)
	}
}

func TestDayOf(t *testing.T) {
	if d, err := dayOf([]byte(`{"today":"2018-01-15"}`), NewsletterName); err != nil || d.Format("2006-01-02") != "2018-01-15" {
		t.Fatalf("dayOf = %v, %v", d, err)
	}
	for _, bad := range []string{`{"today":"15/01/2018"}`, `not json`} {
		if _, err := dayOf([]byte(bad), NewsletterName); err == nil {
			t.Fatalf("dayOf(%s) took it", bad)
		}
	}
}
