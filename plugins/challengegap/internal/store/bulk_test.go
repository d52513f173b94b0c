package store

import (
	"errors"
	"testing"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/testdb"
)

func TestAddMembersChecksLikeAddMember(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, y, _ := setup(t, db)
		if _, err := s.AddMember(TeamMember{YearID: y.ID, SchoolID: 11, PersonID: 9, Name: "Old Hand", Role: "leader"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name    string
			members []TeamMember
			check   func(error) bool
		}{
			{"a teacher without a subject", []TeamMember{{SchoolID: 10, PersonID: 1, Name: "A", Role: "teacher"}}, func(err error) bool { return isValidation(err, "subject") }},
			{"no person", []TeamMember{{SchoolID: 10, Name: "A", Role: "leader"}}, func(err error) bool { return isValidation(err, "person") }},
			{"the same person twice", []TeamMember{{SchoolID: 10, PersonID: 1, Name: "A", Role: "leader"}, {SchoolID: 10, PersonID: 1, Name: "A", Role: "leader"}},
				func(err error) bool { return errors.Is(err, ErrConflict) }},
			{"a member already on the team", []TeamMember{{SchoolID: 10, PersonID: 1, Name: "A", Role: "leader"}, {SchoolID: 11, PersonID: 9, Name: "Old Hand", Role: "teacher", Subject: "maths"}},
				func(err error) bool { return errors.Is(err, ErrConflict) }},
		} {
			if _, err := s.AddMembers(y.ID, c.members); !c.check(err) {
				t.Errorf("%s: %v", c.name, err)
			}
		}
		if ms, _ := s.Members(y.ID, 10); len(ms) != 0 {
			t.Fatalf("a refused list added %d members", len(ms))
		}
		if _, err := s.AddMembers(999, []TeamMember{{SchoolID: 10, PersonID: 1, Name: "A", Role: "leader"}}); !errors.Is(err, ErrNotFound) {
			t.Fatalf("members of a year that does not exist: %v", err)
		}
		got, err := s.AddMembers(y.ID, []TeamMember{
			{SchoolID: 10, PersonID: 1, Name: " Lea Lead ", Role: "leader", Subject: "maths"},
			{SchoolID: 10, PersonID: 2, Name: "Tam Teach", Role: "teacher", Subject: "maths"},
			{SchoolID: 12, PersonID: 3, Name: "Pat Para", Role: "para", ParaType: "mentor"},
		})
		if err != nil || len(got) != 3 {
			t.Fatalf("AddMembers = %+v, %v", got, err)
		}
		for i, m := range got {
			if m.ID == 0 || m.YearID != y.ID || m.PersonID != uint64(i+1) {
				t.Errorf("member %d came back as %+v", i, m)
			}
		}
		if got[0].Name != "Lea Lead" || got[0].Subject != "" {
			t.Errorf("a leader kept %q, %q", got[0].Name, got[0].Subject)
		}
		ms, err := s.MembersOf(y.ID, 10, 12)
		if err != nil || len(ms) != 3 || ms[0].ID != got[0].ID || ms[2].ParaType != "mentor" {
			t.Fatalf("MembersOf = %+v, %v", ms, err)
		}
		if ok, _ := s.IsMember(y.ID, 12, 3); !ok {
			t.Error("the para-professional is not on school 12's team")
		}
	})
}

