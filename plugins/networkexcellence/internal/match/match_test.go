package match

import (
	"slices"
	"strings"
	"testing"
)

func TestSuggest(t *testing.T) {
	needs := []Need{{"oracy", "Oracy", "hub priority"}, {"maths", "Mathematics", "hub priority"}}
	strengths := []Strength{
		{School: 1, Name: "Alder", Hub: 10, AoE: "Talk", Terms: []string{"oracy"}},
		{School: 2, Name: "Birch", Hub: 11, AoE: "Talk too", Terms: []string{"oracy"}},
		{School: 3, Name: "Cedar", Hub: 12, AoE: "Maths and talk", Terms: []string{"oracy", "maths"}},
		{School: 4, Name: "Damson", Hub: 11, AoE: "Science", Terms: []string{"science"}},
		{School: 5, Name: "Elm", Hub: 13, AoE: "Talk three", Terms: []string{"oracy"}, HostsLDD: true},
		{School: 6, Name: "Fir", Hub: 10, AoE: "Own", Terms: []string{"maths"}},
	}
	cases := []struct {
		name    string
		hub     uint64
		exclude map[uint64]bool
		want    []uint64
	}{
		{"outside the hub first, most matched, then LDD hosts, then name", 10, map[uint64]bool{6: true}, []uint64{3, 5, 2, 1}},
		{"no hub: no own hub", 0, nil, []uint64{3, 5, 1, 2, 6}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Suggest(needs, c.hub, strengths, c.exclude)
			var ids []uint64
			for _, g := range got {
				ids = append(ids, g.School)
			}
			if !slices.Equal(ids, c.want) {
				t.Fatalf("%v, want %v", ids, c.want)
			}
			if !strings.Contains(got[0].Reasons[0], "Accredited for “Maths and talk” (Oracy), matching hub priority") {
				t.Fatalf("reason %q", got[0].Reasons[0])
			}
		})
	}
}

func TestTermsOfEBI(t *testing.T) {
	known := map[string]string{"oracy": "Oracy", "literacy": "Literacy", "reading": "Early reading and phonics", "send": "SEND", "maths": "Mathematics", "curriculum_design": "Curriculum design"}
	cases := []struct {
		theme, text string
		want        []string
	}{
		{"literacy", "Develop pupils' vocabulary", []string{"literacy", "reading", "oracy"}},
		{"other", "Develop oracy across subjects.", []string{"oracy"}},
		{"curriculum", "Sequence the mathematics curriculum", []string{"curriculum_design", "maths"}},
		{"other", "Nothing known", nil},
	}
	for _, c := range cases {
		if got := TermsOfEBI(c.theme, c.text, known); !slices.Equal(got, c.want) {
			t.Errorf("%s %q: %v, want %v", c.theme, c.text, got, c.want)
		}
	}
}
