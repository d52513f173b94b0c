package store

import (
	"errors"
	"testing"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/testdb"
)

// answersOf answers every item with v, then the overrides.
func answersOf(v int, overrides ...any) map[string]int {
	out := map[string]int{}
	for _, it := range rules.SurveyItems {
		out[it.Key] = v
	}
	for i := 0; i+1 < len(overrides); i += 2 {
		out[overrides[i].(string)] = overrides[i+1].(int)
	}
	return out
}

func TestSurveyRoundsAndResponses(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, y, _ := setup(t, db)
		for i, m := range []TeamMember{
			{SchoolID: 10, PersonID: 1, Role: "leader"}, {SchoolID: 10, PersonID: 2, Role: "teacher", Subject: "maths"},
			{SchoolID: 10, PersonID: 3, Role: "para", ParaType: "mentor"}, {SchoolID: 11, PersonID: 4, Role: "leader"},
		} {
			m.YearID, m.Name = y.ID, string(rune('A'+i))
			if _, err := s.AddMember(m); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.CreateRound(y.ID, " "); !isValidation(err, "label") {
			t.Fatalf("a round without a label: %v", err)
		}
		r, err := s.CreateRound(y.ID, "Summer 2018")
		if err != nil || !r.Open {
			t.Fatalf("CreateRound = %+v, %v", r, err)
		}
		if _, err := s.CreateRound(y.ID, "Summer 2018"); !errors.Is(err, ErrConflict) {
			t.Fatalf("the same round twice: %v", err)
		}
		if _, err := s.Respond(r.ID, 10, 1, answersOf(4, "recommend", 0)); !isValidation(err, "answers") {
			t.Fatalf("an item left out: %v", err)
		}
		if _, err := s.Respond(r.ID, 10, 1, answersOf(4, "favourite_colour", 3)); !isValidation(err, "answers") {
			t.Fatalf("an item of no survey: %v", err)
		}
		if _, err := s.Respond(r.ID, 10, 4, answersOf(4)); !isValidation(err, "school") {
			t.Fatalf("answering for a school whose team one is not on: %v", err)
		}
		// School 10: 5, 4, 2 on recommend (2 of 3 agree); 3, 3, 1 on barriers (none).
		for _, c := range []struct {
			person        uint64
			rec, barriers int
		}{{1, 5, 3}, {2, 4, 3}, {3, 2, 1}} {
			if _, err := s.Respond(r.ID, 10, c.person, answersOf(4, "recommend", c.rec, "barriers", c.barriers)); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Respond(r.ID, 10, 1, answersOf(5)); !errors.Is(err, ErrConflict) {
			t.Fatalf("a second answer from the same person: %v", err)
		}
		if _, err := s.SetRoundOpen(r.ID, false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Respond(r.ID, 11, 4, answersOf(4)); !errors.Is(err, ErrConflict) {
			t.Fatalf("an answer to a closed round: %v", err)
		}
		s.SetRoundOpen(r.ID, true)
		if _, err := s.Respond(r.ID, 11, 4, answersOf(5)); err != nil {
			t.Fatal(err)
		}
		tallies, responses, err := s.SurveyTallies(r.ID)
		if err != nil {
			t.Fatal(err)
		}
		rec := tallies[10]["recommend"]
		if responses[10] != 3 || responses[11] != 1 || rec.N() != 3 || rec.Agreeing() != 2 || rec.PercentAgree() != 67 ||
			tallies[10]["barriers"].Agreeing() != 0 || tallies[11]["recommend"].Agreeing() != 1 {
			t.Fatalf("tallies = %+v, responses %v", tallies, responses)
		}
		if only, _, _ := s.SurveyTallies(r.ID, 11); len(only) != 1 || only[11] == nil {
			t.Fatalf("tallies of school 11 = %+v", only)
		}
		if other, _, _ := New(db, 2).SurveyTallies(r.ID); len(other) != 0 {
			t.Fatalf("tenant 2 sees %+v", other)
		}
		// Subject access and erasure of a respondent.
		recs, err := s.PersonRecords(2)
		if err != nil || len(recs.SurveyResponses) != 1 || len(recs.SurveyAnswers) != len(rules.SurveyItems) {
			t.Fatalf("PersonRecords = %+v, %v", recs, err)
		}
		if _, _, err := s.ErasePerson(2); err != nil {
			t.Fatal(err)
		}
		tallies, responses, _ = s.SurveyTallies(r.ID)
		if responses[10] != 2 || tallies[10]["recommend"].N() != 2 {
			t.Fatalf("after erasure: %+v %v", tallies, responses)
		}
	})
}
