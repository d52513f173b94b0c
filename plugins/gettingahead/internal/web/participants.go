package web

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/rules"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/store"
)

type participantView struct {
	Header      ui.Header
	Facts       []fact
	PairLink    *ui.Link
	Self        bool
	Sharing     string
	Share       button
	Assessments ui.Table
	Outcomes    ui.Table
	AddOutcome  *ui.Form
	RankLink    string
}

func participantPage(w http.ResponseWriter, r *http.Request) error { return showParticipant(w, r, nil) }

func showParticipant(w http.ResponseWriter, r *http.Request, errs ui.Errors) error {
	q := newReq(r)
	p, rel, err := q.participant()
	if err != nil {
		return err
	}
	pairs, err := q.s.PairsOf(store.SideParticipant, []uint64{p.ID})
	if err != nil {
		return err
	}
	var coach store.Coach
	if len(pairs) > 0 {
		if coach, err = q.s.Coach(pairs[0].CoachID); err != nil {
			return err
		}
	}
	names, err := q.schoolNames([]uint64{p.SchoolID, coach.SchoolID})
	if err != nil {
		return err
	}
	outcomes, err := q.s.Outcomes([]uint64{p.ID})
	if err != nil {
		return err
	}
	as, err := q.s.Assessments([]uint64{p.ID})
	if err != nil {
		return err
	}
	base := "/participants/" + itoa(p.ID)
	crumbs := []ui.Crumb{{Label: "Getting Ahead London", Href: sdk.URL(r, "/")}}
	if rel.Manager {
		crumbs = append(cohortCrumbs(r, rel.Cohort), ui.Crumb{Label: "Applications and participants", Href: sdk.URL(r, "/cohorts/"+itoa(rel.Cohort.ID)+"/applications")})
	}
	v := participantView{Header: ui.Header{Crumbs: crumbs, Title: p.Name, Lead: "Participant in " + rel.Cohort.Name + "."}, Self: rel.Self,
		Facts: []fact{{"School", dash(names[p.SchoolID])}, {"Post on joining", rules.PostLabel(p.Post)}, {"Years in senior leadership", strconv.Itoa(p.YearsSenior)}}}
	if p.Withdrawn() {
		v.Facts = append(v.Facts, fact{"Withdrew", rules.FormatDate(store.ParseDate(p.WithdrawnOn))})
	}
	if coach.ID != 0 {
		v.Facts = append(v.Facts, fact{"Coach", coach.Name + ", " + dash(names[coach.SchoolID])})
		if rel.Self {
			v.Facts = append(v.Facts, fact{"Your coach's e-mail", dash(coach.Email)})
		}
		v.PairLink = &ui.Link{Label: "Sessions with " + coach.Name, Href: sdk.URL(r, "/pairs/"+itoa(pairs[0].ID))}
	} else {
		v.Facts = append(v.Facts, fact{"Coach", "None yet: the match is not published, or found no coach"})
	}
	var arows []ui.Row
	for _, round := range rules.Rounds {
		a, ok := as[p.ID][round.Value]
		row := ui.Row{"round": round.Label, "state": ui.Badge(ui.Warning, "Not done")}
		if ok {
			row["state"] = ui.Badge(ui.Success, "Done "+rules.FormatDate(store.ParseDate(a.TakenOn)))
		}
		if rel.Self {
			label := "Fill it in"
			if ok {
				label = "Read or correct it"
			}
			row["open"] = ui.Link{Label: label, Href: sdk.URL(r, base+"/assessment/"+round.Value)}
		}
		arows = append(arows, row)
	}
	acols := []ui.Column{{Key: "round", Label: "Self-assessment"}, {Key: "state", Label: "State"}}
	if rel.Self {
		acols = append(acols, ui.Column{Key: "open", Label: "Open"})
	}
	v.Assessments = ui.Table{Caption: "Self-assessment", ID: "assessments", Rows: arows, Columns: acols}
	var orows []ui.Row
	for _, o := range outcomes {
		orows = append(orows, ui.Row{"on": store.ParseDate(o.On), "kind": rules.OutcomeLabel(o.Kind), "detail": dash(o.Detail)})
	}
	v.Outcomes = ui.Table{Caption: "Applications and promotions", ID: "outcomes", Rows: orows, Empty: "Nothing recorded yet.",
		Columns: []ui.Column{{Key: "on", Label: "Date"}, {Key: "kind", Label: "What happened"}, {Key: "detail", Label: "Where"}}}
	if rel.Self {
		v.RankLink = sdk.URL(r, base+"/rankings")
		v.Sharing = "Your headteacher cannot see your programme record."
		v.Share = button{Action: sdk.URL(r, base+"/share"), CSRF: sdk.CSRFField(r), Label: "Share my record with my headteacher"}
		if p.ShareWithHead {
			v.Sharing = "Your headteacher can see your record: your coach, hours, self-assessment and applications and promotions; never your sessions' notes or actions."
			v.Share.Label = "Stop sharing my record"
		}
		fields := []ui.Field{
			{Kind: ui.Select, Name: "kind", Label: "What happened", Required: true, Options: choices("Choose", rules.Outcomes)},
			{Kind: ui.Date, Name: "on", Label: "Date", Required: true, Value: q.today.Format("2006-01-02"), Width: "short"},
			{Kind: ui.Text, Name: "detail", Label: "Where", Hint: "The school or post, if you wish"},
		}
		v.AddOutcome = &ui.Form{Action: sdk.URL(r, base+"/outcomes"), CSRF: sdk.CSRFField(r), Fields: ui.Bind(fields, posted(r, errs), errs), Errors: errs, Submit: "Record it"}
	}
	return render(w, r, statusOf(errs), p.Name, "participant", v)
}

