package store

import (
	"fmt"
	"time"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/rules"
)

// Statuses of an application.
const (
	Submitted   = "submitted"
	Shortlisted = "shortlisted"
	Accepted    = "accepted"
	Declined    = "declined"
)

// StatusLabel is an application's status in words.
func StatusLabel(s string) string {
	switch s {
	case Submitted:
		return "Submitted"
	case Shortlisted:
		return "Shortlisted"
	case Accepted:
		return "Accepted"
	case Declined:
		return "Not accepted"
	}
	return s
}

// Application is an aspiring head's application to a cohort.
type Application struct {
	ID       uint64 `gorm:"primaryKey"`
	TenantID uint64
	CohortID uint64
	PersonID uint64 // the applicant's account
	Name     string
	Email    string
	SchoolID uint64
	Post     string // rules.Posts
	// YearsSenior is how many years the applicant has been a senior leader.
	YearsSenior int
	// AppliedBefore: the applicant applied for a headship in the twelve
	// months before the programme (the funder's baseline).
	AppliedBefore bool
	Goals         string // what they want from coaching
	Status        string
	DecidedOn     string
	CreatedAt     time.Time
}

// TableName is the applications table.
func (Application) TableName() string { return "applications" }

// ApplicationInput is an application as the applicant's form gives it.
type ApplicationInput struct {
	PersonID      uint64
	Name, Email   string
	SchoolID      uint64
	Post          string
	YearsSenior   int
	AppliedBefore bool
	Goals         string
}

// Apply records an application to cohort, open for applications; a person
// with an account applies to a cohort once (PersonID 0 is a paper
// application, entered for someone without one).
func (s *Store) Apply(cohortID uint64, in ApplicationInput) (Application, error) {
	c, err := s.Cohort(cohortID)
	if err != nil {
		return Application{}, err
	}
	var v Invalid
	if in.SchoolID == 0 {
		v.add("school", "Choose the school you lead in")
	}
	if !rules.ValidPost(in.Post) {
		v.add("post", "Choose your post")
	}
	if in.YearsSenior < 0 || in.YearsSenior > 45 {
		v.add("years_senior", "Give the whole years you have been a senior leader, from 0 to 45")
	}
	in.Goals = text(&v, "goals", in.Goals, 4000, true)
	in.Name = text(&v, "name", in.Name, 200, true)
	if err := v.orNil(); err != nil {
		return Application{}, err
	}
	if !c.ApplicationsOpen {
		return Application{}, conflict("%s takes no applications now: ask its programme manager", c.Name)
	}
	a := Application{TenantID: s.tenant, CohortID: cohortID, PersonID: in.PersonID, Name: in.Name, Email: in.Email, SchoolID: in.SchoolID,
		Post: in.Post, YearsSenior: in.YearsSenior, AppliedBefore: in.AppliedBefore, Goals: in.Goals, Status: Submitted, CreatedAt: s.now}
	err = s.change("application.create", "application", func(tx *Store) (uint64, any, any, error) {
		if in.PersonID != 0 {
			var n int64
			if err := tx.q(&Application{}).Where("cohort_id = ? AND person_id = ?", cohortID, in.PersonID).Count(&n).Error; err != nil {
				return 0, nil, nil, err
			}
			if n > 0 {
				return 0, nil, nil, conflict("you have applied to this cohort already")
			}
		}
		err := tx.db.Create(&a).Error
		return a.ID, nil, map[string]any{"cohort_id": cohortID, "person_id": in.PersonID, "school_id": in.SchoolID, "post": in.Post}, err
	})
	return a, err
}

// Application returns one application.
func (s *Store) Application(id uint64) (Application, error) {
	var a Application
	return a, s.first(&a, id, "application")
}

// Applications lists a cohort's applications in the order they came.
func (s *Store) Applications(cohortID uint64) ([]Application, error) {
	var as []Application
	return as, s.q(&Application{}).Where("cohort_id = ?", cohortID).Order("id").Find(&as).Error
}

// ApplicationsOf lists a person's applications, the latest first.
func (s *Store) ApplicationsOf(personID uint64) ([]Application, error) {
	var as []Application
	return as, s.q(&Application{}).Where("person_id = ?", personID).Order("id DESC").Find(&as).Error
}

