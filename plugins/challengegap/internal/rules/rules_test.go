package rules

import (
	"reflect"
	"strings"
	"testing"
)

func codes(vs []Violation) []string {
	out := []string{}
	for _, v := range vs {
		out = append(out, v.Rule)
	}
	return out
}

func TestCheckTeam(t *testing.T) {
	leader := Member{Role: RoleLeader}
	teacher := func(s Subject) Member { return Member{Role: RoleTeacher, Subject: s} }
	para := func(p ParaType) Member { return Member{Role: RolePara, ParaType: p} }
	ta, mentor := para(ParaTeachingAssistant), para(ParaMentor)
	tests := []struct {
		name    string
		phase   string
		members []Member
		want    []string
		message string // a substring of the first violation's message
	}{
		{"primary complete", "primary", []Member{leader, teacher(SubjectGeneral), ta}, []string{}, ""},
		{"primary with extra teacher and para is complete", "primary", []Member{leader, teacher(SubjectGeneral), teacher(SubjectMaths), ta, mentor}, []string{}, ""},
		{"primary empty", "primary", nil, []string{RuleLeader, RuleTeachers, RuleParas}, "A primary team needs 1 leader; this team has none."},
		{"primary no para", "primary", []Member{leader, teacher(SubjectGeneral)}, []string{RuleParas}, "needs at least 1 para-professional; this team has 0"},
		{"primary two leaders", "primary", []Member{leader, leader, teacher(SubjectGeneral), ta}, []string{RuleLeader}, "has 1 leader; this team has 2"},
		{"secondary complete", "secondary", []Member{leader, teacher(SubjectMaths), teacher(SubjectEnglish), teacher(SubjectScience), ta, mentor}, []string{}, ""},
		{"secondary two teachers", "secondary", []Member{leader, teacher(SubjectMaths), teacher(SubjectEnglish), ta, mentor}, []string{RuleTeachers}, "needs at least 3 teachers; this team has 2"},
		{"secondary no English", "secondary", []Member{leader, teacher(SubjectMaths), teacher(SubjectMaths), teacher(SubjectScience), ta, mentor}, []string{RuleSubject}, "needs a teacher of English"},
		{"secondary neither maths nor English", "secondary", []Member{leader, teacher(SubjectScience), teacher(SubjectOther), teacher(SubjectOther), ta, mentor},
			[]string{RuleSubject, RuleSubject}, "needs a teacher of Maths"},
		{"secondary one para", "secondary", []Member{leader, teacher(SubjectMaths), teacher(SubjectEnglish), teacher(SubjectScience), ta}, []string{RuleParas}, "at least 2 para-professionals; this team has 1"},
		{"all-through takes the secondary rule", "all_through", []Member{leader, teacher(SubjectGeneral), ta}, []string{RuleTeachers, RuleSubject, RuleSubject, RuleParas}, "A secondary team needs at least 3 teachers"},
		{"middle takes the secondary rule", "MIDDLE", []Member{leader, teacher(SubjectMaths), teacher(SubjectEnglish), teacher(SubjectOther), ta, ta}, []string{}, ""},
		{"special takes the primary rule", "special", []Member{leader, teacher(SubjectGeneral), ta}, []string{}, ""},
		{"unknown phase applies primary and says so", "", []Member{leader, teacher(SubjectGeneral), ta}, []string{RulePhase}, "phase is not recorded"},
		{"teacher without subject", "primary", []Member{leader, {Role: RoleTeacher}, ta}, []string{RuleTeacherInfo}, "1 teacher recorded without a subject"},
		{"para without type", "primary", []Member{leader, teacher(SubjectGeneral), {Role: RolePara}}, []string{RuleParaInfo}, "1 para-professional recorded without a type"},
		{"a teacher without subject does not count as maths", "secondary", []Member{leader, {Role: RoleTeacher}, teacher(SubjectEnglish), teacher(SubjectOther), ta, ta},
			[]string{RuleSubject, RuleTeacherInfo}, "needs a teacher of Maths"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := CheckTeam(tc.phase, tc.members)
			if !reflect.DeepEqual(codes(got), tc.want) {
				t.Fatalf("CheckTeam(%q) = %v, want %v (%+v)", tc.phase, codes(got), tc.want, got)
			}
			if tc.message != "" && !strings.Contains(got[0].Message, tc.message) {
				t.Fatalf("first message %q lacks %q", got[0].Message, tc.message)
			}
		})
	}
}

