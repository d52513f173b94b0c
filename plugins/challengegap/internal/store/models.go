package store

import "time"

// Year is one programme year, an academic year such as 2017-18.
type Year struct {
	ID        uint64    `gorm:"primaryKey" json:"id"`
	TenantID  uint64    `gorm:"not null" json:"-"`
	Label     string    `gorm:"size:7;not null" json:"label"`
	StartsOn  string    `gorm:"size:10;not null" json:"starts_on"`
	EndsOn    string    `gorm:"size:10;not null" json:"ends_on"`
	CreatedAt time.Time `json:"created_at"`
}

// TableName is the table of programme years.
func (Year) TableName() string { return "years" }

// School is the plugin's record of a school in the programme: its core org
// unit and the name, URN and phase last read from the Host. It lets people
// of one school see the other schools of their cluster without the core
// granting them those schools; the sync job refreshes it.
type School struct {
	ID        uint64    `gorm:"primaryKey" json:"-"`
	TenantID  uint64    `gorm:"not null" json:"-"`
	UnitID    uint64    `gorm:"not null" json:"unit_id"`
	Name      string    `gorm:"size:200;not null" json:"name"`
	URN       string    `gorm:"size:6;not null" json:"urn"`
	Phase     string    `gorm:"size:32;not null" json:"phase"`
	UpdatedAt time.Time `json:"-"`
}

// TableName is the table of schools.
func (School) TableName() string { return "schools" }

// Cluster is a cluster of schools in one programme year, linked to the
// core's cluster org unit, run by a facilitation school with a cluster
// (facilitation) lead and a programme lead.
type Cluster struct {
	ID                    uint64    `gorm:"primaryKey" json:"id"`
	TenantID              uint64    `gorm:"not null" json:"-"`
	YearID                uint64    `gorm:"not null" json:"year_id"`
	UnitID                uint64    `gorm:"not null" json:"unit_id"`
	Name                  string    `gorm:"size:200;not null" json:"name"`
	FacilitationSchoolID  uint64    `gorm:"not null;default:0" json:"facilitation_school_id"`
	LeadPersonID          uint64    `gorm:"not null;default:0" json:"lead_person_id"`
	LeadName              string    `gorm:"size:200;not null;default:''" json:"lead_name"`
	ProgrammeLeadPersonID uint64    `gorm:"not null;default:0" json:"programme_lead_person_id"`
	ProgrammeLeadName     string    `gorm:"size:200;not null;default:''" json:"programme_lead_name"`
	Recruiting            bool      `gorm:"not null;default:false" json:"recruiting"`
	CreatedAt             time.Time `json:"created_at"`
	UpdatedAt             time.Time `json:"updated_at"`
}

// TableName is the table of clusters.
func (Cluster) TableName() string { return "clusters" }

// Participation statuses.
const (
	StatusInterested = "interested"
	StatusAccepted   = "accepted"
	StatusDeclined   = "declined"
	// StatusWithdrawn: an accepted school that left after its baseline;
	// kept in the history, out of the figures from WithdrawnOn.
	StatusWithdrawn = "withdrawn"
)

// Participant is a school's place in a cluster: interest expressed, then
// accepted or declined by the cluster lead.
type Participant struct {
	ID          uint64     `gorm:"primaryKey" json:"id"`
	TenantID    uint64     `gorm:"not null" json:"-"`
	YearID      uint64     `gorm:"not null" json:"year_id"`
	ClusterID   uint64     `gorm:"not null" json:"cluster_id"`
	SchoolID    uint64     `gorm:"not null" json:"school_id"`
	Status      string     `gorm:"size:16;not null" json:"status"`
	Message     string     `gorm:"size:1000;not null;default:''" json:"message"`
	Note        string     `gorm:"size:1000;not null;default:''" json:"note"`
	RequestedBy uint64     `gorm:"not null;default:0" json:"requested_by"`
	DecidedBy   uint64     `gorm:"not null;default:0" json:"decided_by"`
	DecidedAt   *time.Time `json:"decided_at"`
	CreatedAt   time.Time  `json:"created_at"`
	// WithdrawnOn and WithdrawnReason: when and why a school withdrew
	// after its baseline (StatusWithdrawn).
	WithdrawnOn     string `gorm:"size:10;not null;default:''" json:"withdrawn_on,omitempty"`
	WithdrawnReason string `gorm:"size:1000;not null;default:''" json:"withdrawn_reason,omitempty"`
}

