package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/format"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// gridRow is one cohort pupil's row of a snapshot grid, as typed.
type gridRow struct {
	PupilID                                    uint64
	Name                                       string
	YearGroup                                  int32
	Reading, Writing, Maths                    string
	AgeEquivalent, Attitude, Aspiration, Atten string
	Gap                                        string
	Problems                                   []rules.Problem
	Last                                       *store.DataPoint // at the snapshot before, if any
}

// Level returns the row's attainment in reading, writing or maths.
func (g gridRow) Level(subject string) string {
	switch subject {
	case "reading":
		return g.Reading
	case "writing":
		return g.Writing
	case "maths":
		return g.Maths
	}
	return ""
}

type gridView struct {
	common
	SchoolID  uint64
	School    string
	Year      *store.Year
	Snapshot  *store.Snapshot
	Rows      []gridRow
	Levels    []rules.ARE
	CanChange bool
	Bad       int    // rows with problems
	LastLabel string // the snapshot before, whose values show beside the fields
	CanDelete bool   // an empty latest termly snapshot, for those who may change it
	// DeleteZone is the SDK's danger zone deleting it (when CanDelete).
	DeleteZone *ui.DangerZone
}

func addSnapshot(w http.ResponseWriter, r *http.Request) error {
	cc, err := requireChange(r)
	if err != nil {
		return err
	}
	sn, err := cc.s.AddSnapshot(cc.year.ID, cc.school, r.PostFormValue("label"), strings.TrimSpace(r.PostFormValue("taken_on")))
	if err != nil {
		return err
	}
	if err := audit(r, "snapshot.create", "snapshot", sn.ID, nil, sn); err != nil {
		return err
	}
	return redirect(w, r, snapshotPath(cc.school, sn.ID))
}

func snapshotPath(school, snapshot uint64) string {
	return "/schools/" + strconv.FormatUint(school, 10) + "/snapshots/" + strconv.FormatUint(snapshot, 10)
}

// loadSnapshot reads the snapshot of the path with the actor's rights on
// the school's cohort in the snapshot's year.
func loadSnapshot(r *http.Request) (*cohortContext, *store.Snapshot, error) {
	sid, err := id(r, "unit")
	if err != nil {
		return nil, nil, err
	}
	snid, err := id(r, "snapshot")
	if err != nil {
		return nil, nil, err
	}
	cc := &cohortContext{s: st(r), school: sid}
	sn, err := cc.s.Snapshot(sid, snid)
	if err != nil {
		return nil, nil, err
	}
	if cc.year, err = cc.s.Year(sn.YearID); err != nil {
		return nil, nil, err
	}
	if err := cc.rights(r); err != nil {
		return nil, nil, err
	}
	return cc, sn, nil
}

// cohortPupils reads the cohort's pupils from the Host, in cohort order.
func cohortPupils(r *http.Request, cc *cohortContext) ([]*pluginv1.Pupil, error) {
	ctx := r.Context()
	c, err := cc.s.CohortOf(cc.year.ID, cc.school, false)
	if err != nil || c == nil {
		return nil, err
	}
	ms, err := cc.s.CohortMembers(c.ID, false)
	if err != nil || len(ms) == 0 {
		return nil, err
	}
	ids := make([]uint64, len(ms))
	for i, m := range ms {
		ids[i] = m.PupilID
	}
	pupils, err := sdk.HostFrom(ctx).Pupils(ctx, ids, []uint64{cc.school})
	if err != nil {
		return nil, err
	}
	return inProgrammeYear(ctx, cc.year, pupils), nil
}

func newGrid(r *http.Request, cc *cohortContext, sn *store.Snapshot) (*gridView, error) {
	names, err := cc.s.Schools(cc.school)
	if err != nil {
		return nil, err
	}
	return &gridView{common: commonOf(r), SchoolID: cc.school, School: nameOr(names, cc.school), Year: cc.year, Snapshot: sn,
		Levels: []rules.ARE{rules.AREBelow, rules.AREAt, rules.AREAbove}, CanChange: cc.canChange}, nil
}

