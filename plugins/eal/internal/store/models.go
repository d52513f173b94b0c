package store

import "time"

// Trial is one randomised controlled trial of the programme.
type Trial struct {
	ID             uint64 `gorm:"primaryKey"`
	TenantID       uint64 `gorm:"not null;index"`
	Name           string `gorm:"not null"`
	RegistrationID string `gorm:"not null"` // e.g. the trial registry's ISRCTN
	// The day each phase starts (rules.Phases order), "YYYY-MM-DD".
	RecruitmentOn, BaselineOn, RandomisationOn, DeliveryOn, FollowUpOn, OutcomesOn string
	// Secret keys the evaluator's pseudonyms (research.NewPseudonymiser):
	// 32 random bytes drawn when the trial is made, never shown or exported.
	Secret []byte `gorm:"not null" json:"-"`
	// DSAColumns are the optional columns of the evaluator's export that
	// the data-sharing agreement lists ("dataset.column", one per line).
	DSAColumns string `gorm:"not null"`
	CreatedAt  time.Time
}

// Centre is a delivery centre of a trial: a core delivery-centre unit,
// hosted by a school.
type Centre struct {
	ID           uint64 `gorm:"primaryKey"`
	TenantID     uint64 `gorm:"not null;index"`
	TrialID      uint64 `gorm:"not null;uniqueIndex:centres_trial_unit"`
	UnitID       uint64 `gorm:"not null;uniqueIndex:centres_trial_unit"`
	Code         string `gorm:"not null"` // C01, …: how the evaluator's export names it
	Name         string `gorm:"not null"` // the unit's name when added (kept fresh by the pages)
	HostSchoolID uint64 // 0 when not known
	CreatedAt    time.Time
}

// Facilitator is a person trained to facilitate the course at a centre.
type Facilitator struct {
	ID        uint64 `gorm:"primaryKey"`
	TenantID  uint64 `gorm:"not null;index"`
	CentreID  uint64 `gorm:"not null;uniqueIndex:facilitators_centre_person"`
	PersonID  uint64 `gorm:"not null;uniqueIndex:facilitators_centre_person"`
	TrainedOn string `gorm:"not null"`
	CreatedAt time.Time
}

// CentreDay is the date of one of a centre's three course days.
type CentreDay struct {
	ID       uint64 `gorm:"primaryKey"`
	TenantID uint64 `gorm:"not null;index"`
	CentreID uint64 `gorm:"not null;uniqueIndex:centre_days_centre_day"`
	Day      int    `gorm:"not null;uniqueIndex:centre_days_centre_day"`
	HeldOn   string `gorm:"not null"`
}

// Session is a facilitator's log of a course day: its fidelity to the
// programme and notes.
type Session struct {
	ID            uint64 `gorm:"primaryKey"`
	TenantID      uint64 `gorm:"not null;index"`
	CentreID      uint64 `gorm:"not null;uniqueIndex:sessions_centre_day_fac"`
	Day           int    `gorm:"not null;uniqueIndex:sessions_centre_day_fac"`
	FacilitatorID uint64 `gorm:"not null;uniqueIndex:sessions_centre_day_fac"`
	Fidelity      int    `gorm:"not null"`
	Notes         string `gorm:"not null"`
	LoggedAt      time.Time
}

// Arms of the allocation, as stored ("" before allocation).
const (
	ArmIntervention = "intervention"
	ArmControl      = "control"
)

// TrialSchool is a school's place in a trial, from its interest on.
type TrialSchool struct {
	ID       uint64 `gorm:"primaryKey"`
	TenantID uint64 `gorm:"not null;index"`
	TrialID  uint64 `gorm:"not null;uniqueIndex:trial_schools_trial_school;uniqueIndex:trial_schools_trial_code"`
	SchoolID uint64 `gorm:"not null;uniqueIndex:trial_schools_trial_school"`
	CentreID uint64 `gorm:"not null;index"`
	// Code is the school's id in the trial (S001, …): the frozen list, the
	// allocation and the evaluator's export name it by this, never by name.
	Code       string `gorm:"not null;uniqueIndex:trial_schools_trial_code"`
	Phase      string `gorm:"not null"` // as the core named it when recruited
	InterestOn string `gorm:"not null"`
	// Eligibility: nil until checked.
	Eligible          *bool
	IneligibleReasons string   `gorm:"not null"` // one a line
	EALPercent        *float64 // per cent, as checked
	FSMPercent        *float64
	InOtherTrial      bool   `gorm:"not null"`
	CheckedOn         string `gorm:"not null"`
	// The signed agreement and the school's named lead.
	AgreementOn  string `gorm:"not null"`
	LeadPersonID uint64 `gorm:"not null"`
	// Randomisation: the wave whose frozen list holds it, and its arm
	// once that wave is allocated.
	WaveID *uint64 `gorm:"index"`
	Arm    string  `gorm:"not null"`
	// Withdrawal, at any stage.
	WithdrawnOn     string `gorm:"not null"`
	WithdrawnStage  string `gorm:"not null"`
	WithdrawnReason string `gorm:"not null"`
	WithdrawnNote   string `gorm:"not null"`
	// A control school is offered the course after the trial.
	WaitlistOfferedOn string `gorm:"not null"`
	CreatedAt         time.Time
}

