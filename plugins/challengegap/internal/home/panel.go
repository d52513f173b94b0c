package home

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// SchoolFacts is what the programme holds about one school in the year the
// home page speaks of: the input of Panel.
type SchoolFacts struct {
	SchoolID uint64
	Year     store.Year
	Running  bool // the year runs today
	// Place is the school's place in a cluster of the year (nil: none);
	// Cluster its cluster; Partners the names of the other two schools of
	// its trio, if it is in one.
	Place    *store.Participant
	Cluster  *store.Cluster
	Partners []string
	Phase    string
	Team     []store.TeamMember
	Cohort   *store.CohortState // nil: no cohort started
	Target   int                // the setting cohort_size
	Window   Window
	// Workshops are its cluster's, in number order.
	Workshops []store.Workshop
	Trials    []store.Trial
	// Recruiting is how many clusters of the year are open to join.
	Recruiting int
	// PupilPages: the viewer may open the school's cohort and snapshot
	// pages (challengegap.cohort.read there); otherwise those lines link
	// the school's page.
	PupilPages bool
}

func (f SchoolFacts) schoolPath(suffix string) string {
	return "/schools/" + strconv.FormatUint(f.SchoolID, 10) + suffix + "?year=" + strconv.FormatUint(f.Year.ID, 10)
}

// Panel words the facts of a school as the lines of its panel, at most
// six; none when the programme has nothing to say about it.
func Panel(f SchoolFacts, today time.Time) []sdk.PanelLine {
	line := func(text, link string, attention bool) sdk.PanelLine {
		return sdk.PanelLine{Text: clip(text, MaxText), Link: link, Attention: attention}
	}
	if f.Place == nil {
		if f.Running && f.Recruiting > 0 {
			return []sdk.PanelLine{line(fmt.Sprintf("Not taking part in %s: %s open to join", f.Year.Label,
				plural(f.Recruiting, "cluster is", "clusters are")), "/recruitment", false)}
		}
		return nil
	}
	cluster := "a cluster"
	if f.Cluster != nil {
		cluster = f.Cluster.Name
	}
	clusterLink := "/clusters/" + strconv.FormatUint(f.Place.ClusterID, 10)
	switch f.Place.Status {
	case store.StatusInterested:
		return []sdk.PanelLine{line(fmt.Sprintf("Asked to join %s (%s): awaiting the cluster lead's decision", cluster, f.Year.Label), f.schoolPath(""), false)}
	case store.StatusWithdrawn:
		return []sdk.PanelLine{line(fmt.Sprintf("Withdrew from %s (%s) on %s", cluster, f.Year.Label, showDay(f.Place.WithdrawnOn)), f.schoolPath(""), false)}
	case store.StatusAccepted:
	default:
		return nil
	}
	in := fmt.Sprintf("In %s (%s)", cluster, f.Year.Label)
	if len(f.Partners) > 0 {
		in += ", trio with " + listNames(f.Partners)
	}
	out := []sdk.PanelLine{line(in, clusterLink, false)}
	out = append(out, teamLine(f, line))
	out = append(out, cohortLines(f, line)...)
	if l, ok := workshopLine(f, today, line); ok {
		out = append(out, l)
	}
	if l, ok := trialsLine(f, line); ok {
		out = append(out, l)
	}
	return out
}

type liner func(text, link string, attention bool) sdk.PanelLine

func teamLine(f SchoolFacts, line liner) sdk.PanelLine {
	if len(f.Team) == 0 {
		return line("No team chosen yet", f.schoolPath(""), f.Running)
	}
	var leaders, teachers, paras int
	for _, m := range f.Team {
		switch rules.Role(m.Role) {
		case rules.RoleLeader:
			leaders++
		case rules.RoleTeacher:
			teachers++
		case rules.RolePara:
			paras++
		}
	}
	text := fmt.Sprintf("Team: %s, %s, %s", plural(leaders, "leader", "leaders"), plural(teachers, "teacher", "teachers"),
		plural(paras, "para-professional", "para-professionals"))
	if v := store.CheckTeam(f.Phase, f.Team); len(v) > 0 {
		req, known := rules.RequirementFor(f.Phase)
		if known {
			text += fmt.Sprintf(" (does not meet the %s rule)", req.Name)
		} else {
			text += " (does not meet the team rules)"
		}
		return line(text, f.schoolPath(""), f.Running)
	}
	return line(text, f.schoolPath(""), false)
}

