package extensions

import (
	"slices"

	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
	"github.com/challengepartners/upwards/plugins/eal/internal/store"
)

// Trial is one trial's records as the builders read them: its schools
// (all of them, or those asked about), their waves, centres, course days,
// delegates with their attendance, and pupil counts.
type Trial struct {
	Trial      store.Trial
	Schools    []store.TrialSchool
	Waves      map[uint64]store.Wave        // by id
	Centres    map[uint64]store.Centre      // by id
	Days       map[uint64][]store.CentreDay // by centre id, in day order
	Delegates  []store.Delegate
	Attendance []store.Attendance
	Sessions   []store.Session              // loaded for facilitators only
	Counts     map[uint64]store.SchoolCount // by trial school id
}

// Load reads the records of trials for the given trial schools (each of
// one of the trials), their pupils' counts included: one query per kind of
// record, whatever the number of schools.
func Load(s *store.Store, trials []store.Trial, schools []store.TrialSchool, sessions bool) (map[uint64]*Trial, error) {
	out, err := LoadRecords(s, trials, schools, sessions)
	if err != nil {
		return nil, err
	}
	tsIDs := make([]uint64, len(schools))
	for i, ts := range schools {
		tsIDs[i] = ts.ID
	}
	if err := CountPupils(s, out, tsIDs...); err != nil {
		return nil, err
	}
	return out, nil
}

// LoadRecords is Load without the pupils' counts, the costliest read
// (every pupil of every school): each school counts none until
// CountPupils counts it, so that a caller counts only the schools whose
// counts it will show.
func LoadRecords(s *store.Store, trials []store.Trial, schools []store.TrialSchool, sessions bool) (map[uint64]*Trial, error) {
	out := make(map[uint64]*Trial, len(trials))
	tIDs := make([]uint64, 0, len(trials))
	for _, t := range trials {
		out[t.ID] = &Trial{Trial: t, Waves: map[uint64]store.Wave{}, Centres: map[uint64]store.Centre{}, Days: map[uint64][]store.CentreDay{}}
		tIDs = append(tIDs, t.ID)
	}
	var tsIDs, cIDs []uint64
	for _, ts := range schools {
		t := out[ts.TrialID]
		if t == nil {
			continue
		}
		t.Schools = append(t.Schools, ts)
		tsIDs = append(tsIDs, ts.ID)
		if !slices.Contains(cIDs, ts.CentreID) {
			cIDs = append(cIDs, ts.CentreID)
		}
	}
	waves, err := s.WavesOfTrials(tIDs...)
	if err != nil {
		return nil, err
	}
	for _, w := range waves {
		out[w.TrialID].Waves[w.ID] = w
	}
	centres, err := s.CentresByID(cIDs...)
	if err != nil {
		return nil, err
	}
	for _, c := range centres {
		if t := out[c.TrialID]; t != nil {
			t.Centres[c.ID] = c
		}
	}
	days, err := s.Days(cIDs...)
	if err != nil {
		return nil, err
	}
	var logs []store.Session
	if sessions {
		if logs, err = s.Sessions(cIDs...); err != nil {
			return nil, err
		}
	}
	dels, err := s.Delegates(tsIDs...)
	if err != nil {
		return nil, err
	}
	dIDs := make([]uint64, len(dels))
	for i, d := range dels {
		dIDs[i] = d.ID
	}
	att, err := s.Attendances(dIDs...)
	if err != nil {
		return nil, err
	}
	trialOfCentre := map[uint64]*Trial{}
	for _, c := range centres {
		trialOfCentre[c.ID] = out[c.TrialID]
	}
	for _, d := range days {
		if t := trialOfCentre[d.CentreID]; t != nil {
			t.Days[d.CentreID] = append(t.Days[d.CentreID], d)
		}
	}
	for _, l := range logs {
		if t := trialOfCentre[l.CentreID]; t != nil {
			t.Sessions = append(t.Sessions, l)
		}
	}
	trialOfSchool := map[uint64]*Trial{}
	for _, ts := range schools {
		trialOfSchool[ts.ID] = out[ts.TrialID]
	}
	trialOfDelegate := map[uint64]*Trial{}
	for _, d := range dels {
		if t := trialOfSchool[d.TrialSchoolID]; t != nil {
			t.Delegates = append(t.Delegates, d)
			trialOfDelegate[d.ID] = t
		}
	}
	for _, a := range att {
		if t := trialOfDelegate[a.DelegateID]; t != nil {
			t.Attendance = append(t.Attendance, a)
		}
	}
	for _, t := range out {
		t.Counts = map[uint64]store.SchoolCount{}
	}
	return out, nil
}

