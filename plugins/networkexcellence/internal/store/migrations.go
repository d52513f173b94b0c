package store

import (
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk"
)

// Migrations bring the plugin's storage to the current schema, in order of
// version. Released steps are never edited: a change is a new step. Each
// step declares its own snapshot of the tables it creates, so changing a
// model never rewrites history.
//
// Numbering: the plugin is built in two parts that share this storage.
// Versions 1–49 are the QA Review part (issue 14: years, members, hubs and
// their action plans, reviews and reports, the reviewer register, the
// allocation, news); versions 50–99 are reserved for the School Support
// Directory part (issue 15: Areas of Excellence and the taxonomy, the
// directory, Leadership Development Days, hub meetings and events), which
// lists its steps in directoryMigrations (its own file). The SDK applies
// every step above the storage's highest version, so before the plugin's
// first release both parts' steps must be in one build. Steps after the
// first release (54 on) are numbered after the highest one released, in
// the list of what they serve (extensionMigrations: the extension points).
var Migrations = slices.Concat(reviewMigrations, directoryMigrations, extensionMigrations)

// reviewMigrations are the QA Review part's steps (versions 1–49).
var reviewMigrations = []sdk.Migration{
	{Version: 1, Name: "membership years, school weeks, hubs and member schools", Up: migrate1},
	{Version: 2, Name: "hub action plans: priorities, activities, funding", Up: migrate2},
	{Version: 3, Name: "the reviewer register: reviewers, trainings, attendance, unavailable weeks", Up: migrate3},
	{Version: 4, Name: "QA reviews, their teams, reports, EBI progress and feedback", Up: migrate4},
	{Version: 5, Name: "allocation runs, their seats and unfilled seats, pins and forbidden pairs", Up: migrate5},
	{Version: 6, Name: "news for the digest, and mail sent by jobs", Up: migrate6},
}

type yearV1 struct {
	ID        uint64    `gorm:"primaryKey"`
	TenantID  uint64    `gorm:"not null;uniqueIndex:ux_years_label,priority:1"`
	Label     string    `gorm:"size:7;not null;uniqueIndex:ux_years_label,priority:2"`
	StartsOn  string    `gorm:"size:10;not null"`
	EndsOn    string    `gorm:"size:10;not null"`
	CreatedAt time.Time `gorm:"not null"`
}

func (yearV1) TableName() string { return "years" }

type schoolWeekV1 struct {
	ID       uint64 `gorm:"primaryKey"`
	TenantID uint64 `gorm:"not null;uniqueIndex:ux_school_weeks,priority:1"`
	YearID   uint64 `gorm:"not null;uniqueIndex:ux_school_weeks,priority:2"`
	Week     int    `gorm:"not null;uniqueIndex:ux_school_weeks,priority:3"`
	StartsOn string `gorm:"size:10;not null"` // the Monday
	Term     int    `gorm:"not null"`         // 1 autumn, 2 spring, 3 summer
}

func (schoolWeekV1) TableName() string { return "school_weeks" }

type hubV1 struct {
	ID        uint64    `gorm:"primaryKey"`
	TenantID  uint64    `gorm:"not null;uniqueIndex:ux_hubs_unit,priority:1"`
	UnitID    uint64    `gorm:"not null;uniqueIndex:ux_hubs_unit,priority:2"`
	Name      string    `gorm:"size:200;not null"`
	UpdatedAt time.Time `gorm:"not null"`
}

func (hubV1) TableName() string { return "hubs" }

