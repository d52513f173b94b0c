package rules

import "testing"

func TestSurveyTally(t *testing.T) {
	var tl Tally
	for _, v := range []int{5, 4, 4, 3, 2, 1, 5, 0, 6} {
		tl.Add(v)
	}
	if tl.N() != 7 || tl.Agreeing() != 4 || tl.PercentAgree() != 57 {
		t.Fatalf("tally %v: n %d agreeing %d %d%%", tl, tl.N(), tl.Agreeing(), tl.PercentAgree())
	}
	for _, c := range []struct {
		t    Tally
		want int
	}{
		{Tally{}, 0},
		{Tally{0, 0, 0, 1, 0}, 100},
		{Tally{1, 0, 0, 0, 1}, 50},
		// 49 of 50 agree: 98%, as the programme reports "would recommend".
		{Tally{0, 1, 0, 20, 29}, 98},
		// 2 of 3 is 66.67%: rounds to 67.
		{Tally{0, 0, 1, 1, 1}, 67},
		// 1 of 8 is 12.5%: half rounds up.
		{Tally{7, 0, 0, 1, 0}, 13},
	} {
		if got := c.t.PercentAgree(); got != c.want {
			t.Errorf("%v: %d%%, want %d%%", c.t, got, c.want)
		}
	}
	if sum := (Tally{1, 2, 3, 4, 5}).Plus(Tally{1, 1, 1, 1, 1}); sum != (Tally{2, 3, 4, 5, 6}) {
		t.Fatalf("Plus = %v", sum)
	}
	if it, ok := SurveyItemByKey("recommend"); !ok || it.Text != "I would recommend the programme" {
		t.Fatalf("the recommend item: %+v", it)
	}
	if _, ok := SurveyItemByKey("nope"); ok {
		t.Fatal("an unknown item was found")
	}
	seen := map[string]bool{}
	for _, it := range SurveyItems {
		if seen[it.Key] || len(it.Key) > 32 {
			t.Fatalf("item key %q repeats or is too long to store", it.Key)
		}
		seen[it.Key] = true
	}
}
