package store

// PersonRecords is everything the plugin holds about one person (by the
// core's person id): applications, coach and participant records, the
// sessions of their pairs with their own notes (and the other side's notes
// only where shared with them), self-assessments and outcomes.
type PersonRecords struct {
	Applications []Application       `json:"applications,omitempty"`
	Coaching     []Coach             `json:"coach_records,omitempty"`
	Participant  []Participant       `json:"participant_records,omitempty"`
	Pairs        []Pair              `json:"pairs,omitempty"`
	Sessions     []SessionExport     `json:"sessions,omitempty"`
	Assessments  []Assessment        `json:"self_assessments,omitempty"`
	Outcomes     []Outcome           `json:"outcomes,omitempty"`
	Attendance   map[uint64][]Member `json:"attendance,omitempty"`
}

// SessionExport is a session as its subject may read it: their own note,
// and the other side's only when shared.
type SessionExport struct {
	PairID        uint64 `json:"pair_id"`
	HeldOn        string `json:"held_on"`
	Minutes       int    `json:"minutes"`
	Mode          string `json:"mode"`
	Themes        string `json:"themes"`
	Actions       string `json:"actions"`
	YourNote      string `json:"your_note,omitempty"`
	OtherSideNote string `json:"other_side_note,omitempty"`
	LoggedByYou   bool   `json:"logged_by_you"`
}

// Empty reports whether nothing is held.
func (r PersonRecords) Empty() bool {
	return len(r.Applications)+len(r.Coaching)+len(r.Participant) == 0
}

// PersonRecords gathers what is held about personID.
func (s *Store) PersonRecords(personID uint64) (PersonRecords, error) {
	var r PersonRecords
	if personID == 0 {
		return r, nil
	}
	var err error
	if r.Applications, err = s.ApplicationsOf(personID); err != nil {
		return r, err
	}
	if r.Coaching, err = s.CoachesOf(personID); err != nil {
		return r, err
	}
	if r.Participant, err = s.ParticipantsOf(personID); err != nil {
		return r, err
	}
	coachIDs := ids(r.Coaching, func(c Coach) uint64 { return c.ID })
	partIDs := ids(r.Participant, func(p Participant) uint64 { return p.ID })
	asCoach, err := s.PairsOf(SideCoach, coachIDs)
	if err != nil {
		return r, err
	}
	asPart, err := s.PairsOf(SideParticipant, partIDs)
	if err != nil {
		return r, err
	}
	side := map[uint64]string{}
	for _, p := range asCoach {
		side[p.ID] = SideCoach
	}
	for _, p := range asPart {
		side[p.ID] = SideParticipant
	}
	r.Pairs = append(asCoach, asPart...)
	sessions, err := s.Sessions(ids(r.Pairs, func(p Pair) uint64 { return p.ID }))
	if err != nil {
		return r, err
	}
	for _, ss := range sessions {
		mine := side[ss.PairID]
		other := SideParticipant
		if mine == SideParticipant {
			other = SideCoach
		}
		own, _ := ss.NoteOf(mine)
		theirs, shared := ss.NoteOf(other)
		if !shared {
			theirs = ""
		}
		r.Sessions = append(r.Sessions, SessionExport{PairID: ss.PairID, HeldOn: ss.HeldOn, Minutes: ss.Minutes, Mode: ss.Mode, Themes: ss.Themes,
			Actions: ss.Actions, YourNote: own, OtherSideNote: theirs, LoggedByYou: ss.LoggedBy == personID})
	}
	as, err := s.Assessments(partIDs)
	if err != nil {
		return r, err
	}
	for _, byRound := range as {
		for _, a := range byRound {
			r.Assessments = append(r.Assessments, a)
		}
	}
	if r.Outcomes, err = s.Outcomes(partIDs); err != nil {
		return r, err
	}
	var att []Attendance
	q := s.q(&Attendance{}).Where("(side = ? AND member_id IN ?) OR (side = ? AND member_id IN ?)", SideCoach, append(coachIDs, 0), SideParticipant, append(partIDs, 0))
	if err := q.Order("id").Find(&att).Error; err != nil {
		return r, err
	}
	if len(att) > 0 {
		r.Attendance = map[uint64][]Member{}
		for _, a := range att {
			r.Attendance[a.EventID] = append(r.Attendance[a.EventID], Member{a.Side, a.MemberID})
		}
	}
	return r, nil
}

// ErasePerson removes what is held about personID. Their applications and
// self-assessments are deleted; their coach and participant records are
// kept for the cohort's figures but anonymised (no name, e-mail or account),
// with their private notes, agreed actions and outcome details cleared. It
// returns the records deleted and anonymised; a second call finds nothing.
func (s *Store) ErasePerson(personID uint64) (erased, anonymised int64, err error) {
	if personID == 0 {
		return 0, 0, nil
	}
	r, err := s.PersonRecords(personID)
	if err != nil || r.Empty() {
		return 0, 0, err
	}
	err = s.change("person.erase", "person", func(tx *Store) (uint64, any, any, error) {
		partIDs := ids(r.Participant, func(p Participant) uint64 { return p.ID })
		coachIDs := ids(r.Coaching, func(c Coach) uint64 { return c.ID })
		res := tx.q(&Application{}).Where("person_id = ?", personID).Delete(&Application{})
		if res.Error != nil {
			return 0, nil, nil, res.Error
		}
		erased += res.RowsAffected
		if len(partIDs) > 0 {
			res = tx.q(&Assessment{}).Where("participant_id IN ?", partIDs).Delete(&Assessment{})
			if res.Error != nil {
				return 0, nil, nil, res.Error
			}
			erased += res.RowsAffected
			res = tx.q(&Outcome{}).Where("participant_id IN ?", partIDs).Update("detail", "")
			if res.Error != nil {
				return 0, nil, nil, res.Error
			}
			res = tx.q(&Participant{}).Where("id IN ?", partIDs).Updates(map[string]any{"person_id": 0, "name": "(erased)", "email": "", "share_with_head": false})
			if res.Error != nil {
				return 0, nil, nil, res.Error
			}
			anonymised += res.RowsAffected
		}
		if len(coachIDs) > 0 {
			res = tx.q(&Coach{}).Where("id IN ?", coachIDs).Updates(map[string]any{"person_id": 0, "name": "(erased)", "email": "", "expertise": "", "borough": ""})
			if res.Error != nil {
				return 0, nil, nil, res.Error
			}
			anonymised += res.RowsAffected
		}
		if len(r.Pairs) > 0 {
			pairIDs := ids(r.Pairs, func(p Pair) uint64 { return p.ID })
			// Sessions of the pairs lose both notes and the agreed actions:
			// they were written in confidence with this person.
			res = tx.q(&Session{}).Where("pair_id IN ?", pairIDs).Updates(map[string]any{"coach_note": "", "participant_note": "", "actions": "",
				"coach_note_shared": false, "participant_note_shared": false})
			if res.Error != nil {
				return 0, nil, nil, res.Error
			}
			if err := tx.q(&Session{}).Where("pair_id IN ? AND logged_by = ?", pairIDs, personID).Update("logged_by", 0).Error; err != nil {
				return 0, nil, nil, err
			}
			anonymised += res.RowsAffected
		}
		return personID, nil, map[string]any{"erased": erased, "anonymised": anonymised}, nil
	})
	return erased, anonymised, err
}
