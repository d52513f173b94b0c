package extend

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/figures"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
)

func TestMondayAndCount(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"2025-12-02", "2025-12-01"}, {"2025-12-01", "2025-12-01"}, {"2025-12-07", "2025-12-01"}, {"2026-01-01", "2025-12-29"}, {"bad", "bad"},
	} {
		if got := Monday(c.in); got != c.want {
			t.Errorf("Monday(%s) = %s, want %s", c.in, got, c.want)
		}
	}
	if Count(1, "pair", "pairs") != "1 pair" || Count(0, "pair", "pairs") != "0 pairs" || Count(2, "pair", "pairs") != "2 pairs" {
		t.Error("Count does not agree in number")
	}
	if d := Date("2025-12-02"); d.Location() != sdk.London() || d.Day() != 2 || !Date("").IsZero() {
		t.Errorf("Date = %v", d)
	}
}

func texts(ls []sdk.PanelLine) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.Text
		if l.Attention {
			out[i] = "! " + l.Text
		}
		out[i] += " → " + l.Link
	}
	return out
}

func TestPanel(t *testing.T) {
	upcoming := &Review{ID: 7, Year: "2025-26", Week: 12, StartsOn: "2025-12-02", Days: 2, TeamSeats: 3, Filled: 3}
	last := &Review{ID: 3, Year: "2024-25", Week: 30, StartsOn: "2025-05-20", Days: 2, State: rules.Published, StateOn: "2025-06-03"}
	school := School{ID: 10, Today: "2025-11-20", Hub: "Elm Hub", Year: "2025-26", Upcoming: upcoming, Last: last,
		AoEs: []AoE{{Title: "Talk for learning", Terms: []string{"Oracy"}, Accredited: "2024-09-05"}},
		Days: []HostedDay{{ID: 4, Date: "2025-12-09", Title: "Oracy across the curriculum", Booked: 1, Capacity: 3}}}
	for _, c := range []struct {
		name string
		sc   School
		v    Viewer
		want []string
	}{
		{"a reader of the school's reviews", school, Viewer{Reviews: true}, []string{
			"Member school of Elm Hub in 2025-26 → /directory/schools/10",
			"QA Review booked for week 12 (w/c Mon 1 Dec 2025), 2 days → /reviews/7",
			"Last review (2024-25): report published Tue 3 Jun 2025 → /schools/10",
			"Area of Excellence accredited: Talk for learning (Oracy; 2024) → /directory/schools/10",
			"Hosts a Leadership Development Day on Tue 9 Dec 2025: Oracy across the curriculum (1 pair of 3 booked) → /days/4",
		}},
		{"anyone else: the Directory's facts alone", school, Viewer{}, []string{
			"Member school of Elm Hub in 2025-26 → /directory/schools/10",
			"Area of Excellence accredited: Talk for learning (Oracy; 2024) → /directory/schools/10",
			"Hosts a Leadership Development Day on Tue 9 Dec 2025: Oracy across the curriculum (1 pair of 3 booked) → /days/4",
		}},
		{"the host, before the self-evaluation, with seats still to fill", School{ID: 10, Today: "2025-11-20",
			Upcoming: &Review{ID: 7, Week: 12, StartsOn: "2025-12-02", Days: 1, TeamSeats: 3, Filled: 1}}, Viewer{Reviews: true, Host: true}, []string{
			"QA Review booked for week 12 (w/c Mon 1 Dec 2025), 1 day → /reviews/7",
			"Review team: 1 of 3 seats allocated so far → /reviews/7",
			"! Write the school's self-evaluation before the review starts on Tue 2 Dec 2025 → /reviews/7",
		}},
		{"under way", School{ID: 10, Today: "2025-12-03", Upcoming: upcoming}, Viewer{Reviews: true}, []string{
			"QA Review under way: week 12, 2 days from Tue 2 Dec 2025 → /reviews/7",
		}},
		{"the head, with a report to agree; two areas", School{ID: 10, Today: "2025-12-10",
			Upcoming: &Review{ID: 7, StartsOn: "2025-12-02", Days: 2, State: rules.Submitted, StateOn: "2025-12-08"},
			AoEs:     []AoE{{Title: "A", Terms: []string{"Reading", "Oracy"}, Accredited: "2023-09-01"}, {Title: "B", Terms: []string{"Oracy"}, Accredited: "2024-10-01"}}},
			Viewer{Reviews: true, Agree: true}, []string{
				"This year's review: report submitted to the host Mon 8 Dec 2025 → /reviews/7",
				"! Agree the review report, or return it to the team → /reviews/7",
				"2 Areas of Excellence accredited (Oracy, Reading; latest 2024) → /directory/schools/10",
			}},
		{"a report overdue", School{ID: 10, Today: "2025-12-30", Upcoming: &Review{ID: 7, StartsOn: "2025-12-02", Days: 2, DueOn: "2025-12-17"}},
			Viewer{Reviews: true}, []string{"This year's review held Tue 2 Dec 2025: report overdue since Wed 17 Dec 2025 → /reviews/7"}},
		{"nothing to say", School{ID: 11, Today: "2025-12-30"}, Viewer{Reviews: true}, []string{}},
	} {
		got := texts(Panel(c.sc, c.v))
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s:\n%s\nwant\n%s", c.name, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
		}
	}
}

