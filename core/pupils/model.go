// Package pupils keeps the records of children that every programme works
// with, once, in the core's shared schema: who they are (UPN, names, date of
// birth), where (school, year group) and the flags programmes select on
// (pupil premium, FSM, EAL, SEN, looked after). Plugins reach them only
// through the Host API.
//
// Pupil data is sensitive personal data about children. The UPN is stored
// sealed (core/sealed) with a keyed hash for look-up and never appears in a
// URL, a log line or an error message; every read of pupil-level data and
// every change is written to the audit log.
//
// # Access
//
// Service methods take an Actor: a user, whose permissions decide what they
// reach, or the System (the CLI, a core job), which reaches the tenant.
// Pupil-level data goes only to users holding core.pupil.read at the pupil's
// school (granted there or at a unit above it, such as the school's trust);
// changes need core.pupil.write. A pupil outside the actor's reach, or of
// another tenant, is ErrNotFound, exactly like a pupil that does not exist.
// Aggregates (Figures) need only core.school.read and carry no pupil ids;
// small counts are suppressed (see Figures).
//
// # Audit
//
// Every read that returns pupil-level data (Get, List, ByIDs, Select,
// RevealUPN, and Update when it changes nothing) calls audit.RecordAccess
// with the ids of the pupils returned and the route or job it came through
// (Actor.Via); a read that cannot be recorded is not served. Count and
// Figures return no pupil data and record nothing.
//
// Every change (Create, CreateMany, Update, MarkLeft, ReturnToRoll) writes
// an audit entry in the same transaction, naming the pupil by id and the
// FIELDS that changed, never their old or new values. The audit log is append-only (triggers refuse
// UPDATE and DELETE) and hash-chained, so nothing written into it can be
// erased later; erasing a child's personal data on request must still be
// possible, so no personal data is written into it. The school ids of a
// change (and of a move, the school left) are kept: they are the
// organisation's data, and without the pupil's record they identify no one.
//
// # Validation
//
// ValidateRecord is the one set of rules for a pupil record, shared by the
// web forms, the JSON API and the importer; its messages name the field and
// never repeat the value.
package pupils

import (
	"fmt"
	"time"
)

// Pupil is one pupil record (table pupils). The UPN is not a field: it is
// kept sealed in UPNSealed and found through UPNHash; Service.UPN opens it
// for the few places that may show it.
type Pupil struct {
	ID             uint       `gorm:"primaryKey" json:"id"`
	TenantID       uint       `json:"-"`
	SchoolID       uint       `json:"school_id"`
	UPNHash        string     `gorm:"column:upn_hash" json:"-"`
	UPNSealed      []byte     `gorm:"column:upn_sealed" json:"-"`
	GivenName      string     `json:"given_name"`
	FamilyName     string     `json:"family_name"`
	DateOfBirth    string     `json:"date_of_birth"` // YYYY-MM-DD
	YearGroup      int        `json:"year_group"`
	Gender         string     `json:"gender"`
	PupilPremium   bool       `json:"pupil_premium"`
	FSM            bool       `gorm:"column:fsm" json:"fsm"`
	FSMEver6       bool       `gorm:"column:fsm_ever6" json:"fsm_ever6"`
	EALProficiency string     `gorm:"column:eal_proficiency" json:"eal_proficiency,omitempty"`
	SEN            string     `gorm:"column:sen" json:"sen"`
	LookedAfter    bool       `json:"looked_after"`
	LeftOn         *time.Time `json:"left_on,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// TableName maps Pupil onto the core schema.
func (Pupil) TableName() string { return "pupils" }

// EAL reports whether English is an additional language for the pupil.
func (p Pupil) EAL() bool { return p.EALProficiency != "" }

// Sealing contexts: a sealed value opens only under the context it was sealed with.
const (
	// UPNContext seals and hashes UPNs.
	UPNContext = "pupil.upn"
)

// Gender codes (the school census's M and F, and U for not known).
var Genders = []string{"M", "F", "U"}

// EAL proficiency in English codes of the school census.
var EALProficiencies = map[string]string{
	"A": "New to English",
	"B": "Early acquisition",
	"C": "Developing competence",
	"D": "Competent",
	"E": "Fluent",
	"N": "Not yet assessed",
}

// SEN provision codes of the school census.
var SENProvisions = map[string]string{
	"N": "No special educational need",
	"K": "SEN support",
	"E": "Education, health and care plan",
}

// MinYearGroup and MaxYearGroup bound year groups: -1 nursery, 0 reception, 1–14.
const (
	MinYearGroup = -1
	MaxYearGroup = 14
)

// YearGroupLabel names a year group as schools write it.
func YearGroupLabel(y int) string {
	switch y {
	case -1:
		return "Nursery"
	case 0:
		return "Reception"
	}
	return fmt.Sprintf("Year %d", y)
}

// KeyStage returns the key stage of a year group (0 for the early years).
func KeyStage(y int) int {
	switch {
	case y <= 0:
		return 0
	case y <= 2:
		return 1
	case y <= 6:
		return 2
	case y <= 9:
		return 3
	case y <= 11:
		return 4
	}
	return 5
}
