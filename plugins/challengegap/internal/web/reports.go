package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/suppress"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/evidence"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/format"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// figures is one line of a report's impact table, every figure worded
// (and, in cross-school views, suppressed below MinCount).
type figures struct {
	Name                                           string
	Pupils                                         string
	From, To                                       string // snapshot labels compared
	GapClosed                                      string // mean months of gap closed, with n
	BelowFrom, BelowTo                             string // % below ARE, with n
	AttendanceFrom, AttendanceTo, AttendanceChange string
}

// surveyResult is one round's results: per item, % agree with n.
type surveyResult struct {
	Label     string
	Responses string
	Items     []itemResult
}

type itemResult struct {
	Text          string
	N, Agree, Pct string
	Hidden        bool // the result is withheld (Pct says why)
}

// worded turns an impact into figures. With suppress set, a count below
// MinCount (and a figure resting on one) reads as suppressed.
func worded(name, from, to string, im evidence.Impact, suppressed bool) figures {
	f := figures{Name: name, From: from, To: to, Pupils: count(im.Pupils, suppressed)}
	if im.GapPupils > 0 && (!suppressed || im.GapPupils >= MinCount) {
		f.GapClosed = format.Fixed(im.MeanGapClosed) + fmt.Sprintf(" months (n = %d)", im.GapPupils)
	} else {
		f.GapClosed = none(im.GapPupils, suppressed)
	}
	f.BelowFrom = share2(im.BelowFrom, im.AssessedFrom, suppressed)
	f.BelowTo = share2(im.BelowTo, im.AssessedTo, suppressed)
	if im.AttendancePupils > 0 && (!suppressed || im.AttendancePupils >= MinCount) {
		f.AttendanceFrom = format.Fixed(im.AttendanceFrom) + "%"
		f.AttendanceTo = format.Fixed(im.AttendanceTo) + "%"
		f.AttendanceChange = format.SignedFixed(im.AttendanceChange()) + fmt.Sprintf(" points (n = %d)", im.AttendancePupils)
	} else {
		f.AttendanceFrom, f.AttendanceTo, f.AttendanceChange = "—", "—", none(im.AttendancePupils, suppressed)
	}
	return f
}

func count(n int, suppressed bool) string {
	if suppressed {
		return suppress.Format(n)
	}
	return strconv.Itoa(n)
}

// none says why a figure is missing: no values, or too few to show.
func none(n int, suppressed bool) string {
	if n > 0 && suppressed {
		return "fewer than " + strconv.Itoa(MinCount) + " pupils"
	}
	return "—"
}

// share2 words part of total as "40% (6 of 15)"; suppressed, a part or a
// rest below MinCount hides the share (the total and % would give it away).
func share2(part, total int, suppressed bool) string {
	if total == 0 {
		return "—"
	}
	if suppressed {
		t, cells, err := suppress.Default.Row(part, total-part)
		if err != nil || t.Suppressed() || cells[0].Suppressed() {
			return "suppressed (fewer than " + strconv.Itoa(MinCount) + ")"
		}
	}
	return fmt.Sprintf("%.0f%% (%d of %d)", 100*float64(part)/float64(total), part, total)
}

// surveyRule is how a report shows staff survey results to its reader.
type surveyRule int

const (
	// surveyInFull: a school's own people (its leaders and its team, see
	// schoolAccess.AtSchool) see every statement's % agree with n.
	surveyInFull surveyRule = iota
	// surveyAnswered: anyone else reading one school's results sees a
	// statement's result only when MinCount or more people answered it
	// (a team has 3 to 6 members, so fewer could show how a colleague
	// answered); otherwise "fewer than 5 answers".
	surveyAnswered
	// surveyAcrossSchools: the cluster's sums; a statement's agreeing and
	// other answers must each be MinCount or more (suppress.Row), so that
	// "49 of 50" does not single out the one who did not agree.
	surveyAcrossSchools
)

// answersPolicy suppresses a statement's number of answers below MinCount.
var answersPolicy = suppress.Policy{Threshold: MinCount}

// fewerAnswers is what a withheld statement of one school reads.
var fewerAnswers = "fewer than " + strconv.Itoa(MinCount) + " answers"

// AtSchool reports whether the actor is one of the school's own people:
// its leaders, and members of its team this year who work at the school
// (the people CanTrial lets record its trials). They see the school's
// staff survey results and its pupil figures in full; anyone else who may
// see the school's page or report (the leads of its cluster from other
// schools, managers, hub and trust leaders) sees the survey under
// surveyAnswered and the pupil figures as the cluster report shows them
// (see SuppressPupils).
func (a schoolAccess) AtSchool() bool { return a.Lead || (a.Work && a.Member) }

