// Package rules holds the programme's rules as pure functions: the
// composition a school team must have for its phase, and the eligibility
// warnings for a target pupil. Nothing here touches storage or the Host.
package rules

import (
	"fmt"
	"strings"
)

// Role is what a team member does in the school team.
type Role string

// Team roles.
const (
	RoleLeader  Role = "leader"
	RoleTeacher Role = "teacher"
	RolePara    Role = "para"
)

// Roles lists the team roles in the order pages show them.
var Roles = []Role{RoleLeader, RoleTeacher, RolePara}

// Label is the role as people say it.
func (r Role) Label() string {
	switch r {
	case RoleLeader:
		return "Leader"
	case RoleTeacher:
		return "Teacher"
	case RolePara:
		return "Para-professional"
	}
	return string(r)
}

// Valid reports whether r is a team role.
func (r Role) Valid() bool { return r == RoleLeader || r == RoleTeacher || r == RolePara }

// Subject is the subject a teacher on the team teaches.
type Subject string

// Subjects a teacher may be recorded with; the secondary rule needs maths and English.
const (
	SubjectMaths   Subject = "maths"
	SubjectEnglish Subject = "english"
	SubjectScience Subject = "science"
	SubjectOther   Subject = "other"
	// SubjectGeneral is a primary class teacher, who teaches every subject.
	SubjectGeneral Subject = "general"
)

// Subjects lists the subjects in the order forms show them.
var Subjects = []Subject{SubjectGeneral, SubjectMaths, SubjectEnglish, SubjectScience, SubjectOther}

// Label is the subject as people say it.
func (s Subject) Label() string {
	switch s {
	case SubjectMaths:
		return "Maths"
	case SubjectEnglish:
		return "English"
	case SubjectScience:
		return "Science"
	case SubjectOther:
		return "Other subject"
	case SubjectGeneral:
		return "Class teacher (all subjects)"
	}
	return string(s)
}

// Valid reports whether s is a known subject.
func (s Subject) Valid() bool {
	for _, x := range Subjects {
		if x == s {
			return true
		}
	}
	return false
}

// ParaType is the kind of para-professional.
type ParaType string

// Para-professional types.
const (
	ParaTeachingAssistant ParaType = "teaching_assistant"
	ParaMentor            ParaType = "mentor"
	ParaLibrarian         ParaType = "librarian"
	ParaOther             ParaType = "other"
)

// ParaTypes lists the para-professional types in the order forms show them.
var ParaTypes = []ParaType{ParaTeachingAssistant, ParaMentor, ParaLibrarian, ParaOther}

// Label is the type as people say it.
func (p ParaType) Label() string {
	switch p {
	case ParaTeachingAssistant:
		return "Teaching assistant"
	case ParaMentor:
		return "Pastoral or learning mentor"
	case ParaLibrarian:
		return "Librarian"
	case ParaOther:
		return "Other para-professional"
	}
	return string(p)
}

// Valid reports whether p is a known para-professional type.
func (p ParaType) Valid() bool {
	for _, x := range ParaTypes {
		if x == p {
			return true
		}
	}
	return false
}

// Member is what the rules need of one team member.
type Member struct {
	Role     Role
	Subject  Subject  // teachers only
	ParaType ParaType // para-professionals only
}

// Requirement is the team a phase needs: exactly Leaders leaders, at least
// Teachers teachers and Paras para-professionals, and among the teachers
// one of each of Subjects.
type Requirement struct {
	Name     string // "primary" or "secondary": which rule applies
	Leaders  int
	Teachers int
	Paras    int
	Subjects []Subject
}

// The programme's two team rules.
var (
	PrimaryTeam   = Requirement{Name: "primary", Leaders: 1, Teachers: 1, Paras: 1}
	SecondaryTeam = Requirement{Name: "secondary", Leaders: 1, Teachers: 3, Paras: 2, Subjects: []Subject{SubjectMaths, SubjectEnglish}}
)

// RequirementFor returns the rule for a school phase (the Host's phase
// names in lower case: "primary", "secondary", "middle", "all_through",
// "sixteen_plus", "special", "alternative_provision"). Secondary, middle,
// all-through and 16+ schools teach by subject and take the secondary rule;
// primary, special and alternative provision schools take the primary rule.
// known is false for an unknown or empty phase, which gets the primary rule.
func RequirementFor(phase string) (req Requirement, known bool) {
	switch strings.ToLower(strings.TrimSpace(phase)) {
	case "secondary", "middle", "all_through", "sixteen_plus":
		return SecondaryTeam, true
	case "primary", "special", "alternative_provision":
		return PrimaryTeam, true
	}
	return PrimaryTeam, false
}

// Rule codes of a Violation.
const (
	RuleLeader      = "leader"
	RuleTeachers    = "teachers"
	RuleParas       = "paras"
	RuleSubject     = "subject"
	RuleTeacherInfo = "teacher_subject"
	RuleParaInfo    = "para_type"
	RulePhase       = "phase"
)

// Violation is one rule the team breaks, with a message saying which.
type Violation struct {
	Rule    string
	Message string
}

// CheckTeam returns every rule of the school's phase the team breaks, in a
// fixed order; none means the team is complete. A school of unknown phase is
// checked against the primary rule, with a violation saying the phase is
// unknown.
func CheckTeam(phase string, members []Member) []Violation {
	req, known := RequirementFor(phase)
	var out []Violation
	if !known {
		out = append(out, Violation{RulePhase, "The school's phase is not recorded, so the primary rule (1 leader, 1 teacher, 1 para-professional) was applied; record the phase in the school's details."})
	}
	var leaders, teachers, paras int
	subjects := map[Subject]bool{}
	noSubject, noType := 0, 0
	for _, m := range members {
		switch m.Role {
		case RoleLeader:
			leaders++
		case RoleTeacher:
			teachers++
			if m.Subject.Valid() {
				subjects[m.Subject] = true
			} else {
				noSubject++
			}
		case RolePara:
			paras++
			if !m.ParaType.Valid() {
				noType++
			}
		}
	}
	switch {
	case leaders < req.Leaders:
		out = append(out, Violation{RuleLeader, fmt.Sprintf("A %s team needs %s; this team has none.", req.Name, count(req.Leaders, "leader"))})
	case leaders > req.Leaders:
		out = append(out, Violation{RuleLeader, fmt.Sprintf("A %s team has %s; this team has %d.", req.Name, count(req.Leaders, "leader"), leaders)})
	}
	if teachers < req.Teachers {
		out = append(out, Violation{RuleTeachers, fmt.Sprintf("A %s team needs at least %s; this team has %d.", req.Name, count(req.Teachers, "teacher"), teachers)})
	}
	for _, s := range req.Subjects {
		if !subjects[s] {
			out = append(out, Violation{RuleSubject, fmt.Sprintf("A %s team needs a teacher of %s; no teacher on this team teaches %s.", req.Name, s.Label(), s.Label())})
		}
	}
	if paras < req.Paras {
		out = append(out, Violation{RuleParas, fmt.Sprintf("A %s team needs at least %s; this team has %d.", req.Name, count(req.Paras, "para-professional"), paras)})
	}
	if noSubject > 0 {
		out = append(out, Violation{RuleTeacherInfo, fmt.Sprintf("%s recorded without a subject.", count(noSubject, "teacher"))})
	}
	if noType > 0 {
		out = append(out, Violation{RuleParaInfo, fmt.Sprintf("%s recorded without a type (teaching assistant, mentor, librarian or other).", count(noType, "para-professional"))})
	}
	return out
}

// count writes "1 teacher", "3 teachers".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
