package demo

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/match"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/rules"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/store"
)

type seeder struct {
	s        *store.Store
	w        *world
	rng      *rand.Rand
	sessions int
}

var given = []string{"Adaeze", "Bethan", "Callum", "Deborah", "Emeka", "Fiona", "Gareth", "Hannah", "Imran", "Joanna", "Kwame", "Leila",
	"Marcus", "Nkechi", "Owain", "Parveen", "Rachel", "Simon", "Tamsin", "Usman", "Vanessa", "William", "Yasmin", "Zoe"}

var family = []string{"Ahmed", "Bailey", "Campbell", "Dhillon", "Edwards", "Francis", "Gordon", "Hughes", "Ibrahim", "Johnson", "Kaur",
	"Lloyd", "Mitchell", "Nwosu", "Owusu", "Powell", "Rahman", "Shaw", "Thompson", "Walker", "Young"}

var boroughs = []string{"Camden", "Ealing", "Greenwich", "Hackney", "Hounslow", "Islington", "Kingston", "Lambeth", "Lewisham",
	"Newham", "Southwark", "Tower Hamlets", "Wandsworth", "Westminster", "Barnet", "Brent"}

var expertise = []string{"Turning round a school in difficulty", "Leading a primary through academy conversion", "Inclusion and SEND",
	"Curriculum design across a trust", "Finance and estates", "Recruiting and developing staff", "Leading a large secondary",
	"Governance and working with trustees", "Community partnerships", "Closing the disadvantage gap"}

var goals = []string{"Confidence to apply for a first headship within two years", "Understanding the finance and governance side of headship",
	"Leading change across a whole school", "Preparing for headship interviews", "Building a network beyond my own school",
	"Balancing strategic leadership with the day to day"}

var actionTexts = []string{"Draft a one-page vision and share it at the next session", "Shadow the business manager for a morning",
	"Read the last two governors' reports and note three questions", "Lead the next staff briefing on the improvement plan",
	"Ask two heads about their first year in post", "Rehearse an interview presentation", "Map the school's budget pressures"}

var noteTexts = []string{"Worried about the pace of change with the senior team", "Needs more confidence in front of governors",
	"Good progress; ready to look at adverts", "Tension with the current head over the timetable", "Thinking about a move to a new trust"}

func (sd *seeder) name() string {
	return given[sd.rng.IntN(len(given))] + " " + family[sd.rng.IntN(len(family))]
}

func (sd *seeder) pick(xs []string) string { return xs[sd.rng.IntN(len(xs))] }

func phaseOf(s *pluginv1.School) string {
	switch s.GetPhase() {
	case pluginv1.Phase_PHASE_PRIMARY:
		return "primary"
	case pluginv1.Phase_PHASE_SPECIAL, pluginv1.Phase_PHASE_ALTERNATIVE_PROVISION:
		return "special"
	case pluginv1.Phase_PHASE_ALL_THROUGH:
		return "all_through"
	}
	return "secondary"
}