// SuppressPupils reports whether a school's pages and report must suppress
// its pupil figures for the actor: for anyone neither at the school nor
// holding challengegap.cohort.read there (the pupil-level permission, which
// a trust leader holds at the trust's schools by default: who may see the
// pupils themselves sees their figures exactly), a count
// of pupils below MinCount reads "<5" and a figure resting on one (a mean
// of fewer than MinCount pupils, a share whose part or rest is below
// MinCount) is withheld, exactly as in the cluster report (worded, count).
// Pupils themselves are never named on these pages; the pupil-level pages
// (cohort, snapshots, the school's matrix, a trial's pupils and evidence)
// are for holders of challengegap.cohort.read at the school, which the
// core checks before a request arrives.
func (a schoolAccess) SuppressPupils() bool { return !a.AtSchool() && !a.Cohort }

// results words a round's tallies under rule.
func results(label string, responses int, t map[string]rules.Tally, rule surveyRule) surveyResult {
	out := surveyResult{Label: label, Responses: count(responses, rule != surveyInFull)}
	for _, it := range rules.SurveyItems {
		tl := t[it.Key]
		row := itemResult{Text: it.Text, N: strconv.Itoa(tl.N()), Agree: strconv.Itoa(tl.Agreeing()), Pct: strconv.Itoa(tl.PercentAgree()) + "%"}
		if tl.N() == 0 {
			row.Pct = "—"
		}
		switch rule {
		case surveyAnswered:
			if n := answersPolicy.Count(tl.N()); n.Suppressed() {
				row.N, row.Agree, row.Pct, row.Hidden = n.String(), "—", fewerAnswers, true
			}
		case surveyAcrossSchools:
			total, cells, err := suppress.Default.Row(tl.Agreeing(), tl.N()-tl.Agreeing())
			if err != nil {
				return out
			}
			row.N, row.Agree = total.String(), cells[0].String()
			if total.Suppressed() || cells[0].Suppressed() {
				row.Pct, row.Hidden = "suppressed", true
			}
		}
		out.Items = append(out.Items, row)
	}
	return out
}

type schoolReportView struct {
	common
	SchoolID uint64
	School   string
	Year     *store.Year
	Impact   figures
	HasData  bool
	Surveys  []surveyResult
	// SurveyInFull: the reader is one of the school's own people and sees
	// the survey and the pupil figures unsuppressed; MinCount is the
	// threshold for anyone else.
	SurveyInFull bool
	// PupilsSuppressed: the reader is not at the school and sees the pupil
	// figures with counts below MinCount suppressed (SuppressPupils).
	PupilsSuppressed bool
	MinCount         int
	Trials           []trialRow
	Plans            map[uint64]*store.Plan
	CaseStudy        *store.CaseStudy
	CanEdit          bool
}

// schoolReportData gathers the school's report of the year (aggregates of
// the school's own cohort: no pupil is named). The staff survey and the
// pupil figures (the impact table, the pupils receiving each trial) are in
// full for the school's own people; for anyone else the survey is under
// surveyAnswered and the pupil figures are suppressed as in the cluster
// report. The page and its CSV come from here, so both follow the same rule.
func schoolReportData(r *http.Request) (*schoolReportView, error) {
	sc, err := loadSchool(r)
	if err != nil {
		return nil, err
	}
	if sc.year == nil {
		return nil, errNotFound
	}
	s := sc.s
	v := &schoolReportView{common: commonOf(r), SchoolID: sc.school, Year: sc.year, CanEdit: sc.access.Lead,
		SurveyInFull: sc.access.AtSchool(), MinCount: MinCount}
	rule := surveyAnswered
	if v.SurveyInFull {
		rule = surveyInFull
	}
	names, err := s.Schools(sc.school)
	if err != nil {
		return nil, err
	}
	v.School = nameOr(names, sc.school)
	im, from, to, err := s.Impact(sc.year.ID, sc.school)
	if err != nil {
		return nil, err
	}
	v.HasData = from != ""
	hide := sc.access.SuppressPupils()
	v.PupilsSuppressed = hide
	v.Impact = worded(v.School, from, to, im, hide)
	rounds, err := s.Rounds(sc.year.ID)
	if err != nil {
		return nil, err
	}
	for _, rd := range rounds {
		t, n, err := s.SurveyTallies(rd.ID, sc.school)
		if err != nil {
			return nil, err
		}
		v.Surveys = append(v.Surveys, results(rd.Label, n[sc.school], t[sc.school], rule))
	}
	if v.Trials, err = trialRows(s, sc.year.ID, sc.school, hide); err != nil {
		return nil, err
	}
	ids := make([]uint64, 0, len(v.Trials))
	for _, t := range v.Trials {
		if rules.Decision(t.Decision) == rules.DecisionScaleUp {
			ids = append(ids, t.ID)
		}
	}
	if v.Plans, err = s.Plans(ids...); err != nil {
		return nil, err
	}
	if v.CaseStudy, err = s.CaseStudyOf(sc.year.ID, sc.school); err != nil {
		return nil, err
	}
	return v, nil
}