func setShare(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	p, rel, err := q.participant()
	if err != nil {
		return err
	}
	if err := onlySelf(rel); err != nil {
		return err
	}
	if err := q.s.SetShare(p.ID, !p.ShareWithHead); err != nil {
		return err
	}
	msg := "Your headteacher can now see your record"
	if p.ShareWithHead {
		msg = "Your record is no longer shared"
	}
	return done(w, r, msg, "/participants/"+itoa(p.ID))
}

func addOutcome(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	p, rel, err := q.participant()
	if err != nil {
		return err
	}
	if err := onlySelf(rel); err != nil {
		return err
	}
	o, err := q.s.AddOutcome(p.ID, store.OutcomeInput{Kind: r.PostFormValue("kind"), On: r.PostFormValue("on"), Detail: r.PostFormValue("detail"), By: q.user, Today: q.today})
	errs, err := failed(err)
	if err != nil {
		return err
	}
	if errs != nil {
		return showParticipant(w, r, errs)
	}
	return done(w, r, rules.OutcomeLabel(o.Kind)+": recorded", "/participants/"+itoa(p.ID))
}

type assessmentView struct {
	Header ui.Header
	Action string
	CSRF   template.HTML
	Errors ui.Errors
	Areas  []areaView
	Submit string
}

type areaView struct {
	Label string
	Items []itemView
}

type itemView struct {
	Key, Text, Error string
	Points           []pointView
}

type pointView struct {
	ID, Value, Label string
	Checked          bool
}

func assessmentPage(w http.ResponseWriter, r *http.Request) error { return showAssessment(w, r, nil) }

func (q *req) round() (string, error) {
	round := q.r.PathValue("round")
	if !rules.ValidRound(round) {
		return "", sdk.ErrNotFound
	}
	return round, nil
}

func showAssessment(w http.ResponseWriter, r *http.Request, errs ui.Errors) error {
	q := newReq(r)
	p, rel, err := q.participant()
	if err != nil {
		return err
	}
	if !rel.Self {
		return sdk.ErrNotFound // a self-assessment is the participant's own
	}
	round, err := q.round()
	if err != nil {
		return err
	}
	as, err := q.s.Assessments([]uint64{p.ID})
	if err != nil {
		return err
	}
	scores := as[p.ID][round].ScoreMap()
	labels := []string{"", "1 Not at all", "2 A little", "3 Partly", "4 Mostly", "5 Completely"}
	v := assessmentView{Header: ui.Header{Crumbs: []ui.Crumb{{Label: "Getting Ahead London", Href: sdk.URL(r, "/")}, {Label: p.Name, Href: sdk.URL(r, "/participants/"+itoa(p.ID))}},
		Title: "Self-assessment: " + strings.ToLower(rules.RoundLabel(round)[:1]) + rules.RoundLabel(round)[1:],
		Lead:  "How far is each statement true of you now? The same statements are asked at the start and the end of the year."},
		Action: sdk.URL(r, "/participants/"+itoa(p.ID)+"/assessment/"+round), CSRF: sdk.CSRFField(r), Errors: errs, Submit: "Save my self-assessment"}
	for _, a := range rules.Areas {
		av := areaView{Label: a.Label}
		for _, it := range rules.ItemsOf(a.Key) {
			iv := itemView{Key: it.Key, Text: it.Text, Error: errs.For("item_" + it.Key)}
			chosen := strconv.Itoa(scores[it.Key])
			if len(errs) > 0 {
				chosen = r.PostFormValue("item_" + it.Key)
			}
			for s := rules.MinScore; s <= rules.MaxScore; s++ {
				val := strconv.Itoa(s)
				iv.Points = append(iv.Points, pointView{ID: fmt.Sprintf("item_%s_%d", it.Key, s), Value: val, Label: labels[s], Checked: chosen == val})
			}
			av.Items = append(av.Items, iv)
		}
		v.Areas = append(v.Areas, av)
	}
	return render(w, r, statusOf(errs), "Self-assessment", "assessment", v)
}