// Withdrawn reports whether the school has withdrawn.
func (t TrialSchool) Withdrawn() bool { return t.WithdrawnOn != "" }

// Delegate is a teacher of a trial school named to attend the course.
type Delegate struct {
	ID            uint64 `gorm:"primaryKey"`
	TenantID      uint64 `gorm:"not null;index"`
	TrialSchoolID uint64 `gorm:"not null;uniqueIndex:delegates_school_person"`
	PersonID      uint64 `gorm:"not null;uniqueIndex:delegates_school_person;index"`
	Subject       string `gorm:"not null"`
	CreatedAt     time.Time
}

// Attendance is whether a delegate attended one course day.
type Attendance struct {
	ID         uint64 `gorm:"primaryKey"`
	TenantID   uint64 `gorm:"not null;index"`
	DelegateID uint64 `gorm:"not null;uniqueIndex:attendances_delegate_day"`
	Day        int    `gorm:"not null;uniqueIndex:attendances_delegate_day"`
	Present    bool   `gorm:"not null"`
}

// SelfAssessment is a delegate's answers before or after the course, each
// 1 to 5 (rules.Items).
type SelfAssessment struct {
	ID         uint64 `gorm:"primaryKey"`
	TenantID   uint64 `gorm:"not null;index"`
	DelegateID uint64 `gorm:"not null;uniqueIndex:self_assessments_delegate_kind"`
	Kind       string `gorm:"not null;uniqueIndex:self_assessments_delegate_kind"` // pre, post
	Language   int    `gorm:"not null"`
	Demands    int    `gorm:"not null"`
	Learners   int    `gorm:"not null"`
	Confidence int    `gorm:"not null"`
	AnsweredAt time.Time
}

// TrialPupil is an EAL pupil of a trial school, by the core's pupil id,
// with the few facts the evaluator's export may carry (copied when added).
type TrialPupil struct {
	ID            uint64 `gorm:"primaryKey"`
	TenantID      uint64 `gorm:"not null;index"`
	TrialSchoolID uint64 `gorm:"not null;uniqueIndex:trial_pupils_school_pupil"`
	PupilID       uint64 `gorm:"not null;uniqueIndex:trial_pupils_school_pupil;index"`
	YearGroup     int    `gorm:"not null"`
	Gender        string `gorm:"not null"`
	FSM           bool   `gorm:"not null"`
	// A parent's objection to the child's data being used: the pupil is
	// left out of every export made after it.
	ObjectedOn  string `gorm:"not null"`
	GCSEEnglish *int
	GCSEMaths   *int
	CreatedAt   time.Time
}

// PupilPoint is a pupil's proficiency code and test score at one point.
type PupilPoint struct {
	ID           uint64 `gorm:"primaryKey"`
	TenantID     uint64 `gorm:"not null;index"`
	TrialPupilID uint64 `gorm:"not null;uniqueIndex:pupil_points_pupil_point"`
	Point        string `gorm:"not null;uniqueIndex:pupil_points_pupil_point"`
	Proficiency  string `gorm:"not null"`
	Score        *int
	RecordedAt   time.Time
}

// States of a wave of randomisation, in order.
const (
	WaveFrozen    = "frozen"
	WaveCommitted = "committed"
	WaveAllocated = "allocated"
	WaveRevealed  = "revealed"
)

// Wave is one randomisation: its frozen list, the commitment to the list
// and the secret seed, the allocation made from them, and the seed's
// reveal. Seed is never shown before RevealedAt.
type Wave struct {
	ID         uint64 `gorm:"primaryKey"`
	TenantID   uint64 `gorm:"not null;index"`
	TrialID    uint64 `gorm:"not null;uniqueIndex:waves_trial_number"`
	Number     int    `gorm:"not null;uniqueIndex:waves_trial_number"`
	State      string `gorm:"not null"`
	StratifyBy string `gorm:"not null"`
	// ListCSV is the frozen list (school,stratum: trial codes and strata).
	ListCSV       string `gorm:"not null"`
	FrozenAt      time.Time
	FrozenBy      uint64 `gorm:"not null"`
	Commitment    string `gorm:"not null"`
	Seed          []byte `json:"-"`
	CommittedAt   *time.Time
	AllocationCSV string `gorm:"not null"`
	AllocatedAt   *time.Time
	RevealedAt    *time.Time
}

// Export is one version of the evaluator's export: a zip, frozen when
// made and never changed (a correction is a new version).
type Export struct {
	ID        uint64 `gorm:"primaryKey"`
	TenantID  uint64 `gorm:"not null;index"`
	TrialID   uint64 `gorm:"not null;uniqueIndex:exports_trial_version"`
	Version   int    `gorm:"not null;uniqueIndex:exports_trial_version"`
	ChangeLog string `gorm:"not null"`
	Columns   string `gorm:"not null"` // the optional columns it holds
	SHA256    string `gorm:"not null"`
	Size      int    `gorm:"not null"`
	Content   []byte `gorm:"not null" json:"-"`
	CreatedAt time.Time
	CreatedBy uint64 `gorm:"not null"`
}
