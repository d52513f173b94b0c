package store

import (
	"errors"
	"testing"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/testdb"
)

func TestEditDeleteAndRetireStrategies(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, y, _ := setup(t, db)
		used, err := s.AddStrategy("resilient", "Mentoring", "")
		if err != nil {
			t.Fatal(err)
		}
		spare, _ := s.AddStrategy("self_aware", "Exam wrappers", "")
		if _, _, err := s.UpdateStrategy(used.ID, "nonsense", "Mentoring", ""); !isValidation(err, "theme") {
			t.Fatalf("a bad theme: %v", err)
		}
		conflictSaying(t, "the title of another strategy", func() error { _, _, err := s.UpdateStrategy(used.ID, "resilient", "Exam wrappers", ""); return err }(), "Exam wrappers")
		before, after, err := s.UpdateStrategy(used.ID, "resilient", "Mentoring by a trusted adult", "Fortnightly.")
		if err != nil || before.Title != "Mentoring" || after.Title != "Mentoring by a trusted adult" || after.Description != "Fortnightly." {
			t.Fatalf("UpdateStrategy = %+v %+v %v", before, after, err)
		}
		if _, err := s.StartTrial(y.ID, 10, used.ID, "", "", 5); err != nil {
			t.Fatal(err)
		}

		// Trialled: the delete is refused and the strategy stays; retiring it is the way.
		conflictSaying(t, "deleting a trialled strategy", func() error { _, err := s.DeleteStrategy(used.ID); return err }(),
			"Mentoring by a trusted adult was trialled by schools (1 trial)", "retire it")
		if st, err := s.Strategy(used.ID); err != nil || st.Retired() {
			t.Fatalf("the refused delete changed the strategy: %+v %v", st, err)
		}
		st, err := s.SetStrategyRetired(used.ID, true)
		if err != nil || !st.Retired() {
			t.Fatalf("SetStrategyRetired = %+v, %v", st, err)
		}
		if got, _ := s.Strategy(used.ID); !got.Retired() {
			t.Fatal("the retirement was not stored")
		}
		// A retired strategy is kept for its trial but offered to no new one.
		if ts, _ := s.Trials(y.ID, 10); len(ts) != 1 || ts[0].StrategyID != used.ID {
			t.Fatalf("the trial of a retired strategy = %+v", ts)
		}
		if _, err := s.StartTrial(y.ID, 11, used.ID, "", "", 5); !isValidation(err, "strategy") {
			t.Fatalf("a new trial of a retired strategy: %v", err)
		}
		if st, err := s.SetStrategyRetired(used.ID, false); err != nil || st.Retired() {
			t.Fatalf("bringing it back = %+v, %v", st, err)
		}
		if _, err := s.StartTrial(y.ID, 11, used.ID, "", "", 5); err != nil {
			t.Fatalf("a trial of a strategy brought back: %v", err)
		}

		// Never trialled: deleted.
		if gone, err := s.DeleteStrategy(spare.ID); err != nil || gone.Title != "Exam wrappers" {
			t.Fatalf("DeleteStrategy = %+v, %v", gone, err)
		}
		if _, err := s.Strategy(spare.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("the deleted strategy: %v", err)
		}
		if _, err := New(db, 2).SetStrategyRetired(used.ID, true); !errors.Is(err, ErrNotFound) {
			t.Fatalf("another tenant retiring a strategy: %v", err)
		}
	})
}

func TestEditAndDeleteResources(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, _, c := setup(t, db)
		ws, _ := s.Workshops(c.ID)
		r, err := s.AddResource(ws[0].ID, "Slides", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.UpdateResource(ws[0].ID, r.ID, "Slides", "javascript:alert(1)"); !isValidation(err, "url") {
			t.Fatalf("a javascript: link: %v", err)
		}
		if _, _, err := s.UpdateResource(ws[0].ID, r.ID, "", ""); !isValidation(err, "title") {
			t.Fatalf("no title: %v", err)
		}
		if _, _, err := s.UpdateResource(ws[1].ID, r.ID, "Slides", ""); !errors.Is(err, ErrNotFound) {
			t.Fatalf("a resource through another workshop: %v", err)
		}
		_, after, err := s.UpdateResource(ws[0].ID, r.ID, "Baseline slides", "https://example.org/s")
		if err != nil || after.Title != "Baseline slides" || after.URL != "https://example.org/s" {
			t.Fatalf("UpdateResource = %+v %v", after, err)
		}
		if rs, _ := s.Resources(ws[0].ID); len(rs) != 1 || rs[0].URL != "https://example.org/s" {
			t.Fatalf("stored = %+v", rs)
		}
		if _, err := s.DeleteResource(ws[0].ID, r.ID); err != nil {
			t.Fatal(err)
		}
		if rs, _ := s.Resources(ws[0].ID); len(rs) != 0 {
			t.Fatalf("after the delete: %+v", rs)
		}
	})
}

