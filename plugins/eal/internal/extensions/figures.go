package extensions

import (
	"fmt"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
	"github.com/challengepartners/upwards/plugins/eal/internal/store"
)

// BuildFigures are the trial's headline figures for the partnership overview:
// schools recruited, randomised (by arm, for the revealed waves), the
// intervention delegates trained and their attendance, and the pupils'
// outcomes collected. Arms, training and attendance count the revealed
// waves only; a wave allocated but not revealed is counted as randomised,
// without its arms.
func BuildFigures(t *Trial, today string) []sdk.Figure {
	link := fmt.Sprintf("/trials/%d", t.Trial.ID)
	var eligible, agreed, ready, randomised, unrevealed, withdrawnSince, intervention, control int
	interventionSchool := map[uint64]bool{}
	for _, ts := range t.Schools {
		if ts.Eligible != nil && *ts.Eligible {
			eligible++
			if ts.AgreementOn != "" {
				agreed++
			}
		}
		if t.ready(ts) {
			ready++
		}
		if !t.randomised(ts) {
			continue
		}
		randomised++
		if ts.Withdrawn() {
			withdrawnSince++
		}
		switch t.arm(ts) {
		case store.ArmIntervention:
			intervention++
			interventionSchool[ts.ID] = true
		case store.ArmControl:
			control++
		default:
			unrevealed++
		}
	}
	figs := []sdk.Figure{{Label: "Schools recruited", Value: thousands(len(t.Schools)), Link: link,
		Detail: clip(fmt.Sprintf("%s: %s eligible, %s with the agreement signed", t.Trial.Name, thousands(eligible), thousands(agreed)))}}

	detail := ""
	switch {
	case randomised == 0:
		detail = "None yet"
	case intervention+control > 0:
		detail = fmt.Sprintf("%s intervention, %s control", thousands(intervention), thousands(control))
	}
	if unrevealed > 0 {
		detail = join(detail, fmt.Sprintf("%s in a wave not yet revealed", thousands(unrevealed)))
	}
	if withdrawnSince > 0 {
		detail = join(detail, fmt.Sprintf("%s withdrawn since", thousands(withdrawnSince)))
	}
	if ready > 0 {
		detail = join(detail, fmt.Sprintf("%s ready for the next wave", thousands(ready)))
	}
	figs = append(figs, sdk.Figure{Label: "Schools randomised", Value: thousands(randomised), Detail: detail, Link: link})

	if intervention > 0 {
		days := t.presentDays()
		var delegates, trained, recorded, present int
		for _, d := range t.Delegates {
			if !interventionSchool[d.TrialSchoolID] {
				continue
			}
			delegates++
			if days[d.ID] >= rules.Days {
				trained++
			}
		}
		schoolOf := map[uint64]uint64{}
		for _, d := range t.Delegates {
			schoolOf[d.ID] = d.TrialSchoolID
		}
		for _, a := range t.Attendance {
			if interventionSchool[schoolOf[a.DelegateID]] {
				recorded++
				if a.Present {
					present++
				}
			}
		}
		figs = append(figs, sdk.Figure{Label: "Delegates trained", Value: fmt.Sprintf("%s of %s", thousands(trained), thousands(delegates)), Link: link,
			Detail: fmt.Sprintf("Intervention schools' delegates who attended all %d course days", rules.Days)})
		if recorded > 0 {
			figs = append(figs, sdk.Figure{Label: "Course attendance", Value: percent(present, recorded), Link: link,
				Detail: fmt.Sprintf("%s of %s recorded", thousands(present), plural(recorded, "delegate-day", "delegate-days"))})
		}
	}
	if randomised > 0 {
		sched := t.Trial.Schedule()
		for _, p := range outcomePoints {
			if !sched.Open(p, today) {
				continue
			}
			var pupils, scored int
			for _, ts := range t.Schools {
				if ts.Withdrawn() || !t.randomised(ts) {
					continue
				}
				c := t.Counts[ts.ID]
				pupils += c.Counted()
				scored += min(c.Scored[p], c.Counted())
			}
			_, due := sched.Window(p)
			figs = append(figs, sdk.Figure{Label: capital(pointWords(p)) + " scores collected", Value: fmt.Sprintf("%s of %s", thousands(scored), thousands(pupils)), Link: link,
				Detail: fmt.Sprintf("%s of the randomised schools' EAL pupils still in the trial; due by %s", percent(scored, pupils), day(due))})
		}
	}
	return figs
}

func join(a, b string) string {
	if a == "" {
		return capital(b)
	}
	return a + "; " + b
}
