package web

import (
	"context"
	"fmt"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/eal/internal/consort"
	"github.com/challengepartners/upwards/plugins/eal/internal/store"
)

// trialData is a trial's records, loaded once per page: one query per
// kind of record, never one per school.
type trialData struct {
	Trial      store.Trial
	Centres    []store.Centre
	Schools    []store.TrialSchool
	Counts     map[uint64]store.PupilCount // by trial school
	Delegates  []store.Delegate
	Attendance []store.Attendance
	Waves      []store.Wave
}

func loadData(s *store.Store, t store.Trial) (trialData, error) {
	d := trialData{Trial: t}
	var err error
	if d.Centres, err = s.Centres(t.ID); err != nil {
		return d, err
	}
	if d.Schools, err = s.TrialSchools(t.ID); err != nil {
		return d, err
	}
	if d.Counts, err = s.PupilCounts(t.ID); err != nil {
		return d, err
	}
	if d.Delegates, err = s.Delegates(d.schoolIDs()...); err != nil {
		return d, err
	}
	dIDs := make([]uint64, len(d.Delegates))
	for i, x := range d.Delegates {
		dIDs[i] = x.ID
	}
	if d.Attendance, err = s.Attendances(dIDs...); err != nil {
		return d, err
	}
	d.Waves, err = s.Waves(t.ID)
	return d, err
}

func (d trialData) schoolIDs() []uint64 {
	out := make([]uint64, len(d.Schools))
	for i, s := range d.Schools {
		out[i] = s.ID
	}
	return out
}

// centre is the centre with this id.
func (d trialData) centre(id uint64) store.Centre {
	for _, c := range d.Centres {
		if c.ID == id {
			return c
		}
	}
	return store.Centre{}
}

// allocated reports whether some wave is allocated.
func (d trialData) allocated() bool {
	for _, w := range d.Waves {
		if w.Allocated() {
			return true
		}
	}
	return false
}

// daysAttended counts each delegate's days present.
func (d trialData) daysAttended() map[uint64]int {
	out := map[uint64]int{}
	for _, a := range d.Attendance {
		if a.Present {
			out[a.DelegateID]++
		}
	}
	return out
}

// received reports, per trial school, whether a delegate attended a day.
func (d trialData) received() map[uint64]bool {
	days := d.daysAttended()
	out := map[uint64]bool{}
	for _, x := range d.Delegates {
		if days[x.ID] > 0 {
			out[x.TrialSchoolID] = true
		}
	}
	return out
}

// consort is the trial's CONSORT diagram.
func (d trialData) consort() consort.Diagram {
	recv := d.received()
	allocatedWave := map[uint64]bool{}
	for _, w := range d.Waves {
		if w.Allocated() {
			allocatedWave[w.ID] = true
		}
	}
	var in []consort.School
	for _, s := range d.Schools {
		c := consort.School{Pupils: d.Counts[s.ID].Outcome}
		randomised := s.WaveID != nil && allocatedWave[*s.WaveID]
		switch {
		case s.Eligible != nil && !*s.Eligible:
			c.Ineligible = firstLine(s.IneligibleReasons)
		case s.Withdrawn() && !randomised:
			c.WithdrawnBefore = s.WithdrawnReason
		case randomised:
			c.Randomised, c.Arm = true, s.Arm
			c.Received = s.Arm == store.ArmIntervention && recv[s.ID]
			if s.Withdrawn() {
				c.Lost = s.WithdrawnReason
			}
		}
		in = append(in, c)
	}
	return consort.Compute(in)
}

func firstLine(s string) string {
	for i, r := range s {
		if r == '\n' {
			return s[:i]
		}
	}
	return s
}

// status is a school's place in the trial, in words, with its tone.
func (d trialData) status(s store.TrialSchool) (ui.Tone, string) {
	c := d.Counts[s.ID]
	switch {
	case s.Withdrawn():
		return ui.Neutral, "Withdrawn"
	case s.Arm == store.ArmIntervention:
		return ui.Info, "Intervention"
	case s.Arm == store.ArmControl:
		return ui.Info, "Control"
	case s.WaveID != nil:
		return ui.Info, "In a frozen list"
	case s.Eligible == nil:
		return ui.Warning, "Eligibility to check"
	case !*s.Eligible:
		return ui.Neutral, "Not eligible"
	case s.AgreementOn == "":
		return ui.Warning, "Agreement to sign"
	case !c.BaselineComplete():
		return ui.Warning, "Baseline in progress"
	}
	return ui.Success, "Ready to randomise"
}

// ready reports whether a school can go into a frozen list.
func (d trialData) ready(s store.TrialSchool) bool {
	return !s.Withdrawn() && s.WaveID == nil && s.Eligible != nil && *s.Eligible && s.AgreementOn != "" && d.Counts[s.ID].BaselineComplete()
}

// schoolsByID loads the schools the actor reaches among ids, by id, in one
// Host call.
func schoolsByID(ctx context.Context, ids []uint64) (map[uint64]*pluginv1.School, error) {
	out := map[uint64]*pluginv1.School{}
	if len(ids) == 0 {
		return out, nil
	}
	ss, err := sdk.HostFrom(ctx).Schools(ctx, ids...)
	if err != nil {
		return nil, fmt.Errorf("read schools: %w", err)
	}
	for _, s := range ss {
		out[s.GetId()] = s
	}
	return out, nil
}

// peopleByID loads people by id (those the actor may see), in one call.
func peopleByID(ctx context.Context, ids []uint64) (map[uint64]*pluginv1.Person, error) {
	out := map[uint64]*pluginv1.Person{}
	if len(ids) == 0 {
		return out, nil
	}
	ps, err := sdk.HostFrom(ctx).PeopleWhere(ctx, sdk.PeopleQuery{IDs: ids})
	if err != nil {
		return nil, fmt.Errorf("read people: %w", err)
	}
	for _, p := range ps {
		out[p.GetId()] = p
	}
	return out, nil
}
