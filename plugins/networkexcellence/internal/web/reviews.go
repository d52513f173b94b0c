package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// reviewRoutes are a review's page and what its team, its host and the
// central team do there: the self-evaluation, the report through its
// states, feedback.
func reviewRoutes() []route {
	return []route{
		get("/reviews/:review", PermRead, anywhere, "", "A review: the team, the self-evaluation, the report as its state allows (team, host, hub manager, central team)", reviewPage),
		post("/reviews/:review/self-evaluation", PermReviewHost, anywhere, "", "Write the host's self-evaluation (the school's leaders)", saveSelfEvaluation),
		post("/reviews/:review/report", PermRead, anywhere, "", "Save the draft report's summary and its judgements of last year's EBIs (the team)", saveDraft),
		post("/reviews/:review/report/items", PermRead, anywhere, "", "Add a What Went Well, Even Better If or Area of Excellence (the team)", addItem),
		post("/reviews/:review/report/items/:item/delete", PermRead, anywhere, "", "Remove an item of the draft report (the team)", deleteItem),
		post("/reviews/:review/report/submit", PermRead, anywhere, "", "Submit the report to the host (the Lead Reviewer)", submitReport),
		post("/reviews/:review/report/agree", PermReportAgree, anywhere, "", "Agree the report (the host headteacher)", agreeReport),
		post("/reviews/:review/report/return", PermReportAgree, anywhere, "", "Return the report to the team, saying why (the host headteacher)", returnReport),
		post("/reviews/:review/report/publish", PermManage, tenant, "", "Publish an agreed report (the central team)", publishReport),
		post("/reviews/:review/feedback", PermRead, anywhere, "", "Give feedback on the review (the host's leaders and the team, after it)", giveFeedback),
	}
}

// item is a report item as the page shows it.
type item struct {
	store.ReportItem
	ThemeLabel string
	Delete     string
}

// splitItems sorts a report's items by kind for the page; del gives each
// item's delete path (nil: none).
func splitItems(items []store.ReportItem, del func(store.ReportItem) string) (www, ebi, aoe []item) {
	for _, it := range items {
		x := item{ReportItem: it, ThemeLabel: rules.ThemeLabel(it.Theme)}
		if del != nil {
			x.Delete = del(it)
		}
		switch it.Kind {
		case rules.WWW:
			www = append(www, x)
		case rules.EBI:
			ebi = append(ebi, x)
		case rules.AoE:
			aoe = append(aoe, x)
		}
	}
	return www, ebi, aoe
}

// carried is one of last year's EBIs with this report's judgement.
type carried struct {
	store.ReportItem
	ThemeLabel, Judgement, Comment string
	Field                          ui.Field
	CommentField                   ui.Field
}

// teamSeat is a seat of the team as the page shows it.
type teamSeat struct {
	ID                  uint64
	Name, From, Seat    string
	Withdrawn, Mine     bool
	CanWithdraw         bool
	WithdrawWhy, Action string
}

type reviewView struct {
	common
	Header                                               ui.Header
	Review                                               store.Review
	School                                               store.Member
	Hub, Dates, Ends                                     string
	Access                                               reviewAccess
	Team                                                 []teamSeat
	State, StateLabel                                    string
	Badge                                                string
	CanRead, CanEdit, Opened                             bool
	Report                                               *store.Report
	WWW, EBI, AoE                                        []item
	Carried                                              []carried
	Submitted, Agreed, Published                         string
	SEFFields, DraftFields                               []ui.Field
	ItemFields, FeedbackFields                           []ui.Field
	ReturnFields                                         []ui.Field
	Errors                                               ui.Errors
	Actions                                              map[string]string
	CanSubmit, CanAgree, CanPublish, CanFeedback, CanSEF bool
	Given                                                bool
	Scores                                               ui.Stats
	Hidden                                               string
}

func stateBadge(state string) string {
	tone := map[string]ui.Tone{"": ui.Neutral, rules.Draft: ui.Warning, rules.Submitted: ui.Info, rules.Agreed: ui.Success, rules.Published: ui.Success}[state]
	return string(ui.Badge(tone, rules.StateLabel(state)))
}

func themeOptions() []ui.Option {
	opts := []ui.Option{{Value: "", Label: "Choose a theme"}}
	for _, t := range rules.Themes {
		opts = append(opts, ui.Option{Value: t.Key, Label: t.Label})
	}
	return opts
}

func scoreOptions(max int) []ui.Option {
	opts := []ui.Option{{Value: "", Label: "Choose a score"}}
	for i := max; i >= 1; i-- {
		opts = append(opts, ui.Option{Value: strconv.Itoa(i), Label: fmt.Sprintf("%d out of %d", i, max)})
	}
	return opts
}