func itoa(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func snapshotPage(w http.ResponseWriter, r *http.Request) error {
	cc, sn, err := loadSnapshot(r)
	if err != nil {
		return err
	}
	v, err := newGrid(r, cc, sn)
	if err != nil {
		return err
	}
	pupils, err := cohortPupils(r, cc)
	if err != nil {
		return err
	}
	points, err := cc.s.DataPoints(sn.ID)
	if err != nil {
		return err
	}
	for _, p := range pupils {
		d := points[p.GetId()]
		row := gridRow{PupilID: p.GetId(), Name: p.GetGivenName() + " " + p.GetFamilyName(), YearGroup: p.GetYearGroup(),
			Reading: d.Reading, Writing: d.Writing, Maths: d.Maths, AgeEquivalent: itoa(d.AgeEquivalent), Attitude: itoa(d.Attitude),
			Aspiration: itoa(d.Aspiration), Gap: itoa(d.GapMonths)}
		if d.Attendance != nil {
			row.Atten = format.Entered(*d.Attendance)
		}
		v.Rows = append(v.Rows, row)
	}
	if v.CanDelete, err = deletable(cc, sn, len(points)); err != nil {
		return err
	}
	if v.CanDelete {
		v.DeleteZone = deleteZone(r, cc.school, sn)
	}
	if err := withLast(v, cc.s, sn); err != nil {
		return err
	}
	return render(w, r, sn.Label+" — "+v.School, "snapshot", v)
}

// parseRow reads one pupil's fields of the grid form; a value that is not a
// number is a problem of the row (the value itself is never repeated).
func parseRow(r *http.Request, p *pluginv1.Pupil) (gridRow, rules.DataPoint) {
	key := func(f string) string {
		return strings.TrimSpace(r.PostFormValue(f + "_" + strconv.FormatUint(p.GetId(), 10)))
	}
	row := gridRow{PupilID: p.GetId(), Name: p.GetGivenName() + " " + p.GetFamilyName(), YearGroup: p.GetYearGroup(),
		Reading: key("reading"), Writing: key("writing"), Maths: key("maths"), AgeEquivalent: key("age"),
		Attitude: key("attitude"), Aspiration: key("aspiration"), Atten: key("attendance")}
	d := parseValues(&row)
	return row, d
}

// parseValues turns a row's typed values into a data point, adding a
// problem to the row for a value that is not a number.
func parseValues(row *gridRow) rules.DataPoint {
	d := rules.DataPoint{Reading: rules.ARE(strings.ToLower(row.Reading)), Writing: rules.ARE(strings.ToLower(row.Writing)), Maths: rules.ARE(strings.ToLower(row.Maths))}
	num := func(field, s string) *int {
		if s == "" {
			return nil
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			row.Problems = append(row.Problems, rules.Problem{Field: field, Message: "write a whole number"})
			return nil
		}
		return &n
	}
	d.AgeEquivalent = num("age_equivalent", row.AgeEquivalent)
	d.Attitude = num("attitude", row.Attitude)
	d.Aspiration = num("aspiration", row.Aspiration)
	if row.Atten != "" {
		f, err := strconv.ParseFloat(strings.TrimSuffix(row.Atten, "%"), 64)
		if err != nil {
			row.Problems = append(row.Problems, rules.Problem{Field: "attendance", Message: "write a percentage such as 94.5"})
		} else {
			d.Attendance = &f
		}
	}
	return d
}

// gapOf works out the gap in months of d for pupil p on the day on: nil
// without an age-equivalent score or a known birth date on or before the day.
func gapOf(d rules.DataPoint, p *pluginv1.Pupil, on time.Time) *int {
	dob := p.GetDateOfBirth()
	if d.AgeEquivalent == nil || dob == nil || dob.GetYear() <= 0 ||
		!rules.BornBy(int(dob.GetYear()), time.Month(dob.GetMonth()), int(dob.GetDay()), on) {
		return nil
	}
	g := rules.GapMonths(*d.AgeEquivalent, int(dob.GetYear()), time.Month(dob.GetMonth()), int(dob.GetDay()), on)
	return &g
}

func saveSnapshot(w http.ResponseWriter, r *http.Request) error {
	cc, sn, err := loadSnapshot(r)
	if err != nil {
		return err
	}
	if !cc.canChange {
		return errForbidden
	}
	v, err := newGrid(r, cc, sn)
	if err != nil {
		return err
	}
	pupils, err := cohortPupils(r, cc)
	if err != nil {
		return err
	}
	on, err := rules.ParseDate(sn.TakenOn)
	if err != nil {
		return err
	}
	var inputs []store.PointInput
	for _, p := range pupils {
		row, d := parseRow(r, p)
		row.Problems = append(row.Problems, rules.CheckDataPoint(d)...)
		gap := gapOf(d, p, on)
		row.Gap = itoa(gap)
		if len(row.Problems) > 0 {
			v.Bad++
		}
		v.Rows = append(v.Rows, row)
		inputs = append(inputs, store.PointInput{PupilID: p.GetId(), Values: d, GapMonths: gap})
	}
	if err := withLast(v, cc.s, sn); err != nil {
		return err
	}
	if v.Bad > 0 {
		return sdk.Render(w, r, http.StatusUnprocessableEntity, sn.Label+" — "+v.School, tmpl, "snapshot", v)
	}
	err = cc.s.SaveDataPoints(cc.school, sn.ID, inputs, userID(r))
	var ge *store.GridError
	if errors.As(err, &ge) { // the rules found what parsing did not: show them by row
		for _, bad := range ge.Rows {
			for i := range v.Rows {
				if v.Rows[i].PupilID == bad.PupilID {
					v.Rows[i].Problems = bad.Problems
				}
			}
		}
		v.Bad = len(ge.Rows)
		return sdk.Render(w, r, http.StatusUnprocessableEntity, sn.Label+" — "+v.School, tmpl, "snapshot", v)
	}
	if err != nil {
		return err
	}
	ids := make([]uint64, len(inputs))
	for i, in := range inputs {
		ids[i] = in.PupilID
	}
	if err := audit(r, "snapshot.save", "snapshot", sn.ID, nil, map[string]any{"pupil_ids": ids}); err != nil {
		return err
	}
	ui.Flash(w, sn.Label+" saved: "+strconv.Itoa(len(ids))+" "+pluralWord(len(ids), "pupil", "pupils")+".")
	return redirect(w, r, snapshotPath(cc.school, sn.ID))
}