func saveAssessment(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	p, rel, err := q.participant()
	if err != nil {
		return err
	}
	if err := onlySelf(rel); err != nil {
		return err
	}
	round, err := q.round()
	if err != nil {
		return err
	}
	scores := map[string]int{}
	for _, it := range rules.Items {
		if n, err := strconv.Atoi(r.PostFormValue("item_" + it.Key)); err == nil {
			scores[it.Key] = n
		}
	}
	_, err = q.s.SaveAssessment(p.ID, round, scores, q.today)
	errs, err := failed(err)
	if err != nil {
		return err
	}
	if errs != nil {
		return showAssessment(w, r, errs)
	}
	return done(w, r, "Self-assessment saved", "/participants/"+itoa(p.ID))
}

type rankView struct {
	Header  ui.Header
	Intro   string
	Action  string
	CSRF    template.HTML
	Errors  ui.Errors
	Rows    []rankRow
	Cols    []string
	CanSave bool
}

type rankRow struct {
	ID, Name, Rank string
	Details        []string
}

// rankPage shows a ranker's list of the other side: a participant's of the
// coaches, a coach's of the participants.
func showRanking(w http.ResponseWriter, r *http.Request, side string, rankerID uint64, name string, rel relation, errs ui.Errors) error {
	q := newReq(r)
	c := rel.Cohort
	lists, err := q.s.Rankings(c.ID)
	if err != nil {
		return err
	}
	rank := map[uint64]int{}
	for i, id := range lists[side][rankerID] {
		rank[id] = i + 1
	}
	path := "/participants/" + itoa(rankerID)
	v := rankView{Action: sdk.URL(r, path+"/rankings"), CSRF: sdk.CSRFField(r), Errors: errs, CanSave: rel.Self,
		Header: ui.Header{Crumbs: []ui.Crumb{{Label: "Getting Ahead London", Href: sdk.URL(r, "/")}}, Title: name + ": ranking"}}
	var schoolIDs []uint64
	var rows []rankRow
	switch side {
	case store.SideParticipant:
		coaches, err := q.s.Coaches(c.ID)
		if err != nil {
			return err
		}
		for _, co := range coaches {
			schoolIDs = append(schoolIDs, co.SchoolID)
		}
		names, err := q.schoolNames(schoolIDs)
		if err != nil {
			return err
		}
		v.Intro = "Rank the coaches you would like to work with: 1 for your first choice. Leave a coach blank if you would not want them. The match gives you the best coach it can, so rank honestly."
		v.Cols = []string{"School", "Phase", "Expertise", "Borough"}
		for _, co := range coaches {
			if co.Withdrawn() {
				continue
			}
			rows = append(rows, rankRow{ID: itoa(co.ID), Name: co.Name, Details: []string{dash(names[co.SchoolID]), rules.PhaseLabel(co.Phase), dash(co.Expertise), dash(co.Borough)}})
		}
	default:
		path = "/coaches/" + itoa(rankerID)
		v.Action = sdk.URL(r, path+"/rankings")
		parts, err := q.s.Participants(c.ID)
		if err != nil {
			return err
		}
		apps, err := q.s.Applications(c.ID)
		if err != nil {
			return err
		}
		goals := map[uint64]string{}
		for _, a := range apps {
			goals[a.ID] = a.Goals
		}
		for _, p := range parts {
			schoolIDs = append(schoolIDs, p.SchoolID)
		}
		names, err := q.schoolNames(schoolIDs)
		if err != nil {
			return err
		}
		v.Intro = "Rank the participants you would like to coach: 1 for your first choice. Leave blank anyone you would not take."
		v.Cols = []string{"School", "Post", "Years senior", "Wants from coaching"}
		for _, p := range parts {
			if p.Withdrawn() {
				continue
			}
			rows = append(rows, rankRow{ID: itoa(p.ID), Name: p.Name, Details: []string{dash(names[p.SchoolID]), rules.PostLabel(p.Post), strconv.Itoa(p.YearsSenior), dash(goals[p.ApplicationID])}})
		}
	}
	if rel.Manager {
		v.Header.Crumbs = cohortCrumbs(r, c)
	} else {
		v.Header.Crumbs = append(v.Header.Crumbs, ui.Crumb{Label: name, Href: sdk.URL(r, path)})
	}
	for i := range rows {
		if n := rank[parseID(rows[i].ID)]; n > 0 {
			rows[i].Rank = strconv.Itoa(n)
		}
		if len(errs) > 0 {
			rows[i].Rank = r.PostFormValue("rank_" + rows[i].ID)
		}
	}
	v.Rows = rows
	return render(w, r, statusOf(errs), "Ranking", "ranking", v)
}