// loadReviewPage gathers the review's page with a handful of queries and
// no further Host call than the access check.
func loadReviewPage(r *http.Request, s *store.Store, rv *store.Review, a reviewAccess) (*reviewView, error) {
	members, err := s.SchoolsEver([]uint64{rv.SchoolID})
	if err != nil {
		return nil, err
	}
	hubs, err := s.Hubs()
	if err != nil {
		return nil, err
	}
	seats, err := s.SeatsOf([]uint64{rv.ID})
	if err != nil {
		return nil, err
	}
	var pids, schools []uint64
	for _, x := range seats {
		pids = append(pids, x.ReviewerID)
	}
	reviewers, err := s.ReviewersByID(pids)
	if err != nil {
		return nil, err
	}
	for _, p := range reviewers {
		schools = append(schools, p.SchoolID)
	}
	from, err := s.SchoolsEver(uniq(schools))
	if err != nil {
		return nil, err
	}
	rep, err := s.ReportOf(rv.ID)
	if err != nil {
		return nil, err
	}
	td := today(r)
	base := path("reviews", rv.ID)
	v := &reviewView{common: commonOf(r), Review: *rv, School: members[rv.SchoolID], Hub: hubs[rv.HubID], Dates: dates(*rv), Ends: rv.Ends(),
		Access: a, Report: rep, Opened: rv.StartsOn <= td,
		Actions: map[string]string{}}
	for _, k := range []string{"self-evaluation", "report", "report/items", "report/submit", "report/agree", "report/return", "report/publish", "feedback"} {
		v.Actions[k] = sdk.URL(r, base+"/"+k)
	}
	if rep != nil {
		v.State = rep.State
		v.Submitted, v.Agreed, v.Published = when(rep.SubmittedAt), when(rep.AgreedAt), when(rep.PublishedAt)
	}
	v.StateLabel, v.Badge = rules.StateLabel(v.State), stateBadge(v.State)
	trail := []ui.Crumb{}
	if a.Read {
		trail = append(trail, ui.Crumb{Label: v.School.Name + ": reviews", Href: sdk.URL(r, path("schools", rv.SchoolID))})
	} else if a.Team() {
		trail = append(trail, ui.Crumb{Label: "Your reviews", Href: sdk.URL(r, "/me")})
	}
	v.Header = ui.Header{Crumbs: crumbs(r, trail...), Title: "QA Review of " + v.School.Name,
		Lead: fmt.Sprintf("Week %d: %s, %s hub.", rv.Week, v.Dates, v.Hub)}
	if rv.Cancelled {
		v.Header.Lead = "This review was cancelled."
	}
	if a.Manage {
		v.Header.Actions = []ui.Link{{Label: "Change the schedule", Href: sdk.URL(r, base+"/edit"), Secondary: true}}
	}
	for _, x := range seats {
		if x.Withdrawn && !a.Central {
			continue
		}
		p := reviewers[x.ReviewerID]
		fromName := "No member school"
		if p.SchoolID != 0 {
			fromName = from[p.SchoolID].Name
		}
		ts := teamSeat{ID: x.ID, Name: p.Name, From: fromName, Seat: seatLabel(x.Seat), Withdrawn: x.Withdrawn, WithdrawWhy: x.WithdrawWhy,
			Mine: a.Seat != nil && a.Seat.ID == x.ID, Action: sdk.URL(r, path("seats", x.ID, "withdraw"))}
		ts.CanWithdraw = !x.Withdrawn && (ts.Mine || a.Manage) && (v.State == "" || v.State == rules.Draft) && !rv.Cancelled
		v.Team = append(v.Team, ts)
	}
	v.CanRead = rules.CanRead(v.State, a.Viewer())
	draft := v.State == "" || v.State == rules.Draft
	v.CanEdit = a.Team() && draft && v.Opened && !rv.Cancelled
	v.CanSEF = a.Host && draft && !rv.Cancelled
	v.CanSubmit = a.Lead() && v.State == rules.Draft
	v.CanAgree = a.Agree && v.State == rules.Submitted
	v.CanPublish = a.Manage && v.State == rules.Agreed
	if !v.CanRead && v.State != "" {
		v.Hidden = "The report is not shared with you yet: the host's leaders and the central team read it once the Lead Reviewer submits it; the school's hub manager and trust leader once the host has agreed it."
	}
	v.ReturnFields = []ui.Field{{Kind: ui.Textarea, Name: "note", Label: "What the team should change", Rows: 3, Required: true}}
	v.SEFFields = []ui.Field{{Kind: ui.Textarea, Name: "self_evaluation", Label: "The school's self-evaluation", Rows: 10,
		Hint: "What the school sees as its strengths and priorities, for the team to read before the review. No pupil names.", Value: rv.SelfEvaluation, Required: true}}
	if v.CanRead || v.CanEdit {
		if err := v.loadReport(r, s, rv, rep, base); err != nil {
			return nil, err
		}
	}
	if err := v.loadFeedback(r, s, rv, a, td); err != nil {
		return nil, err
	}
	return v, nil
}

