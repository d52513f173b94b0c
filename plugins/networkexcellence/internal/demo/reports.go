package demo

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// phrases are what reports say, by theme: strengths, then Even Better Ifs.
var phrases = map[string][2][]string{
	"leadership":    {{"Leaders at every level share a clear, ambitious vision for pupils.", "Middle leaders are trusted and hold their teams to account well."}, {"Sharpen how leaders check the impact of new initiatives.", "Develop middle leaders' use of evidence when they plan improvements."}},
	"teaching":      {{"Teachers explain new ideas clearly and check understanding often.", "Questioning draws out and deepens pupils' thinking."}, {"Adapt tasks within lessons for pupils who are ready to move on.", "Make routines for independent practice consistent across classes."}},
	"curriculum":    {{"The curriculum is carefully sequenced and ambitious for all.", "Subject leaders know how knowledge builds from year to year."}, {"Map the foundation subjects' vocabulary as precisely as the core's.", "Revisit the key stage 3 curriculum so it builds on key stage 2."}},
	"assessment":    {{"Feedback is timely and pupils act on it.", "Teachers use assessment well to spot gaps early."}, {"Use assessment in maths to adapt teaching within lessons.", "Reduce the workload of data collection without losing insight."}},
	"behaviour":     {{"Pupils are calm, courteous and keen to learn.", "Relationships between staff and pupils are warm and respectful."}, {"Make expectations at unstructured times as clear as in lessons.", "Reduce persistent absence among a small group of pupils."}},
	"personal":      {{"A rich offer of clubs and trips broadens pupils' horizons.", "Pupils speak confidently about how to keep themselves safe."}, {"Give pupils more chances to lead within the school.", "Extend careers education into the younger year groups."}},
	"send":          {{"Pupils with SEND are fully included and make strong progress.", "Adaptations are precise and well informed by specialists."}, {"Share the best practice in adaptation across all departments.", "Check that support plans are reviewed with families each term."}},
	"disadvantaged": {{"Disadvantaged pupils attend well and achieve strongly.", "The pupil premium strategy is sharply focused on teaching."}, {"Close the gap in writing for disadvantaged boys.", "Track the impact of tutoring on disadvantaged pupils more closely."}},
	"literacy":      {{"Phonics is taught with precision from Reception.", "A love of reading runs through the school."}, {"Strengthen reading fluency for the weakest readers in key stage 2.", "Teach disciplinary reading explicitly in every subject."}},
	"early_years":   {{"Children settle quickly and learn through purposeful play.", "Adults' interactions develop children's language well."}, {"Plan more opportunities for early mark-making outdoors.", "Strengthen links between nursery and reception planning."}},
	"sixth_form":    {{"Sixth formers are articulate, ambitious and well guided.", "Teaching in the sixth form is expert and demanding."}, {"Widen the enrichment offer for sixth formers.", "Support students in independent study periods more closely."}},
}

// aoes are Areas of Excellence a report may put forward.
var aoes = []struct{ theme, title, text string }{
	{"literacy", "Early reading", "A rigorous, joyful phonics programme that every adult teaches the same way."},
	{"teaching", "Oracy across the curriculum", "Structured talk in every lesson that builds pupils' confidence and vocabulary."},
	{"assessment", "Maths mastery", "Small steps, precise representations and daily fluency practice."},
	{"send", "Inclusive classroom practice", "Adaptive teaching that lets pupils with SEND learn alongside their peers."},
	{"leadership", "Developing middle leaders", "A coaching programme that grows subject leaders from within."},
	{"curriculum", "Curriculum design", "A knowledge-rich curriculum sequenced from Reception to Year 6."},
	{"disadvantaged", "Closing the disadvantage gap", "A pupil premium strategy rooted in quality first teaching."},
	{"behaviour", "Relational behaviour policy", "Restorative routines that keep exclusions low and attendance high."},
}

var themeKeys = []string{"leadership", "teaching", "curriculum", "assessment", "behaviour", "personal", "send", "disadvantaged", "literacy"}