type memberV1 struct {
	ID           uint64 `gorm:"primaryKey"`
	TenantID     uint64 `gorm:"not null;uniqueIndex:ux_members_school,priority:1;index:ix_members_hub,priority:1"`
	YearID       uint64 `gorm:"not null;uniqueIndex:ux_members_school,priority:2;index:ix_members_hub,priority:2"`
	SchoolID     uint64 `gorm:"not null;uniqueIndex:ux_members_school,priority:3"`
	HubID        uint64 `gorm:"not null;default:0;index:ix_members_hub,priority:3"` // the hub's unit id
	TrustID      uint64 `gorm:"not null;default:0"`                                 // the trust's unit id, 0 for none
	Name         string `gorm:"size:200;not null"`
	URN          string `gorm:"size:6;not null;default:''"`
	Phase        string `gorm:"size:32;not null;default:''"`
	PupilsOnRoll int    `gorm:"not null;default:0"`
	Latitude     *float64
	Longitude    *float64
	CreatedAt    time.Time `gorm:"not null"`
	UpdatedAt    time.Time `gorm:"not null"`
}

func (memberV1) TableName() string { return "members" }

func migrate1(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&yearV1{}, &schoolWeekV1{}, &hubV1{}, &memberV1{})
}

type planV2 struct {
	ID              uint64    `gorm:"primaryKey"`
	TenantID        uint64    `gorm:"not null;uniqueIndex:ux_plans_hub,priority:1"`
	YearID          uint64    `gorm:"not null;uniqueIndex:ux_plans_hub,priority:2"`
	HubID           uint64    `gorm:"not null;uniqueIndex:ux_plans_hub,priority:3"`
	Status          string    `gorm:"size:16;not null"`
	PotPence        int64     `gorm:"not null;default:0"`
	CreditPoolPence int64     `gorm:"not null;default:0"`
	Notes           string    `gorm:"size:4000;not null;default:''"`
	UpdatedBy       uint64    `gorm:"not null;default:0"`
	CreatedAt       time.Time `gorm:"not null"`
	UpdatedAt       time.Time `gorm:"not null"`
}

func (planV2) TableName() string { return "plans" }

type priorityV2 struct {
	ID          uint64 `gorm:"primaryKey"`
	TenantID    uint64 `gorm:"not null;index:ix_priorities_plan,priority:1"`
	PlanID      uint64 `gorm:"not null;index:ix_priorities_plan,priority:2"`
	Position    int    `gorm:"not null"`
	Title       string `gorm:"size:200;not null"`
	Description string `gorm:"size:4000;not null;default:''"`
}

func (priorityV2) TableName() string { return "priorities" }

type activityV2 struct {
	ID         uint64    `gorm:"primaryKey"`
	TenantID   uint64    `gorm:"not null;index:ix_activities_plan,priority:1"`
	PlanID     uint64    `gorm:"not null;index:ix_activities_plan,priority:2"`
	PriorityID uint64    `gorm:"not null"`
	Title      string    `gorm:"size:200;not null"`
	Owner      string    `gorm:"size:200;not null;default:''"`
	DueOn      string    `gorm:"size:10;not null;default:''"`
	Status     string    `gorm:"size:16;not null"`
	SpendPence int64     `gorm:"not null;default:0"`
	CreatedAt  time.Time `gorm:"not null"`
	UpdatedAt  time.Time `gorm:"not null"`
}

func (activityV2) TableName() string { return "activities" }

func migrate2(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&planV2{}, &priorityV2{}, &activityV2{})
}

type reviewerV3 struct {
	ID                uint64    `gorm:"primaryKey"`
	TenantID          uint64    `gorm:"not null;index:ix_reviewers_person,priority:1;index:ix_reviewers_school,priority:1"`
	PersonID          uint64    `gorm:"not null;default:0;index:ix_reviewers_person,priority:2"` // the core person, 0 when none
	Name              string    `gorm:"size:200;not null"`
	SchoolID          uint64    `gorm:"not null;default:0;index:ix_reviewers_school,priority:2"` // 0: from no member school
	Lead              bool      `gorm:"not null;default:false"`
	OfstedExperienced bool      `gorm:"not null;default:false"`
	Advanced          bool      `gorm:"not null;default:false"`
	AccreditedOn      string    `gorm:"size:10;not null;default:''"`
	MaxReviews        int       `gorm:"not null"`
	Active            bool      `gorm:"not null;default:true"`
	CreatedAt         time.Time `gorm:"not null"`
	UpdatedAt         time.Time `gorm:"not null"`
}

