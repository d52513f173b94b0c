package taxonomy

import "testing"

func TestKeys(t *testing.T) {
	for _, c := range []struct {
		label, key string
		valid      bool
	}{
		{"Middle leadership", "middle_leadership", true},
		{"  SEND & inclusion ", "send_inclusion", true},
		{"Oracy", "oracy", true},
		{"1st year", "1st_year", false},
		{"é", "", false},
		{"X", "x", false},
	} {
		if k := KeyOf(c.label); k != c.key || ValidKey(k) != c.valid {
			t.Errorf("%q: %q valid %v", c.label, k, ValidKey(k))
		}
	}
}

func TestDefaultIsWellFormed(t *testing.T) {
	seen := map[string]bool{}
	for _, term := range Default {
		if !ValidKey(term.Key) || !ValidKind(term.Kind) || term.Label == "" || seen[term.Key] {
			t.Errorf("bad term %+v", term)
		}
		seen[term.Key] = true
	}
	for _, must := range []string{"maths", "assessment", "curriculum_design", "literacy", "send", "oracy", "middle_leadership"} {
		if !seen[must] {
			t.Errorf("the default taxonomy lacks %s", must)
		}
	}
}
