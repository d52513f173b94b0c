package web

import (
	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/store"
)

// cohortOf loads the cohort of the path parameter "cohort" and checks that
// the actor holds perm at its unit: one Host call. A cohort the actor may
// not run is 404, as the core answers for a unit outside one's reach.
func (q *req) cohortOf(perm string) (store.Cohort, error) {
	cid, err := id(q.r, "cohort")
	if err != nil {
		return store.Cohort{}, err
	}
	c, err := q.s.Cohort(cid)
	if err != nil {
		_, err = failed(err)
		return store.Cohort{}, err
	}
	ok, err := q.host.Can(q.r.Context(), perm, c.UnitID)
	if err != nil {
		return store.Cohort{}, err
	}
	if !ok {
		return store.Cohort{}, sdk.ErrNotFound
	}
	return c, nil
}

// manages reports whether the actor runs cohort c.
func (q *req) manages(c store.Cohort) (bool, error) {
	return q.host.Can(q.r.Context(), PermManage, c.UnitID)
}

// Relation is how the actor stands to a participant, coach or pair.
type relation struct {
	Self     bool   // the record is the actor's own (as participant or coach)
	Side     string // the actor's side in the pair, "" for none
	Manager  bool   // the actor runs the record's cohort
	CoachOfP bool   // the actor coaches this participant (now or before)
	Cohort   store.Cohort
	Member   string // what the record is, for messages
}

// participant loads the participant of the path parameter and how the actor
// stands to them: themself, their coach, or their cohort's manager. Anyone
// else gets 404: a participant's record is not theirs to know of.
func (q *req) participant() (store.Participant, relation, error) {
	pid, err := id(q.r, "participant")
	if err != nil {
		return store.Participant{}, relation{}, err
	}
	p, err := q.s.Participant(pid)
	if err != nil {
		_, err = failed(err)
		return p, relation{}, err
	}
	rel := relation{Self: q.user != 0 && p.PersonID == q.user}
	if rel.Self {
		rel.Side = store.SideParticipant
	}
	if !rel.Self {
		mine, err := q.s.CoachesOf(q.user)
		if err != nil {
			return p, rel, err
		}
		pairs, err := q.s.PairsOf(store.SideParticipant, []uint64{p.ID})
		if err != nil {
			return p, rel, err
		}
		for _, pr := range pairs {
			for _, c := range mine {
				if pr.CoachID == c.ID {
					rel.CoachOfP, rel.Side = true, store.SideCoach
				}
			}
		}
	}
	if rel.Cohort, err = q.s.Cohort(p.CohortID); err != nil {
		return p, rel, err
	}
	if !rel.Self && !rel.CoachOfP {
		if rel.Manager, err = q.manages(rel.Cohort); err != nil {
			return p, rel, err
		}
		if !rel.Manager {
			return p, rel, sdk.ErrNotFound
		}
	}
	return p, rel, nil
}

// coach loads the coach of the path parameter: the coach themself or their
// cohort's manager may see it.
func (q *req) coach() (store.Coach, relation, error) {
	cid, err := id(q.r, "coach")
	if err != nil {
		return store.Coach{}, relation{}, err
	}
	c, err := q.s.Coach(cid)
	if err != nil {
		_, err = failed(err)
		return c, relation{}, err
	}
	rel := relation{Self: q.user != 0 && c.PersonID == q.user}
	if rel.Self {
		rel.Side = store.SideCoach
	}
	if rel.Cohort, err = q.s.Cohort(c.CohortID); err != nil {
		return c, rel, err
	}
	if !rel.Self {
		if rel.Manager, err = q.manages(rel.Cohort); err != nil {
			return c, rel, err
		}
		if !rel.Manager {
			return c, rel, sdk.ErrNotFound
		}
	}
	return c, rel, nil
}

// pairView is a pair with its two people and how the actor stands to it.
type pairView struct {
	Pair        store.Pair
	Participant store.Participant
	Coach       store.Coach
	Rel         relation
}

// pair loads a pair by id and how the actor stands to it: its coach, its
// participant, or the cohort's manager; anyone else gets 404.
func (q *req) pair(pairID uint64) (pairView, error) {
	var v pairView
	var err error
	if v.Pair, err = q.s.Pair(pairID); err != nil {
		_, err = failed(err)
		return v, err
	}
	if v.Participant, err = q.s.Participant(v.Pair.ParticipantID); err != nil {
		return v, err
	}
	if v.Coach, err = q.s.Coach(v.Pair.CoachID); err != nil {
		return v, err
	}
	if v.Rel.Cohort, err = q.s.Cohort(v.Pair.CohortID); err != nil {
		return v, err
	}
	switch {
	case q.user != 0 && v.Participant.PersonID == q.user:
		v.Rel.Self, v.Rel.Side = true, store.SideParticipant
	case q.user != 0 && v.Coach.PersonID == q.user:
		v.Rel.Self, v.Rel.Side = true, store.SideCoach
	default:
		if v.Rel.Manager, err = q.manages(v.Rel.Cohort); err != nil {
			return v, err
		}
		if !v.Rel.Manager {
			return v, sdk.ErrNotFound
		}
	}
	return v, nil
}

// onlySelf refuses a change to someone else's record (403): the actor may
// see it (as coach or manager) but not act as its owner.
func onlySelf(rel relation) error {
	if !rel.Self {
		return sdk.ErrForbidden
	}
	return nil
}