func (reviewerV3) TableName() string { return "reviewers" }

type trainingV3 struct {
	ID        uint64    `gorm:"primaryKey"`
	TenantID  uint64    `gorm:"not null;index"`
	HeldOn    string    `gorm:"size:10;not null"`
	Kind      string    `gorm:"size:16;not null"` // reviewer, lead, advanced
	Venue     string    `gorm:"size:200;not null;default:''"`
	Capacity  int       `gorm:"not null;default:0"`
	CreatedAt time.Time `gorm:"not null"`
}

func (trainingV3) TableName() string { return "trainings" }

type attendanceV3 struct {
	ID         uint64 `gorm:"primaryKey"`
	TenantID   uint64 `gorm:"not null;uniqueIndex:ux_attendance,priority:1;index:ix_attendance_reviewer,priority:1"`
	TrainingID uint64 `gorm:"not null;uniqueIndex:ux_attendance,priority:2"`
	ReviewerID uint64 `gorm:"not null;uniqueIndex:ux_attendance,priority:3;index:ix_attendance_reviewer,priority:2"`
	Attended   bool   `gorm:"not null;default:false"`
}

func (attendanceV3) TableName() string { return "attendance" }

type unavailableV3 struct {
	ID         uint64 `gorm:"primaryKey"`
	TenantID   uint64 `gorm:"not null;uniqueIndex:ux_unavailable,priority:1"`
	YearID     uint64 `gorm:"not null;uniqueIndex:ux_unavailable,priority:2"`
	ReviewerID uint64 `gorm:"not null;uniqueIndex:ux_unavailable,priority:3"`
	Week       int    `gorm:"not null;uniqueIndex:ux_unavailable,priority:4"`
}

func (unavailableV3) TableName() string { return "unavailable_weeks" }

func migrate3(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&reviewerV3{}, &trainingV3{}, &attendanceV3{}, &unavailableV3{})
}

type reviewV4 struct {
	ID              uint64 `gorm:"primaryKey"`
	TenantID        uint64 `gorm:"not null;uniqueIndex:ux_reviews_school,priority:1;index:ix_reviews_week,priority:1"`
	YearID          uint64 `gorm:"not null;uniqueIndex:ux_reviews_school,priority:2;index:ix_reviews_week,priority:2"`
	SchoolID        uint64 `gorm:"not null;uniqueIndex:ux_reviews_school,priority:3"`
	HubID           uint64 `gorm:"not null;default:0"`
	TrustID         uint64 `gorm:"not null;default:0"`
	Week            int    `gorm:"not null;index:ix_reviews_week,priority:3"`
	StartsOn        string `gorm:"size:10;not null"`
	Days            int    `gorm:"not null"`
	TeamSize        int    `gorm:"not null"`
	NeedsLead       bool   `gorm:"not null;default:true"`
	Cancelled       bool   `gorm:"not null;default:false"`
	SelfEvaluation  string `gorm:"size:20000;not null;default:''"`
	SelfEvaluatedAt *time.Time
	CreatedAt       time.Time `gorm:"not null"`
	UpdatedAt       time.Time `gorm:"not null"`
}

func (reviewV4) TableName() string { return "reviews" }

type seatV4 struct {
	ID          uint64 `gorm:"primaryKey"`
	TenantID    uint64 `gorm:"not null;index:ix_seats_review,priority:1;index:ix_seats_reviewer,priority:1"`
	ReviewID    uint64 `gorm:"not null;index:ix_seats_review,priority:2"`
	ReviewerID  uint64 `gorm:"not null;index:ix_seats_reviewer,priority:2"`
	Seat        string `gorm:"size:8;not null"` // lead, team
	RunID       uint64 `gorm:"not null;default:0"`
	Withdrawn   bool   `gorm:"not null;default:false"`
	WithdrawWhy string `gorm:"size:500;not null;default:''"`
	WithdrawnAt *time.Time
	CreatedAt   time.Time `gorm:"not null"`
}

func (seatV4) TableName() string { return "seats" }

