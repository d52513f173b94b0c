package web

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/contract"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/rules"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/store"
)

// What the programme contributes to the core's pages (contract v1
// extension points): a panel on a school's page, the viewer's to-dos on
// their home page, and headline figures on the partnership overview. Each
// answer is a few batched queries and at most one Host call, and shows the
// viewer only what the plugin's own pages let them see: a participant's
// record to themself, their cohort's managers, and (when they share it)
// their headteacher; a coach's to themself and the managers. Never a
// session's notes or actions, never a pupil.

// PermSchoolPanel: see the programme's panel on a school's page. The core
// asks only at schools where the viewer holds it; the panel then holds only
// what the viewer may see already.
const PermSchoolPanel = "gettingahead.school_panel.read"

// ext is what an extension call works with: its store (reading only), Host,
// actor and today's London date.
type ext struct {
	ctx   context.Context
	host  *sdk.Host
	s     *store.Store
	user  uint64
	today time.Time
}

func newExt(ctx context.Context) *ext {
	return &ext{ctx: ctx, host: sdk.HostFrom(ctx), s: store.New(sdk.Tenant(ctx), sdk.TenantID(ctx), nil, sdk.Now(ctx)),
		user: sdk.ActorFrom(ctx).GetUserId(), today: rules.Date(sdk.Today(ctx))}
}

// mine reports whether a record's account is the actor's.
func (x *ext) mine(personID uint64) bool { return x.user != 0 && personID == x.user }

// tallies sums the sessions of pairs, by pair.
func (x *ext) tallies(pairs []store.Pair) (map[uint64]store.PairTally, error) {
	var ids []uint64
	for _, p := range pairs {
		ids = append(ids, p.ID)
	}
	return x.s.Tallies(ids)
}

// SchoolPanels says, for each school asked, what the programme holds about
// it for this viewer, in the cohorts of this school year and later ones:
// its leaders in a cohort and their coaching hours (to the cohort's
// managers; to their headteacher only for those who share their record; to
// a participant their own), and the coaches it hosts (to the managers; to a
// coach their own). Seven queries and one Host call.
func SchoolPanels(ctx context.Context, units []uint64) ([]sdk.SchoolPanel, error) {
	x := newExt(ctx)
	cohorts, err := x.s.CohortsFrom(rules.YearStart(x.today))
	if err != nil || len(cohorts) == 0 {
		return nil, err
	}
	var cids []uint64
	for _, c := range cohorts {
		cids = append(cids, c.ID)
	}
	parts, err := x.s.ParticipantsAt(cids, units)
	if err != nil {
		return nil, err
	}
	coaches, err := x.s.CoachesAt(cids, units)
	if err != nil {
		return nil, err
	}
	if len(parts)+len(coaches) == 0 {
		return nil, nil
	}
	// One Host call: which cohorts the viewer runs, and at which schools
	// they read what participants share.
	checks := make([]sdk.Check, 0, len(cohorts)+len(units))
	for _, c := range cohorts {
		checks = append(checks, sdk.Check{Permission: PermManage, UnitID: c.UnitID})
	}
	var sharing []uint64
	for _, p := range parts {
		if p.ShareWithHead && !slices.Contains(sharing, p.SchoolID) {
			sharing = append(sharing, p.SchoolID)
			checks = append(checks, sdk.Check{Permission: PermShared, UnitID: p.SchoolID})
		}
	}
	can, err := x.host.Authorize(ctx, checks...)
	if err != nil {
		return nil, err
	}
	manages, sharedAt := map[uint64]bool{}, map[uint64]bool{}
	for i, c := range cohorts {
		manages[c.ID] = can[i]
	}
	for i, s := range sharing {
		sharedAt[s] = can[len(cohorts)+i]
	}

	// Keep only what the viewer may see, then read the pairs of those.
	var seenParts []store.Participant
	var partIDs, coachIDs []uint64
	for _, p := range parts {
		if manages[p.CohortID] || x.mine(p.PersonID) || p.ShareWithHead && sharedAt[p.SchoolID] {
			seenParts = append(seenParts, p)
			partIDs = append(partIDs, p.ID)
		}
	}
	var seenCoaches []store.Coach
	for _, c := range coaches {
		if manages[c.CohortID] || x.mine(c.PersonID) {
			seenCoaches = append(seenCoaches, c)
			coachIDs = append(coachIDs, c.ID)
		}
	}
	if len(seenParts)+len(seenCoaches) == 0 {
		return nil, nil
	}
	partPairs, err := x.s.ActivePairsOf(store.SideParticipant, partIDs)
	if err != nil {
		return nil, err
	}
	coachPairs, err := x.s.ActivePairsOf(store.SideCoach, coachIDs)
	if err != nil {
		return nil, err
	}
	tallies, err := x.tallies(append(slices.Clone(partPairs), coachPairs...))
	if err != nil {
		return nil, err
	}
	pairOf := map[uint64]store.Pair{} // by participant
	var pairCoaches []uint64
	for _, p := range partPairs {
		pairOf[p.ParticipantID] = p
		pairCoaches = append(pairCoaches, p.CoachID)
	}
	coachByID, err := x.s.CoachesByID(pairCoaches)
	if err != nil {
		return nil, err
	}
	pairsOfCoach := map[uint64][]store.Pair{}
	for _, p := range coachPairs {
		pairsOfCoach[p.CoachID] = append(pairsOfCoach[p.CoachID], p)
	}

	out := make([]sdk.SchoolPanel, 0, len(units))
	for _, school := range units {
		var lines []sdk.PanelLine
		for _, c := range cohorts { // the latest year first
			lines = append(lines, x.cohortLines(c, school, manages[c.ID], seenParts, seenCoaches, pairOf, pairsOfCoach, coachByID, tallies)...)
		}
		if len(lines) > contract.MaxPanelLines {
			lines = lines[:contract.MaxPanelLines]
		}
		if len(lines) > 0 {
			out = append(out, sdk.SchoolPanel{UnitID: school, Lines: lines})
		}
	}
	return out, nil
}