// Decide moves an application to status: shortlisted, accepted or
// declined. Accepting makes the applicant a participant of the cohort in the
// same transaction; an accepted application is final (a participant who
// leaves withdraws).
func (s *Store) Decide(appID uint64, status string, today time.Time) (Application, error) {
	a, err := s.Application(appID)
	if err != nil {
		return Application{}, err
	}
	switch {
	case status != Shortlisted && status != Accepted && status != Declined:
		return Application{}, Invalid{{Field: "status", Message: "Choose shortlist, accept or decline"}}
	case a.Status == Accepted:
		return Application{}, conflict("the application was accepted and its applicant is a participant: record a withdrawal instead")
	}
	before := a
	a.Status, a.DecidedOn = status, dateOf(today)
	err = s.change("application.decide", "application", func(tx *Store) (uint64, any, any, error) {
		if err := tx.q(&Application{}).Where("id = ?", a.ID).Updates(map[string]any{"status": a.Status, "decided_on": a.DecidedOn}).Error; err != nil {
			return 0, nil, nil, err
		}
		if status == Accepted {
			p := Participant{TenantID: s.tenant, CohortID: a.CohortID, ApplicationID: a.ID, PersonID: a.PersonID, Name: a.Name, Email: a.Email,
				SchoolID: a.SchoolID, Post: a.Post, YearsSenior: a.YearsSenior, AppliedBefore: a.AppliedBefore, CreatedAt: tx.now}
			if err := tx.db.Create(&p).Error; err != nil {
				return 0, nil, nil, err
			}
		}
		return a.ID, map[string]any{"status": before.Status}, map[string]any{"status": a.Status}, nil
	})
	return a, err
}

// Coach is an experienced head or trust CEO coaching in a cohort.
type Coach struct {
	ID        uint64 `gorm:"primaryKey"`
	TenantID  uint64
	CohortID  uint64
	PersonID  uint64 // the coach's account; 0 for none
	Name      string
	Email     string
	SchoolID  uint64 // the coach's school; 0 for a trust CEO without one
	Phase     string // rules.Phases
	Expertise string
	Borough   string
	// Capacity is how many participants the coach takes at most.
	Capacity    int
	WithdrawnOn string
	CreatedAt   time.Time
}

// TableName is the coaches table.
func (Coach) TableName() string { return "coaches" }

// Withdrawn reports whether the coach has withdrawn.
func (c Coach) Withdrawn() bool { return c.WithdrawnOn != "" }

// CoachInput is a coach's profile as a form gives it.
type CoachInput struct {
	PersonID           uint64
	Name, Email        string
	SchoolID           uint64
	Phase              string
	Expertise, Borough string
	Capacity           int
}

// MaxCapacity is the most participants one coach takes.
const MaxCapacity = 6

func (in CoachInput) check() (CoachInput, error) {
	var v Invalid
	in.Name = text(&v, "name", in.Name, 200, true)
	in.Email = checkEmail(&v, "email", in.Email)
	if !rules.ValidPhase(in.Phase) {
		v.add("phase", "Choose the phase the coach has led in")
	}
	in.Expertise = text(&v, "expertise", in.Expertise, 1000, false)
	in.Borough = text(&v, "borough", in.Borough, 100, false)
	if in.Capacity < 1 || in.Capacity > MaxCapacity {
		v.add("capacity", "Give how many participants the coach takes, from 1 to %d", MaxCapacity)
	}
	return in, v.orNil()
}

// AddCoach recruits a coach to a cohort; an account coaches once per cohort.
func (s *Store) AddCoach(cohortID uint64, in CoachInput) (Coach, error) {
	if _, err := s.Cohort(cohortID); err != nil {
		return Coach{}, err
	}
	in, err := in.check()
	if err != nil {
		return Coach{}, err
	}
	c := Coach{TenantID: s.tenant, CohortID: cohortID, PersonID: in.PersonID, Name: in.Name, Email: in.Email, SchoolID: in.SchoolID,
		Phase: in.Phase, Expertise: in.Expertise, Borough: in.Borough, Capacity: in.Capacity, CreatedAt: s.now}
	err = s.change("coach.create", "coach", func(tx *Store) (uint64, any, any, error) {
		if in.PersonID != 0 {
			var n int64
			if err := tx.q(&Coach{}).Where("cohort_id = ? AND person_id = ?", cohortID, in.PersonID).Count(&n).Error; err != nil {
				return 0, nil, nil, err
			}
			if n > 0 {
				return 0, nil, nil, conflict("this person coaches in the cohort already")
			}
		}
		err := tx.db.Create(&c).Error
		return c.ID, nil, coachAudit(c), err
	})
	return c, err
}

