package directory

import (
	"fmt"
	"testing"
)

func entries() []Entry {
	return []Entry{
		{SchoolID: 1, Name: "Alder Primary", Town: "Leeds", Region: "Yorkshire", Phase: "primary", HubID: 10, Hub: "North Hub", Ofsted: "outstanding", HostsLDD: true,
			AoEs: []AoE{{Title: "Talk for learning", Description: "Structured talk in every lesson", Terms: []string{"oracy"}, TermLabels: []string{"Oracy"}}}},
		{SchoolID: 2, Name: "Oracy Lane School", Town: "York", Region: "Yorkshire", Phase: "secondary", HubID: 10, Hub: "North Hub", Ofsted: "good"},
		{SchoolID: 3, Name: "Birch Academy", Town: "Bristol", Region: "South West", Phase: "primary", HubID: 11, Hub: "West Hub", Ofsted: "good",
			AoEs: []AoE{{Title: "Maths mastery", Description: "Reasoning and oracy in maths", Terms: []string{"maths"}, TermLabels: []string{"Mathematics"}}}},
		{SchoolID: 4, Name: "Cedar School", Town: "Leeds", Region: "Yorkshire", Phase: "primary", HubID: 11, Hub: "West Hub", Ofsted: "good"},
	}
}

func ids(rs []Result) string {
	s := ""
	for _, r := range rs {
		s += fmt.Sprint(r.Entry.SchoolID)
	}
	return s
}

func TestSearch(t *testing.T) {
	ix := NewIndex(entries())
	cases := []struct {
		name, q string
		f       Filters
		want    string
		why     string
	}{
		{"an accredited term ranks above a name, above a description", "oracy", Filters{}, "123", "Area of Excellence: Talk for learning"},
		{"a prefix finds the word", "ORAC", Filters{}, "123", ""},
		{"every word must be found", "oracy leeds", Filters{}, "1", ""},
		{"town", "leeds", Filters{}, "14", "town: Leeds"},
		{"empty text lists by name", "", Filters{}, "1342", ""},
		{"phase and hub", "", Filters{Phase: "primary", HubID: 11}, "34", ""},
		{"taxonomy term", "", Filters{Term: "oracy"}, "1", ""},
		{"hosts LDDs", "", Filters{HostsLDD: true}, "1", ""},
		{"region and grade", "", Filters{Region: "Yorkshire", Ofsted: "good"}, "42", ""},
		{"nothing", "zebra", Filters{}, "", ""},
		{"hub name", "west", Filters{}, "34", "hub: West Hub"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rs := ix.Search(c.q, c.f)
			if got := ids(rs); got != c.want {
				t.Fatalf("ids %s, want %s", got, c.want)
			}
			if c.why != "" && rs[0].Why != c.why {
				t.Fatalf("why %q, want %q", rs[0].Why, c.why)
			}
		})
	}
}

// Generated is n schools, the first aoes of them with an AoE each, for
// benchmarks: the partnership's size is 550 schools and 300 AoEs.
func Generated(n, aoes int) []Entry {
	terms := []string{"oracy", "maths", "literacy", "send", "assessment", "curriculum"}
	towns := []string{"Leeds", "York", "Bristol", "Luton", "Derby", "Hull", "Bath"}
	phases := []string{"primary", "secondary", "special"}
	es := make([]Entry, n)
	for i := range es {
		es[i] = Entry{SchoolID: uint64(i + 1), Name: fmt.Sprintf("School %d %s", i, towns[i%7]), Town: towns[i%7], Region: fmt.Sprint("R", i%9),
			Phase: phases[i%3], HubID: uint64(i%31 + 1), Hub: fmt.Sprint("Hub ", i%31), Ofsted: []string{"outstanding", "good"}[i%2], HostsLDD: i%20 == 0}
		if i < aoes {
			t := terms[i%len(terms)]
			es[i].AoEs = []AoE{{Title: "Excellent " + t, Description: "We show our approach to " + t + " and curriculum design across the school", Terms: []string{t}, TermLabels: []string{t}}}
		}
	}
	return es
}

func TestGeneratedSizes(t *testing.T) {
	ix := NewIndex(Generated(550, 300))
	if rs := ix.Search("oracy", Filters{Phase: "primary", Ofsted: "outstanding"}); len(rs) == 0 {
		t.Fatal("no results")
	}
}

// BenchmarkSearch: two filters and a word over 550 schools and 300 AoEs.
func BenchmarkSearch(b *testing.B) {
	ix := NewIndex(Generated(550, 300))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = ix.Search("oracy", Filters{Phase: "primary", Ofsted: "outstanding"})
	}
}