// loadReport fills the report's items, last year's EBIs and the team's forms.
func (v *reviewView) loadReport(r *http.Request, s *store.Store, rv *store.Review, rep *store.Report, base string) error {
	prior, err := s.CarriedForward(rv)
	if err != nil {
		return err
	}
	prog := map[uint64]store.EBIProgress{}
	if rep != nil {
		items, err := s.ItemsOf([]uint64{rep.ID})
		if err != nil {
			return err
		}
		v.WWW, v.EBI, v.AoE = splitItems(items[rep.ID], func(it store.ReportItem) string {
			return path("reviews", rv.ID, "report", "items", it.ID, "delete")
		})
		if prog, err = s.Progress(rep.ID); err != nil {
			return err
		}
	}
	judgements := []ui.Option{{Value: "", Label: "Not judged yet"}}
	for _, j := range rules.Judgements {
		judgements = append(judgements, ui.Option{Value: j, Label: rules.JudgementLabel(j)})
	}
	for i, it := range prior {
		p := prog[it.ID]
		c := carried{ReportItem: it, ThemeLabel: rules.ThemeLabel(it.Theme), Judgement: rules.JudgementLabel(p.Judgement), Comment: p.Comment}
		c.Field = ui.Field{Kind: ui.Select, Name: fmt.Sprintf("progress_%d", it.ID), Label: fmt.Sprintf("Progress on last year's Even Better If %d", i+1),
			Options: judgements, Value: p.Judgement}
		c.CommentField = ui.Field{Kind: ui.Text, Name: fmt.Sprintf("comment_%d", it.ID), Label: fmt.Sprintf("What the team saw (Even Better If %d)", i+1), Value: p.Comment}
		v.Carried = append(v.Carried, c)
	}
	summary := ""
	if rep != nil {
		summary = rep.Summary
	}
	v.DraftFields = []ui.Field{{Kind: ui.Textarea, Name: "summary", Label: "Summary of the review", Rows: 6, Value: summary,
		Hint: "The team's overall view, as the host will read it. No pupil names."}}
	for _, c := range v.Carried {
		v.DraftFields = append(v.DraftFields, c.Field, c.CommentField)
	}
	v.ItemFields = []ui.Field{
		{Kind: ui.Select, Name: "kind", Label: "Kind", Required: true, Options: []ui.Option{{Value: rules.WWW, Label: rules.ItemLabel(rules.WWW)},
			{Value: rules.EBI, Label: rules.ItemLabel(rules.EBI)}, {Value: rules.AoE, Label: rules.ItemLabel(rules.AoE)}}},
		{Kind: ui.Select, Name: "theme", Label: "Theme", Required: true, Options: themeOptions()},
		{Kind: ui.Text, Name: "title", Label: "Title of the Area of Excellence", Hint: "Only for an Area of Excellence"},
		{Kind: ui.Textarea, Name: "text", Label: "What the team found", Required: true, Rows: 4},
		{Kind: ui.Checkbox, Name: "put_forward", Label: "Put the Area of Excellence forward for accreditation"},
	}
	return nil
}

// loadFeedback fills the feedback form (for the host's leaders and the
// team, once the review is over, if not yet given) and, for the central
// team, the review's scores.
func (v *reviewView) loadFeedback(r *http.Request, s *store.Store, rv *store.Review, a reviewAccess, td string) error {
	fs, err := s.FeedbackOf([]uint64{rv.ID})
	if err != nil {
		return err
	}
	var overall, cpd []int
	for _, f := range fs {
		overall, cpd = append(overall, f.Overall), append(cpd, f.CPD)
		if f.PersonID == userID(r) {
			v.Given = true
		}
	}
	v.CanFeedback = (a.Host || a.Team()) && !v.Given && rv.Ends() <= td && !rv.Cancelled
	if a.Central && len(fs) > 0 {
		o, c := rules.Score(overall, rules.OverallMax), rules.Score(cpd, rules.CPDMax)
		v.Scores = ui.Stats{{Value: o.String(), Label: "Overall experience", N: o.N}, {Value: c.String(), Label: "Value as professional development", N: c.N}}
	}
	v.FeedbackFields = []ui.Field{
		{Kind: ui.Select, Name: "overall", Label: "Your overall experience of the review", Options: scoreOptions(rules.OverallMax), Required: true},
		{Kind: ui.Select, Name: "cpd", Label: "Its value to you as professional development", Options: scoreOptions(rules.CPDMax), Required: true},
		{Kind: ui.Textarea, Name: "comment", Label: "Anything to add", Hint: "Read by the central team. No pupil names.", Rows: 3},
	}
	return nil
}