// cohort makes a cohort with coaches at coachSchools and participants at
// partSchools (accepted), and both sides' rankings. link ties demo accounts
// to records at their schools; top pairs them by ranking each other first.
func (sd *seeder) cohort(first int, coachSchools, partSchools []*pluginv1.School, linkParticipants bool) (store.Cohort, []store.Coach, []store.Participant, error) {
	c, err := sd.s.CreateCohort(store.CohortInput{UnitID: sd.w.unit.GetId(), StartYear: first, Name: UnitPrefix + " " + rules.YearLabel(first),
		Region: "London", ExpectedHours: 10, ApplicationsOpen: true})
	if err != nil {
		return c, nil, nil, err
	}
	var coaches []store.Coach
	for _, s := range coachSchools {
		in := store.CoachInput{Name: sd.name(), SchoolID: s.GetId(), Phase: phaseOf(s), Expertise: sd.pick(expertise), Borough: sd.pick(boroughs), Capacity: 3}
		if p := sd.w.heads[s.GetId()]; p != nil {
			in.PersonID, in.Name, in.Email = p.GetId(), p.GetName(), p.GetEmail()
		}
		co, err := sd.s.AddCoach(c.ID, in)
		if err != nil {
			return c, nil, nil, err
		}
		coaches = append(coaches, co)
	}
	posts := []string{"deputy_head", "deputy_head", "assistant_head", "head_of_school", "other_senior"}
	for i, s := range partSchools {
		in := store.ApplicationInput{Name: sd.name(), SchoolID: s.GetId(), Post: posts[sd.rng.IntN(len(posts))], YearsSenior: 2 + sd.rng.IntN(9),
			AppliedBefore: i%4 == 0, Goals: sd.pick(goals)}
		if p := sd.w.leaders[s.GetId()]; p != nil && linkParticipants {
			in.PersonID, in.Name, in.Email = p.GetId(), p.GetName(), p.GetEmail()
		}
		a, err := sd.s.Apply(c.ID, in)
		if err != nil {
			return c, nil, nil, err
		}
		if _, err := sd.s.Decide(a.ID, store.Accepted, time.Date(first, time.July, 10, 0, 0, 0, 0, time.UTC)); err != nil {
			return c, nil, nil, err
		}
	}
	parts, err := sd.s.Participants(c.ID)
	if err != nil {
		return c, nil, nil, err
	}
	slices.SortFunc(parts, func(a, b store.Participant) int { return cmp.Compare(a.ApplicationID, b.ApplicationID) })
	return c, coaches, parts, sd.rank(c, coaches, parts)
}

// rank gives each participant a list of five coaches (their phase first,
// never their own school) and each coach a list of everyone who ranked
// them and a few more. A linked coach and a linked participant rank each
// other first.
func (sd *seeder) rank(c store.Cohort, coaches []store.Coach, parts []store.Participant) error {
	phase := map[uint64]string{}
	for _, s := range sd.w.partSchools {
		phase[s.GetId()] = phaseOf(s)
	}
	rankedBy := map[uint64][]uint64{}
	for _, p := range parts {
		type scored struct {
			id    uint64
			score float64
		}
		var cands []scored
		for _, co := range coaches {
			if co.SchoolID == p.SchoolID {
				continue
			}
			sc := sd.rng.Float64()
			if co.Phase == phase[p.SchoolID] {
				sc += 0.6
			}
			if p.PersonID != 0 && co.PersonID != 0 {
				sc += 10
			}
			cands = append(cands, scored{co.ID, sc})
		}
		slices.SortFunc(cands, func(a, b scored) int { return cmp.Compare(b.score, a.score) })
		var list []uint64
		for _, x := range cands[:min(5, len(cands))] {
			list = append(list, x.id)
			rankedBy[x.id] = append(rankedBy[x.id], p.ID)
		}
		if err := sd.s.SetRanking(c.ID, store.SideParticipant, p.ID, list); err != nil {
			return err
		}
	}
	for _, co := range coaches {
		list := slices.Clone(rankedBy[co.ID])
		for len(list) < 8 && len(list) < len(parts) {
			p := parts[sd.rng.IntN(len(parts))]
			if !slices.Contains(list, p.ID) && p.SchoolID != co.SchoolID {
				list = append(list, p.ID)
			}
		}
		sd.rng.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
		if co.PersonID != 0 {
			for i, pid := range list {
				for _, p := range parts {
					if p.ID == pid && p.PersonID != 0 {
						list[0], list[i] = list[i], list[0]
					}
				}
			}
		}
		if err := sd.s.SetRanking(c.ID, store.SideCoach, co.ID, list); err != nil {
			return err
		}
	}
	return nil
}