// parseRanking reads the rank_<id> fields: whole numbers from 1, each used
// once; blank is not ranked. It returns the ids best first.
func parseRanking(r *http.Request) ([]uint64, ui.Errors) {
	type entry struct {
		id   uint64
		rank int
	}
	var es []entry
	var errs ui.Errors
	used := map[int]bool{}
	for key, vals := range r.PostForm {
		idText, ok := strings.CutPrefix(key, "rank_")
		if !ok || strings.TrimSpace(vals[0]) == "" {
			continue
		}
		n, err := strconv.Atoi(strings.TrimSpace(vals[0]))
		if err != nil || n < 1 {
			errs.Add("rank", "Give ranks as whole numbers from 1, or leave a person blank")
			return nil, errs
		}
		if used[n] {
			errs.Add("rank", "Give each rank once: %d is used twice", n)
			return nil, errs
		}
		used[n] = true
		es = append(es, entry{parseID(idText), n})
	}
	slices.SortFunc(es, func(a, b entry) int { return a.rank - b.rank })
	out := make([]uint64, len(es))
	for i, e := range es {
		out[i] = e.id
	}
	return out, nil
}

// ranker loads the ranker of the path for side: a participant (their own
// list, or the manager's view of it) or a coach.
func (q *req) ranker(side string) (id uint64, name, next string, rel relation, err error) {
	if side == store.SideCoach {
		c, rel, err := q.coach()
		return c.ID, c.Name, "/coaches/" + itoa(c.ID), rel, err
	}
	p, rel, err := q.participant()
	if err == nil && !rel.Self && !rel.Manager {
		err = sdk.ErrNotFound // a coach does not see their participants' lists
	}
	return p.ID, p.Name, "/participants/" + itoa(p.ID), rel, err
}

// rankingsPage shows the list of a participant or coach (side).
func rankingsPage(side string) sdk.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, name, _, rel, err := newReq(r).ranker(side)
		if err != nil {
			return err
		}
		return showRanking(w, r, side, id, name, rel, nil)
	}
}

// saveRankings saves the actor's own list (side).
func saveRankings(side string) sdk.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		q := newReq(r)
		id, name, next, rel, err := q.ranker(side)
		if err != nil {
			return err
		}
		if err := onlySelf(rel); err != nil {
			return err
		}
		return saveRanking(w, r, q, side, id, name, rel, next)
	}
}

func saveRanking(w http.ResponseWriter, r *http.Request, q *req, side string, rankerID uint64, name string, rel relation, next string) error {
	ranked, errs := parseRanking(r)
	if errs == nil {
		var err error
		if errs, err = failed(q.s.SetRanking(rel.Cohort.ID, side, rankerID, ranked)); err != nil {
			return err
		}
	}
	if errs != nil {
		return showRanking(w, r, side, rankerID, name, rel, errs)
	}
	return done(w, r, fmt.Sprintf("Ranking saved: %d ranked", len(ranked)), next)
}
