package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// The impact side of the demo: which cohort pupils receive each trialled
// strategy (the first one helps them close more of the gap, so its
// evidence has something to show), the schools' decisions and scale-up
// plans, the staff survey and the case studies.

// schoolSeed is what the seed made at one school, for the decisions,
// survey answers and case study that follow.
type schoolSeed struct {
	school  *pluginv1.School
	leader  *store.TeamMember
	members []store.TeamMember
	trials  []trialSeed
	// pupils is the cohort's size; yearGroups its year groups, in order.
	pupils     int
	yearGroups []int
	// The cohort's mean gap in months at the baseline and the last
	// snapshot (pupils with both values), and the last snapshot.
	gapFrom, gapTo float64
	// changes is each cohort pupil's change of the gap from the baseline
	// to the last snapshot (nil: a value missing).
	changes   []*int
	lastLabel string
	baseline  time.Time
}

// trialSeed is one strategy the school trials and how many receive it.
type trialSeed struct {
	trial    *store.Trial
	title    string
	pupils   int
	received []bool // by cohort index
}

// boostPerSnapshot is how many more months of the gap, at each snapshot
// after the baseline, a pupil receiving the school's first strategy
// closes: the effect its evidence shows.
const boostPerSnapshot = 2

// allocate chooses which of n cohort pupils receive each of two
// strategies: the first about three in five (always leaving 3 without it
// when n allows, so its evidence can compare), the second about half,
// independently, so some pupils receive both and some neither.
func allocate(n int, rng *rand.Rand) [2][]bool {
	var out [2][]bool
	counts := [2]int{n - max(evidenceMin, n*2/5), n / 2}
	for k := range out {
		out[k] = make([]bool, n)
		c := max(counts[k], 0)
		for _, i := range rng.Perm(n)[:c] {
			out[k][i] = true
		}
	}
	return out
}

// evidenceMin is the smallest group a trial's evidence compares.
const evidenceMin = 3

// boost makes a pupil receiving the first strategy close more of the gap
// and grow a little more in attitude at each snapshot after the baseline.
func (t *trajectory) boost() {
	for k := 1; k < len(t.gap); k++ {
		t.gap[k] = min(t.gap[k]+boostPerSnapshot*k, 6)
		t.attitude[k] = clamp(t.attitude[k]+2*k, 0, 100)
	}
}

// decide records the school's decisions: the first strategy is scaled up
// in about two schools of three (with a plan whose first steps are done)
// and continued elsewhere; the second is continued, stopped or still
// running.
func (sd *seeder) decide(ss *schoolSeed, rng *rand.Rand) error {
	for k, ts := range ss.trials {
		var d rules.Decision
		switch {
		case k == 0 && rng.IntN(3) < 2:
			d = rules.DecisionScaleUp
		case k == 0:
			d = rules.DecisionContinue
		default:
			d = []rules.Decision{rules.DecisionContinue, rules.DecisionContinue, rules.DecisionStop, rules.DecisionNone}[rng.IntN(4)]
		}
		if d == rules.DecisionNone {
			continue
		}
		t, err := sd.s.DecideTrial(ss.school.GetId(), ts.trial.ID, string(d))
		if err != nil {
			return err
		}
		ss.trials[k].trial = t
		if d == rules.DecisionScaleUp {
			if err := sd.plan(ss, t, rng); err != nil {
				return err
			}
		}
	}
	return nil
}