// cohortLines are the panel lines of one cohort at one school: the
// viewer's own record first, then the leaders and coaches they may see.
func (x *ext) cohortLines(c store.Cohort, school uint64, manages bool, parts []store.Participant, coaches []store.Coach,
	pairOf map[uint64]store.Pair, pairsOfCoach map[uint64][]store.Pair, coachByID map[uint64]store.Coach, tallies map[uint64]store.PairTally) []sdk.PanelLine {
	year := c.YearLabel()
	var lines []sdk.PanelLine
	var leaders []rules.PanelLeader
	var shared []uint64
	quiet := false
	for _, p := range parts {
		if p.CohortID != c.ID || p.SchoolID != school {
			continue
		}
		pr, coached := pairOf[p.ID]
		t := tallies[pr.ID]
		if x.mine(p.PersonID) {
			coach := ""
			if coached {
				coach = coachByID[pr.CoachID].Name
			}
			lines = append(lines, sdk.PanelLine{Text: rules.Clip(rules.SelfLine(year, c.ExpectedHours, coach, t.Minutes), contract.MaxContributionText),
				Link: "/participants/" + itoa(p.ID)})
			continue
		}
		leaders = append(leaders, rules.PanelLeader{Coached: coached, CoachIsHead: coached && coachByID[pr.CoachID].SchoolID != 0, Minutes: t.Minutes})
		if !manages {
			shared = append(shared, p.ID)
		}
		if coached && x.quiet(c, pr, t) {
			quiet = true
		}
	}
	if len(leaders) > 0 {
		l := sdk.PanelLine{Text: rules.LeadersLine(year, c.ExpectedHours, leaders)}
		switch {
		case manages:
			l.Link, l.Attention = "/cohorts/"+itoa(c.ID)+"/pairs", quiet
		case len(shared) == 1:
			l.Link = "/shared/" + itoa(shared[0])
		default:
			l.Link = "/shared"
		}
		lines = append(lines, l)
	}
	var own, hosted []rules.PanelCoach
	var ownID uint64
	for _, co := range coaches {
		if co.CohortID != c.ID || co.SchoolID != school {
			continue
		}
		pc := rules.PanelCoach{Places: co.Capacity, Pairs: len(pairsOfCoach[co.ID])}
		for _, pr := range pairsOfCoach[co.ID] {
			pc.Minutes += tallies[pr.ID].Minutes
		}
		if x.mine(co.PersonID) {
			own, ownID = append(own, pc), co.ID
		} else {
			hosted = append(hosted, pc)
		}
	}
	if len(own) > 0 {
		lines = append(lines, sdk.PanelLine{Text: rules.CoachesLine(year, c.ExpectedHours, own, true), Link: "/coaches/" + itoa(ownID)})
	}
	if len(hosted) > 0 { // only a manager sees coaches not their own
		lines = append(lines, sdk.PanelLine{Text: rules.CoachesLine(year, c.ExpectedHours, hosted, false), Link: "/cohorts/" + itoa(c.ID) + "/coaches"})
	}
	return lines
}

