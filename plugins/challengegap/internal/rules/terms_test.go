package rules

import (
	"testing"
	"time"
)

func TestTermOf(t *testing.T) {
	for _, c := range []struct {
		day, end string
		term     Term
	}{
		{"2017-09-01", "2017-12-31", TermAutumn},
		{"2017-12-31", "2017-12-31", TermAutumn},
		{"2018-01-01", "2018-03-31", TermSpring},
		{"2018-03-31", "2018-03-31", TermSpring},
		{"2018-04-01", "2018-08-31", TermSummer},
		{"2018-08-31", "2018-08-31", TermSummer},
	} {
		d, _ := ParseDate(c.day)
		term, end := TermOf(d)
		if term != c.term || end.Format(time.DateOnly) != c.end {
			t.Errorf("TermOf(%s) = %s, %s; want %s, %s", c.day, term, end.Format(time.DateOnly), c.term, c.end)
		}
	}
	if TermSpring.Label() != "Spring" {
		t.Fatal(TermSpring.Label())
	}
}
