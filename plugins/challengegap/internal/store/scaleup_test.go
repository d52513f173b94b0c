package store

import (
	"errors"
	"testing"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/testdb"
)

func TestScaleUpPlan(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, y, _ := setup(t, db)
		if _, err := s.SeedStrategies(); err != nil {
			t.Fatal(err)
		}
		sts, _ := s.Strategies()
		tr, err := s.StartTrial(y.ID, 10, sts[0].ID, "", "", 5)
		if err != nil {
			t.Fatal(err)
		}
		// Only a strategy decided "scale up" gets a plan.
		if _, err := s.AddStep(10, tr.ID, "Train Y4 staff", "", "", 5); !isValidation(err, "decision") {
			t.Fatalf("a step of a running trial: %v", err)
		}
		if _, err := s.DecideTrial(10, tr.ID, "scale_up"); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ what, due, field string }{{"", "", "what"}, {"Train", "next week", "due_on"}} {
			if _, err := s.AddStep(10, tr.ID, c.what, "", c.due, 5); !isValidation(err, c.field) {
				t.Fatalf("AddStep(%q, %q): %v", c.what, c.due, err)
			}
		}
		undated, err := s.AddStep(10, tr.ID, "Share at a staff meeting", "", "", 5)
		if err != nil {
			t.Fatal(err)
		}
		late, _ := s.AddStep(10, tr.ID, "Extend to Y5 and Y6", "Head of KS2", "2018-06-01", 5)
		early, _ := s.AddStep(10, tr.ID, "Train Y4 teaching assistants", "SENCo", "2018-04-20", 5)
		if _, err := s.AddStep(11, tr.ID, "Through another school", "", "", 5); !errors.Is(err, ErrNotFound) {
			t.Fatalf("a step through another school: %v", err)
		}
		if _, err := s.SetStepDone(10, tr.ID, early.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetStepDone(11, tr.ID, early.ID, false); !errors.Is(err, ErrNotFound) {
			t.Fatalf("marking through another school: %v", err)
		}
		if _, err := s.SetReach(10, tr.ID, "4, Y5,4 x", "", 5); !isValidation(err, "year_groups") {
			t.Fatalf("a bad year group: %v", err)
		}
		if _, err := s.SetReach(10, tr.ID, "5, Y4,4", "4B, 4G", 5); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetReach(10, tr.ID, "6 5, Y4", "4B, 4G, 5R", 6); err != nil {
			t.Fatal(err)
		}
		plans, err := s.Plans(tr.ID)
		if err != nil {
			t.Fatal(err)
		}
		p := plans[tr.ID]
		if p.Reach == nil || p.Reach.YearGroups != "4,5,6" || p.Reach.Classes != "4B, 4G, 5R" || p.Reach.UpdatedBy != 6 || len(p.Reach.Groups()) != 3 {
			t.Fatalf("reach = %+v", p.Reach)
		}
		if len(p.Steps) != 3 || p.Steps[0].ID != early.ID || p.Steps[1].ID != late.ID || p.Steps[2].ID != undated.ID || !p.Steps[0].Done() || p.DoneSteps() != 1 {
			t.Fatalf("steps = %+v", p.Steps)
		}
		var n int64
		db.Model(&ScaleUp{}).Count(&n)
		if n != 1 {
			t.Fatalf("setting the reach twice left %d rows", n)
		}
		if plans, _ := New(db, 2).Plans(tr.ID); plans[tr.ID].Reach != nil || len(plans[tr.ID].Steps) != 0 {
			t.Fatalf("tenant 2 sees the plan: %+v", plans[tr.ID])
		}
	})
}
