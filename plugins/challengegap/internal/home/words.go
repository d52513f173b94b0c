// Package home is what Challenge the Gap contributes to the core's pages
// (contract v1's extension points): a panel for each school on the school's
// page and on the home page, the viewer's to-dos, and the programme's
// headline figures for the partnership overview. The words and choices are
// pure functions of the programme's records and the day (this file and
// panel.go, todos.go, figures.go, table-tested); home.go reads the records
// in a few batched statements and calls them.
//
// None of it names a pupil or shows a pupil's values: counts only, and the
// programme-wide shares hide a part or rest below 5, as the reports do.
package home

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// MaxText is the most characters of a panel line or a to-do's title.
const MaxText = 200

// plural words a count with its noun: "1 pupil", "2 pupils".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// noun is the noun alone for a count: "pupil" for 1, "pupils" otherwise.
func noun(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// showDate shows a date as people in England read it: "Thu 5 Mar 2026".
func showDate(t time.Time) string { return t.Format("Mon 2 Jan 2006") }

// showDay shows a date held as YYYY-MM-DD the same way ("" stays "").
func showDay(d string) string {
	t, err := rules.ParseDate(d)
	if err != nil {
		return d
	}
	return showDate(t)
}

// clip shortens s to at most max characters, ending it with "…" when cut.
func clip(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:max-1])) + "…"
}

// listNames joins names as people do: "A", "A and B", "A, B and C".
func listNames(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// ChooseYear is the programme year the home page speaks of on today: the
// one running, else the latest that has started, else the first to come
// (nil when there is none). today is a London date.
func ChooseYear(years []store.Year, today time.Time) *store.Year {
	d := today.Format(time.DateOnly)
	var running, started, coming *store.Year
	for i := range years {
		y := &years[i]
		switch {
		case y.StartsOn <= d && d <= y.EndsOn:
			if running == nil || y.StartsOn > running.StartsOn {
				running = y
			}
		case y.EndsOn < d:
			if started == nil || y.StartsOn > started.StartsOn {
				started = y
			}
		default:
			if coming == nil || y.StartsOn < coming.StartsOn {
				coming = y
			}
		}
	}
	switch {
	case running != nil:
		return running
	case started != nil:
		return started
	}
	return coming
}

// Running reports whether the year runs on today.
func Running(y *store.Year, today time.Time) bool {
	d := today.Format(time.DateOnly)
	return y != nil && y.StartsOn <= d && d <= y.EndsOn
}

// Window is the termly data window open on a day: the snapshot of its
// month (labelled with the month's name, as the reminder job names it) is
// due by the month's last day.
type Window struct {
	Open  bool
	Label string
	Due   time.Time
}

// WindowOn returns the window open on today in the year y: today falls in
// the year and in one of the schedule's months.
func WindowOn(y *store.Year, schedule []time.Month, today time.Time) Window {
	if !Running(y, today) || !slices.Contains(schedule, today.Month()) {
		return Window{}
	}
	last := time.Date(today.Year(), today.Month()+1, 0, 0, 0, 0, 0, time.UTC)
	return Window{Open: true, Label: today.Month().String(), Due: last}
}

// Schedule reads the tenant's setting of the snapshot months, falling
// back on the default as the reminder job does.
func Schedule(setting string) []time.Month {
	months, err := rules.ParseSchedule(setting)
	if err != nil {
		return rules.DefaultSchedule
	}
	return months
}

// snapshotAt returns the school's snapshot labelled label, or nil.
func snapshotAt(c store.CohortState, label string) *store.SnapshotEntry {
	for i := range c.Snapshots {
		if c.Snapshots[i].Label == label {
			return &c.Snapshots[i]
		}
	}
	return nil
}

// dataStillDue reports whether the school's data of the open window is
// still to enter (its snapshot missing or some pupils without values), and
// the snapshot when it was added.
func dataStillDue(c *store.CohortState, w Window) (bool, *store.SnapshotEntry) {
	if c == nil || !c.Frozen || !w.Open {
		return false, nil
	}
	sn := snapshotAt(*c, w.Label)
	return sn == nil || sn.Entered < c.Pupils, sn
}

// nextWorkshop returns the first of the cluster's workshops (in number
// order) not yet held on today: undated, or dated today or later; nil when
// every one is held.
func nextWorkshop(ws []store.Workshop, today time.Time) *store.Workshop {
	d := today.Format(time.DateOnly)
	for i := range ws {
		if ws[i].HeldOn == "" || ws[i].HeldOn >= d {
			return &ws[i]
		}
	}
	return nil
}

// held counts the workshops dated before today or on it.
func held(ws []store.Workshop, today time.Time) int {
	d := today.Format(time.DateOnly)
	n := 0
	for _, w := range ws {
		if w.HeldOn != "" && w.HeldOn <= d {
			n++
		}
	}
	return n
}

func workshopName(n int) string { return fmt.Sprintf("Workshop %d", n) }