// TableName is the table of participants.
func (Participant) TableName() string { return "participants" }

// Trio is one lead school and two accelerator schools of a cluster.
type Trio struct {
	ID               uint64    `gorm:"primaryKey" json:"id"`
	TenantID         uint64    `gorm:"not null" json:"-"`
	ClusterID        uint64    `gorm:"not null" json:"cluster_id"`
	Name             string    `gorm:"size:200;not null" json:"name"`
	LeadSchoolID     uint64    `gorm:"not null" json:"lead_school_id"`
	AcceleratorOneID uint64    `gorm:"not null" json:"accelerator_one_id"`
	AcceleratorTwoID uint64    `gorm:"not null" json:"accelerator_two_id"`
	CreatedAt        time.Time `json:"created_at"`
}

// TableName is the table of trios.
func (Trio) TableName() string { return "trios" }

// Schools returns the trio's three schools, lead first.
func (t Trio) Schools() []uint64 {
	return []uint64{t.LeadSchoolID, t.AcceleratorOneID, t.AcceleratorTwoID}
}

// TeamMember is one person of a school's team in a programme year.
type TeamMember struct {
	ID        uint64    `gorm:"primaryKey" json:"id"`
	TenantID  uint64    `gorm:"not null" json:"-"`
	YearID    uint64    `gorm:"not null" json:"year_id"`
	SchoolID  uint64    `gorm:"not null" json:"school_id"`
	PersonID  uint64    `gorm:"not null" json:"person_id"`
	Name      string    `gorm:"size:200;not null" json:"name"`
	Role      string    `gorm:"size:16;not null" json:"role"`
	Subject   string    `gorm:"size:32;not null;default:''" json:"subject,omitempty"`
	ParaType  string    `gorm:"size:32;not null;default:''" json:"para_type,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// TableName is the table of team members.
func (TeamMember) TableName() string { return "team_members" }

// Workshop is one of a cluster's six workshops.
type Workshop struct {
	ID        uint64 `gorm:"primaryKey" json:"id"`
	TenantID  uint64 `gorm:"not null" json:"-"`
	ClusterID uint64 `gorm:"not null" json:"cluster_id"`
	Number    int    `gorm:"not null" json:"number"`
	HeldOn    string `gorm:"size:10;not null;default:''" json:"held_on"`
	Venue     string `gorm:"size:200;not null;default:''" json:"venue"`
	Notes     string `gorm:"size:4000;not null;default:''" json:"notes"`
}

// TableName is the table of workshops.
func (Workshop) TableName() string { return "workshops" }

// Attendance records whether a team member came to a workshop.
type Attendance struct {
	ID         uint64 `gorm:"primaryKey" json:"-"`
	TenantID   uint64 `gorm:"not null" json:"-"`
	WorkshopID uint64 `gorm:"not null" json:"workshop_id"`
	MemberID   uint64 `gorm:"not null" json:"member_id"`
	Present    bool   `gorm:"not null" json:"present"`
}

// TableName is the table of attendance.
func (Attendance) TableName() string { return "attendance" }

// Resource is a link or reference shared at a workshop.
type Resource struct {
	ID         uint64    `gorm:"primaryKey" json:"id"`
	TenantID   uint64    `gorm:"not null" json:"-"`
	WorkshopID uint64    `gorm:"not null" json:"workshop_id"`
	Title      string    `gorm:"size:200;not null" json:"title"`
	URL        string    `gorm:"size:500;not null;default:''" json:"url"`
	CreatedAt  time.Time `json:"created_at"`
}

// TableName is the table of workshop resources.
func (Resource) TableName() string { return "resources" }

// Visit is a programme lead's visit to a school.
type Visit struct {
	ID              uint64    `gorm:"primaryKey" json:"id"`
	TenantID        uint64    `gorm:"not null" json:"-"`
	YearID          uint64    `gorm:"not null" json:"year_id"`
	SchoolID        uint64    `gorm:"not null" json:"school_id"`
	VisitedOn       string    `gorm:"size:10;not null" json:"visited_on"`
	VisitorPersonID uint64    `gorm:"not null" json:"visitor_person_id"`
	VisitorName     string    `gorm:"size:200;not null" json:"visitor_name"`
	Notes           string    `gorm:"size:8000;not null;default:''" json:"notes"`
	CreatedAt       time.Time `json:"created_at"`
}

// TableName is the table of visits.
func (Visit) TableName() string { return "visits" }

// Action is an action agreed at a visit.
type Action struct {
	ID        uint64    `gorm:"primaryKey" json:"id"`
	TenantID  uint64    `gorm:"not null" json:"-"`
	VisitID   uint64    `gorm:"not null" json:"visit_id"`
	Text      string    `gorm:"size:1000;not null" json:"text"`
	DueOn     string    `gorm:"size:10;not null;default:''" json:"due_on"`
	Done      bool      `gorm:"not null;default:false" json:"done"`
	CreatedAt time.Time `json:"created_at"`
}

// TableName is the table of agreed actions.
func (Action) TableName() string { return "visit_actions" }

// Strategy is an entry of the tenant's catalogue of strategies.
type Strategy struct {
	ID          uint64    `gorm:"primaryKey" json:"id"`
	TenantID    uint64    `gorm:"not null" json:"-"`
	Theme       string    `gorm:"size:32;not null" json:"theme"`
	Title       string    `gorm:"size:200;not null" json:"title"`
	Description string    `gorm:"size:4000;not null;default:''" json:"description"`
	CreatedAt   time.Time `json:"created_at"`
	// RetiredAt is when the strategy was retired: no longer offered for new
	// trials, kept for the trials that used it (nil: in use).
	RetiredAt *time.Time `json:"retired_at,omitempty"`
}

// TableName is the table of strategies.
func (Strategy) TableName() string { return "strategies" }

// Retired reports whether the strategy is retired from the catalogue.
func (s Strategy) Retired() bool { return s.RetiredAt != nil }

// Trial is a strategy a school trials in a programme year, and what it decided.
type Trial struct {
	ID         uint64     `gorm:"primaryKey" json:"id"`
	TenantID   uint64     `gorm:"not null" json:"-"`
	YearID     uint64     `gorm:"not null" json:"year_id"`
	SchoolID   uint64     `gorm:"not null" json:"school_id"`
	StrategyID uint64     `gorm:"not null" json:"strategy_id"`
	StartedOn  string     `gorm:"size:10;not null;default:''" json:"started_on"`
	Notes      string     `gorm:"size:4000;not null;default:''" json:"notes"`
	Decision   string     `gorm:"size:16;not null;default:''" json:"decision"`
	DecidedAt  *time.Time `json:"decided_at"`
	CreatedBy  uint64     `gorm:"not null;default:0" json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
}

