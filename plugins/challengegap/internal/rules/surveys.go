package rules

// The programme's staff survey: team members answer each item on a
// five-point agree scale; results are the share who agree (agree or
// strongly agree) of those who answered the item.

// SurveyItem is one statement of the staff survey.
type SurveyItem struct {
	Key  string // stored with each answer; never changes
	Text string
}

// SurveyItems are the survey's statements, in the order asked. The first
// and last are the programme's own reported items; the others follow its
// aims (the data, the strategies, the cluster's challenge, the cascade).
var SurveyItems = []SurveyItem{
	{"barriers", "I can identify the specific barriers to learning in my school"},
	{"data", "I use data on our target pupils to decide what to try next"},
	{"strategies", "I know which strategies work for our disadvantaged pupils, and why"},
	{"challenge", "Working with the other schools of our cluster challenges our practice"},
	{"confidence", "I am more confident in closing the gap for disadvantaged pupils"},
	{"scale_up", "Strategies that work with our target pupils are being used more widely in the school"},
	{"recommend", "I would recommend the programme"},
}

// SurveyItemByKey returns the item with key.
func SurveyItemByKey(key string) (SurveyItem, bool) {
	for _, it := range SurveyItems {
		if it.Key == key {
			return it, true
		}
	}
	return SurveyItem{}, false
}

// The agree scale, 1 to 5.
const (
	StronglyDisagree = 1
	Disagree         = 2
	Neither          = 3
	Agree            = 4
	StronglyAgree    = 5
)

// AgreeScale labels the points of the scale, from 1.
var AgreeScale = []string{"Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"}

// ValidAnswer reports whether v is a point of the scale.
func ValidAnswer(v int) bool { return v >= StronglyDisagree && v <= StronglyAgree }

// Agrees reports whether an answer counts as agreeing.
func Agrees(v int) bool { return v == Agree || v == StronglyAgree }

// Tally counts the answers to one item by point of the scale (index 0 is
// strongly disagree).
type Tally [5]int

// Add counts an answer; an answer off the scale is not counted.
func (t *Tally) Add(v int) {
	if ValidAnswer(v) {
		t[v-1]++
	}
}

// Plus is the sum of two tallies.
func (t Tally) Plus(o Tally) Tally {
	for i := range t {
		t[i] += o[i]
	}
	return t
}

// N is how many answered.
func (t Tally) N() int {
	n := 0
	for _, c := range t {
		n += c
	}
	return n
}

// Agreeing is how many agree or strongly agree.
func (t Tally) Agreeing() int { return t[Agree-1] + t[StronglyAgree-1] }

// PercentAgree is the share agreeing, rounded to a whole percent (0 when
// nobody answered).
func (t Tally) PercentAgree() int {
	n := t.N()
	if n == 0 {
		return 0
	}
	return (200*t.Agreeing() + n) / (2 * n) // round half up
}