func cohortLines(f SchoolFacts, line liner) []sdk.PanelLine {
	cohort := f.schoolPath("/cohort")
	if !f.PupilPages {
		cohort = f.schoolPath("")
	}
	c := f.Cohort
	switch {
	case c == nil || (!c.Frozen && c.Pupils == 0):
		return []sdk.PanelLine{line(fmt.Sprintf("Target cohort not chosen yet (about %s)", plural(f.Target, "pupil", "pupils")), cohort, f.Running)}
	case !c.Frozen:
		return []sdk.PanelLine{line(fmt.Sprintf("Target cohort: %d of about %s chosen, baseline not taken", c.Pupils, plural(f.Target, "pupil", "pupils")), cohort, f.Running)}
	}
	text := "Target cohort: " + plural(c.Pupils, "pupil", "pupils")
	if len(c.Snapshots) > 0 && c.Snapshots[0].Seq == 0 {
		text += ", baseline taken " + showDay(c.Snapshots[0].TakenOn)
	}
	out := []sdk.PanelLine{line(text, cohort, false)}
	snapshot := func(sn *store.SnapshotEntry) string {
		if !f.PupilPages {
			return cohort
		}
		return "/schools/" + strconv.FormatUint(f.SchoolID, 10) + "/snapshots/" + strconv.FormatUint(sn.ID, 10)
	}
	entered := func(sn *store.SnapshotEntry) string {
		return fmt.Sprintf("%s data: %d of %d %s entered", sn.Label, sn.Entered, c.Pupils, noun(c.Pupils, "pupil", "pupils"))
	}
	if due, sn := dataStillDue(c, f.Window); due {
		if sn == nil {
			return append(out, line(fmt.Sprintf("%s data: not started, due by %s", f.Window.Label, showDate(f.Window.Due)), cohort, true))
		}
		return append(out, line(entered(sn)+", due by "+showDate(f.Window.Due), snapshot(sn), true))
	}
	if f.Window.Open {
		if sn := snapshotAt(*c, f.Window.Label); sn != nil {
			return append(out, line(entered(sn), snapshot(sn), false))
		}
	}
	if n := len(c.Snapshots); n > 0 {
		out = append(out, line(entered(&c.Snapshots[n-1]), snapshot(&c.Snapshots[n-1]), false))
	}
	return out
}

func workshopLine(f SchoolFacts, today time.Time, line liner) (sdk.PanelLine, bool) {
	if len(f.Workshops) == 0 {
		return sdk.PanelLine{}, false
	}
	next := nextWorkshop(f.Workshops, today)
	if next == nil || !f.Running {
		return line(fmt.Sprintf("Workshops: %d of %d held", held(f.Workshops, today), len(f.Workshops)), "/clusters/"+strconv.FormatUint(f.Place.ClusterID, 10), false), true
	}
	link := "/workshops/" + strconv.FormatUint(next.ID, 10)
	if next.HeldOn == "" {
		return line("Next workshop: "+workshopName(next.Number)+", date to be set", link, false), true
	}
	return line("Next workshop: "+workshopName(next.Number)+", "+showDay(next.HeldOn), link, false), true
}

func trialsLine(f SchoolFacts, line liner) (sdk.PanelLine, bool) {
	if len(f.Trials) == 0 {
		return sdk.PanelLine{}, false
	}
	n := map[rules.Decision]int{}
	for _, t := range f.Trials {
		n[rules.Decision(t.Decision)]++
	}
	var parts []string
	for _, d := range []struct {
		d    rules.Decision
		word string
	}{{rules.DecisionScaleUp, "to scale up"}, {rules.DecisionContinue, "to continue"}, {rules.DecisionStop, "stopped"}, {rules.DecisionNone, "not decided yet"}} {
		if n[d.d] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[d.d], d.word))
		}
	}
	text := fmt.Sprintf("Strategies: %s trialled (%s)", strconv.Itoa(len(f.Trials)), strings.Join(parts, ", "))
	return line(text, f.schoolPath(""), false), true
}