func TestRequirementFor(t *testing.T) {
	for phase, want := range map[string]string{"primary": "primary", "secondary": "secondary", "sixteen_plus": "secondary",
		"alternative_provision": "primary", " Secondary ": "secondary"} {
		if got, known := RequirementFor(phase); got.Name != want || !known {
			t.Errorf("RequirementFor(%q) = %s %v, want %s", phase, got.Name, known, want)
		}
	}
	if _, known := RequirementFor("unspecified"); known {
		t.Error("an unknown phase is reported known")
	}
}

func TestParseYearGroups(t *testing.T) {
	tests := []struct {
		in      string
		want    []int
		wantErr bool
	}{
		{"6,11,13", []int{6, 11, 13}, false},
		{" Y11; y6 , 13,6", []int{6, 11, 13}, false},
		{"", nil, false},
		{"6,seven", nil, true},
		{"15", nil, true},
		{"-1", []int{-1}, false},
	}
	for _, tc := range tests {
		got, err := ParseYearGroups(tc.in)
		if (err != nil) != tc.wantErr || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseYearGroups(%q) = %v, %v; want %v (error %v)", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestEligibility(t *testing.T) {
	tests := []struct {
		name string
		p    PupilFacts
		exam []int
		want []string
	}{
		{"pupil premium, Y4", PupilFacts{YearGroup: 4, PupilPremium: true}, DefaultExamYears, nil},
		{"FSM only", PupilFacts{YearGroup: 8, FSM: true}, DefaultExamYears, nil},
		{"FSM Ever 6 only", PupilFacts{YearGroup: 8, FSMEver6: true}, DefaultExamYears, nil},
		{"not disadvantaged", PupilFacts{YearGroup: 4}, DefaultExamYears, []string{WarnNotDisadvantaged}},
		{"Y6 is an exam year by default", PupilFacts{YearGroup: 6, PupilPremium: true}, DefaultExamYears, []string{WarnExamYear}},
		{"Y11", PupilFacts{YearGroup: 11, FSM: true}, DefaultExamYears, []string{WarnExamYear}},
		{"Y13", PupilFacts{YearGroup: 13, FSM: true}, DefaultExamYears, []string{WarnExamYear}},
		{"configured exam years replace the default", PupilFacts{YearGroup: 6, FSM: true}, []int{2, 11}, nil},
		{"configured Y2", PupilFacts{YearGroup: 2, FSM: true}, []int{2, 11}, []string{WarnExamYear}},
		{"other intervention", PupilFacts{YearGroup: 5, PupilPremium: true, OtherIntervention: true}, DefaultExamYears, []string{WarnOtherIntervention}},
		{"every warning", PupilFacts{YearGroup: 11, OtherIntervention: true}, DefaultExamYears, []string{WarnNotDisadvantaged, WarnExamYear, WarnOtherIntervention}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, w := range Eligibility(tc.p, tc.exam) {
				got = append(got, w.Code)
				if w.Message == "" {
					t.Errorf("warning %s has no message", w.Code)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Eligibility = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseAcademicYear(t *testing.T) {
	for in, want := range map[string]int{"2017-18": 2017, "2099-00": 0, "2019-20": 2019, "2017-19": 0, "2017/18": 0, "17-18": 0, "1999-00": 0, "abcd-ef": 0} {
		got, err := ParseAcademicYear(in)
		if (want == 0) != (err != nil) || got != want {
			t.Errorf("ParseAcademicYear(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

func TestWorkshopsAndThemes(t *testing.T) {
	if len(Workshops) != 6 || WorkshopTitle(1) != "The starting line" || WorkshopTitle(6) != "So what… and what next?" || WorkshopTitle(7) != "" {
		t.Fatalf("workshops: %+v", Workshops)
	}
	for i, w := range Workshops {
		if w.Number != i+1 {
			t.Fatalf("workshop %d is numbered %d", i+1, w.Number)
		}
	}
	// The three theme workshops carry the themes' names.
	for i, th := range Themes {
		if WorkshopTitle(3+i) != th.Label() || !th.Valid() {
			t.Errorf("theme %s does not match workshop %d (%s)", th, 3+i, WorkshopTitle(3+i))
		}
	}
	if Theme("other").Valid() || !Decision("").Valid() || Decision("maybe").Valid() {
		t.Fatal("validity of themes or decisions is wrong")
	}
}