// trialRows lists the school's trials with their strategy and the number
// of pupils receiving each (below MinCount suppressed when suppressed).
func trialRows(s *store.Store, yearID, school uint64, suppressed bool) ([]trialRow, error) {
	trials, err := s.Trials(yearID, school)
	if err != nil {
		return nil, err
	}
	sts, err := s.Strategies()
	if err != nil {
		return nil, err
	}
	byID := map[uint64]store.Strategy{}
	for _, st := range sts {
		byID[st.ID] = st
	}
	ids := make([]uint64, len(trials))
	for i, t := range trials {
		ids[i] = t.ID
	}
	receiving, err := s.TrialPupils(ids...)
	if err != nil {
		return nil, err
	}
	out := make([]trialRow, len(trials))
	for i, t := range trials {
		out[i] = trialRow{Trial: t, Strategy: byID[t.StrategyID].Title, Theme: byID[t.StrategyID].Theme, Pupils: count(len(receiving[t.ID]), suppressed)}
	}
	return out, nil
}

func schoolReport(w http.ResponseWriter, r *http.Request) error {
	v, err := schoolReportData(r)
	if err != nil {
		return err
	}
	return render(w, r, "Report — "+v.School+" — "+v.Year.Label, "schoolreport", v)
}

func schoolReportCSV(w http.ResponseWriter, r *http.Request) error {
	v, err := schoolReportData(r)
	if err != nil {
		return err
	}
	rows := [][]string{{"section", "measure", "value", "n"}}
	rows = append(rows, impactRows(v.Impact)...)
	rows = append(rows, surveyRows(v.Surveys)...)
	for _, t := range v.Trials {
		rows = append(rows, []string{"trial", t.Strategy, rules.Decision(t.Decision).Label(), t.Pupils})
	}
	if cs := v.CaseStudy; !cs.Empty() {
		rows = append(rows, []string{"case study", "challenge", cs.Challenge, ""}, []string{"case study", "response", cs.Response, ""},
			[]string{"case study", "outcome", cs.Outcome, ""})
	}
	return writeCSV(w, r, fmt.Sprintf("report-school-%d-%s.csv", v.SchoolID, v.Year.Label), rows, "report.school_export", "school", v.SchoolID)
}

func impactRows(f figures) [][]string {
	return [][]string{
		{"impact", "school", f.Name, f.Pupils},
		{"impact", "snapshots compared", f.From + " to " + f.To, ""},
		{"impact", "months of gap closed on average", f.GapClosed, ""},
		{"impact", "below ARE at " + f.From, f.BelowFrom, ""},
		{"impact", "below ARE at " + f.To, f.BelowTo, ""},
		{"impact", "attendance at " + f.From, f.AttendanceFrom, ""},
		{"impact", "attendance at " + f.To, f.AttendanceTo, ""},
		{"impact", "attendance change", f.AttendanceChange, ""},
	}
}

func surveyRows(rs []surveyResult) [][]string {
	var out [][]string
	for _, rd := range rs {
		for _, it := range rd.Items {
			value := it.Pct + " agree"
			if it.Hidden {
				value = it.Pct
			}
			out = append(out, []string{"survey " + rd.Label, it.Text, value, it.N})
		}
	}
	return out
}