// quiet reports whether a pair under way has gone six weeks without a session.
func (x *ext) quiet(c store.Cohort, p store.Pair, t store.PairTally) bool {
	return rules.Quiet(store.ParseDate(lastOf(p, t)), c.StartYear, x.today)
}

// lastOf is the date of a pair's last session, or its start.
func lastOf(p store.Pair, t store.PairTally) string {
	if t.Last > p.StartedOn {
		return t.Last
	}
	return p.StartedOn
}

// Todos lists what the viewer should do next in the cohorts of this school
// year and later ones: a coach or participant their next session (due
// before the pair goes six weeks without one), a participant their
// self-assessments (the start's by 31 October, the end's by 15 July), each
// side its ranking before the match; a programme manager the match to run
// or publish, and the pairs gone quiet. One Host call.
func Todos(ctx context.Context) ([]sdk.Todo, error) {
	x := newExt(ctx)
	cohorts, err := x.s.CohortsFrom(rules.YearStart(x.today))
	if err != nil || len(cohorts) == 0 {
		return nil, err
	}
	byID := map[uint64]store.Cohort{}
	var cids []uint64
	checks := make([]sdk.Check, len(cohorts))
	for i, c := range cohorts {
		byID[c.ID] = c
		cids = append(cids, c.ID)
		checks[i] = sdk.Check{Permission: PermManage, UnitID: c.UnitID}
	}
	can, err := x.host.Authorize(ctx, checks...)
	if err != nil {
		return nil, err
	}
	var managed []store.Cohort
	for i, c := range cohorts {
		if can[i] {
			managed = append(managed, c)
		}
	}
	states, err := x.s.RunStates(cids)
	if err != nil {
		return nil, err
	}
	var out []sdk.Todo
	own, err := x.ownTodos(byID, states)
	if err != nil {
		return nil, err
	}
	out = append(out, own...)
	mgr, err := x.managerTodos(managed, states)
	if err != nil {
		return nil, err
	}
	out = append(out, mgr...)
	for i := range out {
		out[i].Title = rules.Clip(out[i].Title, contract.MaxContributionText)
	}
	if len(out) > contract.MaxTodos {
		out = out[:contract.MaxTodos]
	}
	return out, nil
}

