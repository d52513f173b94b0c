package home

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// MaxTodos is the most to-dos the plugin gives one viewer.
const MaxTodos = 50

// SchoolWork is one school of the year's clusters where the viewer has
// work: as a member of its team this year, as one of its leaders, or both.
type SchoolWork struct {
	SchoolID uint64
	Name     string
	Member   bool // on the school's team this year
	Lead     bool // challengegap.school.lead at the school
	Cohort   *store.CohortState
	Target   int // the setting cohort_size
}

// SchoolTodos are the viewer's to-dos at a school of the running year:
// choose the target cohort (and, for a leader, take the baseline) while it
// is not frozen, due the day before the first snapshot month; enter the
// open window's data while some is missing, due its last day.
func SchoolTodos(y store.Year, w SchoolWork, schedule []time.Month, win Window, today time.Time) []sdk.Todo {
	if !Running(&y, today) || (!w.Member && !w.Lead) {
		return nil
	}
	yq := "?year=" + strconv.FormatUint(y.ID, 10)
	school := "/schools/" + strconv.FormatUint(w.SchoolID, 10)
	var out []sdk.Todo
	c := w.Cohort
	if c == nil || !c.Frozen {
		chosen := 0
		if c != nil {
			chosen = c.Pupils
		}
		title := fmt.Sprintf("Choose the target cohort of %s (about %s)", w.Name, plural(w.Target, "pupil", "pupils"))
		if chosen > 0 {
			title = fmt.Sprintf("Choose the target cohort of %s (%d of about %d pupils chosen)", w.Name, chosen, w.Target)
		}
		if w.Lead && chosen > 0 {
			title = fmt.Sprintf("Take the baseline of %s's target cohort (%d of about %d pupils chosen)", w.Name, chosen, w.Target)
		}
		out = append(out, sdk.Todo{Title: clip(title, MaxText), Link: school + "/cohort" + yq, Due: BaselineDue(y, schedule), UnitID: w.SchoolID})
		return out
	}
	if due, sn := dataStillDue(c, win); due {
		t := sdk.Todo{Link: school + "/cohort" + yq, Due: win.Due, UnitID: w.SchoolID,
			Title: clip(fmt.Sprintf("Enter the %s data of %s's target cohort (not started)", win.Label, w.Name), MaxText)}
		if sn != nil {
			t.Link = school + "/snapshots/" + strconv.FormatUint(sn.ID, 10)
			t.Title = clip(fmt.Sprintf("Enter the %s data of %s's target cohort (%d of %d %s entered)", win.Label, w.Name, sn.Entered, c.Pupils,
				noun(c.Pupils, "pupil", "pupils")), MaxText)
		}
		out = append(out, t)
	}
	return out
}