// AllFields are every form's fields, for the page's one error summary.
func (v *reviewView) AllFields() []ui.Field {
	var out []ui.Field
	for _, fs := range [][]ui.Field{v.SEFFields, v.DraftFields, v.ItemFields, v.ReturnFields, v.FeedbackFields} {
		out = append(out, fs...)
	}
	return out
}

func reviewPage(w http.ResponseWriter, r *http.Request) error {
	s, rv, a, err := loadReview(r)
	if err != nil {
		return err
	}
	v, err := loadReviewPage(r, s, rv, a)
	if err != nil {
		return err
	}
	return render(w, r, v.Header.Title, "review", v)
}

// reviewForm re-renders the review's page with a refused form's errors:
// the fields of that form bound to what was posted.
func reviewForm(w http.ResponseWriter, r *http.Request, err error, s *store.Store, rv *store.Review, a reviewAccess, which string) error {
	return again(w, r, err, "QA Review", "review", func() (*reviewView, error) { return loadReviewPage(r, s, rv, a) },
		func(v *reviewView) (*[]ui.Field, *ui.Errors) {
			return map[string]*[]ui.Field{"sef": &v.SEFFields, "draft": &v.DraftFields, "item": &v.ItemFields,
				"feedback": &v.FeedbackFields, "return": &v.ReturnFields}[which], &v.Errors
		})
}

func saveSelfEvaluation(w http.ResponseWriter, r *http.Request) error {
	s, rv, a, err := loadReview(r)
	if err != nil {
		return err
	}
	if !a.Host {
		return sdk.ErrForbidden
	}
	err = commit(w, r, func(tx *store.Store) (change, error) {
		before, after, err := tx.SaveSelfEvaluation(rv.ID, r.PostFormValue("self_evaluation"), now(r))
		return change{"review.self_evaluation", "review", rv.ID, sefOnly(before), sefOnly(after), path("reviews", rv.ID), "Self-evaluation saved; the team can read it"}, err
	})
	return reviewForm(w, r, err, s, rv, a, "sef")
}

func sefOnly(rv *store.Review) any {
	if rv == nil {
		return nil
	}
	return map[string]any{"self_evaluation": rv.SelfEvaluation}
}

// team checks the actor may write the report: on the team, from the
// review's first day.
func team(r *http.Request, rv *store.Review, a reviewAccess) error {
	switch {
	case !a.Team():
		return sdk.ErrForbidden
	case rv.StartsOn > today(r):
		return &sdk.HTTPError{Status: http.StatusConflict, Message: "The report opens on the review's first day, " + day(rv.StartsOn) + ". Nothing was saved."}
	}
	return nil
}

func saveDraft(w http.ResponseWriter, r *http.Request) error {
	s, rv, a, err := loadReview(r)
	if err != nil {
		return err
	}
	if err := team(r, rv, a); err != nil {
		return err
	}
	progress := map[uint64]store.ProgressInput{}
	for k := range r.PostForm {
		if idStr, ok := strings.CutPrefix(k, "progress_"); ok {
			if n, err := strconv.ParseUint(idStr, 10, 64); err == nil {
				progress[n] = store.ProgressInput{Judgement: r.PostFormValue(k), Comment: r.PostFormValue("comment_" + idStr)}
			}
		}
	}
	err = commit(w, r, func(tx *store.Store) (change, error) {
		before, after, err := tx.SaveDraft(rv.ID, r.PostFormValue("summary"), progress, now(r))
		return change{"report.save", "report", rv.ID, before, after, path("reviews", rv.ID), "Draft saved"}, err
	})
	return reviewForm(w, r, err, s, rv, a, "draft")
}

