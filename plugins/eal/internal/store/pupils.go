package store

import (
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm/clause"

	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
)

// PupilIn is a pupil of the school as the core gives it, to add to the
// trial.
type PupilIn struct {
	PupilID   uint64
	YearGroup int
	Gender    string
	FSM       bool
}

// AddPupils adds the school's EAL pupils not yet in the trial and returns
// how many it added. A pupil already added keeps their records.
func (s *Store) AddPupils(trialSchoolID uint64, ps []PupilIn, now time.Time) (int, error) {
	have, err := s.Pupils(trialSchoolID)
	if err != nil {
		return 0, err
	}
	known := map[uint64]bool{}
	for _, p := range have {
		known[p.PupilID] = true
	}
	n := 0
	for _, p := range ps {
		if known[p.PupilID] {
			continue
		}
		known[p.PupilID] = true
		tp := TrialPupil{TenantID: s.tenant, TrialSchoolID: trialSchoolID, PupilID: p.PupilID, YearGroup: p.YearGroup,
			Gender: p.Gender, FSM: p.FSM, CreatedAt: now}
		if err := s.create(&tp, "the pupil in this trial"); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Pupils lists the trial pupils of the given trial schools.
func (s *Store) Pupils(trialSchoolIDs ...uint64) ([]TrialPupil, error) {
	var ps []TrialPupil
	if err := s.q().Where("trial_school_id IN ?", ids(trialSchoolIDs)).Order("id").Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("list trial pupils: %w", err)
	}
	return ps, nil
}

// Pupil loads a trial pupil.
func (s *Store) Pupil(id uint64) (TrialPupil, error) {
	var p TrialPupil
	return p, s.first(&p, id, "trial pupil")
}

// PointIn is one pupil's code and score at a point, as a form gives them.
type PointIn struct {
	TrialPupilID uint64
	Proficiency  string
	Score        string // "" for none yet
}

// SavePoints records the proficiency codes and scores of several pupils
// at one point: all or nothing. A row with neither is skipped; a row with
// a score needs a code. The field of an error is "code_<id>" or
// "score_<id>".
func (s *Store) SavePoints(point rules.Point, rows []PointIn, now time.Time) ([]PupilPoint, error) {
	var errs []error
	var out []PupilPoint
	for _, r := range rows {
		code, score := strings.TrimSpace(r.Proficiency), strings.TrimSpace(r.Score)
		if code == "" && score == "" {
			continue
		}
		p := PupilPoint{TenantID: s.tenant, TrialPupilID: r.TrialPupilID, Point: string(point), RecordedAt: now}
		c, err := rules.ParseProficiency(code)
		if err != nil {
			errs = append(errs, invalid(fmt.Sprintf("code_%d", r.TrialPupilID), "%s", err.Error()))
		}
		p.Proficiency = string(c)
		if score != "" {
			var n int
			if _, serr := fmt.Sscan(score, &n); serr != nil || fmt.Sprint(n) != score || rules.CheckScore(n) != nil {
				errs = append(errs, invalid(fmt.Sprintf("score_%d", r.TrialPupilID), "a score is a whole number from 0 to %d", rules.MaxScore))
			} else {
				p.Score = &n
			}
		}
		out = append(out, p)
	}
	if err := joinErrs(errs); err != nil {
		return nil, err
	}
	for i := range out {
		if err := s.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "trial_pupil_id"}, {Name: "point"}},
			DoUpdates: clause.AssignmentColumns([]string{"proficiency", "score", "recorded_at"})}).Create(&out[i]).Error; err != nil {
			return nil, fmt.Errorf("record pupil %d: %w", out[i].TrialPupilID, err)
		}
	}
	return out, nil
}

// Points lists the points recorded for the given trial pupils.
func (s *Store) Points(trialPupilIDs ...uint64) ([]PupilPoint, error) {
	var ps []PupilPoint
	if err := s.q().Where("trial_pupil_id IN ?", ids(trialPupilIDs)).Order("trial_pupil_id, id").Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("list pupil points: %w", err)
	}
	return ps, nil
}

// SaveGCSE records a pupil's GCSE grades in English and mathematics (nil
// for a grade not known).
func (s *Store) SaveGCSE(id uint64, english, maths *int) (before, after TrialPupil, err error) {
	if err = s.first(&before, id, "trial pupil"); err != nil {
		return
	}
	var errs []error
	for _, g := range []struct {
		f string
		v *int
	}{{fmt.Sprintf("english_%d", id), english}, {fmt.Sprintf("maths_%d", id), maths}} {
		if g.v != nil && rules.CheckGrade(*g.v) != nil {
			errs = append(errs, invalid(g.f, "%s", rules.CheckGrade(*g.v).Error()))
		}
	}
	if err = joinErrs(errs); err != nil {
		return
	}
	after = before
	after.GCSEEnglish, after.GCSEMaths = english, maths
	err = s.q().Model(&TrialPupil{}).Where("id = ?", id).Updates(map[string]any{"gcse_english": english, "gcse_maths": maths}).Error
	return
}

// Object records a parent's objection to their child's data being used:
// the pupil is left out of every export made from then on.
func (s *Store) Object(id uint64, on string) (before, after TrialPupil, err error) {
	if err = s.first(&before, id, "trial pupil"); err != nil {
		return
	}
	if before.ObjectedOn != "" {
		return before, after, conflict("the objection was recorded on %s", before.ObjectedOn)
	}
	if _, perr := rules.ParseDate(on); perr != nil {
		return before, after, invalid("objected_on", "%s", perr.Error())
	}
	after = before
	after.ObjectedOn = strings.TrimSpace(on)
	err = s.q().Model(&TrialPupil{}).Where("id = ?", id).Update("objected_on", after.ObjectedOn).Error
	return
}

// PupilCount is a trial school's pupils: how many, with a baseline, who
// objected, and with an outcome (a GCSE grade).
type PupilCount struct {
	Pupils, Baseline, Objected, Outcome int
}

// BaselineComplete reports whether every pupil not objecting has a
// baseline code and score, and there is at least one.
func (c PupilCount) BaselineComplete() bool {
	return c.Pupils-c.Objected > 0 && c.Baseline >= c.Pupils-c.Objected
}

// PupilCounts counts the pupils of each trial school of a trial.
func (s *Store) PupilCounts(trialID uint64) (map[uint64]PupilCount, error) {
	schools, err := s.TrialSchools(trialID)
	if err != nil {
		return nil, err
	}
	tsIDs := make([]uint64, len(schools))
	for i, t := range schools {
		tsIDs[i] = t.ID
	}
	ps, err := s.Pupils(tsIDs...)
	if err != nil {
		return nil, err
	}
	pIDs := make([]uint64, len(ps))
	for i, p := range ps {
		pIDs[i] = p.ID
	}
	var base []PupilPoint
	if err := s.q().Where("trial_pupil_id IN ? AND point = ? AND score IS NOT NULL", ids(pIDs), string(rules.PointBaseline)).Find(&base).Error; err != nil {
		return nil, fmt.Errorf("count baselines: %w", err)
	}
	hasBase := map[uint64]bool{}
	for _, b := range base {
		hasBase[b.TrialPupilID] = true
	}
	out := map[uint64]PupilCount{}
	for _, p := range ps {
		c := out[p.TrialSchoolID]
		c.Pupils++
		switch {
		case p.ObjectedOn != "":
			c.Objected++
		default:
			if hasBase[p.ID] {
				c.Baseline++
			}
			if p.GCSEEnglish != nil || p.GCSEMaths != nil {
				c.Outcome++
			}
		}
		out[p.TrialSchoolID] = c
	}
	return out, nil
}
