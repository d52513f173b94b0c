package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// trainingRoutes are the reviewer training sessions: who is booked and who attended.
func trainingRoutes() []route {
	return []route{
		get("/trainings", PermBoard, tenant, "", "Reviewer training sessions", trainingsPage),
		post("/trainings", PermManage, tenant, "", "Add a training session", addTraining),
		get("/trainings/:training", PermBoard, tenant, "", "A training session: bookings and attendance", trainingPage),
		post("/trainings/:training/bookings", PermManage, tenant, "", "Book a reviewer on a session", bookTraining),
		post("/trainings/:training/attendance", PermManage, tenant, "", "Record who attended a session", recordAttendance),
	}
}

var trainingColumns = []ui.Column{
	{Key: "date", Label: "Date"}, {Key: "kind", Label: "Session"}, {Key: "venue", Label: "Venue"},
	{Key: "booked", Label: "Booked", Numeric: true}, {Key: "attended", Label: "Attended", Numeric: true},
}

type trainingsView struct {
	common
	Header    ui.Header
	Stats     ui.Stats
	Table     ui.Table
	Fields    []ui.Field
	Errors    ui.Errors
	Action    string
	CanManage bool
}

func trainingKinds() []ui.Option {
	return []ui.Option{{Value: store.TrainReviewer, Label: store.TrainingKindLabel(store.TrainReviewer)},
		{Value: store.TrainLead, Label: store.TrainingKindLabel(store.TrainLead)}, {Value: store.TrainAdvanced, Label: store.TrainingKindLabel(store.TrainAdvanced)}}
}

func loadTrainings(r *http.Request) (*trainingsView, error) {
	ctx := r.Context()
	s := st(r)
	ts, err := s.Trainings()
	if err != nil {
		return nil, err
	}
	trained, err := s.Trained(today(r))
	if err != nil {
		return nil, err
	}
	manage, err := sdk.HostFrom(ctx).Can(ctx, PermManage, 0)
	if err != nil {
		return nil, err
	}
	booked, attended, err := s.AttendanceCounts()
	if err != nil {
		return nil, err
	}
	rows := make([]ui.Row, 0, len(ts))
	for _, t := range ts {
		rows = append(rows, ui.Row{"date": link(r, day(t.HeldOn), path("trainings", t.ID)), "kind": store.TrainingKindLabel(t.Kind), "venue": t.Venue,
			"booked": fmt.Sprintf("%d of %d", booked[t.ID], t.Capacity), "attended": attended[t.ID]})
	}
	return &trainingsView{common: commonOf(r), CanManage: manage, Action: sdk.URL(r, "/trainings"),
		Header: ui.Header{Crumbs: crumbs(r, ui.Crumb{Label: "Reviewer register", Href: sdk.URL(r, "/reviewers")}), Title: "Reviewer training"},
		Stats:  ui.Stats{{Value: fmt.Sprint(len(ts)), Label: "Sessions"}, {Value: fmt.Sprint(len(trained)), Label: "Reviewers trained"}},
		Table:  ui.Table{Caption: "Sessions, latest first", Columns: trainingColumns, Rows: rows, ID: "trainings", Empty: "No session yet."},
		Fields: []ui.Field{{Kind: ui.Date, Name: "held_on", Label: "Date", Required: true, Width: "short"},
			{Kind: ui.Select, Name: "kind", Label: "Session", Options: trainingKinds(), Required: true},
			{Kind: ui.Text, Name: "venue", Label: "Venue"},
			{Kind: ui.Number, Name: "capacity", Label: "Places", Value: "24", Min: "1", Max: "200", Required: true, Width: "short"}}}, nil
}

func trainingsPage(w http.ResponseWriter, r *http.Request) error {
	v, err := loadTrainings(r)
	if err != nil {
		return err
	}
	return render(w, r, "Reviewer training", "trainings", v)
}

func addTraining(w http.ResponseWriter, r *http.Request) error {
	in := store.TrainingInput{HeldOn: r.PostFormValue("held_on"), Kind: r.PostFormValue("kind"), Venue: r.PostFormValue("venue"), Capacity: r.PostFormValue("capacity")}
	err := commit(w, r, func(tx *store.Store) (change, error) {
		t, err := tx.CreateTraining(in, now(r))
		if err != nil {
			return change{}, err
		}
		return change{"training.add", "training", t.ID, nil, t, path("trainings", t.ID), "Session added"}, nil
	})
	return again(w, r, err, "Reviewer training", "trainings", func() (*trainingsView, error) { return loadTrainings(r) },
		func(v *trainingsView) (*[]ui.Field, *ui.Errors) { return &v.Fields, &v.Errors })
}

