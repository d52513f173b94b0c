package extensions

import (
	"fmt"

	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
	"github.com/challengepartners/upwards/plugins/eal/internal/store"
)

// Trial is one trial's records as the builders read them: its schools
// (all of them, or those asked about), their waves, centres, course days,
// delegates with their attendance, and pupil counts. A caller reads only
// what its builders use (Needs): the centres, delegates and counts of
// some schools, and of each record only the columns the builders read.
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

// Needs says which records LoadWith reads beyond the trials' schools
// and waves: each builder reads only some, and the to-dos of most people
// only those of a few schools.
type Needs struct {
	// Centres picks the schools whose centres are read, each with its
	// course days (nil: none).
	Centres func(t *Trial, ts store.TrialSchool) bool
	// Sessions reads the facilitators' logs of the centres read.
	Sessions bool
	// Delegates picks the schools whose delegates are read (nil: none);
	// the attendance is read of those of them whose revealed arm is the
	// intervention (the only ones booked on course days).
	Delegates func(t *Trial, ts store.TrialSchool) bool
}

// everyRecord reads every record of the schools, as Load does; sessions
// adds the facilitators' logs.
func everyRecord(sessions bool) Needs {
	return Needs{Centres: everySchool, Delegates: everySchool, Sessions: sessions}
}

// everySchool picks every school.
func everySchool(*Trial, store.TrialSchool) bool { return true }

// intervention picks the schools whose revealed arm is the intervention:
// those whose delegates are booked on course days and counted as trained.
func intervention(t *Trial, ts store.TrialSchool) bool { return t.arm(ts) == store.ArmIntervention }

// Load reads the records of trials for the given trial schools (each of
// one of the trials), their pupils' counts included: one query per kind of
// record, whatever the number of schools.
func Load(s *store.Store, trials []store.Trial, schools []store.TrialSchool, sessions bool) (map[uint64]*Trial, error) {
	out, err := LoadWith(s, trials, schools, everyRecord(sessions))
	if err != nil {
		return nil, err
	}
	if err := CountPupils(s, out, idsOf(schools)...); err != nil {
		return nil, err
	}
	return out, nil
}

// LoadRecords is Load without the pupils' counts, the costliest read
// (every pupil of every school): each school counts none until
// CountPupils counts it, so that a caller counts only the schools whose
// counts it will show.
func LoadRecords(s *store.Store, trials []store.Trial, schools []store.TrialSchool, sessions bool) (map[uint64]*Trial, error) {
	return LoadWith(s, trials, schools, everyRecord(sessions))
}

// LoadWith reads the trials with the given schools (each of one of the
// trials) and their waves, and the records needs asks for; no pupil is
// counted (CountPupils). A record read with only some of its columns
// (store.TrialSchoolStates, WavesOfTrials, CentresByID, DelegatesAt,
// AttendanceAt) has all the builders read of it.
func LoadWith(s *store.Store, trials []store.Trial, schools []store.TrialSchool, needs Needs) (map[uint64]*Trial, error) {
	out := make(map[uint64]*Trial, len(trials))
	tIDs := make([]uint64, 0, len(trials))
	for _, t := range trials {
		out[t.ID] = &Trial{Trial: t, Waves: map[uint64]store.Wave{}, Centres: map[uint64]store.Centre{},
			Days: map[uint64][]store.CentreDay{}, Counts: map[uint64]store.SchoolCount{}}
		tIDs = append(tIDs, t.ID)
	}
	for _, ts := range schools {
		if t := out[ts.TrialID]; t != nil {
			t.Schools = append(t.Schools, ts)
		}
	}
	waves, err := s.WavesOfTrials(tIDs...)
	if err != nil {
		return nil, fmt.Errorf("load the trials' waves: %w", err)
	}
	for _, w := range waves {
		out[w.TrialID].Waves[w.ID] = w
	}
	if err := loadCentres(s, out, needs); err != nil {
		return nil, err
	}
	if err := loadDelegates(s, out, needs.Delegates); err != nil {
		return nil, err
	}
	return out, nil
}

// picked lists the centres (the ids of CentreID) or the trial schools
// (ID) of the schools of data that pick chooses, each once.
func picked(data map[uint64]*Trial, pick func(t *Trial, ts store.TrialSchool) bool, id func(store.TrialSchool) uint64) []uint64 {
	var out []uint64
	if pick == nil {
		return nil
	}
	seen := map[uint64]bool{}
	for _, t := range sortedTrials(data) {
		for _, ts := range t.Schools {
			if k := id(ts); !seen[k] && pick(t, ts) {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return out
}

// loadCentres reads the centres needs picks, their days and, with
// needs.Sessions, their facilitators' logs.
func loadCentres(s *store.Store, data map[uint64]*Trial, needs Needs) error {
	cIDs := picked(data, needs.Centres, func(ts store.TrialSchool) uint64 { return ts.CentreID })
	if len(cIDs) == 0 {
		return nil
	}
	centres, err := s.CentresByID(cIDs...)
	if err != nil {
		return fmt.Errorf("load the schools' centres: %w", err)
	}
	trialOfCentre := make(map[uint64]*Trial, len(centres))
	for _, c := range centres {
		if t := data[c.TrialID]; t != nil {
			t.Centres[c.ID] = c
			trialOfCentre[c.ID] = t
		}
	}
	days, err := s.Days(cIDs...)
	if err != nil {
		return fmt.Errorf("load the centres' days: %w", err)
	}
	for _, d := range days {
		if t := trialOfCentre[d.CentreID]; t != nil {
			t.Days[d.CentreID] = append(t.Days[d.CentreID], d)
		}
	}
	if !needs.Sessions {
		return nil
	}
	logs, err := s.Sessions(cIDs...)
	if err != nil {
		return fmt.Errorf("load the centres' sessions: %w", err)
	}
	for _, l := range logs {
		if t := trialOfCentre[l.CentreID]; t != nil {
			t.Sessions = append(t.Sessions, l)
		}
	}
	return nil
}

// loadDelegates reads the delegates of the schools pick chooses and the
// attendance of those at a revealed intervention school.
func loadDelegates(s *store.Store, data map[uint64]*Trial, pick func(t *Trial, ts store.TrialSchool) bool) error {
	tsIDs := picked(data, pick, func(ts store.TrialSchool) uint64 { return ts.ID })
	if len(tsIDs) == 0 {
		return nil
	}
	trialOfSchool := map[uint64]*Trial{}
	for _, t := range data {
		for _, ts := range t.Schools {
			trialOfSchool[ts.ID] = t
		}
	}
	dels, err := s.DelegatesAt(tsIDs...)
	if err != nil {
		return fmt.Errorf("load the schools' delegates: %w", err)
	}
	trialOfDelegate := make(map[uint64]*Trial, len(dels))
	for _, d := range dels {
		if t := trialOfSchool[d.TrialSchoolID]; t != nil {
			t.Delegates = append(t.Delegates, d)
			trialOfDelegate[d.ID] = t
		}
	}
	booked := picked(data, func(t *Trial, ts store.TrialSchool) bool { return pick(t, ts) && intervention(t, ts) },
		func(ts store.TrialSchool) uint64 { return ts.ID })
	if len(booked) == 0 {
		return nil
	}
	att, err := s.AttendanceAt(booked...)
	if err != nil {
		return fmt.Errorf("load the delegates' attendance: %w", err)
	}
	for _, a := range att {
		if t := trialOfDelegate[a.DelegateID]; t != nil {
			t.Attendance = append(t.Attendance, a)
		}
	}
	return nil
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
