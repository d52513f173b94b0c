package web

import (
	"net/http"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// meRoutes are a reviewer's own page.
func meRoutes() []route {
	return []route{
		get("/me", PermReviewerSelf, anywhere, "", "Your reviews: trainings, upcoming reviews with the host's details, reports to write, feedback to give", mePage),
		post("/me", PermReviewerSelf, anywhere, "", "Join the reviewer register (training comes first)", joinRegister),
	}
}

// myReview is one of the reviewer's reviews as their page shows it.
type myReview struct {
	Href, School, Hub, Phase, Dates, Seat, Lead, Badge string
	Roll                                               int
	Team                                               []string
	SEF, ToWrite, Feedback                             bool
}

type meView struct {
	common
	Header         ui.Header
	Reviewer       *store.Reviewer
	Trained        bool
	Attendance     ui.Table
	Upcoming, Past []myReview
	JoinFields     []ui.Field
	Errors         ui.Errors
	JoinAction     string
	Availability   availability
}

func loadMe(r *http.Request) (*meView, error) {
	ctx := r.Context()
	s := st(r)
	me, err := s.ReviewerByPerson(userID(r))
	if err != nil {
		return nil, err
	}
	v := &meView{common: commonOf(r), Reviewer: me, JoinAction: sdk.URL(r, "/me"),
		Header: ui.Header{Crumbs: crumbs(r), Title: "Your reviews"}}
	if me == nil {
		schools, err := sdk.HostFrom(ctx).Schools(ctx)
		if err != nil {
			return nil, err
		}
		opts := []ui.Option{{Value: "", Label: "Choose your school"}}
		for _, sc := range schools {
			opts = append(opts, ui.Option{Value: strconv.FormatUint(sc.GetId(), 10), Label: sc.GetName()})
		}
		v.Header.Lead = "You are not on the reviewer register yet. Senior leaders of member schools review other schools: join, and the central team books you on a training session before your first review."
		v.JoinFields = []ui.Field{{Kind: ui.Select, Name: "school", Label: "Your school", Options: opts, Required: true},
			{Kind: ui.Number, Name: "max_reviews", Label: "Reviews you can take a year", Value: "2", Min: "1", Max: "10", Required: true, Width: "short"}}
		return v, nil
	}
	v.Header.Lead = status(*me) + "."
	trained, err := s.Trained(today(r))
	if err != nil {
		return nil, err
	}
	v.Trained = trained[me.ID]
	att, err := s.AttendanceOf(me.ID)
	if err != nil {
		return nil, err
	}
	ts, err := s.Trainings()
	if err != nil {
		return nil, err
	}
	tByID := map[uint64]store.Training{}
	for _, t := range ts {
		tByID[t.ID] = t
	}
	arows := make([]ui.Row, len(att))
	for i, a := range att {
		t := tByID[a.TrainingID]
		yes := "Booked"
		if a.Attended {
			yes = "Attended"
		}
		arows[i] = ui.Row{"date": day(t.HeldOn), "kind": store.TrainingKindLabel(t.Kind), "attended": yes}
	}
	v.Attendance = ui.Table{Caption: "Your training", Columns: attendanceColumns, Rows: arows, ID: "my-training",
		Empty: "You are not booked on a session yet: the central team books you before your first review."}
	if err := v.loadReviews(r, s, me); err != nil {
		return nil, err
	}
	if v.Availability, err = availabilityForm(r, s, me.ID); err != nil {
		return nil, err
	}
	return v, nil
}

// loadReviews fills the reviewer's upcoming and past reviews: the host's
// details from the plugin's copy of them, the team, and what is theirs to do.
func (v *meView) loadReviews(r *http.Request, s *store.Store, me *store.Reviewer) error {
	seats, err := s.SeatsOfReviewer(me.ID)
	if err != nil {
		return err
	}
	var ids []uint64
	seatOf := map[uint64]store.Seat{}
	for _, x := range seats {
		if !x.Withdrawn {
			ids = append(ids, x.ReviewID)
			seatOf[x.ReviewID] = x
		}
	}
	reviews, err := s.ReviewsByID(ids)
	if err != nil {
		return err
	}
	var schools []uint64
	for _, rv := range reviews {
		schools = append(schools, rv.SchoolID)
	}
	names, err := s.SchoolsEver(uniq(schools))
	if err != nil {
		return err
	}
	hubs, err := s.Hubs()
	if err != nil {
		return err
	}
	reports, err := s.ReportsOf(ids)
	if err != nil {
		return err
	}
	team, err := teams(s, ids)
	if err != nil {
		return err
	}
	given, err := s.GivenBy(userID(r))
	if err != nil {
		return err
	}
	td := today(r)
	for _, id := range ids {
		rv := reviews[id]
		if rv.Cancelled {
			continue
		}
		m := names[rv.SchoolID]
		state := reports[rv.ID].State
		x := myReview{Href: sdk.URL(r, path("reviews", rv.ID)), School: m.Name, Hub: hubs[rv.HubID], Phase: phaseLabel(m.Phase), Roll: m.PupilsOnRoll,
			Dates: dates(rv), Seat: seatLabel(seatOf[id].Seat), Badge: stateBadge(state), Team: team[rv.ID], SEF: rv.SelfEvaluatedAt != nil,
			ToWrite: rv.StartsOn <= td && (state == "" || state == rules.Draft), Feedback: rv.Ends() <= td && !given[rv.ID]}
		if rv.StartsOn > td {
			v.Upcoming = append(v.Upcoming, x)
		} else {
			v.Past = append(v.Past, x)
		}
	}
	return nil
}

func mePage(w http.ResponseWriter, r *http.Request) error {
	v, err := loadMe(r)
	if err != nil {
		return err
	}
	return render(w, r, "Your reviews", "me", v)
}

func joinRegister(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	school := formID(r, "school")
	schools, err := sdk.HostFrom(ctx).Schools(ctx)
	if err != nil {
		return err
	}
	mine := false
	for _, sc := range schools {
		mine = mine || sc.GetId() == school
	}
	in := store.ReviewerInput{PersonID: userID(r), Name: sdk.ActorFrom(ctx).GetUserName(), SchoolID: school, Active: "yes", MaxReviews: r.PostFormValue("max_reviews")}
	err = commit(w, r, func(tx *store.Store) (change, error) {
		if !mine {
			return change{}, store.Invalid("school", "Choose your school")
		}
		p, err := tx.CreateReviewer(in, now(r))
		if err != nil {
			return change{}, err
		}
		return change{"reviewer.join", "reviewer", p.ID, nil, p, "/me", "You are on the reviewer register; the central team books your training"}, nil
	})
	return again(w, r, err, "Your reviews", "me", func() (*meView, error) { return loadMe(r) },
		func(v *meView) (*[]ui.Field, *ui.Errors) { return &v.JoinFields, &v.Errors })
}
