package extensions

import (
	"fmt"
	"slices"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/contract"

	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
	"github.com/challengepartners/upwards/plugins/eal/internal/store"
)

// DelegateTodos are a delegate's self-assessments still to answer: the one
// before the course until answered (due by the centre's first day, or the
// delivery phase), and, once the centre's last day is held, the one after
// it (due by the follow-up). Every delegate answers both, whatever their
// school's arm: the control schools' answers are the comparison.
func DelegateTodos(t *Trial, d store.Delegate, answered map[string]bool, today string) []sdk.Todo {
	var ts store.TrialSchool
	for _, s := range t.Schools {
		if s.ID == d.TrialSchoolID {
			ts = s
		}
	}
	if ts.ID == 0 || ts.Withdrawn() {
		return nil
	}
	sched := t.Trial.Schedule()
	switch {
	case !answered[string(rules.Pre)]:
		due := t.firstDay(ts.CentreID)
		if due == "" {
			due = sched[3]
		}
		return []sdk.Todo{{Title: "Answer your self-assessment before the course", Link: "/me", Due: dueOn(due), UnitID: ts.SchoolID}}
	case !answered[string(rules.Post)]:
		if last := t.lastDay(ts.CentreID); last != "" && last <= today {
			return []sdk.Todo{{Title: "Answer your self-assessment after the course", Link: "/me", Due: dueOn(sched[4]), UnitID: ts.SchoolID}}
		}
	}
	return nil
}

// CentreTodos are a centre lead's: the three days to date (by the
// delivery phase), and each day held whose attendance is not recorded for
// every delegate booked on it (due the day it was held). Delegates are
// booked once their school's wave is revealed.
func CentreTodos(t *Trial, c store.Centre, today string) []sdk.Todo {
	link := fmt.Sprintf("/trials/%d/centres/%d", t.Trial.ID, c.UnitID)
	var out []sdk.Todo
	if len(t.Days[c.ID]) < rules.Days {
		out = append(out, sdk.Todo{Title: fmt.Sprintf("Date the %d course days at %s", rules.Days, c.Name), Link: link, Due: dueOn(t.Trial.Schedule()[3]), UnitID: c.UnitID})
	}
	booked := t.booked(c.ID)
	if len(booked) == 0 {
		return out
	}
	recorded := map[[2]uint64]bool{}
	for _, a := range t.Attendance {
		recorded[[2]uint64{a.DelegateID, uint64(a.Day)}] = true
	}
	for _, d := range t.held(c.ID, today) {
		missing := 0
		for _, b := range booked {
			if !recorded[[2]uint64{b.ID, uint64(d.Day)}] {
				missing++
			}
		}
		if missing > 0 {
			out = append(out, sdk.Todo{Title: clip(fmt.Sprintf("Record day %d's attendance at %s (held %s): %s not recorded", d.Day, c.Name, day(d.HeldOn),
				plural(missing, "delegate", "delegates"))), Link: link, Due: dueOn(d.HeldOn), UnitID: c.UnitID})
		}
	}
	return out
}

// FacilitatorTodos are a trained facilitator's: each day held at their
// centre, with delegates booked, that they have not logged (due the day
// it was held).
func FacilitatorTodos(t *Trial, c store.Centre, f store.Facilitator, today string) []sdk.Todo {
	if len(t.booked(c.ID)) == 0 {
		return nil
	}
	logged := map[int]bool{}
	for _, s := range t.Sessions {
		if s.CentreID == c.ID && s.FacilitatorID == f.ID {
			logged[s.Day] = true
		}
	}
	var out []sdk.Todo
	for _, d := range t.held(c.ID, today) {
		if !logged[d.Day] {
			out = append(out, sdk.Todo{Title: clip(fmt.Sprintf("Log day %d at %s (held %s) and its fidelity", d.Day, c.Name, day(d.HeldOn))),
				Link: fmt.Sprintf("/trials/%d/centres/%d", t.Trial.ID, c.UnitID), Due: dueOn(d.HeldOn), UnitID: c.UnitID})
		}
	}
	return out
}

// PupilTodos are a school's scores to enter, for its staff: the baseline
// of a school recruited and not yet randomised (due by the
// randomisation), and the post-test and follow-up of a randomised school
// still in the trial once their windows open (due by the next phase).
func PupilTodos(t *Trial, ts store.TrialSchool, today string) []sdk.Todo {
	if ts.Withdrawn() {
		return nil
	}
	sched := t.Trial.Schedule()
	c := t.Counts[ts.ID]
	link := func(p rules.Point) string {
		return fmt.Sprintf("/trials/%d/schools/%d/pupils?point=%s", t.Trial.ID, ts.SchoolID, p)
	}
	var out []sdk.Todo
	if ts.WaveID == nil && ts.Eligible != nil && *ts.Eligible && sched.Open(rules.PointBaseline, today) && !c.PupilCount().BaselineComplete() {
		_, due := sched.Window(rules.PointBaseline)
		title := "Add the school's EAL pupils to the trial and enter their baseline"
		if c.Counted() > 0 {
			title = fmt.Sprintf("Enter the baseline of the school's EAL pupils (%s of %s done)", thousands(c.Scored[rules.PointBaseline]), thousands(c.Counted()))
		}
		out = append(out, sdk.Todo{Title: title, Link: link(rules.PointBaseline), Due: dueOn(due), UnitID: ts.SchoolID})
	}
	if t.randomised(ts) {
		for _, p := range outcomePoints {
			if !sched.Open(p, today) || c.Scored[p] >= c.Counted() {
				continue
			}
			_, due := sched.Window(p)
			out = append(out, sdk.Todo{Title: fmt.Sprintf("Enter the %s scores of the school's EAL pupils (%s of %s done)", pointWords(p), thousands(c.Scored[p]), thousands(c.Counted())),
				Link: link(p), Due: dueOn(due), UnitID: ts.SchoolID})
		}
	}
	return out
}