// writeCSV answers rows as a CSV download (cells a spreadsheet would read
// as a formula are quoted) and audits the export.
func writeCSV(w http.ResponseWriter, r *http.Request, filename string, rows [][]string, action, entity string, entityID uint64) error {
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	for _, row := range rows {
		for i := range row {
			row[i] = safeCell(row[i])
		}
		_ = cw.Write(row)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	if err := audit(r, action, entity, entityID, nil, nil); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", filename))
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write(buf.Bytes())
	return err
}

func saveCaseStudy(w http.ResponseWriter, r *http.Request) error {
	sc, err := loadSchool(r)
	if err != nil {
		return err
	}
	if sc.year == nil {
		return &store.ValidationError{Field: "year", Message: "add a programme year first"}
	}
	c, err := sc.s.SaveCaseStudy(sc.year.ID, sc.school, r.PostFormValue("challenge"), r.PostFormValue("response"), r.PostFormValue("outcome"), userID(r))
	if err != nil {
		return err
	}
	if err := audit(r, "casestudy.save", "case_study", c.ID, nil, c); err != nil {
		return err
	}
	return redirect(w, r, "/schools/"+strconv.FormatUint(sc.school, 10)+"/report?year="+strconv.FormatUint(sc.year.ID, 10))
}

type clusterReportView struct {
	common
	Cluster  *store.Cluster
	Year     *store.Year
	MinCount int
	Total    figures
	Schools  []figures
	Surveys  []surveyResult
	Trials   []clusterTrial
}

type clusterTrial struct {
	School   string
	Strategy string
	Decision string
}

// clusterReportData gathers the cluster's report: aggregates only, every
// count below MinCount suppressed, no pupil and no pupil-level figure. For
// the cluster's leads and managers and the staff of its schools (one Host call).
func clusterReportData(r *http.Request) (*clusterReportView, error) {
	ctx := r.Context()
	s := st(r)
	c, err := loadCluster(r, s)
	if err != nil {
		return nil, err
	}
	schools, err := s.AcceptedSchools(c.ID)
	if err != nil {
		return nil, err
	}
	checks := []sdk.Check{{Permission: PermManage, UnitID: c.UnitID}}
	for _, id := range schools {
		checks = append(checks, sdk.Check{Permission: PermSchoolWork, UnitID: id})
	}
	ok, err := sdk.HostFrom(ctx).Authorize(ctx, checks...)
	if err != nil {
		return nil, err
	}
	allowed := leadsOf(c, userID(r)).CanLead()
	for _, o := range ok {
		allowed = allowed || o
	}
	if !allowed {
		return nil, errForbidden
	}
	v := &clusterReportView{common: commonOf(r), Cluster: c, MinCount: MinCount}
	if v.Year, err = s.Year(c.YearID); err != nil {
		return nil, err
	}
	names, err := s.Schools(schools...)
	if err != nil {
		return nil, err
	}
	var impacts []evidence.Impact
	for _, sid := range schools {
		im, from, to, err := s.Impact(c.YearID, sid)
		if err != nil {
			return nil, err
		}
		v.Schools = append(v.Schools, worded(nameOr(names, sid), from, to, im, true))
		impacts = append(impacts, im)
		ts, err := trialRows(s, c.YearID, sid, true)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			v.Trials = append(v.Trials, clusterTrial{School: nameOr(names, sid), Strategy: t.Strategy, Decision: rules.Decision(t.Decision).Label()})
		}
	}
	v.Total = worded(c.Name, "baseline", "latest", evidence.Combine(impacts...), true)
	rounds, err := s.Rounds(c.YearID)
	if err != nil {
		return nil, err
	}
	for _, rd := range rounds {
		t, n, err := s.SurveyTallies(rd.ID, schools...)
		if err != nil {
			return nil, err
		}
		sum, responses := map[string]rules.Tally{}, 0
		for sid, byItem := range t {
			responses += n[sid]
			for k, tl := range byItem {
				sum[k] = sum[k].Plus(tl)
			}
		}
		v.Surveys = append(v.Surveys, results(rd.Label, responses, sum, surveyAcrossSchools))
	}
	return v, nil
}

func clusterReport(w http.ResponseWriter, r *http.Request) error {
	v, err := clusterReportData(r)
	if err != nil {
		return err
	}
	return render(w, r, "Report — "+v.Cluster.Name+" — "+v.Year.Label, "clusterreport", v)
}

func clusterReportCSV(w http.ResponseWriter, r *http.Request) error {
	v, err := clusterReportData(r)
	if err != nil {
		return err
	}
	rows := [][]string{{"section", "measure", "value", "n"}}
	rows = append(rows, impactRows(v.Total)...)
	for _, f := range v.Schools {
		rows = append(rows, impactRows(f)...)
	}
	rows = append(rows, surveyRows(v.Surveys)...)
	for _, t := range v.Trials {
		rows = append(rows, []string{"trial", t.School + ": " + t.Strategy, t.Decision, ""})
	}
	return writeCSV(w, r, fmt.Sprintf("report-cluster-%d.csv", v.Cluster.ID), rows, "report.cluster_export", "cluster", v.Cluster.ID)
}
