package rules

// Self-assessment: each participant rates themselves on the same Items at
// the start of the year and at its end, from 1 (not at all) to 5
// (completely), so that the change is measured on like with like.

// Rounds of the self-assessment.
const (
	RoundStart = "start"
	RoundEnd   = "end"
)

// Rounds are the self-assessment's two rounds, in order.
var Rounds = []Choice{{RoundStart, "At the start of the year"}, {RoundEnd, "At the end of the year"}}

// RoundLabel is a round as people read it.
func RoundLabel(v string) string { return labelOf(Rounds, v) }

// ValidRound reports whether v is one of Rounds.
func ValidRound(v string) bool { return valid(Rounds, v) }

// Scale bounds of every item.
const (
	MinScore = 1
	MaxScore = 5
)

// Area is a group of items the funder reports on.
type Area struct {
	Key, Label string
}

// Areas of the self-assessment, in order.
var Areas = []Area{
	{"knowledge", "Knowledge and understanding of headship"},
	{"attributes", "Personal attributes"},
	{"values", "Values"},
	{"readiness", "Readiness for headship"},
}

// Item is one statement a participant rates.
type Item struct {
	Key, Area, Text string
}

// Items are the statements of the self-assessment. Keys are stored: never
// change or reuse one; add new items at the end.
var Items = []Item{
	{"k_role", "knowledge", "I understand what the role of a headteacher involves day to day"},
	{"k_accountability", "knowledge", "I understand a headteacher's accountability: governors, inspection and the law"},
	{"k_finance", "knowledge", "I understand how a school's budget and resources are managed"},
	{"a_confidence", "attributes", "I am confident leading adults through change"},
	{"a_resilience", "attributes", "I can stay resilient under the pressures of senior leadership"},
	{"a_decisions", "attributes", "I make difficult decisions and stand by them"},
	{"v_vision", "values", "I can state the values I would lead a school by"},
	{"v_equity", "values", "I put disadvantaged pupils first in my decisions"},
	{"v_integrity", "values", "I act on my values when it is hard to"},
	{"r_ready", "readiness", "I feel ready to apply for a headship"},
	{"r_interview", "readiness", "I know how to present myself in a headship application and interview"},
	{"r_network", "readiness", "I have a network of leaders I can turn to"},
}

// ItemsOf are the items of area, in order.
func ItemsOf(area string) []Item {
	var out []Item
	for _, it := range Items {
		if it.Area == area {
			out = append(out, it)
		}
	}
	return out
}

// CheckScores says, for each item, what is wrong with its score: every item
// must be answered, from MinScore to MaxScore. It returns the item keys at
// fault, in item order.
func CheckScores(scores map[string]int) []string {
	var bad []string
	for _, it := range Items {
		if s, ok := scores[it.Key]; !ok || s < MinScore || s > MaxScore {
			bad = append(bad, it.Key)
		}
	}
	return bad
}

// AreaMean is the mean score of a participant's answers on area's items;
// ok is false when an item is missing.
func AreaMean(scores map[string]int, area string) (float64, bool) {
	items := ItemsOf(area)
	sum := 0
	for _, it := range items {
		s, ok := scores[it.Key]
		if !ok {
			return 0, false
		}
		sum += s
	}
	return float64(sum) / float64(len(items)), len(items) > 0
}