func coachAudit(c Coach) map[string]any {
	return map[string]any{"cohort_id": c.CohortID, "person_id": c.PersonID, "school_id": c.SchoolID, "phase": c.Phase, "capacity": c.Capacity, "withdrawn_on": c.WithdrawnOn}
}

// UpdateCoach changes a coach's profile; the account it is tied to stays.
// The capacity cannot fall below the coach's pairs under way.
func (s *Store) UpdateCoach(id uint64, in CoachInput) (Coach, error) {
	before, err := s.Coach(id)
	if err != nil {
		return Coach{}, err
	}
	if in, err = in.check(); err != nil {
		return Coach{}, err
	}
	after := before
	after.Name, after.Email, after.SchoolID, after.Phase, after.Expertise, after.Borough, after.Capacity =
		in.Name, in.Email, in.SchoolID, in.Phase, in.Expertise, in.Borough, in.Capacity
	err = s.change("coach.update", "coach", func(tx *Store) (uint64, any, any, error) {
		var n int64
		if err := tx.q(&Pair{}).Where("coach_id = ? AND ended_on = ''", id).Count(&n).Error; err != nil {
			return 0, nil, nil, err
		}
		if int(n) > after.Capacity {
			return 0, nil, nil, Invalid{{Field: "capacity", Message: fmt.Sprintf("The coach has %d participants under way: give a capacity of at least that", n)}}
		}
		err := tx.q(&Coach{}).Where("id = ?", id).Updates(map[string]any{"name": after.Name, "email": after.Email, "school_id": after.SchoolID,
			"phase": after.Phase, "expertise": after.Expertise, "borough": after.Borough, "capacity": after.Capacity}).Error
		return id, coachAudit(before), coachAudit(after), err
	})
	return after, err
}

// Coach returns one coach.
func (s *Store) Coach(id uint64) (Coach, error) {
	var c Coach
	return c, s.first(&c, id, "coach")
}

// Coaches lists a cohort's coaches by name.
func (s *Store) Coaches(cohortID uint64) ([]Coach, error) {
	var cs []Coach
	return cs, s.q(&Coach{}).Where("cohort_id = ?", cohortID).Order("name, id").Find(&cs).Error
}

// CoachesOf lists the coach records of a person (one per cohort), the latest first.
func (s *Store) CoachesOf(personID uint64) ([]Coach, error) {
	var cs []Coach
	if personID == 0 {
		return nil, nil
	}
	return cs, s.q(&Coach{}).Where("person_id = ?", personID).Order("id DESC").Find(&cs).Error
}

// CoachesByID loads coaches by id into a map.
func (s *Store) CoachesByID(idList []uint64) (map[uint64]Coach, error) {
	return byID(s, idList, func(x Coach) uint64 { return x.ID })
}

// Participant is an aspiring head in a cohort.
type Participant struct {
	ID            uint64 `gorm:"primaryKey"`
	TenantID      uint64
	CohortID      uint64
	ApplicationID uint64
	PersonID      uint64 // the participant's account; 0 for none
	Name          string
	Email         string
	SchoolID      uint64
	Post          string
	YearsSenior   int
	AppliedBefore bool
	// ShareWithHead: the participant lets their school's headteacher see
	// their programme record (never the sessions' notes).
	ShareWithHead bool
	WithdrawnOn   string
	CreatedAt     time.Time
}

// TableName is the participants table.
func (Participant) TableName() string { return "participants" }

// Withdrawn reports whether the participant has withdrawn.
func (p Participant) Withdrawn() bool { return p.WithdrawnOn != "" }

