package store

import (
	"slices"
	"strings"
	"time"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/rules"
)

// Session is one coaching session of a pair, logged by either side. Each
// side has its own private note, which the other side reads only when its
// author shares it; the programme manager never reads them.
type Session struct {
	ID                    uint64 `gorm:"primaryKey"`
	TenantID              uint64
	PairID                uint64
	HeldOn                string
	Minutes               int
	Mode                  string // rules.Modes
	Themes                string // rules.Themes values, comma-separated
	Actions               string // what the two agreed to do
	LoggedBy              uint64 // the person who logged it
	LoggedSide            string
	CoachNote             string
	CoachNoteShared       bool
	ParticipantNote       string
	ParticipantNoteShared bool
	CreatedAt             time.Time
}

// TableName is the sessions table.
func (Session) TableName() string { return "sessions" }

// ThemeList is the session's themes.
func (s Session) ThemeList() []string {
	if s.Themes == "" {
		return nil
	}
	return strings.Split(s.Themes, ",")
}

// NoteOf returns the note of side and whether it is shared with the other.
func (s Session) NoteOf(side string) (string, bool) {
	if side == SideCoach {
		return s.CoachNote, s.CoachNoteShared
	}
	return s.ParticipantNote, s.ParticipantNoteShared
}

// SessionInput is a session as the form of one side gives it.
type SessionInput struct {
	HeldOn      string
	Minutes     int
	Mode        string
	Themes      []string
	Actions     string
	Note        string // the logging side's private note
	ShareNote   bool
	Side        string
	PersonID    uint64
	Today       time.Time // the London date the form is judged on
	CohortStart int
}

// LogSession records a session of pair. Its date falls in the cohort's
// year, not after today and not before the pair started.
func (s *Store) LogSession(pairID uint64, in SessionInput) (Session, error) {
	p, err := s.Pair(pairID)
	if err != nil {
		return Session{}, err
	}
	var v Invalid
	held, err := time.Parse(time.DateOnly, strings.TrimSpace(in.HeldOn))
	switch {
	case err != nil:
		v.add("held_on", "Give the date of the session, e.g. %s", in.Today.Format(time.DateOnly))
	case rules.CheckYearDate(held, in.CohortStart, in.Today) != "":
		v.add("held_on", "%s", rules.CheckYearDate(held, in.CohortStart, in.Today))
	case dateOf(held) < p.StartedOn:
		v.add("held_on", "The pair started on %s: give a date from then", p.StartedOn)
	case p.EndedOn != "" && dateOf(held) > p.EndedOn:
		v.add("held_on", "The pair ended on %s: give a date before then", p.EndedOn)
	}
	if msg := rules.CheckMinutes(in.Minutes); msg != "" {
		v.add("minutes", "%s", msg)
	}
	if !rules.ValidMode(in.Mode) {
		v.add("mode", "Choose how the session was held")
	}
	var themes []string // in the order of rules.Themes
	for _, t := range rules.Themes {
		if slices.Contains(in.Themes, t.Value) {
			themes = append(themes, t.Value)
		}
	}
	for _, t := range in.Themes {
		if !rules.ValidTheme(t) {
			v.add("themes", "Choose themes from the list")
			break
		}
	}
	if len(themes) == 0 {
		v.add("themes", "Choose at least one theme the session covered")
	}
	in.Actions = text(&v, "actions", in.Actions, 4000, false)
	in.Note = text(&v, "note", in.Note, 4000, false)
	if in.Side != SideCoach && in.Side != SideParticipant {
		v.add("side", "Sessions are logged by the pair's coach or participant")
	}
	if err := v.orNil(); err != nil {
		return Session{}, err
	}
	ss := Session{TenantID: s.tenant, PairID: pairID, HeldOn: dateOf(held), Minutes: in.Minutes, Mode: in.Mode, Themes: strings.Join(themes, ","),
		Actions: in.Actions, LoggedBy: in.PersonID, LoggedSide: in.Side, CreatedAt: s.now}
	if in.Side == SideCoach {
		ss.CoachNote, ss.CoachNoteShared = in.Note, in.ShareNote
	} else {
		ss.ParticipantNote, ss.ParticipantNoteShared = in.Note, in.ShareNote
	}
	err = s.change("session.create", "session", func(tx *Store) (uint64, any, any, error) {
		if err := tx.db.Create(&ss).Error; err != nil {
			return 0, nil, nil, err
		}
		if err := tx.q(&Pair{}).Where("id = ?", pairID).Update("flagged_on", "").Error; err != nil {
			return 0, nil, nil, err
		}
		return ss.ID, nil, sessionAudit(ss), nil
	})
	return ss, err
}