// MayHavePupilTodos reports whether PupilTodos may give the school a
// to-do today, from all it reads but the school's counts: Todos asks the
// Host about these schools only, and counts the pupils of those that are
// the person's.
func MayHavePupilTodos(t *Trial, ts store.TrialSchool, today string) bool {
	if ts.Withdrawn() {
		return false
	}
	sched := t.Trial.Schedule()
	if ts.WaveID == nil && ts.Eligible != nil && *ts.Eligible && sched.Open(rules.PointBaseline, today) {
		return true
	}
	return t.randomised(ts) && slices.ContainsFunc(outcomePoints, func(p rules.Point) bool { return sched.Open(p, today) })
}

// ManagerTodos are the trial manager's: schools' eligibility to check
// (by the baseline), agreements to record (by the randomisation), the
// open wave's next step or the next wave to randomise, and the outcomes
// still to collect across the randomised schools.
func ManagerTodos(t *Trial, today string) []sdk.Todo {
	link := fmt.Sprintf("/trials/%d", t.Trial.ID)
	sched := t.Trial.Schedule()
	var unchecked, noAgreement, ready int
	for _, ts := range t.Schools {
		switch {
		case ts.Withdrawn() || ts.WaveID != nil:
		case ts.Eligible == nil:
			unchecked++
		case *ts.Eligible && ts.AgreementOn == "":
			noAgreement++
		case t.ready(ts):
			ready++
		}
	}
	var out []sdk.Todo
	if unchecked > 0 {
		out = append(out, sdk.Todo{Title: fmt.Sprintf("Check the eligibility of %s", plural(unchecked, "school", "schools")), Link: link, Due: dueOn(sched[1])})
	}
	if noAgreement > 0 {
		out = append(out, sdk.Todo{Title: fmt.Sprintf("Record the signed agreement of %s", plural(noAgreement, "eligible school", "eligible schools")), Link: link, Due: dueOn(sched[2])})
	}
	var open *store.Wave
	last := 0
	for _, w := range t.Waves {
		last = max(last, w.Number)
		if !w.Revealed() {
			open = &w
		}
	}
	switch {
	case open != nil:
		step := map[string]string{store.WaveFrozen: "commit it", store.WaveCommitted: "allocate it", store.WaveAllocated: "reveal its seed"}[open.State]
		if step == "" {
			step = "finish it"
		}
		out = append(out, sdk.Todo{Title: fmt.Sprintf("Wave %d of the randomisation is %s: %s", open.Number, open.State, step), Link: link})
	case ready > 0:
		todo := sdk.Todo{Title: fmt.Sprintf("Randomise wave %d: %s ready", last+1, plural(ready, "school", "schools")), Link: link}
		if last == 0 {
			todo.Due = dueOn(sched[2])
		}
		out = append(out, todo)
	}
	for _, p := range outcomePoints {
		if !sched.Open(p, today) {
			continue
		}
		var schools, done, pupils, scored int
		for _, ts := range t.Schools {
			if ts.Withdrawn() || !t.randomised(ts) {
				continue
			}
			c := t.Counts[ts.ID]
			schools++
			pupils += c.Counted()
			scored += min(c.Scored[p], c.Counted())
			if c.Scored[p] >= c.Counted() {
				done++
			}
		}
		if done < schools {
			_, due := sched.Window(p)
			out = append(out, sdk.Todo{Title: fmt.Sprintf("Collect the %s scores: %s of %s complete (%s of %s)", pointWords(p), thousands(done),
				plural(schools, "school", "schools"), thousands(scored), plural(pupils, "pupil", "pupils")), Link: link, Due: dueOn(due)})
		}
	}
	return out
}

// Sorted orders to-dos as the core lists them (due soonest first, then
// those without a date; by title within a day) and keeps at most the
// contract's number.
func Sorted(todos []sdk.Todo) []sdk.Todo {
	slices.SortStableFunc(todos, func(a, b sdk.Todo) int {
		switch {
		case a.Due.IsZero() != b.Due.IsZero():
			if a.Due.IsZero() {
				return 1
			}
			return -1
		case !a.Due.Equal(b.Due):
			return a.Due.Compare(b.Due)
		}
		return strings.Compare(a.Title, b.Title)
	})
	if len(todos) > contract.MaxTodos {
		todos = todos[:contract.MaxTodos]
	}
	return todos
}