func todoTexts(ts []sdk.Todo) []string {
	out := make([]string, len(ts))
	for i, x := range ts {
		due := "no date"
		if !x.Due.IsZero() {
			due = x.Due.Format(time.DateOnly)
		}
		out[i] = x.Title + " → " + x.Link + " by " + due
	}
	return out
}

func TestTodos(t *testing.T) {
	rv := func(state string) Review {
		return Review{ID: 1, StartsOn: "2025-09-16", Days: 2, DueOn: "2025-10-01", State: state, StateOn: "2025-09-20"}
	}
	for _, c := range []struct {
		name string
		got  []sdk.Todo
		want []string
	}{
		{"the lead during the review", TeamTodos("2025-09-16", []TeamSeat{{Review: rv(rules.Draft), School: "Alder", Lead: true}}),
			[]string{"Write and submit the report of the QA Review of Alder → /reviews/1 by 2025-10-01"}},
		{"a reviewer after it, feedback owed", TeamTodos("2025-09-18", []TeamSeat{{Review: rv(""), School: "Alder"}}), []string{
			"Add your What Went Wells and Even Better Ifs to the report of the QA Review of Alder → /reviews/1 by 2025-10-01",
			"Give your feedback on the QA Review of Alder → /reviews/1 by no date"}},
		{"submitted, feedback given", TeamTodos("2025-09-25", []TeamSeat{{Review: rv(rules.Submitted), School: "Alder", Lead: true, Given: true}}), nil},
		{"a review next week", TeamTodos("2025-09-09", []TeamSeat{{Review: rv(""), School: "Alder"}}), []string{
			"Prepare for the QA Review of Alder (2 days from Tue 16 Sep 2025): read the self-evaluation and last year's Even Better Ifs → /reviews/1 by 2025-09-16"}},
		{"a review in a month", TeamTodos("2025-08-16", []TeamSeat{{Review: rv(""), School: "Alder"}}), nil},
		{"the head, a report to agree", HostTodos("2025-09-22", []HostReview{{Review: rv(rules.Submitted), School: "Alder", Agree: true, Given: true}}),
			[]string{"Agree the report of Alder's QA Review, or return it to the team → /reviews/1 by 2025-09-27"}},
		{"a senior leader, the self-evaluation", HostTodos("2025-09-01", []HostReview{{Review: rv(""), School: "Alder", Host: true, Agree: false}}),
			[]string{"Write Alder's self-evaluation for its QA Review on Tue 16 Sep 2025 → /reviews/1 by 2025-09-16"}},
		{"an attendee, within a fortnight of the day", RateTodos("2025-10-15", []Attended{{DayID: 4, Label: "Leadership Development Day", Title: "Oracy", Date: "2025-10-14"},
			{DayID: 5, Label: "event", Title: "Later", Date: "2025-10-16"}, {DayID: 6, Label: "event", Title: "Long ago", Date: "2025-09-30"},
			{DayID: 7, Label: "event", Title: "Rated", Date: "2025-10-14", Rated: true}}),
			[]string{"Rate the Leadership Development Day you attended on Tue 14 Oct 2025: Oracy → /days/4 by 2025-10-28"}},
		{"a hub manager", HubTodos("2025-09-10", map[uint64]string{3: "Elm Hub", 4: "Oak Hub"}, []Meeting{
			{ID: 9, HubID: 3, Hub: "Elm Hub", Date: "2025-11-20", Title: "Later"},
			{ID: 8, HubID: 3, Hub: "Elm Hub", Date: "2025-10-02", Title: "Autumn", Booked: 1, Capacity: 20},
			{ID: 7, HubID: 3, Hub: "Elm Hub", Date: "2025-09-01", Title: "Summer"}}), []string{
			"Record the notes of the Elm Hub meeting of Mon 1 Sep 2025: Summer → /hubs/3/meetings by no date",
			"Elm Hub meeting on Thu 2 Oct 2025: Autumn (1 place of 20 booked) → /hubs/3/meetings by 2025-10-02",
			"Plan the next Oak Hub meeting → /hubs/4/meetings by no date"}},
		{"the central team", CentralTodos(Central{YearID: 2, Year: "2025-26", Agreed: 1, Overdue: 3, PutForth: 2}), []string{
			"Publish 1 review report agreed by their hosts (2025-26) → /years/2 by no date",
			"Chase 3 overdue review reports (2025-26) → /years/2 by no date",
			"Decide on 2 Areas of Excellence put forward → /aoes by no date"}},
	} {
		if got := todoTexts(c.got); strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s:\n%s\nwant\n%s", c.name, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
		}
	}
}

