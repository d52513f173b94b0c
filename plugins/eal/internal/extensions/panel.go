package extensions

import (
	"fmt"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/contract"

	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
	"github.com/challengepartners/upwards/plugins/eal/internal/store"
)

// Panel is what the trial says about one school of it on the core's pages,
// for someone who may read the school's trial page: where it stands in the
// trial, its arm once its wave is revealed (with its delegates' training
// or its outcomes due), its next course day, and its pupils' scores to
// enter. Counts only. today is a London date, "YYYY-MM-DD"; prefix, when
// set, names the trial (a school in two trials).
func Panel(t *Trial, ts store.TrialSchool, today, prefix string) []sdk.PanelLine {
	link := fmt.Sprintf("/trials/%d/schools/%d", t.Trial.ID, ts.SchoolID)
	var lines []sdk.PanelLine
	add := func(attention bool, format string, args ...any) {
		lines = append(lines, sdk.PanelLine{Text: fmt.Sprintf(format, args...), Link: link, Attention: attention})
	}
	w, inWave := t.wave(ts)
	arm := t.arm(ts)
	dels := t.delegatesOf(ts.ID)
	count := t.Counts[ts.ID]
	sched := t.Trial.Schedule()
	next := nextOutcome(sched, count, today)

	switch {
	case arm == store.ArmIntervention:
		days := t.presentDays()
		trained := 0
		for _, d := range dels {
			if days[d.ID] >= rules.Days {
				trained++
			}
		}
		if len(dels) == 0 {
			add(!ts.Withdrawn(), "Intervention school (wave %d), no delegate named", w.Number)
		} else {
			add(false, "Intervention school (wave %d), delegates %d/%d trained", w.Number, trained, len(dels))
		}
	case arm == store.ArmControl:
		switch {
		case ts.Withdrawn():
			add(false, "Control school (wave %d)", w.Number)
		case next.point != "":
			add(next.overdue, "Control school (wave %d): outcomes due by %s", w.Number, day(next.due))
		case ts.WaitlistOfferedOn != "":
			add(false, "Control school (wave %d): offered the course after the trial on %s", w.Number, day(ts.WaitlistOfferedOn))
		default:
			add(false, "Control school (wave %d): carries on as usual, offered the course after the trial", w.Number)
		}
	case inWave && w.Allocated():
		add(false, "Randomised in wave %d: its allocation is told once the wave is revealed", w.Number)
	case inWave:
		add(false, "In wave %d's frozen list, to be randomised", w.Number)
	case ts.Withdrawn():
	case ts.Eligible == nil:
		add(false, "Interest recorded on %s; eligibility to be checked", day(ts.InterestOn))
	case !*ts.Eligible:
		add(false, "Not eligible: %s", firstLine(ts.IneligibleReasons))
	case ts.AgreementOn == "":
		add(false, "Eligible; the agreement is to be signed")
	case !count.PupilCount().BaselineComplete():
		_, due := sched.Window(rules.PointBaseline)
		text := fmt.Sprintf("Baseline: %s of %s assessed", thousands(count.Scored[rules.PointBaseline]), plural(count.Counted(), "pupil", "pupils"))
		if due != "" {
			text += ", due by " + day(due)
		}
		add(due != "" && due < today, "%s", text)
	default:
		add(false, "Ready to be randomised in the next wave")
	}
	if ts.Withdrawn() {
		add(false, "Withdrew from the trial on %s (%s)", day(ts.WithdrawnOn), strings.ToLower(stageLabel(ts.WithdrawnStage)))
		return prefixed(lines, prefix)
	}
	if arm != store.ArmIntervention {
		switch len(dels) {
		case 0:
			if !inWave {
				add(false, "No delegate named yet")
			}
		default:
			add(false, "%s named for the course", plural(len(dels), "delegate", "delegates"))
		}
	}
	if arm == store.ArmIntervention {
		for _, d := range t.Days[ts.CentreID] {
			if d.HeldOn >= today {
				when := "on " + day(d.HeldOn)
				if d.HeldOn == today {
					when = "today"
				}
				add(false, "Next course day: day %d %s at %s", d.Day, when, t.Centres[ts.CentreID].Name)
				break
			}
		}
	}
	if t.randomised(ts) {
		for _, p := range outcomePoints {
			if !sched.Open(p, today) {
				continue
			}
			_, due := sched.Window(p)
			n, of := count.Scored[p], count.Counted()
			if n >= of {
				add(false, "%s: all %s scored", capital(pointWords(p)), plural(of, "pupil", "pupils"))
				continue
			}
			add(due != "" && due < today, "%s: %s of %s scored, due by %s", capital(pointWords(p)), thousands(n), plural(of, "pupil", "pupils"), day(due))
		}
	}
	return prefixed(lines, prefix)
}

// prefixed starts each line with the trial's name, when there is one, and
// keeps at most the lines a panel may hold.
func prefixed(lines []sdk.PanelLine, prefix string) []sdk.PanelLine {
	if prefix != "" {
		for i := range lines {
			lines[i].Text = clip(prefix + ": " + lines[i].Text)
		}
	}
	if len(lines) > contract.MaxPanelLines {
		lines = lines[:contract.MaxPanelLines]
	}
	return lines
}

// clip keeps s within the contract's length.
func clip(s string) string {
	r := []rune(s)
	if len(r) <= contract.MaxContributionText {
		return s
	}
	return string(r[:contract.MaxContributionText-1]) + "…"
}

// next is the first point whose scores are still to enter, once its
// window has opened.
type next struct {
	point   rules.Point
	due     string
	overdue bool
}

func nextOutcome(sched rules.Schedule, c store.SchoolCount, today string) next {
	for _, p := range outcomePoints {
		if !sched.Open(p, today) || c.Scored[p] >= c.Counted() {
			continue
		}
		_, due := sched.Window(p)
		return next{point: p, due: due, overdue: due != "" && due < today}
	}
	return next{}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func stageLabel(s string) string {
	if p, ok := rules.ParsePhase(s); ok {
		return p.Label()
	}
	return s
}