type reportV4 struct {
	ID          uint64 `gorm:"primaryKey"`
	TenantID    uint64 `gorm:"not null;uniqueIndex:ux_reports_review,priority:1"`
	ReviewID    uint64 `gorm:"not null;uniqueIndex:ux_reports_review,priority:2"`
	State       string `gorm:"size:16;not null"` // draft, submitted, agreed, published
	Summary     string `gorm:"size:8000;not null;default:''"`
	ReturnNote  string `gorm:"size:2000;not null;default:''"`
	SubmittedAt *time.Time
	SubmittedBy uint64 `gorm:"not null;default:0"`
	AgreedAt    *time.Time
	AgreedBy    uint64 `gorm:"not null;default:0"`
	PublishedAt *time.Time
	PublishedBy uint64    `gorm:"not null;default:0"`
	CreatedAt   time.Time `gorm:"not null"`
	UpdatedAt   time.Time `gorm:"not null"`
}

func (reportV4) TableName() string { return "reports" }

type reportItemV4 struct {
	ID         uint64 `gorm:"primaryKey"`
	TenantID   uint64 `gorm:"not null;index:ix_report_items_report,priority:1"`
	ReportID   uint64 `gorm:"not null;index:ix_report_items_report,priority:2"`
	Kind       string `gorm:"size:8;not null"` // www, ebi, aoe
	Position   int    `gorm:"not null"`
	Theme      string `gorm:"size:32;not null;default:''"`
	Title      string `gorm:"size:200;not null;default:''"`
	Text       string `gorm:"size:4000;not null"`
	PutForward bool   `gorm:"not null;default:false"` // an Area of Excellence put forward for accreditation
}

func (reportItemV4) TableName() string { return "report_items" }

type ebiProgressV4 struct {
	ID          uint64 `gorm:"primaryKey"`
	TenantID    uint64 `gorm:"not null;uniqueIndex:ux_ebi_progress,priority:1"`
	ReportID    uint64 `gorm:"not null;uniqueIndex:ux_ebi_progress,priority:2"`
	PriorItemID uint64 `gorm:"not null;uniqueIndex:ux_ebi_progress,priority:3"`
	Judgement   string `gorm:"size:16;not null"`
	Comment     string `gorm:"size:2000;not null;default:''"`
}

func (ebiProgressV4) TableName() string { return "ebi_progress" }

type feedbackV4 struct {
	ID         uint64    `gorm:"primaryKey"`
	TenantID   uint64    `gorm:"not null;uniqueIndex:ux_feedback,priority:1"`
	ReviewID   uint64    `gorm:"not null;uniqueIndex:ux_feedback,priority:2"`
	PersonID   uint64    `gorm:"not null;uniqueIndex:ux_feedback,priority:3"`
	Role       string    `gorm:"size:8;not null"` // host, lead, team
	ReviewerID uint64    `gorm:"not null;default:0"`
	Overall    int       `gorm:"not null"` // 1–5
	CPD        int       `gorm:"not null"` // 1–10
	Comment    string    `gorm:"size:2000;not null;default:''"`
	CreatedAt  time.Time `gorm:"not null"`
}

func (feedbackV4) TableName() string { return "feedback" }

func migrate4(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&reviewV4{}, &seatV4{}, &reportV4{}, &reportItemV4{}, &ebiProgressV4{}, &feedbackV4{})
}

type runV5 struct {
	ID          uint64 `gorm:"primaryKey"`
	TenantID    uint64 `gorm:"not null;index:ix_runs_year,priority:1"`
	YearID      uint64 `gorm:"not null;index:ix_runs_year,priority:2"`
	Term        int    `gorm:"not null;default:0"` // 0: the whole year
	State       string `gorm:"size:16;not null"`   // proposal, published, discarded, superseded
	Seats       int    `gorm:"not null"`
	Filled      int    `gorm:"not null"`
	Cost        int64  `gorm:"not null"`
	Kept        int    `gorm:"not null;default:0"`
	Changed     int    `gorm:"not null;default:0"`
	Shortfall   string `gorm:"size:8000;not null;default:''"`
	Millis      int64  `gorm:"not null;default:0"`
	Reason      string `gorm:"size:500;not null;default:''"`
	CreatedBy   uint64 `gorm:"not null;default:0"`
	PublishedAt *time.Time
	PublishedBy uint64    `gorm:"not null;default:0"`
	CreatedAt   time.Time `gorm:"not null"`
}

