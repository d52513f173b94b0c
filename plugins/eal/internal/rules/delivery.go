package rules

import "fmt"

// Days is the number of days of the course.
const Days = 3

// CheckDay checks a course day: 1 to Days.
func CheckDay(d int) error {
	if d < 1 || d > Days {
		return fmt.Errorf("the course has days 1 to %d", Days)
	}
	return nil
}

// Item is one question of the delegates' self-assessment.
type Item struct {
	Key, Label string
}

// Items are the questions of the delegates' pre- and post-course
// self-assessment, each answered on Scale.
var Items = []Item{
	{"language", "Your competence and awareness of language development"},
	{"demands", "Your awareness of the language demands of your subject"},
	{"learners", "Your awareness of your EAL learners and their needs"},
	{"confidence", "Your confidence to change your practice"},
}

// Scale is the answers to a self-assessment item, 1 to 5.
var Scale = []string{"1 Very low", "2 Low", "3 Moderate", "4 High", "5 Very high"}

// CheckRating checks an answer on Scale (and a session's fidelity).
func CheckRating(n int) error {
	if n < 1 || n > len(Scale) {
		return fmt.Errorf("choose from 1 (very low) to 5 (very high)")
	}
	return nil
}

// Assessment is when a delegate assesses themself.
type Assessment string

// Before and after the course.
const (
	Pre  Assessment = "pre"
	Post Assessment = "post"
)

// Label is "Before the course" or "After the course".
func (a Assessment) Label() string {
	if a == Post {
		return "After the course"
	}
	return "Before the course"
}

// Fidelity is how closely a session kept to the programme, 1 to 5.
var Fidelity = []string{"1 Not as designed", "2 Mostly changed", "3 Partly as designed", "4 Mostly as designed", "5 Fully as designed"}

// WithdrawalReasons are the reasons a school may withdraw for; the
// evaluator's export holds the reason, never a free-text note.
var WithdrawalReasons = []string{
	"Staff changes", "Workload or capacity", "Change of leadership", "School closed or merged",
	"Did not complete the baseline", "Did not want to be randomised", "Unhappy with its allocation", "Other",
}

// Subjects are the subjects a delegate may teach (the export carries the
// subject, so it is chosen from a list, never typed).
var Subjects = []string{"English", "Mathematics", "Science", "History", "Geography", "Modern foreign languages",
	"Religious education", "Computing", "Art and design", "Design and technology", "Music", "Physical education",
	"Business and economics", "Other"}