// BaselineDue is when the baseline should be taken: the day before the
// first snapshot month of the year begins (the first termly snapshot
// follows it), or zero when no snapshot month falls in the year.
func BaselineDue(y store.Year, schedule []time.Month) time.Time {
	start, err := rules.ParseDate(y.StartsOn)
	if err != nil || len(schedule) == 0 {
		return time.Time{}
	}
	m := schedule[0]
	year := start.Year()
	if m < start.Month() {
		year++
	}
	return time.Date(year, m, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
}

// SurveyTodo asks a team member to answer an open round of the staff survey.
func SurveyTodo(r store.SurveyRound) sdk.Todo {
	return sdk.Todo{Title: clip("Answer the Challenge the Gap staff survey: "+r.Label, MaxText), Link: "/surveys/" + strconv.FormatUint(r.ID, 10)}
}

// ActionTodo asks a school's leaders (and the programme lead) to do an
// action agreed at a visit, by its due date.
func ActionTodo(a store.Action, schoolID uint64, school string, yearID uint64) sdk.Todo {
	t := sdk.Todo{Title: clip(fmt.Sprintf("Agreed at the visit to %s: %s", school, a.Text), MaxText),
		Link:   "/schools/" + strconv.FormatUint(schoolID, 10) + "?year=" + strconv.FormatUint(yearID, 10),
		UnitID: schoolID}
	if d, err := rules.ParseDate(a.DueOn); err == nil {
		t.Due = d
	}
	return t
}

// ClusterFacts is what a cluster's leads act on.
type ClusterFacts struct {
	Cluster store.Cluster
	// Requests is how many schools ask to join.
	Requests  int
	Workshops []store.Workshop
	// Attended says which workshops have attendance recorded.
	Attended map[uint64]bool
	// Schools are the cluster's accepted schools' cohorts (nil: none started).
	Schools map[uint64]*store.CohortState
}

// ClusterTodos are a cluster lead's or programme lead's to-dos: decide on
// schools asking to join; record attendance at workshops held; set the date
// of (or run) the next workshop; chase the schools whose data of the open
// window is still missing. Workshops and data only while the year runs.
func ClusterTodos(y store.Year, f ClusterFacts, win Window, today time.Time) []sdk.Todo {
	c := f.Cluster
	link := "/clusters/" + strconv.FormatUint(c.ID, 10)
	var out []sdk.Todo
	if f.Requests > 0 {
		out = append(out, sdk.Todo{Title: clip(fmt.Sprintf("Decide on %s to join %s", plural(f.Requests, "school asking", "schools asking"), c.Name), MaxText),
			Link: link, UnitID: c.UnitID})
	}
	d := today.Format(time.DateOnly)
	for _, w := range f.Workshops {
		if w.HeldOn != "" && w.HeldOn < d && !f.Attended[w.ID] {
			due, _ := rules.ParseDate(w.HeldOn)
			out = append(out, sdk.Todo{Title: clip(fmt.Sprintf("Record attendance at %s of %s (%s)", workshopName(w.Number), c.Name, showDay(w.HeldOn)), MaxText),
				Link: "/workshops/" + strconv.FormatUint(w.ID, 10), Due: due, UnitID: c.UnitID})
		}
	}
	if !Running(&y, today) {
		return out
	}
	if next := nextWorkshop(f.Workshops, today); next != nil {
		t := sdk.Todo{Link: "/workshops/" + strconv.FormatUint(next.ID, 10), UnitID: c.UnitID}
		if next.HeldOn == "" {
			t.Title = clip(fmt.Sprintf("Set the date of %s of %s (%s)", workshopName(next.Number), c.Name, rules.WorkshopTitle(next.Number)), MaxText)
		} else {
			t.Due, _ = rules.ParseDate(next.HeldOn)
			t.Title = clip(fmt.Sprintf("Run %s of %s (%s) on %s", workshopName(next.Number), c.Name, rules.WorkshopTitle(next.Number), showDay(next.HeldOn)), MaxText)
		}
		out = append(out, t)
	}
	if win.Open {
		missing, frozen := 0, 0
		for _, st := range f.Schools {
			if st == nil || !st.Frozen {
				continue
			}
			frozen++
			if due, _ := dataStillDue(st, win); due {
				missing++
			}
		}
		if missing > 0 {
			out = append(out, sdk.Todo{Title: clip(fmt.Sprintf("%s: %d of %d %s still to enter the %s data", c.Name, missing, frozen,
				noun(frozen, "school", "schools"), win.Label), MaxText), Link: link, Due: win.Due, UnitID: c.UnitID})
		}
	}
	return out
}

// SortTodos orders to-dos as the core shows them (due soonest first, those
// without a date last, then by title) and keeps at most MaxTodos.
func SortTodos(ts []sdk.Todo) []sdk.Todo {
	sort.SliceStable(ts, func(i, j int) bool {
		a, b := ts[i].Due, ts[j].Due
		if a.IsZero() != b.IsZero() {
			return b.IsZero()
		}
		if !a.Equal(b) {
			return a.Before(b)
		}
		return ts[i].Title < ts[j].Title
	})
	if len(ts) > MaxTodos {
		ts = ts[:MaxTodos]
	}
	return ts
}