// reports writes the report and feedback of each review of y that ended
// before until (the host's review excepted): published for the oldest,
// then agreed, submitted and draft for the most recent, a few drafts left
// overdue; each judging last year's EBIs when it has left the draft.
func (b *builder) reports(y *store.Year, host *store.Review, until time.Time) error {
	reviews, err := b.s.Reviews(y.ID)
	if err != nil {
		return err
	}
	seats, err := b.s.SeatsOfYear(y.ID)
	if err != nil {
		return err
	}
	team := map[uint64][]store.Seat{}
	for _, x := range seats {
		team[x.ReviewID] = append(team[x.ReviewID], x)
	}
	td := until.Format(time.DateOnly)
	var reps []store.ReportWithItems
	var fs []store.Feedback
	for _, rv := range reviews {
		if rv.Cancelled || (host != nil && rv.ID == host.ID) || rv.Ends() >= td {
			continue
		}
		end, _ := time.Parse(time.DateOnly, rv.Ends())
		age := int(until.Sub(end).Hours() / 24)
		state := rules.Published
		switch {
		case host == nil: // last year: every report published
		case age < 8:
			state = rules.Draft
		case age < 15:
			state = rules.Submitted
		case age < 28:
			state = rules.Agreed
		case host != nil && b.rng.IntN(25) == 0:
			state = rules.Draft // overdue this year
		}
		rep, err := b.report(rv, state, end)
		if err != nil {
			return err
		}
		reps = append(reps, rep)
		if state != rules.Draft {
			fs = append(fs, b.feedback(rv, team[rv.ID], end)...)
		}
	}
	if err := b.s.InsertReports(reps); err != nil {
		return err
	}
	b.summary["reports "+y.Label] = len(reps)
	return b.s.InsertFeedback(fs)
}

func (b *builder) pick(xs []string) string { return xs[b.rng.IntN(len(xs))] }

// report writes one review's report in state.
func (b *builder) report(rv store.Review, state string, end time.Time) (store.ReportWithItems, error) {
	at := end.Add(10 * time.Hour)
	r := store.ReportWithItems{Report: store.Report{ReviewID: rv.ID, State: state, CreatedAt: at, UpdatedAt: at,
		Summary: "A school that knows itself well, with clear priorities and the capacity to achieve them."}}
	if state != rules.Draft {
		sub, agr, pub := at.AddDate(0, 0, 5), at.AddDate(0, 0, 9), at.AddDate(0, 0, 20)
		r.Report.SubmittedAt = &sub
		if state == rules.Agreed || state == rules.Published {
			r.Report.AgreedAt = &agr
		}
		if state == rules.Published {
			r.Report.PublishedAt = &pub
		}
	}
	used := map[string]bool{}
	theme := func() string {
		for {
			t := themeKeys[b.rng.IntN(len(themeKeys))]
			if !used[t] {
				used[t] = true
				return t
			}
		}
	}
	for i := 0; i < 2+b.rng.IntN(2); i++ {
		t := theme()
		r.Items = append(r.Items, store.ReportItem{Kind: rules.WWW, Position: i + 1, Theme: t, Text: b.pick(phrases[t][0])})
	}
	for i := 0; i < 1+b.rng.IntN(2); i++ {
		t := theme()
		r.Items = append(r.Items, store.ReportItem{Kind: rules.EBI, Position: i + 1, Theme: t, Text: b.pick(phrases[t][1])})
	}
	if b.rng.IntN(10) < 7 {
		a := aoes[b.rng.IntN(len(aoes))]
		r.Items = append(r.Items, store.ReportItem{Kind: rules.AoE, Position: 1, Theme: a.theme, Title: a.title, Text: a.text, PutForward: true})
	}
	if state != rules.Draft {
		prior, err := b.s.CarriedForward(&rv)
		if err != nil {
			return r, err
		}
		for _, p := range prior {
			r.Report.Summary = "The school has acted on last year's review and knows its next steps."
			r.Progress = append(r.Progress, store.EBIProgress{PriorItemID: p.ID, Judgement: rules.Judgements[1+b.rng.IntN(3)],
				Comment: "The team saw this in lessons and in the school's own monitoring."})
		}
	}
	if state == rules.Draft && len(r.Items) > 2 {
		r.Items = r.Items[:2]
	}
	return r, nil
}