func TestEditAndDeleteVisitsAndActions(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, y, _ := setup(t, db)
		v, err := s.AddVisit(Visit{YearID: y.ID, SchoolID: 10, VisitedOn: "2017-10-12", VisitorPersonID: 7, VisitorName: "Cora"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.UpdateVisit(v.ID, "12/10/2017", ""); !isValidation(err, "visited_on") {
			t.Fatalf("a bad date: %v", err)
		}
		_, after, err := s.UpdateVisit(v.ID, "2017-10-13", "Team meets weekly.")
		if err != nil || after.VisitedOn != "2017-10-13" || after.VisitorName != "Cora" {
			t.Fatalf("UpdateVisit = %+v %v", after, err)
		}
		a1, _ := s.AddAction(v.ID, "Share the baseline", "")
		a2, _ := s.AddAction(v.ID, "Book the hall", "2017-11-01")
		if _, _, err := s.UpdateAction(v.ID, a1.ID, "", ""); !isValidation(err, "text") {
			t.Fatalf("an empty action: %v", err)
		}
		if _, after, err := s.UpdateAction(v.ID, a1.ID, "Share the baseline with staff", "2017-11-15"); err != nil || after.DueOn != "2017-11-15" {
			t.Fatalf("UpdateAction = %+v %v", after, err)
		}
		if err := s.SetActionDone(v.ID, a1.ID, true); err != nil {
			t.Fatal(err)
		}
		// A done action, and a visit with one, are the school's work: refused, nothing changes.
		conflictSaying(t, "deleting a done action", func() error { _, err := s.DeleteAction(v.ID, a1.ID); return err }(), "marked done", "Reopen it first")
		conflictSaying(t, "deleting a visit with a done action", func() error { _, _, err := s.DeleteVisit(v.ID); return err }(),
			"1 agreed action marked done", "correct the visit")
		if as, _ := s.Actions(v.ID); len(as[v.ID]) != 2 {
			t.Fatalf("the refused deletes changed the actions: %+v", as)
		}
		if _, err := s.Visit(v.ID); err != nil {
			t.Fatalf("the refused delete removed the visit: %v", err)
		}
		if gone, err := s.DeleteAction(v.ID, a2.ID); err != nil || gone.ID != a2.ID {
			t.Fatalf("DeleteAction = %+v %v", gone, err)
		}
		// Reopened, the visit goes with its action.
		if err := s.SetActionDone(v.ID, a1.ID, false); err != nil {
			t.Fatal(err)
		}
		gone, actions, err := s.DeleteVisit(v.ID)
		if err != nil || gone.ID != v.ID || len(actions) != 1 {
			t.Fatalf("DeleteVisit = %+v %+v %v", gone, actions, err)
		}
		if as, _ := s.Actions(v.ID); len(as[v.ID]) != 0 {
			t.Fatalf("actions left: %+v", as)
		}
		if vs, _ := s.Visits(y.ID, 10); len(vs) != 0 {
			t.Fatalf("visits left: %+v", vs)
		}
	})
}

func TestEditAndDeleteSurveyRounds(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, y, _ := setup(t, db)
		if _, err := s.AddMember(TeamMember{YearID: y.ID, SchoolID: 10, PersonID: 1, Name: "A", Role: "leader"}); err != nil {
			t.Fatal(err)
		}
		answered, _ := s.CreateRound(y.ID, "Summer 2018")
		empty, _ := s.CreateRound(y.ID, "Sprng 2018")
		conflictSaying(t, "the label of another round", func() error { _, _, err := s.RenameRound(empty.ID, "Summer 2018"); return err }(), "Summer 2018")
		if _, after, err := s.RenameRound(empty.ID, "Spring 2018"); err != nil || after.Label != "Spring 2018" {
			t.Fatalf("RenameRound = %+v %v", after, err)
		}
		if _, err := s.Respond(answered.ID, 10, 1, answersOf(4)); err != nil {
			t.Fatal(err)
		}
		conflictSaying(t, "deleting a round with answers", func() error { _, err := s.DeleteRound(answered.ID); return err }(), "Summer 2018 has 1 answer", "Close the round")
		if _, responses, _ := s.SurveyTallies(answered.ID); responses[10] != 1 {
			t.Fatalf("the refused delete changed the answers: %v", responses)
		}
		if gone, err := s.DeleteRound(empty.ID); err != nil || gone.Label != "Spring 2018" {
			t.Fatalf("DeleteRound = %+v %v", gone, err)
		}
		if rs, _ := s.Rounds(y.ID); len(rs) != 1 || rs[0].ID != answered.ID {
			t.Fatalf("rounds = %+v", rs)
		}
	})
}

func TestEditAndDeleteScaleUpSteps(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, y, _ := setup(t, db)
		st, _ := s.AddStrategy("resilient", "Mentoring", "")
		tr, _ := s.StartTrial(y.ID, 10, st.ID, "", "", 5)
		if _, err := s.DecideTrial(10, tr.ID, "scale_up"); err != nil {
			t.Fatal(err)
		}
		step, err := s.AddStep(10, tr.ID, "Train staf", "", "", 5)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.UpdateStep(10, tr.ID, step.ID, "Train staff", "", "soon"); !isValidation(err, "due_on") {
			t.Fatalf("a bad date: %v", err)
		}
		if _, _, err := s.UpdateStep(11, tr.ID, step.ID, "Train staff", "", ""); !errors.Is(err, ErrNotFound) {
			t.Fatalf("a step through another school: %v", err)
		}
		_, after, err := s.UpdateStep(10, tr.ID, step.ID, "Train staff", "SENCo", "2018-04-20")
		if err != nil || after.What != "Train staff" || after.Who != "SENCo" || after.DueOn != "2018-04-20" {
			t.Fatalf("UpdateStep = %+v %v", after, err)
		}
		if _, err := s.SetStepDone(10, tr.ID, step.ID, true); err != nil {
			t.Fatal(err)
		}
		conflictSaying(t, "deleting a done step", func() error { _, err := s.DeleteStep(10, tr.ID, step.ID); return err }(), "the step is done")
		if plans, _ := s.Plans(tr.ID); len(plans[tr.ID].Steps) != 1 {
			t.Fatalf("the refused delete changed the plan: %+v", plans[tr.ID])
		}
		if _, err := s.SetStepDone(10, tr.ID, step.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeleteStep(10, tr.ID, step.ID); err != nil {
			t.Fatal(err)
		}
		if plans, _ := s.Plans(tr.ID); len(plans[tr.ID].Steps) != 0 {
			t.Fatalf("steps left: %+v", plans[tr.ID].Steps)
		}
	})
}
