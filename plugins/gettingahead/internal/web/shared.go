package web

import (
	"fmt"
	"net/http"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/rules"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/store"
)

// sharedFor returns the participants who share their record and whose
// school the actor holds PermShared at (one Host call).
func (q *req) sharedFor() ([]store.Participant, error) {
	ps, err := q.s.SharedParticipants()
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, nil
	}
	checks := make([]sdk.Check, len(ps))
	for i, p := range ps {
		checks[i] = sdk.Check{Permission: PermShared, UnitID: p.SchoolID}
	}
	ok, err := q.host.Authorize(q.r.Context(), checks...)
	if err != nil {
		return nil, err
	}
	var out []store.Participant
	for i, p := range ps {
		if ok[i] && p.SchoolID != 0 {
			out = append(out, p)
		}
	}
	return out, nil
}

type sharedView struct {
	Header ui.Header
	People ui.Table
}

// sharedPage lists the participants at the actor's schools who share their
// record with their headteacher; nobody else's is shown.
func sharedPage(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	ps, err := q.sharedFor()
	if err != nil {
		return err
	}
	var sids []uint64
	for _, p := range ps {
		sids = append(sids, p.SchoolID)
	}
	names, err := q.schoolNames(sids)
	if err != nil {
		return err
	}
	var rows []ui.Row
	for _, p := range ps {
		rows = append(rows, ui.Row{"name": ui.Link{Label: p.Name, Href: sdk.URL(r, "/shared/"+itoa(p.ID))}, "school": names[p.SchoolID], "post": rules.PostLabel(p.Post)})
	}
	v := sharedView{Header: ui.Header{Title: "Getting Ahead London: shared with you", Lead: "Participants at your school who chose to share their programme record with you."},
		People: ui.Table{Caption: "Shared records", ID: "shared", Rows: rows, Empty: "Nobody at your school shares a record with you.",
			Columns: []ui.Column{{Key: "name", Label: "Participant"}, {Key: "school", Label: "School"}, {Key: "post", Label: "Post"}}}}
	return render(w, r, http.StatusOK, "Shared with you", "shared", v)
}

type sharedParticipantView struct {
	Header   ui.Header
	Facts    []fact
	Areas    ui.Table
	Outcomes ui.Table
}

// sharedParticipant is a shared record: the coach, hours, self-assessment
// and outcomes; never sessions, notes or actions.
func sharedParticipant(w http.ResponseWriter, r *http.Request) error {
	q := newReq(r)
	pid, err := id(r, "participant")
	if err != nil {
		return err
	}
	ps, err := q.sharedFor()
	if err != nil {
		return err
	}
	var p store.Participant
	for _, x := range ps {
		if x.ID == pid {
			p = x
		}
	}
	if p.ID == 0 {
		return sdk.ErrNotFound
	}
	c, err := q.s.Cohort(p.CohortID)
	if err != nil {
		return err
	}
	pairs, err := q.s.PairsOf(store.SideParticipant, []uint64{p.ID})
	if err != nil {
		return err
	}
	var pairIDs []uint64
	coachName := "None yet"
	for i, pr := range pairs {
		pairIDs = append(pairIDs, pr.ID)
		if i == 0 {
			co, err := q.s.Coach(pr.CoachID)
			if err != nil {
				return err
			}
			coachName = co.Name
		}
	}
	tallies, err := q.s.Tallies(pairIDs)
	if err != nil {
		return err
	}
	minutes, sessions := 0, 0
	for _, t := range tallies {
		minutes += t.Minutes
		sessions += t.Sessions
	}
	as, err := q.s.Assessments([]uint64{p.ID})
	if err != nil {
		return err
	}
	outcomes, err := q.s.Outcomes([]uint64{p.ID})
	if err != nil {
		return err
	}
	v := sharedParticipantView{Header: ui.Header{Crumbs: []ui.Crumb{{Label: "Shared with you", Href: sdk.URL(r, "/shared")}}, Title: p.Name,
		Lead: "Shared by " + p.Name + " from " + c.Name + "."},
		Facts: []fact{{"Post on joining", rules.PostLabel(p.Post)}, {"Coach", coachName},
			{"Coaching so far", fmt.Sprintf("%s hours in %d sessions (%d hours expected over the year)", rules.Hours(minutes), sessions, c.ExpectedHours)}}}
	var rows []ui.Row
	start, end := as[p.ID][rules.RoundStart].ScoreMap(), as[p.ID][rules.RoundEnd].ScoreMap()
	for _, a := range rules.Areas {
		row := ui.Row{"area": a.Label, "start": "—", "end": "—"}
		if m, ok := rules.AreaMean(start, a.Key); ok {
			row["start"] = fmt.Sprintf("%.1f", m)
		}
		if m, ok := rules.AreaMean(end, a.Key); ok {
			row["end"] = fmt.Sprintf("%.1f", m)
		}
		rows = append(rows, row)
	}
	v.Areas = ui.Table{Caption: "Self-assessment (1 to 5)", ID: "areas", Rows: rows,
		Columns: []ui.Column{{Key: "area", Label: "Area"}, {Key: "start", Label: "At the start"}, {Key: "end", Label: "At the end"}}}
	var orows []ui.Row
	for _, o := range outcomes {
		orows = append(orows, ui.Row{"on": store.ParseDate(o.On), "kind": rules.OutcomeLabel(o.Kind)})
	}
	v.Outcomes = ui.Table{Caption: "Applications and promotions", ID: "outcomes", Rows: orows, Empty: "Nothing recorded yet.",
		Columns: []ui.Column{{Key: "on", Label: "Date"}, {Key: "kind", Label: "What happened"}}}
	return render(w, r, http.StatusOK, p.Name, "sharedParticipant", v)
}