// ownTodos are the viewer's to-dos as a coach or participant of cohorts.
func (x *ext) ownTodos(cohorts map[uint64]store.Cohort, states map[uint64]store.RunState) ([]sdk.Todo, error) {
	var parts []store.Participant
	var coaches []store.Coach
	if x.user != 0 {
		ps, err := x.s.ParticipantsOf(x.user)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if _, ok := cohorts[p.CohortID]; ok && !p.Withdrawn() {
				parts = append(parts, p)
			}
		}
		cs, err := x.s.CoachesOf(x.user)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			if _, ok := cohorts[c.CohortID]; ok && !c.Withdrawn() {
				coaches = append(coaches, c)
			}
		}
	}
	if len(parts)+len(coaches) == 0 {
		return nil, nil
	}
	partIDs, coachIDs := idsOf(parts, coaches)
	partPairs, err := x.s.ActivePairsOf(store.SideParticipant, partIDs)
	if err != nil {
		return nil, err
	}
	coachPairs, err := x.s.ActivePairsOf(store.SideCoach, coachIDs)
	if err != nil {
		return nil, err
	}
	tallies, err := x.tallies(append(slices.Clone(partPairs), coachPairs...))
	if err != nil {
		return nil, err
	}
	var otherCoaches, otherParts []uint64
	for _, p := range partPairs {
		otherCoaches = append(otherCoaches, p.CoachID)
	}
	for _, p := range coachPairs {
		otherParts = append(otherParts, p.ParticipantID)
	}
	coachNames, err := x.s.CoachesByID(otherCoaches)
	if err != nil {
		return nil, err
	}
	partNames, err := x.s.ParticipantsByID(otherParts)
	if err != nil {
		return nil, err
	}
	assessments, err := x.s.Assessments(partIDs)
	if err != nil {
		return nil, err
	}
	rankedP, rankedC, err := x.ranked(partIDs, coachIDs)
	if err != nil {
		return nil, err
	}

	var out []sdk.Todo
	// The next session of each pair under way while its year runs.
	session := func(p store.Pair, other string) {
		c := cohorts[p.CohortID]
		if !rules.InYear(c.StartYear, x.today) {
			return
		}
		t := tallies[p.ID]
		out = append(out, sdk.Todo{Title: fmt.Sprintf("Hold and log your next coaching session with %s (%s of %d hours so far)", other, rules.HoursText(t.Minutes), c.ExpectedHours),
			Link: "/pairs/" + itoa(p.ID), Due: rules.NextSessionDue(store.ParseDate(lastOf(p, t)))})
	}
	for _, p := range coachPairs {
		session(p, partNames[p.ParticipantID].Name)
	}
	for _, p := range partPairs {
		session(p, coachNames[p.CoachID].Name+", your coach")
	}
	for _, p := range parts {
		c := cohorts[p.CohortID]
		base := "/participants/" + itoa(p.ID)
		if _, done := assessments[p.ID][rules.RoundStart]; !done {
			out = append(out, sdk.Todo{Title: "Complete your start-of-year self-assessment for " + c.Name, Link: base + "/assessment/" + rules.RoundStart,
				Due: rules.StartAssessmentDue(c.StartYear)})
		}
		if from, due := rules.EndAssessmentWindow(c.StartYear); !x.today.Before(from) && rules.InYear(c.StartYear, x.today) {
			if _, done := assessments[p.ID][rules.RoundEnd]; !done {
				out = append(out, sdk.Todo{Title: "Complete your end-of-year self-assessment for " + c.Name, Link: base + "/assessment/" + rules.RoundEnd, Due: due})
			}
		}
		if st := states[c.ID]; !st.Published && !rankedP[p.ID] {
			out = append(out, sdk.Todo{Title: "Rank the coaches of " + c.Name + " for the match", Link: base + "/rankings"})
		}
	}
	for _, co := range coaches {
		c := cohorts[co.CohortID]
		if st := states[c.ID]; !st.Published && !rankedC[co.ID] {
			out = append(out, sdk.Todo{Title: "Rank the participants of " + c.Name + " for the match", Link: "/coaches/" + itoa(co.ID) + "/rankings"})
		}
	}
	return out, nil
}

// managerTodos are a programme manager's to-dos in the cohorts they run:
// the match to run or publish, and the pairs gone six weeks without a
// session (due from the day the first of them went quiet).
func (x *ext) managerTodos(managed []store.Cohort, states map[uint64]store.RunState) ([]sdk.Todo, error) {
	if len(managed) == 0 {
		return nil, nil
	}
	var cids []uint64
	for _, c := range managed {
		cids = append(cids, c.ID)
	}
	parts, err := x.s.ParticipantsAt(cids, nil)
	if err != nil {
		return nil, err
	}
	coaches, err := x.s.CoachesAt(cids, nil)
	if err != nil {
		return nil, err
	}
	pairs, err := x.s.ActivePairsIn(cids)
	if err != nil {
		return nil, err
	}
	tallies, err := x.tallies(pairs)
	if err != nil {
		return nil, err
	}
	partIDs, coachIDs := idsOf(parts, coaches)
	rankedP, rankedC, err := x.ranked(partIDs, coachIDs)
	if err != nil {
		return nil, err
	}
	var out []sdk.Todo
	for _, c := range managed {
		match := "/cohorts/" + itoa(c.ID) + "/match"
		st := states[c.ID]
		switch {
		case st.Draft != 0 && st.DraftKind == store.RunRematch:
			out = append(out, sdk.Todo{Title: "Publish the re-match draft of " + c.Name + ", or run it again", Link: match, UnitID: c.UnitID})
		case st.Draft != 0:
			out = append(out, sdk.Todo{Title: "Publish the draft match of " + c.Name + ", or run it again", Link: match, UnitID: c.UnitID})
		case !st.Published:
			np, nc, rp, rc := 0, 0, 0, 0
			for _, p := range parts {
				if p.CohortID == c.ID {
					np++
					if rankedP[p.ID] {
						rp++
					}
				}
			}
			for _, co := range coaches {
				if co.CohortID == c.ID {
					nc++
					if rankedC[co.ID] {
						rc++
					}
				}
			}
			if np > 0 && nc > 0 {
				out = append(out, sdk.Todo{Title: fmt.Sprintf("Run the match of %s: %d of %d participants and %d of %d coaches have ranked", c.Name, rp, np, rc, nc),
					Link: match, UnitID: c.UnitID})
			}
		}
		n := 0
		var first time.Time
		for _, p := range pairs {
			if p.CohortID != c.ID || !x.quiet(c, p, tallies[p.ID]) {
				continue
			}
			n++
			if d := rules.NextSessionDue(store.ParseDate(lastOf(p, tallies[p.ID]))); first.IsZero() || d.Before(first) {
				first = d
			}
		}
		if n > 0 {
			out = append(out, sdk.Todo{Title: fmt.Sprintf("Follow up %s of %s with no session in six weeks", rules.Count(n, "pair", "pairs"), c.Name),
				Link: "/cohorts/" + itoa(c.ID) + "/pairs", Due: first, UnitID: c.UnitID})
		}
	}
	return out, nil
}

