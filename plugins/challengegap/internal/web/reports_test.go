package web

import (
	"testing"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/evidence"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
)

func TestShareSuppression(t *testing.T) {
	for _, c := range []struct {
		part, total int
		suppressed  bool
		want        string
	}{
		{5, 6, false, "83% (5 of 6)"},
		{0, 0, true, "—"},
		// 9 of 15 and the 6 others: both 5 or more.
		{9, 15, true, "60% (9 of 15)"},
		// 12 of 15: the 3 others could be worked out.
		{12, 15, true, "suppressed (fewer than 5)"},
		{3, 15, true, "suppressed (fewer than 5)"},
		{5, 10, true, "50% (5 of 10)"},
	} {
		if got := share2(c.part, c.total, c.suppressed); got != c.want {
			t.Errorf("share2(%d, %d, %v) = %q, want %q", c.part, c.total, c.suppressed, got, c.want)
		}
	}
}

func TestWordedImpact(t *testing.T) {
	im := evidence.Impact{Pupils: 4, GapPupils: 4, MeanGapClosed: 7.46, BelowFrom: 3, AssessedFrom: 4, BelowTo: 1, AssessedTo: 4,
		AttendancePupils: 4, AttendanceFrom: 91, AttendanceTo: 93.5}
	own := worded("Alder", "Baseline", "March", im, false)
	if own.Pupils != "4" || own.GapClosed != "7.5 months (n = 4)" || own.BelowFrom != "75% (3 of 4)" || own.AttendanceChange != "+2.5 points (n = 4)" {
		t.Fatalf("a school's own figures: %+v", own)
	}
	across := worded("Alder", "Baseline", "March", im, true)
	if across.Pupils != "<5" || across.GapClosed != "fewer than 5 pupils" || across.BelowFrom != "suppressed (fewer than 5)" ||
		across.AttendanceFrom != "—" || across.AttendanceChange != "fewer than 5 pupils" {
		t.Fatalf("the same figures across schools: %+v", across)
	}
}

func TestSurveyResultsSuppression(t *testing.T) {
	tallies := map[string]rules.Tally{
		"recommend": {0, 1, 0, 20, 29}, // 49 of 50
		"barriers":  {0, 6, 0, 24, 20}, // 44 of 50, 6 others
	}
	own := results("Summer", 50, tallies, surveyInFull)
	byItem := map[string]itemResult{}
	for i, it := range rules.SurveyItems {
		byItem[it.Key] = own.Items[i]
	}
	if r := byItem["recommend"]; r.Pct != "98%" || r.N != "50" || r.Agree != "49" {
		t.Fatalf("recommend: %+v", r)
	}
	if r := byItem["data"]; r.Pct != "—" || r.N != "0" {
		t.Fatalf("an item nobody answered: %+v", r)
	}
	across := results("Summer", 50, tallies, surveyAcrossSchools)
	for i, it := range rules.SurveyItems {
		byItem[it.Key] = across.Items[i]
	}
	// One person disagreeing with recommending could be picked out: hidden.
	if r := byItem["recommend"]; r.Pct != "suppressed" {
		t.Fatalf("recommend across schools: %+v", r)
	}
	if r := byItem["barriers"]; r.Pct != "88%" || r.N != "50" || r.Agree != "44" {
		t.Fatalf("barriers across schools: %+v", r)
	}
	if across.Responses != "50" || results("Summer", 3, nil, surveyAcrossSchools).Responses != "<5" {
		t.Fatalf("responses: %q", across.Responses)
	}

	// One school's results read by someone not at the school: a statement
	// needs 5 answers, whatever they were (4 of 5 and 5 of 5 show).
	small := map[string]rules.Tally{
		"recommend":  {0, 0, 1, 1, 1}, // 2 of 3
		"barriers":   {0, 1, 0, 2, 2}, // 4 of 5
		"confidence": {0, 0, 0, 0, 5}, // 5 of 5
	}
	other := results("Summer", 5, small, surveyAnswered)
	for i, it := range rules.SurveyItems {
		byItem[it.Key] = other.Items[i]
	}
	if r := byItem["recommend"]; r.Pct != "fewer than 5 answers" || r.N != "<5" || r.Agree != "—" || !r.Hidden {
		t.Fatalf("recommend, 3 answers, another school: %+v", r)
	}
	if r := byItem["data"]; r.Pct != "fewer than 5 answers" || !r.Hidden {
		t.Fatalf("an item nobody answered, another school: %+v", r)
	}
	if r := byItem["barriers"]; r.Pct != "80%" || r.N != "5" || r.Agree != "4" || r.Hidden {
		t.Fatalf("barriers, 5 answers, another school: %+v", r)
	}
	if r := byItem["confidence"]; r.Pct != "100%" || r.N != "5" || r.Hidden {
		t.Fatalf("confidence, 5 answers, another school: %+v", r)
	}
	if other.Responses != "5" || results("Summer", 4, small, surveyAnswered).Responses != "<5" {
		t.Fatalf("responses, another school: %q", other.Responses)
	}
	// The school's own people see the same 3 answers in full.
	own = results("Summer", 3, small, surveyInFull)
	for i, it := range rules.SurveyItems {
		byItem[it.Key] = own.Items[i]
	}
	if r := byItem["recommend"]; r.Pct != "67%" || r.N != "3" || r.Agree != "2" || r.Hidden || own.Responses != "3" {
		t.Fatalf("recommend, 3 answers, the school's own: %+v", r)
	}
}

func TestAtSchool(t *testing.T) {
	for _, c := range []struct {
		a    schoolAccess
		want bool
	}{
		{schoolAccess{Read: true, Lead: true, Work: true}, true},                                     // a leader of the school
		{schoolAccess{Read: true, Work: true, Member: true}, true},                                   // a team member working there
		{schoolAccess{Read: true, Work: true}, false},                                                // staff not on the team
		{schoolAccess{Member: true}, false},                                                          // on the team, no longer working there
		{schoolAccess{Cluster: clusterAccess{Lead: true}}, false},                                    // the cluster lead from another school
		{schoolAccess{Read: true, Cluster: clusterAccess{ProgrammeLead: true, Manage: true}}, false}, // programme lead, manager
	} {
		if got := c.a.AtSchool(); got != c.want {
			t.Errorf("%+v: AtSchool = %v, want %v", c.a, got, c.want)
		}
	}
}