// CountPupils counts the pupils of the given trial schools of data (in
// two queries, whatever their number).
func CountPupils(s *store.Store, data map[uint64]*Trial, tsIDs ...uint64) error {
	if len(tsIDs) == 0 {
		return nil
	}
	counts, err := s.SchoolCounts(tsIDs...)
	if err != nil {
		return err
	}
	want := make(map[uint64]bool, len(tsIDs))
	for _, id := range tsIDs {
		want[id] = true
	}
	for _, t := range data {
		for _, ts := range t.Schools {
			if !want[ts.ID] {
				continue
			}
			c, ok := counts[ts.ID]
			if !ok {
				c = store.SchoolCount{Scored: map[rules.Point]int{}}
			}
			t.Counts[ts.ID] = c
		}
	}
	return nil
}

// wave is the wave whose frozen list holds the school, if any.
func (t *Trial) wave(ts store.TrialSchool) (store.Wave, bool) {
	if ts.WaveID == nil {
		return store.Wave{}, false
	}
	w, ok := t.Waves[*ts.WaveID]
	return w, ok
}

// randomised reports whether the school's wave is allocated (whatever
// its arm, which may not be told yet).
func (t *Trial) randomised(ts store.TrialSchool) bool {
	w, ok := t.wave(ts)
	return ok && w.Allocated() && ts.Arm != ""
}

// arm is the school's arm once its wave is revealed, and "" until then:
// the only way the builders learn an arm.
func (t *Trial) arm(ts store.TrialSchool) string {
	if w, ok := t.wave(ts); ok && w.Allocated() && w.Revealed() {
		return ts.Arm
	}
	return ""
}

// ready reports whether the school can go into the next frozen list.
func (t *Trial) ready(ts store.TrialSchool) bool {
	return !ts.Withdrawn() && ts.WaveID == nil && ts.Eligible != nil && *ts.Eligible && ts.AgreementOn != "" &&
		t.Counts[ts.ID].PupilCount().BaselineComplete()
}

// delegatesOf lists the school's delegates.
func (t *Trial) delegatesOf(tsID uint64) []store.Delegate {
	var out []store.Delegate
	for _, d := range t.Delegates {
		if d.TrialSchoolID == tsID {
			out = append(out, d)
		}
	}
	return out
}

// presentDays counts the days each delegate attended.
func (t *Trial) presentDays() map[uint64]int {
	out := map[uint64]int{}
	for _, a := range t.Attendance {
		if a.Present {
			out[a.DelegateID]++
		}
	}
	return out
}

// booked lists the delegates of the centre's schools whose revealed arm
// is the intervention and who have not withdrawn: those on its days.
func (t *Trial) booked(centreID uint64) []store.Delegate {
	in := map[uint64]bool{}
	for _, ts := range t.Schools {
		if ts.CentreID == centreID && !ts.Withdrawn() && t.arm(ts) == store.ArmIntervention {
			in[ts.ID] = true
		}
	}
	var out []store.Delegate
	for _, d := range t.Delegates {
		if in[d.TrialSchoolID] {
			out = append(out, d)
		}
	}
	return out
}

// held lists the centre's dated days held by today ("YYYY-MM-DD").
func (t *Trial) held(centreID uint64, today string) []store.CentreDay {
	var out []store.CentreDay
	for _, d := range t.Days[centreID] {
		if d.HeldOn <= today {
			out = append(out, d)
		}
	}
	return out
}

// lastDay is the centre's last course day, "" until all are dated.
func (t *Trial) lastDay(centreID uint64) string {
	days := t.Days[centreID]
	if len(days) < rules.Days {
		return ""
	}
	return days[len(days)-1].HeldOn
}

// firstDay is the centre's first course day, "" when not dated.
func (t *Trial) firstDay(centreID uint64) string {
	for _, d := range t.Days[centreID] {
		if d.Day == 1 {
			return d.HeldOn
		}
	}
	return ""
}

// outcomePoints are the points whose scores are collected after the
// randomisation.
var outcomePoints = []rules.Point{rules.PointPost, rules.PointFollowUp}