// TableName is the table of trials.
func (Trial) TableName() string { return "trials" }

// Cohort is a school's target cohort in a programme year, frozen when the
// baseline is taken.
type Cohort struct {
	ID        uint64     `gorm:"primaryKey" json:"id"`
	TenantID  uint64     `gorm:"not null" json:"-"`
	YearID    uint64     `gorm:"not null" json:"year_id"`
	SchoolID  uint64     `gorm:"not null" json:"school_id"`
	FrozenAt  *time.Time `json:"frozen_at"`
	FrozenBy  uint64     `gorm:"not null;default:0" json:"frozen_by"`
	CreatedAt time.Time  `json:"created_at"`
}

// TableName is the table of cohorts.
func (Cohort) TableName() string { return "cohorts" }

// Frozen reports whether the baseline was taken.
func (c *Cohort) Frozen() bool { return c != nil && c.FrozenAt != nil }

// CohortMember is a pupil (by the core's pupil id; the plugin keeps no
// pupil's name, UPN or date of birth) in a target cohort. A removed member
// keeps its row with RemovedAt set.
type CohortMember struct {
	ID                uint64     `gorm:"primaryKey" json:"id"`
	TenantID          uint64     `gorm:"not null" json:"-"`
	CohortID          uint64     `gorm:"not null" json:"cohort_id"`
	PupilID           uint64     `gorm:"not null" json:"pupil_id"`
	OtherIntervention bool       `gorm:"not null;default:false" json:"other_intervention"`
	AddedBy           uint64     `gorm:"not null;default:0" json:"added_by"`
	AddedAt           time.Time  `gorm:"not null" json:"added_at"`
	RemovedAt         *time.Time `json:"removed_at"`
}