// feedback is the host head's and each reviewer's feedback on a review:
// overall 4 or 5 mostly, value as development 8 to 10.
func (b *builder) feedback(rv store.Review, team []store.Seat, end time.Time) []store.Feedback {
	at := end.AddDate(0, 0, 3)
	score := func(lo, hi int) int { return lo + b.rng.IntN(hi-lo+1) }
	overall := func() int {
		if b.rng.IntN(10) < 7 {
			return 5
		}
		return score(3, 4)
	}
	host := b.people.heads[rv.SchoolID]
	if host == 0 {
		host = DemoPerson(1, rv.SchoolID)
	}
	out := []store.Feedback{{ReviewID: rv.ID, PersonID: host, Role: store.FromHost, Overall: overall(), CPD: score(8, 10), CreatedAt: at}}
	seen := map[uint64]bool{host: true}
	for _, x := range team {
		if x.Withdrawn || b.rng.IntN(5) == 0 {
			continue
		}
		p := b.reviewers[x.ReviewerID].PersonID
		if p == 0 {
			p = DemoPerson(2, x.ReviewerID)
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		role := store.FromTeam
		if x.Seat == store.LeadSeat {
			role = store.FromLead
		}
		out = append(out, store.Feedback{ReviewID: rv.ID, PersonID: p, Role: role, ReviewerID: x.ReviewerID, Overall: overall(), CPD: score(7, 10), CreatedAt: at})
	}
	return out
}

// plans writes each hub's action plan: two or three shared priorities,
// activities against them, funding returned from fees (£450 a school) with
// a fifth shared as credits by pupils on roll.
func (b *builder) plans(y *store.Year) error {
	perHub := map[uint64]int{}
	for _, m := range b.members {
		perHub[m.HubID]++
	}
	titles := []string{"Maths mastery", "Oracy", "Reading for pleasure", "Middle leadership", "Inclusion and SEND", "Closing the disadvantage gap"}
	activities := []string{"Termly TeachMeet", "Leadership Development Day visit", "Joint moderation of writing", "Subject leader network", "Book scrutiny triads"}
	for _, hub := range slices.Sorted(maps.Keys(perHub)) {
		n := perHub[hub]
		pot := int64(n) * 45000
		if _, _, err := b.s.SaveFunding(y.ID, hub, store.FundingInput{Pot: fmt.Sprintf("%d.%02d", pot/100, pot%100),
			CreditPool: fmt.Sprintf("%d", pot/500), Status: store.PlanAgreed, Notes: "Agreed at the hub's autumn meeting."}, 0, b.now); err != nil {
			return err
		}
		k := b.rng.IntN(len(titles))
		for i := 0; i < 2+b.rng.IntN(2); i++ {
			pr, err := b.s.AddPriority(y.ID, hub, store.PriorityInput{Title: titles[(k+i)%len(titles)]}, 0, b.now)
			if err != nil {
				return err
			}
			for j := 0; j < 1+b.rng.IntN(2); j++ {
				due := b.today.AddDate(0, 1+b.rng.IntN(5), 0).Format(time.DateOnly)
				status := store.ActivityStatuses[b.rng.IntN(3)]
				if _, err := b.s.AddActivity(y.ID, hub, store.ActivityInput{Priority: pr.ID, Title: b.pick(activities), Owner: "Hub Manager",
					DueOn: due, Status: status, Spend: fmt.Sprint(50 * b.rng.IntN(20))}, 0, b.now); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// news writes the partnership's news of the last weeks.
func (b *builder) news() error {
	day := func(d int) string { return b.today.AddDate(0, 0, -d).Format(time.DateOnly) }
	return b.s.InsertNews([]store.News{
		{Title: "Reviewer training dates for the spring", Body: "New reviewers: book one of the spring training sessions before your first review.", PublishedOn: day(3), CreatedAt: b.now},
		{Title: "National conference", Body: "Our national conference is open for booking: member schools have a discounted rate.", PublishedOn: day(10), CreatedAt: b.now},
		{Title: "Leadership Development Days", Body: "Twenty-six schools host Leadership Development Days this year: find them in the School Support Directory.", PublishedOn: day(24), CreatedAt: b.now},
	})
}