func TestStartCohortIsAddToCohortOnAFreshCohort(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, y, _ := setup(t, db)
		if _, err := s.StartCohort(y.ID, 10, nil, 7); !isValidation(err, "pupils") {
			t.Fatalf("an empty cohort: %v", err)
		}
		n, err := s.StartCohort(y.ID, 10, []uint64{1000, 1001, 1000, 1002}, 7)
		if err != nil || n != 3 {
			t.Fatalf("StartCohort = %d, %v", n, err)
		}
		c, err := s.CohortOf(y.ID, 10, false)
		if err != nil || c == nil || c.Frozen() {
			t.Fatalf("the cohort: %+v, %v", c, err)
		}
		ms, err := s.CohortMembers(c.ID, false)
		if err != nil || len(ms) != 3 || ms[0].PupilID != 1000 || ms[2].PupilID != 1002 || ms[1].AddedBy != 7 {
			t.Fatalf("members %+v, %v", ms, err)
		}
		changes, err := s.CohortChanges(c.ID)
		if err != nil || len(changes) != 3 {
			t.Fatalf("changes %+v, %v", changes, err)
		}
		for _, ch := range changes {
			if ch.Change != ChangeAdded || ch.AfterBase || ch.By != 7 {
				t.Errorf("change %+v", ch)
			}
		}
		// A school with a cohort goes through AddToCohort; nothing more was added.
		if _, err := s.StartCohort(y.ID, 10, []uint64{1003}, 7); !errors.Is(err, ErrConflict) {
			t.Fatalf("a second start: %v", err)
		}
		if ms, _ := s.CohortMembers(c.ID, true); len(ms) != 3 {
			t.Fatalf("%d members after a refused start", len(ms))
		}
		// The cohort then behaves like any other: frozen by the baseline.
		if _, err := s.FreezeCohort(y.ID, 10, 7, "2017-09-20"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestRespondAllCountsLikeRespond(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, y, _ := setup(t, db)
		if _, err := s.AddMembers(y.ID, []TeamMember{
			{SchoolID: 10, PersonID: 1, Name: "A", Role: "leader"}, {SchoolID: 10, PersonID: 2, Name: "B", Role: "teacher", Subject: "maths"},
			{SchoolID: 11, PersonID: 3, Name: "C", Role: "leader"},
		}); err != nil {
			t.Fatal(err)
		}
		r, err := s.CreateRound(y.ID, "Spring 2018")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name  string
			rs    []Response
			check func(error) bool
		}{
			{"an item left out", []Response{{10, 1, answersOf(4, "recommend", 0)}}, func(err error) bool { return isValidation(err, "answers") }},
			{"a statement of no survey", []Response{{10, 1, answersOf(4, "colour", 2)}}, func(err error) bool { return isValidation(err, "answers") }},
			{"for a school one is not on the team of", []Response{{10, 1, answersOf(4)}, {10, 3, answersOf(4)}}, func(err error) bool { return isValidation(err, "school") }},
			{"twice", []Response{{10, 1, answersOf(4)}, {10, 1, answersOf(2)}}, func(err error) bool { return errors.Is(err, ErrConflict) }},
		} {
			if err := s.RespondAll(r.ID, c.rs); !c.check(err) {
				t.Errorf("%s: %v", c.name, err)
			}
		}
		if _, n, _ := s.SurveyTallies(r.ID); len(n) != 0 {
			t.Fatalf("refused answers were kept: %v", n)
		}
		if err := s.RespondAll(r.ID, []Response{{10, 1, answersOf(5)}, {10, 2, answersOf(2, "recommend", 4)}, {11, 3, answersOf(3)}}); err != nil {
			t.Fatal(err)
		}
		tallies, responses, err := s.SurveyTallies(r.ID)
		if err != nil || responses[10] != 2 || responses[11] != 1 {
			t.Fatalf("responses %v, %v", responses, err)
		}
		if rec := tallies[10]["recommend"]; rec.N() != 2 || rec.Agreeing() != 2 {
			t.Errorf("school 10 recommends: %v", rec)
		}
		if bar := tallies[10]["barriers"]; bar.Agreeing() != 1 || bar[1] != 1 {
			t.Errorf("school 10 barriers: %v", bar)
		}
		if done, _ := s.HasResponded(r.ID, 2); !done {
			t.Error("person 2 has not answered")
		}
		// Once answered, neither RespondAll nor Respond takes a second answer; a closed round none.
		if err := s.RespondAll(r.ID, []Response{{11, 3, answersOf(4)}}); !errors.Is(err, ErrConflict) {
			t.Fatalf("a second answer: %v", err)
		}
		if _, err := s.SetRoundOpen(r.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateRound(y.ID, "Summer 2018"); err != nil {
			t.Fatal(err)
		}
		if err := s.RespondAll(r.ID, []Response{{10, 1, answersOf(4)}}); !errors.Is(err, ErrConflict) {
			t.Fatalf("answers to a closed round: %v", err)
		}
	})
}
