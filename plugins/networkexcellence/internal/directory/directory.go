// Package directory is the School Support Directory's search: free text
// over schools' names, towns and Areas of Excellence, filters (phase, hub,
// region, Ofsted grade, taxonomy term, hosts LDDs), and a ranking that puts
// what a school is accredited for ahead of what merely mentions the words.
// It is pure: the store loads the entries, Search ranks them.
package directory

import (
	"sort"
	"strings"
	"unicode"
)

// AoE is an accredited Area of Excellence as the search sees it.
type AoE struct {
	Title, Description string
	Terms              []string // taxonomy term keys
	TermLabels         []string
}

// Entry is one school of the partnership with what the search reads.
type Entry struct {
	SchoolID uint64
	Name     string
	Town     string
	Region   string
	Phase    string
	HubID    uint64
	Hub      string
	Ofsted   string
	HostsLDD bool
	AoEs     []AoE
}

// Filters narrow a search; zero values do not filter.
type Filters struct {
	Phase    string
	HubID    uint64
	Region   string
	Ofsted   string
	Term     string // a taxonomy term key: the school has an accredited AoE tagged with it
	HostsLDD bool
}

// Result is a matching entry, its score and why it matched.
type Result struct {
	Entry *Entry
	Score int
	Why   string
}

// Weights of where a word is found: an AoE's taxonomy term or title counts
// most (what the school is accredited for), then the school's name, its
// town, an AoE's description, the hub.
const (
	wTerm  = 8
	wTitle = 6
	wName  = 5
	wTown  = 3
	wDesc  = 2
	wHub   = 1
)

// Words splits free text into lower-case words of letters and digits.
func Words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// has reports whether a word of text starts with w (so "orac" finds "oracy").
func has(text []string, w string) bool {
	for _, t := range text {
		if strings.HasPrefix(t, w) {
			return true
		}
	}
	return false
}

// Index is the entries with their words split once, for repeated searches.
type Index struct {
	entries []Entry
	words   []entryWords
}

type entryWords struct {
	name, town, hub []string
	aoes            []aoeWords
}

type aoeWords struct{ terms, title, desc []string }

// NewIndex splits every entry's words.
func NewIndex(es []Entry) *Index {
	ix := &Index{entries: es, words: make([]entryWords, len(es))}
	for i := range es {
		e := &es[i]
		w := entryWords{name: Words(e.Name), town: Words(e.Town), hub: Words(e.Hub)}
		for _, a := range e.AoEs {
			w.aoes = append(w.aoes, aoeWords{terms: Words(strings.Join(a.TermLabels, " ") + " " + strings.Join(a.Terms, " ")), title: Words(a.Title), desc: Words(a.Description)})
		}
		ix.words[i] = w
	}
	return ix
}

// Len is the number of entries.
func (ix *Index) Len() int { return len(ix.entries) }

// Search returns the entries that pass f and contain every word of q
// (somewhere), best first: by score, then name. An empty q matches every
// entry that passes f, by name.
func (ix *Index) Search(q string, f Filters) []Result {
	qs := Words(q)
	var out []Result
	for i := range ix.entries {
		e := &ix.entries[i]
		if !f.pass(e) {
			continue
		}
		score, why, ok := match(e, &ix.words[i], qs)
		if !ok {
			continue
		}
		out = append(out, Result{Entry: e, Score: score, Why: why})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Entry.Name < out[j].Entry.Name
	})
	return out
}

func (f Filters) pass(e *Entry) bool {
	switch {
	case f.Phase != "" && e.Phase != f.Phase,
		f.HubID != 0 && e.HubID != f.HubID,
		f.Region != "" && e.Region != f.Region,
		f.Ofsted != "" && e.Ofsted != f.Ofsted,
		f.HostsLDD && !e.HostsLDD:
		return false
	case f.Term == "":
		return true
	}
	for _, a := range e.AoEs {
		for _, t := range a.Terms {
			if t == f.Term {
				return true
			}
		}
	}
	return false
}

// match scores e for the words qs: each word must be found; its score is
// the best place it is found in.
func match(e *Entry, w *entryWords, qs []string) (int, string, bool) {
	total, why := 0, ""
	for _, q := range qs {
		best, where := 0, ""
		try := func(weight int, text []string, reason string) {
			if weight > best && has(text, q) {
				best, where = weight, reason
			}
		}
		for _, a := range w.aoes {
			try(wTerm, a.terms, "")
			try(wTitle, a.title, "")
			try(wDesc, a.desc, "")
		}
		if best > 0 {
			where = "Area of Excellence: " + aoeFor(e, w, q)
		}
		try(wName, w.name, "name")
		try(wTown, w.town, "town: "+e.Town)
		try(wHub, w.hub, "hub: "+e.Hub)
		if best == 0 {
			return 0, "", false
		}
		total += best
		if why == "" {
			why = where
		}
	}
	return total, why, true
}

// aoeFor names the first AoE of e that has word q.
func aoeFor(e *Entry, w *entryWords, q string) string {
	for i, a := range w.aoes {
		if has(a.terms, q) || has(a.title, q) || has(a.desc, q) {
			return e.AoEs[i].Title
		}
	}
	return ""
}