// sessionAudit is what the audit log keeps of a session: never its notes or actions.
func sessionAudit(s Session) map[string]any {
	return map[string]any{"pair_id": s.PairID, "held_on": s.HeldOn, "minutes": s.Minutes, "mode": s.Mode, "themes": s.Themes,
		"logged_side": s.LoggedSide, "coach_note_shared": s.CoachNoteShared, "participant_note_shared": s.ParticipantNoteShared}
}

// SetNote writes side's private note on a session and whether the other
// side may read it.
func (s *Store) SetNote(sessionID uint64, side, note string, shared bool) (Session, error) {
	var ss Session
	if err := s.first(&ss, sessionID, "session"); err != nil {
		return Session{}, err
	}
	var v Invalid
	note = text(&v, "note", note, 4000, false)
	if err := v.orNil(); err != nil {
		return Session{}, err
	}
	before := ss
	cols := map[string]any{"participant_note": note, "participant_note_shared": shared}
	if side == SideCoach {
		cols = map[string]any{"coach_note": note, "coach_note_shared": shared}
		ss.CoachNote, ss.CoachNoteShared = note, shared
	} else {
		ss.ParticipantNote, ss.ParticipantNoteShared = note, shared
	}
	err := s.change("session.note", "session", func(tx *Store) (uint64, any, any, error) {
		err := tx.q(&Session{}).Where("id = ?", sessionID).Updates(cols).Error
		return sessionID, sessionAudit(before), sessionAudit(ss), err
	})
	return ss, err
}

// Session returns one session.
func (s *Store) Session(id uint64) (Session, error) {
	var ss Session
	return ss, s.first(&ss, id, "session")
}

// Sessions lists the sessions of pairs, the latest first.
func (s *Store) Sessions(pairIDs []uint64) ([]Session, error) {
	if len(pairIDs) == 0 {
		return nil, nil
	}
	var ss []Session
	return ss, s.q(&Session{}).Where("pair_id IN ?", pairIDs).Order("held_on DESC, id DESC").Find(&ss).Error
}

// PairTally is what a pair has logged: sessions, minutes and the last date.
type PairTally struct {
	Sessions, Minutes int
	Last              string
}

// Tallies sums the sessions of pairs, by pair.
func (s *Store) Tallies(pairIDs []uint64) (map[uint64]PairTally, error) {
	out := map[uint64]PairTally{}
	if len(pairIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		PairID   uint64
		N, Total int
		Last     string
	}
	err := s.q(&Session{}).Select("pair_id, COUNT(*) AS n, SUM(minutes) AS total, MAX(held_on) AS last").
		Where("pair_id IN ?", pairIDs).Group("pair_id").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.PairID] = PairTally{Sessions: r.N, Minutes: r.Total, Last: r.Last}
	}
	return out, nil
}

// Event is a networking event or shadowing day of a cohort.
type Event struct {
	ID        uint64 `gorm:"primaryKey"`
	TenantID  uint64
	CohortID  uint64
	Kind      string // rules.EventKinds
	Title     string
	HeldOn    string
	SchoolID  uint64 // the host school of a shadowing day; 0 for none
	Notes     string
	CreatedAt time.Time
}

// TableName is the events table.
func (Event) TableName() string { return "events" }

// EventInput is an event as the manager's form gives it.
type EventInput struct {
	Kind, Title, HeldOn, Notes string
	SchoolID                   uint64
}