// plan writes a scale-up plan: the year groups and classes reached so far
// and four steps from April to July of the programme year, the first two
// done, the third in about half the schools, the last still open.
func (sd *seeder) plan(ss *schoolSeed, t *store.Trial, rng *rand.Rand) error {
	first := sd.first
	school := ss.school.GetId()
	groups := reach(ss.yearGroups)
	var classes []string
	for _, g := range groups {
		for _, c := range []string{"A", "B", "C"}[:1+rng.IntN(2)] {
			classes = append(classes, strconv.Itoa(g)+c)
		}
	}
	if _, err := sd.s.SetReach(school, t.ID, joinInts(groups, ","), strings.Join(classes, ", "), sd.by); err != nil {
		return err
	}
	leader, teacher, para := "The headteacher", "A class teacher", "The teaching assistants"
	for _, m := range ss.members {
		switch rules.Role(m.Role) {
		case rules.RoleLeader:
			leader = m.Name
		case rules.RoleTeacher:
			teacher = m.Name
		case rules.RolePara:
			para = m.Name
		}
	}
	span := yearSpan(groups)
	steps := []struct {
		what, who string
		due       time.Time
		done      bool
	}{
		{"Present the strategy and its evidence from the March snapshot to all staff", leader, date(first+1, time.April, 24), true},
		{"Train the teaching assistants of " + span + " to deliver it", para, date(first+1, time.May, 15), true},
		{"Timetable it for every pupil premium pupil in " + span, teacher, date(first+1, time.June, 12), rng.IntN(2) == 0},
		{"Review its effect at the July snapshot and report to governors", leader, date(first+1, time.July, 17), false},
	}
	for _, st := range steps {
		step, err := sd.s.AddStep(school, t.ID, st.what, st.who, st.due.Format(time.DateOnly), sd.by)
		if err != nil {
			return err
		}
		if st.done {
			if _, err := sd.s.SetStepDone(school, t.ID, step.ID, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// reach is the year groups a scaled-up strategy has reached so far: those
// of the school's target pupils.
func reach(cohort []int) []int { return slices.Clone(cohort) }

// yearSpan words year groups: "Year 4", "Years 3 to 5".
func yearSpan(groups []int) string {
	switch len(groups) {
	case 0:
		return "the school"
	case 1:
		return "Year " + strconv.Itoa(groups[0])
	}
	return fmt.Sprintf("Years %d to %d", groups[0], groups[len(groups)-1])
}

func joinInts(xs []int, sep string) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, sep)
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// agreeRate is, per survey statement, about how many team members agree
// after a year of the programme: most would recommend it; fewer see their
// strategies spreading through the school yet.
var agreeRate = map[string]float64{
	"barriers": 0.85, "data": 0.72, "strategies": 0.66, "challenge": 0.8,
	"confidence": 0.8, "scale_up": 0.55, "recommend": 0.88,
}

// answer draws one answer to a statement agreed with at rate p: when
// agreeing, strongly two times in five; otherwise mostly neither, some
// disagree, few strongly.
func answer(p float64, rng *rand.Rand) int {
	u := rng.Float64()
	if u < p {
		if rng.IntN(5) < 2 {
			return rules.StronglyAgree
		}
		return rules.Agree
	}
	switch v := rng.IntN(20); {
	case v < 11:
		return rules.Neither
	case v < 18:
		return rules.Disagree
	}
	return rules.StronglyDisagree
}

// answers draws a team member's answers to every statement; shift moves
// the school's rates (a keener or a more doubtful team).
func answers(shift float64, rng *rand.Rand) map[string]int {
	out := make(map[string]int, len(rules.SurveyItems))
	for _, it := range rules.SurveyItems {
		p := min(max(agreeRate[it.Key]+shift, 0.05), 0.97)
		out[it.Key] = answer(p, rng)
	}
	return out
}

// rounds are the year's survey rounds: spring, answered by every team
// member and then closed, and summer, still open.
type rounds struct{ spring, summer *store.SurveyRound }

func (sd *seeder) openRounds(year *store.Year, first int) (rounds, error) {
	var r rounds
	var err error
	if r.spring, err = sd.s.CreateRound(year.ID, fmt.Sprintf("Spring %d", first+1)); err != nil {
		return r, err
	}
	if r.summer, err = sd.s.CreateRound(year.ID, fmt.Sprintf("Summer %d", first+1)); err != nil {
		return r, err
	}
	return r, nil
}

// closeRounds closes the spring round once every school has answered it.
func (sd *seeder) closeRounds(r rounds) error {
	_, err := sd.s.SetRoundOpen(r.spring.ID, false)
	return err
}

// survey draws the school's answers to the spring round: every team
// member answers every statement (written with every school's, by run).
// The summer round stays unanswered, so that the demo's logins on a team
// can answer it.
func (sd *seeder) survey(ss *schoolSeed, rng *rand.Rand) {
	shift := float64(rng.IntN(21)-10) / 100
	for _, m := range ss.members {
		sd.responses = append(sd.responses, store.Response{SchoolID: ss.school.GetId(), PersonID: m.PersonID, Answers: answers(shift, rng)})
	}
}

// barriers are what a school's team saw holding its target pupils back.
var barriers = []string{
	"few of them asked for help or kept going when a task got hard",
	"their reading held them back in every subject, not only in English",
	"they missed more school than their classmates and lost the thread of units",
	"they rarely talked about what they had learnt or how they had learnt it",
	"homework came back unfinished and they had nowhere quiet to work",
}

// caseStudy writes the school's case study from what the seed made: the
// cohort, the barrier the team saw, the strategies and who received them,
// the gap closed and the decisions. It names no pupil.
func (sd *seeder) caseStudy(year *store.Year, ss *schoolSeed, rng *rand.Rand) error {
	if len(ss.trials) == 0 || ss.pupils == 0 || ss.lastLabel == snapshotDays[0].label {
		return nil // nothing to tell before a termly snapshot
	}
	challenge := fmt.Sprintf("Our %d target pupils, nearly all eligible for the pupil premium, were on average %s behind their age at the baseline (%s). "+
		"The team saw the main barrier in how they learnt: %s.",
		ss.pupils, months(-ss.gapFrom), ss.baseline.Format("2 January 2006"), barriers[rng.IntN(len(barriers))])
	var tried []string
	for _, ts := range ss.trials {
		tried = append(tried, fmt.Sprintf("%s with %d of them", ts.title, ts.pupils))
	}
	response := fmt.Sprintf("We trialled %s. The teaching assistants delivered the sessions and the teachers planned them into lessons; "+
		"the team reviewed every pupil at each snapshot and brought the evidence to the cluster's workshops.", strings.Join(tried, " and "))
	first := ss.trials[0]
	var outcome string
	if closed := ss.gapTo - ss.gapFrom; closed > 0 {
		outcome = fmt.Sprintf("By %s the target pupils had closed %s of the gap on average.", ss.lastLabel, months(closed))
	} else {
		outcome = fmt.Sprintf("By %s the gap had not narrowed on average.", ss.lastLabel)
	}
	if with, without, ok := groupChange(ss.changes, first.received); ok {
		outcome += fmt.Sprintf(" Those receiving %s changed by %s on average, the others by %s.", first.title, signedMonths(with), signedMonths(without))
	}
	switch rules.Decision(first.trial.Decision) {
	case rules.DecisionScaleUp:
		outcome += fmt.Sprintf(" We decided to scale it up to %s; the plan is on the school's page.", yearSpan(reach(ss.yearGroups)))
	case rules.DecisionContinue:
		outcome += " We are continuing it next year before deciding whether to scale it up."
	}
	_, err := sd.s.SaveCaseStudy(year.ID, ss.school.GetId(), challenge, response, outcome, sd.by)
	return err
}

// groupChange is the mean change of the pupils receiving a strategy and of
// the others; false when either group has no pupil with both values.
func groupChange(changes []*int, received []bool) (with, without float64, ok bool) {
	var sum [2]float64
	var n [2]int
	for i, c := range changes {
		if c == nil || i >= len(received) {
			continue
		}
		k := 1
		if received[i] {
			k = 0
		}
		sum[k] += float64(*c)
		n[k]++
	}
	if n[0] == 0 || n[1] == 0 {
		return 0, 0, false
	}
	return sum[0] / float64(n[0]), sum[1] / float64(n[1]), true
}

// signedMonths words a change: "+2.5 months" (closing), "-1 month".
func signedMonths(v float64) string {
	s := months(v)
	if v > 0 && !strings.HasPrefix(s, "0 ") {
		return "+" + s
	}
	return s
}

// months words a number of months to one decimal: "1 month", "4.5 months".
func months(v float64) string {
	s := strconv.FormatFloat(float64(int64(v*10+0.5*sign(v)))/10, 'f', -1, 64)
	if s == "1" || s == "-1" {
		return s + " month"
	}
	return s + " months"
}

func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}