type attendee struct {
	ReviewerID uint64
	Name       string
	Attended   bool
}

type trainingView struct {
	common
	Header                   ui.Header
	Attendees                []attendee
	BookFields               []ui.Field
	Errors                   ui.Errors
	BookAction, AttendAction string
	CanManage, Full          bool
}

func loadTraining(r *http.Request) (*trainingView, error) {
	ctx := r.Context()
	s := st(r)
	tid, err := id(r, "training")
	if err != nil {
		return nil, err
	}
	t, err := s.Training(tid)
	if err != nil {
		return nil, answer(err)
	}
	as, err := s.Attendees(t.ID)
	if err != nil {
		return nil, err
	}
	reviewers, err := s.Reviewers()
	if err != nil {
		return nil, err
	}
	manage, err := sdk.HostFrom(ctx).Can(ctx, PermManage, 0)
	if err != nil {
		return nil, err
	}
	booked := map[uint64]bool{}
	name := map[uint64]string{}
	for _, p := range reviewers {
		name[p.ID] = p.Name
	}
	v := &trainingView{common: commonOf(r), CanManage: manage, Full: len(as) >= t.Capacity,
		BookAction: sdk.URL(r, path("trainings", t.ID, "bookings")), AttendAction: sdk.URL(r, path("trainings", t.ID, "attendance")),
		Header: ui.Header{Crumbs: crumbs(r, ui.Crumb{Label: "Reviewer training", Href: sdk.URL(r, "/trainings")}),
			Title: store.TrainingKindLabel(t.Kind) + ", " + day(t.HeldOn), Lead: fmt.Sprintf("%s. %d of %d places booked.", t.Venue, len(as), t.Capacity)}}
	for _, a := range as {
		booked[a.ReviewerID] = true
		v.Attendees = append(v.Attendees, attendee{a.ReviewerID, name[a.ReviewerID], a.Attended})
	}
	opts := []ui.Option{{Value: "", Label: "Choose a reviewer"}}
	for _, p := range reviewers {
		if !booked[p.ID] && p.Active {
			opts = append(opts, ui.Option{Value: strconv.FormatUint(p.ID, 10), Label: p.Name})
		}
	}
	v.BookFields = []ui.Field{{Kind: ui.Select, Name: "reviewer", Label: "Reviewer", Options: opts, Required: true}}
	return v, nil
}

func trainingPage(w http.ResponseWriter, r *http.Request) error {
	v, err := loadTraining(r)
	if err != nil {
		return err
	}
	return render(w, r, v.Header.Title, "training", v)
}

func bookTraining(w http.ResponseWriter, r *http.Request) error {
	tid, err := id(r, "training")
	if err != nil {
		return err
	}
	err = commit(w, r, func(tx *store.Store) (change, error) {
		a, err := tx.Book(tid, formID(r, "reviewer"))
		if err != nil {
			return change{}, err
		}
		return change{"training.book", "attendance", a.ID, nil, a, path("trainings", tid), "Booked"}, nil
	})
	return again(w, r, err, "Training", "training", func() (*trainingView, error) { return loadTraining(r) },
		func(v *trainingView) (*[]ui.Field, *ui.Errors) { return &v.BookFields, &v.Errors })
}

func recordAttendance(w http.ResponseWriter, r *http.Request) error {
	tid, err := id(r, "training")
	if err != nil {
		return err
	}
	attended := map[uint64]bool{}
	for _, v := range r.PostForm["attended"] {
		if n, err := strconv.ParseUint(v, 10, 64); err == nil {
			attended[n] = true
		}
	}
	return commit(w, r, func(tx *store.Store) (change, error) {
		as, err := tx.SetAttended(tid, attended)
		n := 0
		for _, a := range as {
			if a.Attended {
				n++
			}
		}
		return change{"training.attendance", "training", tid, nil, as, path("trainings", tid), fmt.Sprintf("Attendance saved: %d attended", n)}, err
	})
}