// AddParticipant adds a participant directly (the demo, or a manager
// entering a paper application already accepted).
func (s *Store) AddParticipant(cohortID uint64, in ApplicationInput) (Participant, error) {
	if _, err := s.Cohort(cohortID); err != nil {
		return Participant{}, err
	}
	var v Invalid
	in.Name = text(&v, "name", in.Name, 200, true)
	in.Email = checkEmail(&v, "email", in.Email)
	if !rules.ValidPost(in.Post) {
		v.add("post", "Choose the participant's post")
	}
	if err := v.orNil(); err != nil {
		return Participant{}, err
	}
	p := Participant{TenantID: s.tenant, CohortID: cohortID, PersonID: in.PersonID, Name: in.Name, Email: in.Email, SchoolID: in.SchoolID,
		Post: in.Post, YearsSenior: in.YearsSenior, AppliedBefore: in.AppliedBefore, CreatedAt: s.now}
	err := s.change("participant.create", "participant", func(tx *Store) (uint64, any, any, error) {
		err := tx.db.Create(&p).Error
		return p.ID, nil, map[string]any{"cohort_id": cohortID, "person_id": p.PersonID, "school_id": p.SchoolID}, err
	})
	return p, err
}

// Participant returns one participant.
func (s *Store) Participant(id uint64) (Participant, error) {
	var p Participant
	return p, s.first(&p, id, "participant")
}

// Participants lists a cohort's participants by name.
func (s *Store) Participants(cohortID uint64) ([]Participant, error) {
	var ps []Participant
	return ps, s.q(&Participant{}).Where("cohort_id = ?", cohortID).Order("name, id").Find(&ps).Error
}

// ParticipantsOf lists the participant records of a person, the latest first.
func (s *Store) ParticipantsOf(personID uint64) ([]Participant, error) {
	var ps []Participant
	if personID == 0 {
		return nil, nil
	}
	return ps, s.q(&Participant{}).Where("person_id = ?", personID).Order("id DESC").Find(&ps).Error
}

// SharedParticipants lists the participants who share their record with
// their headteacher, by name.
func (s *Store) SharedParticipants() ([]Participant, error) {
	var ps []Participant
	return ps, s.q(&Participant{}).Where("share_with_head = ?", true).Order("name, id").Find(&ps).Error
}

// ParticipantsByID loads participants by id into a map.
func (s *Store) ParticipantsByID(idList []uint64) (map[uint64]Participant, error) {
	return byID(s, idList, func(x Participant) uint64 { return x.ID })
}

// SetShare sets whether a participant shares their record with their headteacher.
func (s *Store) SetShare(id uint64, share bool) error {
	p, err := s.Participant(id)
	if err != nil {
		return err
	}
	return s.change("participant.share", "participant", func(tx *Store) (uint64, any, any, error) {
		err := tx.q(&Participant{}).Where("id = ?", id).Update("share_with_head", share).Error
		return id, map[string]any{"share_with_head": p.ShareWithHead}, map[string]any{"share_with_head": share}, err
	})
}

// Sides of a pair.
const (
	SideCoach       = "coach"
	SideParticipant = "participant"
)

// Withdraw records that a coach or participant (side) left the cohort on
// day: their pairs under way end that day. The people they leave are
// re-matched by a re-match run, which the manager starts.
func (s *Store) Withdraw(side string, id uint64, day time.Time) error {
	var (
		cohortID uint64
		model    any
		col      string
	)
	switch side {
	case SideCoach:
		c, err := s.Coach(id)
		if err != nil {
			return err
		}
		if c.Withdrawn() {
			return conflict("the coach withdrew on %s already", c.WithdrawnOn)
		}
		cohortID, model, col = c.CohortID, &Coach{}, "coach_id"
	case SideParticipant:
		p, err := s.Participant(id)
		if err != nil {
			return err
		}
		if p.Withdrawn() {
			return conflict("the participant withdrew on %s already", p.WithdrawnOn)
		}
		cohortID, model, col = p.CohortID, &Participant{}, "participant_id"
	default:
		return Invalid{{Field: "side", Message: "Choose a coach or a participant"}}
	}
	c, err := s.Cohort(cohortID)
	if err != nil {
		return err
	}
	if msg := rules.CheckYearDate(day, c.StartYear, day); msg != "" {
		return Invalid{{Field: "withdrawn_on", Message: msg}}
	}
	on := dateOf(day)
	return s.change(side+".withdraw", side, func(tx *Store) (uint64, any, any, error) {
		if err := tx.q(model).Where("id = ?", id).Update("withdrawn_on", on).Error; err != nil {
			return 0, nil, nil, err
		}
		err := tx.q(&Pair{}).Where(col+" = ? AND ended_on = ''", id).Update("ended_on", on).Error
		return id, nil, map[string]any{"withdrawn_on": on}, err
	})
}
