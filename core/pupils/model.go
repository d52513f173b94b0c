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