func TestSortedPutsTheSoonestFirstAndTheUndatedLast(t *testing.T) {
	ts := Sorted([]sdk.Todo{{Title: "none"}, {Title: "late", Due: Date("2025-10-02")}, {Title: "soon", Due: Date("2025-09-02")}, {Title: "none 2"}}, 3)
	var got []string
	for _, x := range ts {
		got = append(got, x.Title)
	}
	if strings.Join(got, ",") != "soon,late,none" {
		t.Fatalf("sorted %v", got)
	}
}

func TestFiguresAreTheDashboards(t *testing.T) {
	y := figures.Compute(figures.Inputs{Label: "2025-26", Reviews: 10, ReviewsDone: 4, ReviewersTrained: 30, Hosted: 4, Met: 3,
		Overall: figures.ScoresOf(5, 4), CPD: figures.ScoresOf(9, 10), AoEsAccredited: 1, LDDs: 2, Pairs: 1, LDDScores: figures.ScoresOf(9), Hubs: 2, HubsHosted: 1})
	got := map[string]string{}
	for _, f := range Figures(y) {
		got[f.Label] = f.Value + " | " + f.Detail
	}
	for label, want := range map[string]string{
		"QA Reviews done":                               "4 of 10 | reviews scheduled in 2025-26 that have started",
		"Reciprocity met":                               "75% | n = 4 schools that hosted a review in 2025-26",
		"Reviews' overall experience":                   "4.5/5 | n = 2 responses in 2025-26",
		"Pairs booked on Leadership Development Days":   "1 pair | pairs of leaders on the days held in 2025-26",
		"Leadership Development Day rating":             "9.0/10 | n = 1 rating in 2025-26",
		"Hubs that hosted a Leadership Development Day": "50% of hubs | n = 2 hubs in 2025-26",
	} {
		if got[label] != want {
			t.Errorf("%s = %q, want %q", label, got[label], want)
		}
	}
	if none := Figures(figures.Compute(figures.Inputs{Label: "2025-26"})); none[8].Value != "—" || !math.IsNaN(figures.Compute(figures.Inputs{}).LDDRating.Value) {
		t.Errorf("no ratings: %q", none[8].Value)
	}
}
