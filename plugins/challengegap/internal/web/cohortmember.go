package web

import (
	"net/http"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// warningShort names a warning in a word or two, for the compact tables;
// the full explanation is in the summary above them and on the pupil's own
// page.
func warningShort(code string) string {
	switch code {
	case rules.WarnNotDisadvantaged:
		return "not PP or FSM"
	case rules.WarnExamYear:
		return "exam year"
	case rules.WarnOtherIntervention:
		return "other intervention"
	}
	return code
}

// warningCount is one kind of warning among a table's pupils.
type warningCount struct {
	Code, Short, Explain string
	Pupils               int
}

// explainWarning says why a warning matters, once for all pupils it concerns.
func explainWarning(code string, examYears []int) string {
	switch code {
	case rules.WarnNotDisadvantaged:
		return "not eligible for pupil premium or free school meals: the programme targets disadvantaged pupils"
	case rules.WarnExamYear:
		ys := ""
		for i, y := range examYears {
			if i > 0 {
				ys += ", "
			}
			ys += "Y" + strconv.Itoa(y)
		}
		return "in an exam year (" + ys + "): the cohort is followed across the year, ideally not one ending in national tests or exams"
	case rules.WarnOtherIntervention:
		return "already receiving another intervention: its effect cannot be told apart from the programme's"
	}
	return ""
}

// summarise counts the warnings of rows by kind, in a fixed order.
func summarise(rows []pupilRow, examYears []int) []warningCount {
	var out []warningCount
	for _, code := range []string{rules.WarnNotDisadvantaged, rules.WarnExamYear, rules.WarnOtherIntervention} {
		n := 0
		for _, r := range rows {
			for _, w := range r.Warnings {
				if w.Code == code {
					n++
				}
			}
		}
		if n > 0 {
			out = append(out, warningCount{Code: code, Short: warningShort(code), Explain: explainWarning(code, examYears), Pupils: n})
		}
	}
	return out
}

// MemberWarnings and CandidateWarnings summarise the tables' warnings.
func (v cohortView) MemberWarnings() []warningCount    { return summarise(v.Members, v.ExamYears) }
func (v cohortView) CandidateWarnings() []warningCount { return summarise(v.Candidates, v.ExamYears) }

// shortWarning is a warning of a row in a word or two, with its code.
type shortWarning struct{ Code, Short string }

// ShortWarnings are the row's warnings in a word or two each.
func (p pupilRow) ShortWarnings() []shortWarning {
	out := make([]shortWarning, len(p.Warnings))
	for i, w := range p.Warnings {
		out[i] = shortWarning{Code: w.Code, Short: warningShort(w.Code)}
	}
	return out
}

type cohortMemberView struct {
	common
	SchoolID  uint64
	School    string
	Year      *store.Year
	Cohort    *store.Cohort
	Member    pupilRow
	CanChange bool
}

// cohortMemberPage is a cohort pupil's own page: the warnings in full, and
// for the team, whether the pupil receives another intervention and taking
// the pupil out of the cohort with the reason (which the frozen cohort needs).
func cohortMemberPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	cc, err := loadCohort(r)
	if err != nil {
		return err
	}
	if cc.year == nil {
		return errNotFound
	}
	mid, err := id(r, "member")
	if err != nil {
		return err
	}
	c, m, err := cc.s.CohortMember(cc.year.ID, cc.school, mid)
	if err != nil {
		return err
	}
	if m.RemovedAt != nil {
		return errNotFound
	}
	pupils, err := sdk.HostFrom(ctx).Pupils(ctx, []uint64{m.PupilID}, []uint64{cc.school})
	if err != nil {
		return err
	}
	if len(pupils) == 0 {
		return errNotFound
	}
	settings, err := sdk.HostFrom(ctx).Settings(ctx)
	if err != nil {
		return err
	}
	exam, _ := examYears(settings)
	names, err := cc.s.Schools(cc.school)
	if err != nil {
		return err
	}
	v := cohortMemberView{common: commonOf(r), SchoolID: cc.school, School: nameOr(names, cc.school), Year: cc.year, Cohort: c, CanChange: cc.canChange}
	v.Member = rowOf(pupils[0], m.OtherIntervention, exam)
	v.Member.MemberID = m.ID
	return render(w, r, v.Member.Name+" — target cohort", "cohortmember", v)
}
