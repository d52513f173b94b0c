package web

import (
	"errors"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// pupilRow is a pupil as the cohort page shows it. Names are shown on this
// page only, to people the core lets read the school's pupils; they are
// never stored by the plugin, logged or put in a URL.
type pupilRow struct {
	MemberID          uint64
	PupilID           uint64
	Name              string
	YearGroup         int32
	Disadvantaged     string // "PP", "FSM", "FSM Ever 6" joined, or ""
	OtherIntervention bool
	Warnings          []rules.Warning
}

type cohortView struct {
	common
	SchoolID    uint64
	School      string
	Year        *store.Year
	Years       []store.Year
	InCluster   bool
	NoPupils    bool // the core keeps no pupil data yet
	Cohort      *store.Cohort
	Members     []pupilRow
	Candidates  []pupilRow
	YearGroups  []int32
	YearGroup   string // the candidates' filter
	Target      int
	ExamYears   []int
	SettingNote string
	CanChange   bool
	CanFreeze   bool
	Changes     []store.CohortChange
	Names       map[uint64]string // pupil id → name, for the changes
	Snapshots   []store.Snapshot
	Schedule    []string // labels a new termly snapshot may take
	Today       string
}

// cohortContext is the school and year of a cohort request with what the
// actor may do: change (a school leader, or a team member who holds
// challengegap.cohort.write), freeze (a school leader).
type cohortContext struct {
	s         *store.Store
	school    uint64
	years     []store.Year
	year      *store.Year
	inCluster bool
	canChange bool
	canFreeze bool
}

func loadCohort(r *http.Request) (*cohortContext, error) {
	sid, err := id(r, "unit")
	if err != nil {
		return nil, err
	}
	cc := &cohortContext{s: st(r), school: sid}
	if cc.years, err = cc.s.Years(); err != nil {
		return nil, err
	}
	if cc.year, err = chooseYear(r, cc.years); err != nil {
		return nil, err
	}
	if cc.year == nil {
		return cc, nil
	}
	if err := cc.rights(r); err != nil {
		return nil, err
	}
	return cc, nil
}

// rights fills in whether the school takes part in a cluster in cc.year
// and what the actor may do with its cohort (one Host call).
func (cc *cohortContext) rights(r *http.Request) error {
	ctx := r.Context()
	switch _, err := cc.s.ClusterOfSchool(cc.year.ID, cc.school); {
	case err == nil:
		cc.inCluster = true
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	ok, err := sdk.HostFrom(ctx).Authorize(ctx, sdk.Check{Permission: PermCohortWrite, UnitID: cc.school}, sdk.Check{Permission: PermSchoolLead, UnitID: cc.school})
	if err != nil {
		return err
	}
	member, err := cc.s.IsMember(cc.year.ID, cc.school, userID(r))
	if err != nil {
		return err
	}
	cc.canFreeze = ok[1]
	cc.canChange = ok[1] || (ok[0] && member)
	return cc.withdrawnHistory()
}

// withdrawnHistory keeps a withdrawn school's cohort and snapshots
// readable, as its history, and unchangeable (issue 13).
func (cc *cohortContext) withdrawnHistory() error {
	if cc.inCluster {
		return nil
	}
	on, err := cc.s.WithdrawnOn(cc.year.ID, cc.school)
	if err != nil || on == "" {
		return err
	}
	cc.inCluster, cc.canChange, cc.canFreeze = true, false, false
	return nil
}

func cohortPath(sid, yid uint64) string {
	return "/schools/" + strconv.FormatUint(sid, 10) + "/cohort?year=" + strconv.FormatUint(yid, 10)
}

// examYears reads the exam_years setting; a bad value falls back to the
// default with a note.
func examYears(settings map[string]string) ([]int, string) {
	raw, ok := settings[SettingExamYears]
	if !ok {
		return rules.DefaultExamYears, ""
	}
	ys, err := rules.ParseYearGroups(raw)
	if err != nil {
		return rules.DefaultExamYears, "The exam years setting is not valid (" + err.Error() + "); Y6, Y11 and Y13 apply."
	}
	return ys, ""
}

func disadvantage(p *pluginv1.Pupil) string {
	var out []string
	if p.GetPupilPremium() {
		out = append(out, "PP")
	}
	if p.GetFsm() {
		out = append(out, "FSM")
	}
	if p.GetFsmEver6() {
		out = append(out, "FSM Ever 6")
	}
	return strings.Join(out, ", ")
}

func rowOf(p *pluginv1.Pupil, other bool, exam []int) pupilRow {
	facts := rules.PupilFacts{YearGroup: int(p.GetYearGroup()), PupilPremium: p.GetPupilPremium(), FSM: p.GetFsm(), FSMEver6: p.GetFsmEver6(), OtherIntervention: other}
	return pupilRow{PupilID: p.GetId(), Name: p.GetGivenName() + " " + p.GetFamilyName(), YearGroup: p.GetYearGroup(),
		Disadvantaged: disadvantage(p), OtherIntervention: other, Warnings: rules.Eligibility(facts, exam)}
}

func cohortPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	cc, err := loadCohort(r)
	if err != nil {
		return err
	}
	v := cohortView{common: commonOf(r), SchoolID: cc.school, Year: cc.year, Years: cc.years, InCluster: cc.inCluster,
		CanChange: cc.canChange, CanFreeze: cc.canFreeze, YearGroup: r.URL.Query().Get("yg"), Names: map[uint64]string{}}
	names, err := cc.s.Schools(cc.school)
	if err != nil {
		return err
	}
	v.School = nameOr(names, cc.school)
	if cc.year == nil || !cc.inCluster {
		return render(w, r, "Target cohort", "cohort", v)
	}
	host := sdk.HostFrom(ctx)
	settings, err := host.Settings(ctx)
	if err != nil {
		return err
	}
	v.ExamYears, v.SettingNote = examYears(settings)
	v.Today = dateInYear(ctx, cc.year)
	if v.Snapshots, err = cc.s.Snapshots(cc.year.ID, cc.school); err != nil {
		return err
	}
	months, err := rules.ParseSchedule(settings[SettingSnapshots])
	if err != nil {
		months = rules.DefaultSchedule
		v.SettingNote += " The snapshots setting is not valid (" + err.Error() + "); October, March and July apply."
	}
	for _, m := range months {
		if !slices.ContainsFunc(v.Snapshots, func(s store.Snapshot) bool { return s.Label == m.String() }) {
			v.Schedule = append(v.Schedule, m.String())
		}
	}
	v.Target, _ = strconv.Atoi(settings[SettingCohortSize])
	pupils, err := host.Pupils(ctx, nil, []uint64{cc.school})
	if status.Code(errors.Unwrap(err)) == codes.Unimplemented || status.Code(err) == codes.Unimplemented {
		v.NoPupils = true
		return render(w, r, "Target cohort", "cohort", v)
	}
	if err != nil {
		return err
	}
	pupils = inProgrammeYear(ctx, cc.year, pupils)
	if v.Cohort, err = cc.s.CohortOf(cc.year.ID, cc.school, false); err != nil {
		return err
	}
	members := map[uint64]store.CohortMember{}
	if v.Cohort != nil {
		ms, err := cc.s.CohortMembers(v.Cohort.ID, false)
		if err != nil {
			return err
		}
		for _, m := range ms {
			members[m.PupilID] = m
		}
		if v.Changes, err = cc.s.CohortChanges(v.Cohort.ID); err != nil {
			return err
		}
	}
	sort.Slice(pupils, func(i, j int) bool {
		a, b := pupils[i], pupils[j]
		if a.GetYearGroup() != b.GetYearGroup() {
			return a.GetYearGroup() < b.GetYearGroup()
		}
		if a.GetFamilyName() != b.GetFamilyName() {
			return a.GetFamilyName() < b.GetFamilyName()
		}
		return a.GetGivenName() < b.GetGivenName()
	})
	for _, p := range pupils {
		v.Names[p.GetId()] = p.GetGivenName() + " " + p.GetFamilyName()
		if m, ok := members[p.GetId()]; ok {
			row := rowOf(p, m.OtherIntervention, v.ExamYears)
			row.MemberID = m.ID
			v.Members = append(v.Members, row)
			continue
		}
		if !slices.Contains(v.YearGroups, p.GetYearGroup()) {
			v.YearGroups = append(v.YearGroups, p.GetYearGroup())
		}
		if v.YearGroup == "" || v.YearGroup == strconv.Itoa(int(p.GetYearGroup())) {
			v.Candidates = append(v.Candidates, rowOf(p, false, v.ExamYears))
		}
	}
	return render(w, r, "Target cohort — "+v.School, "cohort", v)
}

// requireChange loads the cohort request and refuses one the actor may not make.
func requireChange(r *http.Request) (*cohortContext, error) {
	cc, err := loadCohort(r)
	if err != nil {
		return nil, err
	}
	if cc.year == nil || !cc.inCluster {
		return nil, &store.ValidationError{Field: "school", Message: "the school takes part in no cluster this programme year"}
	}
	if !cc.canChange {
		return nil, errForbidden
	}
	return cc, nil
}

func addToCohort(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	cc, err := requireChange(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return &store.ValidationError{Field: "pupils", Message: "the form could not be read"}
	}
	var ids []uint64
	for _, raw := range r.PostForm["pupil"] {
		pid, err := strconv.ParseUint(raw, 10, 64)
		if err != nil || pid == 0 {
			return &store.ValidationError{Field: "pupils", Message: "choose pupils listed on the page"}
		}
		ids = append(ids, pid)
	}
	if len(ids) == 0 {
		return &store.ValidationError{Field: "pupils", Message: "choose at least one pupil"}
	}
	// Only the school's pupils that the actor may read can join its cohort.
	found, err := sdk.HostFrom(ctx).Pupils(ctx, ids, []uint64{cc.school})
	if err != nil {
		return err
	}
	for _, pid := range ids {
		if !slices.ContainsFunc(found, func(p *pluginv1.Pupil) bool { return p.GetId() == pid && p.GetSchoolId() == cc.school }) {
			return &store.ValidationError{Field: "pupils", Message: "choose pupils of the school listed on the page"}
		}
	}
	reason := r.PostFormValue("reason")
	n, err := cc.s.AddToCohort(cc.year.ID, cc.school, ids, userID(r), reason)
	if err != nil {
		return err
	}
	if n > 0 {
		if err := audit(r, "cohort.add", "school", cc.school, nil, map[string]any{"year_id": cc.year.ID, "pupil_ids": ids, "reason": strings.TrimSpace(reason)}); err != nil {
			return err
		}
	}
	return redirect(w, r, cohortPath(cc.school, cc.year.ID))
}

func removeFromCohort(w http.ResponseWriter, r *http.Request) error {
	cc, err := requireChange(r)
	if err != nil {
		return err
	}
	mid, err := id(r, "member")
	if err != nil {
		return err
	}
	reason := r.PostFormValue("reason")
	m, err := cc.s.RemoveFromCohort(cc.year.ID, cc.school, mid, userID(r), reason)
	if err != nil {
		return err
	}
	if err := audit(r, "cohort.remove", "school", cc.school, map[string]any{"year_id": cc.year.ID, "pupil_id": m.PupilID}, map[string]any{"reason": strings.TrimSpace(reason)}); err != nil {
		return err
	}
	return redirect(w, r, cohortPath(cc.school, cc.year.ID))
}

func setIntervention(w http.ResponseWriter, r *http.Request) error {
	cc, err := requireChange(r)
	if err != nil {
		return err
	}
	mid, err := id(r, "member")
	if err != nil {
		return err
	}
	on := r.PostFormValue("other") == "1"
	m, err := cc.s.SetOtherIntervention(cc.year.ID, cc.school, mid, on)
	if err != nil {
		return err
	}
	if err := audit(r, "cohort.intervention", "school", cc.school, nil, map[string]any{"pupil_id": m.PupilID, "other_intervention": on}); err != nil {
		return err
	}
	return redirect(w, r, cohortPath(cc.school, cc.year.ID))
}

func freezeCohort(w http.ResponseWriter, r *http.Request) error {
	cc, err := loadCohort(r)
	if err != nil {
		return err
	}
	if cc.year == nil || !cc.inCluster {
		return &store.ValidationError{Field: "school", Message: "the school takes part in no cluster this programme year"}
	}
	takenOn := strings.TrimSpace(r.PostFormValue("taken_on"))
	if takenOn == "" {
		takenOn = sdk.Today(r.Context()).Format(time.DateOnly)
	}
	c, err := cc.s.FreezeCohort(cc.year.ID, cc.school, userID(r), takenOn)
	if err != nil {
		return err
	}
	if err := audit(r, "cohort.baseline", "cohort", c.ID, nil, map[string]any{"year_id": c.YearID, "school_id": c.SchoolID, "frozen_at": c.FrozenAt}); err != nil {
		return err
	}
	return redirect(w, r, cohortPath(cc.school, cc.year.ID))
}