// Figures are the programme's headline figures for the partnership
// overview (the viewer reads every cohort's report: the permission is held
// at the tenant's root): the school year's participants, coaches and hours
// of coaching, and the promotions to headship of every cohort.
func Figures(ctx context.Context) ([]sdk.Figure, error) {
	x := newExt(ctx)
	h, ok, err := x.s.HeadlineOf(rules.YearStart(x.today))
	if err != nil || !ok {
		return nil, err
	}
	year := rules.YearLabel(h.Year)
	where := h.Cohorts[0].Name
	link := "/cohorts/" + itoa(h.Cohorts[0].ID) + "/report"
	if len(h.Cohorts) > 1 {
		where, link = rules.Count(len(h.Cohorts), "cohort", "cohorts")+" in "+year, ""
	}
	share := ""
	if h.AllParticipants > 0 {
		share = fmt.Sprintf(" (%d%%)", (h.PromotedHead*100+h.AllParticipants/2)/h.AllParticipants)
	}
	return []sdk.Figure{
		{Label: "Participants, " + year, Value: fmt.Sprint(h.Participants), Link: link,
			Detail: rules.Clip(fmt.Sprintf("%s; %d withdrawn", where, h.Withdrawn), contract.MaxContributionText)},
		{Label: "Coaches, " + year, Value: fmt.Sprint(h.Coaches),
			Detail: fmt.Sprintf("%s; %s under way", rules.Count(h.Places, "place", "places"), rules.Count(h.PairsActive, "pair", "pairs"))},
		{Label: "Hours of coaching, " + year, Value: rules.HoursText(h.Minutes),
			Detail: fmt.Sprintf("in %s; %d expected per pair over the year", rules.Count(h.Sessions, "session", "sessions"), h.ExpectedHours)},
		{Label: "Promoted to headship, every cohort", Value: fmt.Sprint(h.PromotedHead),
			Detail: fmt.Sprintf("%d of %s since %s%s; %d promoted to any post", h.PromotedHead, rules.Count(h.AllParticipants, "participant", "participants"),
				rules.YearLabel(h.FirstYear), share, h.Promoted)},
	}, nil
}

// idsOf are the ids of parts and of coaches.
func idsOf(parts []store.Participant, coaches []store.Coach) (partIDs, coachIDs []uint64) {
	for _, p := range parts {
		partIDs = append(partIDs, p.ID)
	}
	for _, c := range coaches {
		coachIDs = append(coachIDs, c.ID)
	}
	return partIDs, coachIDs
}

// ranked says which of the participants and which of the coaches have
// ranked the other side for the match.
func (x *ext) ranked(partIDs, coachIDs []uint64) (rankedP, rankedC map[uint64]bool, err error) {
	if rankedP, err = x.s.Ranked(store.SideParticipant, partIDs); err != nil {
		return nil, nil, err
	}
	if rankedC, err = x.s.Ranked(store.SideCoach, coachIDs); err != nil {
		return nil, nil, err
	}
	return rankedP, rankedC, nil
}