func addItem(w http.ResponseWriter, r *http.Request) error {
	s, rv, a, err := loadReview(r)
	if err != nil {
		return err
	}
	if err := team(r, rv, a); err != nil {
		return err
	}
	in := store.ItemInput{Kind: r.PostFormValue("kind"), Theme: r.PostFormValue("theme"), Title: r.PostFormValue("title"),
		Text: r.PostFormValue("text"), PutForward: r.PostFormValue("put_forward")}
	err = commit(w, r, func(tx *store.Store) (change, error) {
		it, err := tx.AddItem(rv.ID, in, now(r))
		if err != nil {
			return change{}, err
		}
		return change{"report.item.add", "report_item", it.ID, nil, it, path("reviews", rv.ID), rules.ItemLabel(it.Kind) + " added"}, nil
	})
	return reviewForm(w, r, err, s, rv, a, "item")
}

func deleteItem(w http.ResponseWriter, r *http.Request) error {
	_, rv, a, err := loadReview(r)
	if err != nil {
		return err
	}
	if err := team(r, rv, a); err != nil {
		return err
	}
	iid, err := id(r, "item")
	if err != nil {
		return err
	}
	return commit(w, r, func(tx *store.Store) (change, error) {
		it, err := tx.DeleteItem(rv.ID, iid, now(r))
		if err != nil {
			return change{}, err
		}
		return change{"report.item.delete", "report_item", it.ID, it, nil, path("reviews", rv.ID), rules.ItemLabel(it.Kind) + " removed"}, nil
	})
}

// transition moves the report on; allowed says whether the actor may.
func transition(w http.ResponseWriter, r *http.Request, act string, allowed func(*store.Review, reviewAccess) bool, flash string) error {
	s, rv, a, err := loadReview(r)
	if err != nil {
		return err
	}
	if !allowed(rv, a) {
		return sdk.ErrForbidden
	}
	err = commit(w, r, func(tx *store.Store) (change, error) {
		before, after, err := tx.Transition(rv.ID, act, userID(r), r.PostFormValue("note"), now(r))
		return change{"report." + act, "report", rv.ID, stateOnly(before), stateOnly(after), path("reviews", rv.ID), flash}, err
	})
	if _, ok := ui.ErrorsOf(err); ok && act == rules.ActSubmit {
		// What is missing, listed on the page.
		return reviewForm(w, r, err, s, rv, a, "")
	}
	if _, ok := ui.ErrorsOf(err); ok && act == rules.ActReturn {
		return reviewForm(w, r, err, s, rv, a, "return")
	}
	return err
}

func stateOnly(rep *store.Report) any {
	if rep == nil {
		return nil
	}
	return map[string]any{"state": rep.State, "return_note": rep.ReturnNote}
}

func submitReport(w http.ResponseWriter, r *http.Request) error {
	return transition(w, r, rules.ActSubmit, func(_ *store.Review, a reviewAccess) bool { return a.Lead() },
		"Report submitted to the host headteacher to agree")
}

func agreeReport(w http.ResponseWriter, r *http.Request) error {
	return transition(w, r, rules.ActAgree, func(_ *store.Review, a reviewAccess) bool { return a.Agree },
		"Report agreed; the hub manager and the central team can read it")
}

func returnReport(w http.ResponseWriter, r *http.Request) error {
	return transition(w, r, rules.ActReturn, func(_ *store.Review, a reviewAccess) bool { return a.Agree },
		"Report returned to the team with your note")
}

func publishReport(w http.ResponseWriter, r *http.Request) error {
	return transition(w, r, rules.ActPublish, func(_ *store.Review, a reviewAccess) bool { return a.Manage },
		"Report published; its Even Better Ifs carry forward to next year's review")
}

func giveFeedback(w http.ResponseWriter, r *http.Request) error {
	s, rv, a, err := loadReview(r)
	if err != nil {
		return err
	}
	role, reviewer := store.FromHost, uint64(0)
	switch {
	case a.Team():
		role, reviewer = store.FromTeam, a.Seat.ReviewerID
		if a.Lead() {
			role = store.FromLead
		}
	case !a.Host:
		return sdk.ErrForbidden
	}
	in := store.FeedbackInput{Overall: r.PostFormValue("overall"), CPD: r.PostFormValue("cpd"), Comment: r.PostFormValue("comment")}
	err = commit(w, r, func(tx *store.Store) (change, error) {
		f, err := tx.AddFeedback(rv.ID, userID(r), role, reviewer, in, today(r), now(r))
		if err != nil {
			return change{}, err
		}
		return change{"feedback.give", "feedback", f.ID, nil, f, path("reviews", rv.ID), "Thank you: your feedback is recorded"}, nil
	})
	return reviewForm(w, r, err, s, rv, a, "feedback")
}
