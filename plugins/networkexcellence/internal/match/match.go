// Package match answers "who can help us with this?": from a hub's
// priorities or a school's last Even Better Ifs, as taxonomy terms, it
// suggests schools with an accredited Area of Excellence in a matching
// term, schools outside the asker's own hub first, each with the reason.
// It is pure.
package match

import (
	"sort"
	"strings"
)

// Need is something the asker wants help with: a taxonomy term and where
// the need comes from ("hub priority", "EBI: …").
type Need struct {
	Term, TermLabel string
	From            string
}

// Strength is an accredited AoE of a school.
type Strength struct {
	School   uint64
	Name     string
	Hub      uint64
	HubName  string
	AoE      string
	Terms    []string
	HostsLDD bool
}

// Suggestion is a school that can help, and why.
type Suggestion struct {
	School   uint64
	Name     string
	HubName  string
	OwnHub   bool
	Matched  int // how many of the needs it matches
	Reasons  []string
	HostsLDD bool
}

// Suggest ranks the schools whose strengths match the needs: outside the
// asker's hub (askerHub) before inside it; then by the number of needs
// matched, then schools hosting LDDs, then by name. The asker's own
// schools (exclude) are never suggested.
func Suggest(needs []Need, askerHub uint64, strengths []Strength, exclude map[uint64]bool) []Suggestion {
	by := map[uint64]*Suggestion{}
	type pair struct {
		term   string
		school uint64
	}
	seen := map[pair]bool{}
	for _, s := range strengths {
		if exclude[s.School] {
			continue
		}
		for _, n := range needs {
			if !contains(s.Terms, n.Term) {
				continue
			}
			g := by[s.School]
			if g == nil {
				g = &Suggestion{School: s.School, Name: s.Name, HubName: s.HubName, OwnHub: askerHub != 0 && s.Hub == askerHub, HostsLDD: s.HostsLDD}
				by[s.School] = g
			}
			key := pair{n.Term, s.School}
			if !seen[key] {
				seen[key] = true
				g.Matched++
			}
			g.Reasons = append(g.Reasons, "Accredited for “"+s.AoE+"” ("+n.TermLabel+"), matching "+n.From)
		}
	}
	out := make([]Suggestion, 0, len(by))
	for _, g := range by {
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.OwnHub != b.OwnHub:
			return !a.OwnHub
		case a.Matched != b.Matched:
			return a.Matched > b.Matched
		case a.HostsLDD != b.HostsLDD:
			return a.HostsLDD
		case a.Name != b.Name:
			return a.Name < b.Name
		}
		return a.School < b.School
	})
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// themeTerms are the taxonomy terms a report theme (rules.Themes) points to.
var themeTerms = map[string][]string{
	"leadership": {"middle_leadership"}, "teaching": {"cpd", "feedback"}, "curriculum": {"curriculum_design"},
	"assessment": {"assessment", "feedback"}, "behaviour": {"behaviour", "attendance"}, "personal": {"wellbeing"},
	"send": {"send"}, "disadvantaged": {"disadvantaged"}, "literacy": {"literacy", "reading", "oracy"},
	"early_years": {"early_years"}, "sixth_form": {"sixth_form"},
}

// TermsOfEBI are the taxonomy terms an EBI points to: those of its theme,
// and any term whose label or key is a word of its text ("oracy").
// known maps each term key the tenant has to its label.
func TermsOfEBI(theme, text string, known map[string]string) []string {
	var out []string
	add := func(k string) {
		if _, ok := known[k]; ok && !contains(out, k) {
			out = append(out, k)
		}
	}
	for _, k := range themeTerms[theme] {
		add(k)
	}
	lower := " " + strings.ToLower(text) + " "
	keys := make([]string, 0, len(known))
	for k := range known {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		label := strings.ToLower(known[k])
		if strings.Contains(lower, " "+label+" ") || strings.Contains(lower, " "+label+",") || strings.Contains(lower, " "+label+".") ||
			strings.Contains(lower, " "+strings.ReplaceAll(k, "_", " ")+" ") {
			add(k)
		}
	}
	return out
}