// pastYear is the 2017-18 cohort, its match published and its year run.
func (sd *seeder) pastYear() error {
	const first = 2017
	c, _, parts, err := sd.cohort(first, sd.w.coachSchools, sd.w.partSchools, false)
	if err != nil {
		return err
	}
	pb, _, err := sd.s.Problem(c.ID, false)
	if err != nil {
		return err
	}
	res, err := match.Solve(pb)
	if err != nil {
		return err
	}
	run, err := sd.s.SaveRun(c.ID, store.RunMatch, pb, res, "", 0)
	if err != nil {
		return err
	}
	start := time.Date(first, time.October, 2, 0, 0, 0, 0, time.UTC)
	pairs, err := sd.s.Publish(run.ID, start)
	if err != nil {
		return err
	}
	if _, err := sd.s.UpdateCohort(c.ID, store.CohortInput{Name: c.Name, Region: c.Region, ExpectedHours: c.ExpectedHours}); err != nil {
		return err
	}
	yearEnd := time.Date(first+1, time.August, 31, 0, 0, 0, 0, time.UTC)
	for _, p := range pairs {
		if err := sd.sessionsOf(p, first, start, yearEnd); err != nil {
			return err
		}
	}
	if err := sd.events(c, parts); err != nil {
		return err
	}
	return sd.impact(parts, first)
}

// sessionsOf logs five to nine sessions of a pair between October and July.
func (sd *seeder) sessionsOf(p store.Pair, first int, start, yearEnd time.Time) error {
	n := 5 + sd.rng.IntN(5)
	span := time.Date(first+1, time.July, 15, 0, 0, 0, 0, time.UTC).Sub(start)
	modes := []string{"in_person", "in_person", "video", "phone"}
	lengths := []int{60, 75, 90, 90, 120}
	for k := 0; k < n; k++ {
		day := start.Add(span*time.Duration(k+1)/time.Duration(n+1)).AddDate(0, 0, sd.rng.IntN(7))
		var themes []string
		for _, t := range rules.Themes {
			if sd.rng.IntN(4) == 0 {
				themes = append(themes, t.Value)
			}
		}
		if len(themes) == 0 {
			themes = []string{rules.Themes[sd.rng.IntN(len(rules.Themes))].Value}
		}
		in := store.SessionInput{HeldOn: day.Format(time.DateOnly), Minutes: lengths[sd.rng.IntN(len(lengths))], Mode: sd.pick(modes), Themes: themes,
			Actions: sd.pick(actionTexts), Side: store.SideCoach, Today: yearEnd, CohortStart: first}
		if sd.rng.IntN(3) == 0 {
			in.Note, in.ShareNote = sd.pick(noteTexts), sd.rng.IntN(2) == 0
		}
		if _, err := sd.s.LogSession(p.ID, in); err != nil {
			return err
		}
		sd.sessions++
	}
	return nil
}

// events are three networking events and six shadowing days at coach
// schools, with attendance.
func (sd *seeder) events(c store.Cohort, parts []store.Participant) error {
	coaches, err := sd.s.Coaches(c.ID)
	if err != nil {
		return err
	}
	type ev struct {
		kind, title, on string
		school          uint64
	}
	evs := []ev{{rules.Networking, "Meet the coaches", "2017-09-21", 0}, {rules.Networking, "Leading through change", "2018-01-25", 0},
		{rules.Networking, "Celebration and next steps", "2018-07-05", 0}}
	for i := 0; i < 6 && i < len(coaches); i++ {
		evs = append(evs, ev{rules.Shadowing, "Shadowing day", fmt.Sprintf("2018-%02d-%02d", 2+i, 6+i), coaches[i].SchoolID})
	}
	for _, e := range evs {
		made, err := sd.s.AddEvent(c.ID, store.EventInput{Kind: e.kind, Title: e.title, HeldOn: e.on, SchoolID: e.school})
		if err != nil {
			return err
		}
		var present []store.Member
		for _, p := range parts {
			if (e.kind == rules.Networking && sd.rng.IntN(10) < 7) || (e.kind == rules.Shadowing && sd.rng.IntN(16) == 0) {
				present = append(present, store.Member{Side: store.SideParticipant, ID: p.ID})
			}
		}
		if e.kind == rules.Networking {
			for _, co := range coaches {
				if sd.rng.IntN(10) < 6 {
					present = append(present, store.Member{Side: store.SideCoach, ID: co.ID})
				}
			}
		}
		if err := sd.s.SetAttendance(made.ID, present); err != nil {
			return err
		}
	}
	return nil
}