// TableName is the table of cohort members.
func (CohortMember) TableName() string { return "cohort_members" }

// Cohort changes.
const (
	ChangeAdded   = "added"
	ChangeRemoved = "removed"
)

// CohortChange is one pupil added to or removed from a cohort, with the
// reason (required once the cohort is frozen).
type CohortChange struct {
	ID        uint64    `gorm:"primaryKey" json:"id"`
	TenantID  uint64    `gorm:"not null" json:"-"`
	CohortID  uint64    `gorm:"not null" json:"cohort_id"`
	PupilID   uint64    `gorm:"not null" json:"pupil_id"`
	Change    string    `gorm:"size:16;not null" json:"change"`
	Reason    string    `gorm:"size:1000;not null;default:''" json:"reason"`
	AfterBase bool      `gorm:"not null;default:false" json:"after_baseline"`
	By        uint64    `gorm:"not null;default:0" json:"by"`
	At        time.Time `gorm:"not null" json:"at"`
}

// TableName is the table of cohort changes.
func (CohortChange) TableName() string { return "cohort_changes" }

// TrialPupil is a cohort pupil (the core's id) who receives a trialled strategy.
type TrialPupil struct {
	ID        uint64    `gorm:"primaryKey" json:"-"`
	TenantID  uint64    `gorm:"not null" json:"-"`
	TrialID   uint64    `gorm:"not null" json:"trial_id"`
	PupilID   uint64    `gorm:"not null" json:"pupil_id"`
	CreatedAt time.Time `json:"created_at"`
}

// TableName is the table of the pupils receiving trialled strategies.
func (TrialPupil) TableName() string { return "trial_pupils" }

// Snapshot is one assessment of a school's target cohort: the baseline
// (Seq 0, taken when the cohort is frozen) or a termly snapshot (Seq 1, 2, …).
type Snapshot struct {
	ID        uint64    `gorm:"primaryKey" json:"id"`
	TenantID  uint64    `gorm:"not null" json:"-"`
	YearID    uint64    `gorm:"not null" json:"year_id"`
	SchoolID  uint64    `gorm:"not null" json:"school_id"`
	Seq       int       `gorm:"not null" json:"seq"`
	Label     string    `gorm:"size:100;not null" json:"label"`
	TakenOn   string    `gorm:"size:10;not null" json:"taken_on"`
	CreatedAt time.Time `json:"created_at"`
}

// TableName is the table of snapshots.
func (Snapshot) TableName() string { return "snapshots" }

// DataPoint is one cohort pupil's values at a snapshot. GapMonths is worked
// out when the values are saved, from the age-equivalent score and the
// pupil's age on the snapshot's day (the plugin keeps no date of birth).
type DataPoint struct {
	ID            uint64    `gorm:"primaryKey" json:"-"`
	TenantID      uint64    `gorm:"not null" json:"-"`
	SnapshotID    uint64    `gorm:"not null" json:"snapshot_id"`
	PupilID       uint64    `gorm:"not null" json:"pupil_id"`
	Reading       string    `gorm:"size:8;not null;default:''" json:"reading"`
	Writing       string    `gorm:"size:8;not null;default:''" json:"writing"`
	Maths         string    `gorm:"size:8;not null;default:''" json:"maths"`
	AgeEquivalent *int      `json:"age_equivalent_months"`
	GapMonths     *int      `json:"gap_months"`
	Attitude      *int      `json:"attitude"`
	Aspiration    *int      `json:"aspiration"`
	Attendance    *float64  `json:"attendance"`
	UpdatedBy     uint64    `gorm:"not null;default:0" json:"updated_by"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// TableName is the table of data points.
func (DataPoint) TableName() string { return "data_points" }

// Reminder records that the team of a school was reminded of a snapshot
// due, so a job run twice mails once.
type Reminder struct {
	ID       uint64    `gorm:"primaryKey" json:"-"`
	TenantID uint64    `gorm:"not null" json:"-"`
	YearID   uint64    `gorm:"not null" json:"year_id"`
	SchoolID uint64    `gorm:"not null" json:"school_id"`
	Label    string    `gorm:"size:100;not null" json:"label"`
	SentAt   time.Time `gorm:"not null" json:"sent_at"`
}

// TableName is the table of reminders sent.
func (Reminder) TableName() string { return "reminders" }