func (runV5) TableName() string { return "runs" }

type runSeatV5 struct {
	ID         uint64 `gorm:"primaryKey"`
	TenantID   uint64 `gorm:"not null;index:ix_run_seats_run,priority:1"`
	RunID      uint64 `gorm:"not null;index:ix_run_seats_run,priority:2"`
	ReviewID   uint64 `gorm:"not null"`
	ReviewerID uint64 `gorm:"not null"`
	Seat       string `gorm:"size:8;not null"`
	Cost       int64  `gorm:"not null"`
	Parts      string `gorm:"size:1000;not null;default:''"` // JSON [{"name","amount"}]
	Pinned     bool   `gorm:"not null;default:false"`
	Kept       bool   `gorm:"not null;default:false"`
	Eligible   int    `gorm:"not null;default:0"`
}

func (runSeatV5) TableName() string { return "run_seats" }

type runUnfilledV5 struct {
	ID       uint64 `gorm:"primaryKey"`
	TenantID uint64 `gorm:"not null;index:ix_run_unfilled_run,priority:1"`
	RunID    uint64 `gorm:"not null;index:ix_run_unfilled_run,priority:2"`
	ReviewID uint64 `gorm:"not null"`
	Seat     string `gorm:"size:8;not null"`
	Count    int    `gorm:"not null"`
	Why      string `gorm:"size:2000;not null"`
}

func (runUnfilledV5) TableName() string { return "run_unfilled" }

type pinV5 struct {
	ID         uint64    `gorm:"primaryKey"`
	TenantID   uint64    `gorm:"not null;uniqueIndex:ux_pins_pair,priority:1"`
	ReviewID   uint64    `gorm:"not null;uniqueIndex:ux_pins_pair,priority:2"`
	ReviewerID uint64    `gorm:"not null;uniqueIndex:ux_pins_pair,priority:3"`
	Kind       string    `gorm:"size:8;not null"` // pin, forbid
	Seat       string    `gorm:"size:8;not null;default:''"`
	Why        string    `gorm:"size:500;not null;default:''"`
	CreatedBy  uint64    `gorm:"not null;default:0"`
	CreatedAt  time.Time `gorm:"not null"`
}

func (pinV5) TableName() string { return "pins" }

func migrate5(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&runV5{}, &runSeatV5{}, &runUnfilledV5{}, &pinV5{})
}

type newsV6 struct {
	ID          uint64    `gorm:"primaryKey"`
	TenantID    uint64    `gorm:"not null;index:ix_news_published,priority:1"`
	Title       string    `gorm:"size:200;not null"`
	Body        string    `gorm:"size:8000;not null"`
	PublishedOn string    `gorm:"size:10;not null;index:ix_news_published,priority:2"`
	CreatedBy   uint64    `gorm:"not null;default:0"`
	CreatedAt   time.Time `gorm:"not null"`
}

func (newsV6) TableName() string { return "news" }

type sentV6 struct {
	ID       uint64    `gorm:"primaryKey"`
	TenantID uint64    `gorm:"not null;uniqueIndex:ux_sent,priority:1"`
	Kind     string    `gorm:"size:32;not null;uniqueIndex:ux_sent,priority:2"` // reminder.team, reminder.host, chaser, digest
	RefID    uint64    `gorm:"not null;uniqueIndex:ux_sent,priority:3"`
	PersonID uint64    `gorm:"not null;uniqueIndex:ux_sent,priority:4"`
	SentAt   time.Time `gorm:"not null"`
}

func (sentV6) TableName() string { return "sent" }

func migrate6(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&newsV6{}, &sentV6{})
}