// AddEvent adds an event to a cohort, dated in its year.
func (s *Store) AddEvent(cohortID uint64, in EventInput) (Event, error) {
	c, err := s.Cohort(cohortID)
	if err != nil {
		return Event{}, err
	}
	var v Invalid
	if !rules.ValidEventKind(in.Kind) {
		v.add("kind", "Choose a networking event or a shadowing day")
	}
	in.Title = text(&v, "title", in.Title, 200, true)
	in.Notes = text(&v, "notes", in.Notes, 2000, false)
	held, err := time.Parse(time.DateOnly, strings.TrimSpace(in.HeldOn))
	from, to := rules.YearBounds(c.StartYear)
	if err != nil || held.Before(from) || held.After(to) {
		v.add("held_on", "Give a date in the programme year %s, e.g. %s", c.YearLabel(), from.AddDate(0, 1, 0).Format(time.DateOnly))
	}
	if err := v.orNil(); err != nil {
		return Event{}, err
	}
	e := Event{TenantID: s.tenant, CohortID: cohortID, Kind: in.Kind, Title: in.Title, HeldOn: dateOf(held), SchoolID: in.SchoolID, Notes: in.Notes, CreatedAt: s.now}
	err = s.change("event.create", "event", func(tx *Store) (uint64, any, any, error) {
		err := tx.db.Create(&e).Error
		return e.ID, nil, e, err
	})
	return e, err
}

// Event returns one event.
func (s *Store) Event(id uint64) (Event, error) {
	var e Event
	return e, s.first(&e, id, "event")
}

// Events lists a cohort's events by date.
func (s *Store) Events(cohortID uint64) ([]Event, error) {
	var es []Event
	return es, s.q(&Event{}).Where("cohort_id = ?", cohortID).Order("held_on, id").Find(&es).Error
}

// Attendance is one coach or participant present at an event.
type Attendance struct {
	ID       uint64 `gorm:"primaryKey"`
	TenantID uint64
	EventID  uint64
	Side     string
	MemberID uint64 // the coach or participant id
}

// TableName is the attendance table.
func (Attendance) TableName() string { return "attendance" }

// Member is a coach or participant by side and id.
type Member struct {
	Side string
	ID   uint64
}

// SetAttendance replaces who was present at an event: members of its cohort.
func (s *Store) SetAttendance(eventID uint64, present []Member) error {
	e, err := s.Event(eventID)
	if err != nil {
		return err
	}
	coaches, err := s.Coaches(e.CohortID)
	if err != nil {
		return err
	}
	parts, err := s.Participants(e.CohortID)
	if err != nil {
		return err
	}
	known := map[Member]bool{}
	for _, c := range coaches {
		known[Member{SideCoach, c.ID}] = true
	}
	for _, p := range parts {
		known[Member{SideParticipant, p.ID}] = true
	}
	rows := make([]Attendance, 0, len(present))
	seen := map[Member]bool{}
	for _, m := range present {
		if !known[m] {
			return Invalid{{Field: "present", Message: "Tick only the cohort's coaches and participants"}}
		}
		if !seen[m] {
			seen[m] = true
			rows = append(rows, Attendance{TenantID: s.tenant, EventID: eventID, Side: m.Side, MemberID: m.ID})
		}
	}
	return s.change("event.attendance", "event", func(tx *Store) (uint64, any, any, error) {
		if err := tx.q(&Attendance{}).Where("event_id = ?", eventID).Delete(&Attendance{}).Error; err != nil {
			return 0, nil, nil, err
		}
		if len(rows) > 0 {
			if err := tx.db.Create(&rows).Error; err != nil {
				return 0, nil, nil, err
			}
		}
		return eventID, nil, map[string]any{"present": len(rows)}, nil
	})
}

// AttendanceOf returns who was present at events, by event.
func (s *Store) AttendanceOf(eventIDs []uint64) (map[uint64][]Member, error) {
	out := map[uint64][]Member{}
	if len(eventIDs) == 0 {
		return out, nil
	}
	var rows []Attendance
	if err := s.q(&Attendance{}).Where("event_id IN ?", eventIDs).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.EventID] = append(out[r.EventID], Member{r.Side, r.MemberID})
	}
	return out, nil
}