// impact records self-assessments (everyone at the start, most at the
// end, higher on average) and outcomes: a third promoted (three in four of
// them to headship), applying for headship up from a quarter to nearly half.
func (sd *seeder) impact(parts []store.Participant, first int) error {
	startOn := time.Date(first, time.October, 4, 0, 0, 0, 0, time.UTC)
	endOn := time.Date(first+1, time.July, 12, 0, 0, 0, 0, time.UTC)
	yearEnd := time.Date(first+1, time.August, 31, 0, 0, 0, 0, time.UTC)
	order := sd.rng.Perm(len(parts))
	for k, i := range order {
		p := parts[i]
		start, end := map[string]int{}, map[string]int{}
		for _, it := range rules.Items {
			s := 2 + sd.rng.IntN(2)
			start[it.Key], end[it.Key] = s, min(rules.MaxScore, s+sd.rng.IntN(3))
		}
		if _, err := sd.s.SaveAssessment(p.ID, rules.RoundStart, start, startOn); err != nil {
			return err
		}
		if k%7 != 6 { // about one in seven does not do the end round
			if _, err := sd.s.SaveAssessment(p.ID, rules.RoundEnd, end, endOn); err != nil {
				return err
			}
		}
		promoted := (len(parts) + 2) / 3       // a third
		heads := promoted * 3 / 4              // of them to headship
		applying := (len(parts)*45 + 99) / 100 // 45%, rounded up
		var kinds []string
		switch {
		case k < heads:
			kinds = []string{rules.AppliedHeadship, rules.PromotedHeadship}
		case k < promoted:
			kinds = []string{[]string{rules.PromotedDeputy, rules.PromotedOther}[k%2]}
		case k < promoted+applying-heads:
			kinds = []string{rules.AppliedHeadship}
		}
		for j, kind := range kinds {
			on := time.Date(first+1, time.Month(1+sd.rng.IntN(4)+2*j), 1+sd.rng.IntN(27), 0, 0, 0, 0, time.UTC)
			if _, err := sd.s.AddOutcome(p.ID, store.OutcomeInput{Kind: kind, On: on.Format(time.DateOnly), Today: yearEnd}); err != nil {
				return err
			}
		}
	}
	return nil
}

// thisYear is the cohort of the school year running: twelve returning
// coaches, applications and rankings, the match not yet run; then the new
// coaches, who have not ranked (added last, so the rest is drawn as before).
func (sd *seeder) thisYear(first int) error {
	coaches := sd.w.coachSchools[:min(12, len(sd.w.coachSchools))]
	var parts []*pluginv1.School
	for i, s := range sd.w.partSchools {
		if i%4 != 3 || sd.w.leaders[s.GetId()] != nil {
			parts = append(parts, s)
		}
	}
	accepted := parts[:min(30, len(parts))]
	c, _, ps, err := sd.cohort(first, coaches, accepted, true)
	if err != nil {
		return err
	}
	for _, p := range ps {
		if p.PersonID != 0 {
			if err := sd.s.SetShare(p.ID, true); err != nil {
				return err
			}
		}
	}
	for i, s := range parts[len(accepted):] {
		a, err := sd.s.Apply(c.ID, store.ApplicationInput{Name: sd.name(), SchoolID: s.GetId(), Post: "assistant_head", YearsSenior: 1 + sd.rng.IntN(4), Goals: sd.pick(goals)})
		if err != nil {
			return err
		}
		status := store.Shortlisted
		if i%3 == 2 {
			status = store.Declined
		}
		if _, err := sd.s.Decide(a.ID, status, time.Date(first, time.July, 10, 0, 0, 0, 0, time.UTC)); err != nil {
			return err
		}
	}
	for _, nc := range sd.w.newCoaches {
		p := nc.person
		if _, err := sd.s.AddCoach(c.ID, store.CoachInput{PersonID: p.GetId(), Name: p.GetName(), Email: p.GetEmail(), SchoolID: nc.school.GetId(),
			Phase: phaseOf(nc.school), Expertise: sd.pick(expertise), Borough: sd.pick(boroughs), Capacity: 2}); err != nil {
			return err
		}
	}
	return nil
}
