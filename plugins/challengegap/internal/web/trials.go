package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

type receivingRow struct {
	PupilID   uint64
	Name      string
	YearGroup int32
	Receives  bool
}

type trialView struct {
	common
	SchoolID  uint64
	School    string
	Trial     *store.Trial
	Strategy  *store.Strategy
	Year      *store.Year
	Pupils    []receivingRow
	CanChange bool
	CanDecide bool // a school leader: the decision is taken on this page
	Decisions []rules.Decision
	Evidence  *evidenceView
}

// loadTrial reads the trial of the path with the actor's rights on its
// school's cohort in the trial's year.
func loadTrial(r *http.Request) (*cohortContext, *store.Trial, error) {
	sid, err := id(r, "unit")
	if err != nil {
		return nil, nil, err
	}
	tid, err := id(r, "trial")
	if err != nil {
		return nil, nil, err
	}
	cc := &cohortContext{s: st(r), school: sid}
	t, err := cc.s.Trial(sid, tid)
	if err != nil {
		return nil, nil, err
	}
	if cc.year, err = cc.s.Year(t.YearID); err != nil {
		return nil, nil, err
	}
	if err := cc.rights(r); err != nil {
		return nil, nil, err
	}
	return cc, t, nil
}

func trialPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	cc, t, err := loadTrial(r)
	if err != nil {
		return err
	}
	v := trialView{common: commonOf(r), SchoolID: cc.school, Trial: t, Year: cc.year, CanChange: cc.canChange, CanDecide: cc.canFreeze, Decisions: rules.Decisions}
	if v.Strategy, err = cc.s.Strategy(t.StrategyID); err != nil {
		return err
	}
	names, err := cc.s.Schools(cc.school)
	if err != nil {
		return err
	}
	v.School = nameOr(names, cc.school)
	c, err := cc.s.CohortOf(t.YearID, cc.school, false)
	if err != nil {
		return err
	}
	receiving, err := cc.s.TrialPupils(t.ID)
	if err != nil {
		return err
	}
	if c != nil {
		ms, err := cc.s.CohortMembers(c.ID, false)
		if err != nil {
			return err
		}
		ids := make([]uint64, len(ms))
		for i, m := range ms {
			ids[i] = m.PupilID
		}
		var pupils []*pluginv1.Pupil
		if len(ids) > 0 {
			if pupils, err = sdk.HostFrom(ctx).Pupils(ctx, ids, []uint64{cc.school}); err != nil {
				return err
			}
		}
		for _, p := range inProgrammeYear(ctx, cc.year, pupils) {
			v.Pupils = append(v.Pupils, receivingRow{PupilID: p.GetId(), Name: p.GetGivenName() + " " + p.GetFamilyName(),
				YearGroup: p.GetYearGroup(), Receives: slices.Contains(receiving[t.ID], p.GetId())})
		}
	}
	if v.Evidence, err = trialEvidence(r, cc.s, t); err != nil {
		return err
	}
	return render(w, r, v.Strategy.Title+" — "+v.School, "trial", v)
}

func setTrialPupils(w http.ResponseWriter, r *http.Request) error {
	cc, t, err := loadTrial(r)
	if err != nil {
		return err
	}
	if !cc.canChange {
		return errForbidden
	}
	if err := r.ParseForm(); err != nil {
		return &store.ValidationError{Field: "pupils", Message: "the form could not be read"}
	}
	var ids []uint64
	for _, raw := range r.PostForm["pupil"] {
		pid, err := strconv.ParseUint(raw, 10, 64)
		if err != nil || pid == 0 {
			return &store.ValidationError{Field: "pupils", Message: "tick pupils listed on the page"}
		}
		ids = append(ids, pid)
	}
	if err := cc.s.SetTrialPupils(cc.school, t.ID, ids); err != nil {
		return err
	}
	if err := audit(r, "trial.pupils", "trial", t.ID, nil, map[string]any{"pupil_ids": ids}); err != nil {
		return err
	}
	return redirect(w, r, "/schools/"+strconv.FormatUint(cc.school, 10)+"/trials/"+strconv.FormatUint(t.ID, 10))
}
