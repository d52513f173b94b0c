package store

import (
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk"
)

// Migrations bring the plugin's storage to the current schema. Released
// steps are never edited: a change is a new step. Each step declares its own
// snapshot of the tables it creates, so changing a model never rewrites
// history. Dates are kept as "YYYY-MM-DD" text (London dates), which sorts
// and compares the same on SQLite and PostgreSQL.
var Migrations = []sdk.Migration{
	{Version: 1, Name: "cohorts, applications, coaches and participants", Up: migrate1},
	{Version: 2, Name: "rankings, fixed pairs, match runs and pairs", Up: migrate2},
	{Version: 3, Name: "sessions, events and attendance", Up: migrate3},
	{Version: 4, Name: "self-assessments, outcomes, school trusts and the research key", Up: migrate4},
}

type cohortV1 struct {
	ID               uint64    `gorm:"primaryKey"`
	TenantID         uint64    `gorm:"not null;uniqueIndex:ux_cohorts_unit_year,priority:1"`
	UnitID           uint64    `gorm:"not null;uniqueIndex:ux_cohorts_unit_year,priority:2"`
	StartYear        int       `gorm:"not null;uniqueIndex:ux_cohorts_unit_year,priority:3"`
	Name             string    `gorm:"size:200;not null"`
	Region           string    `gorm:"size:100;not null"`
	ExpectedHours    int       `gorm:"not null"`
	ApplicationsOpen bool      `gorm:"not null;default:false"`
	CreatedAt        time.Time `gorm:"not null"`
}

func (cohortV1) TableName() string { return "cohorts" }

type applicationV1 struct {
	ID            uint64    `gorm:"primaryKey"`
	TenantID      uint64    `gorm:"not null;index:ix_applications_cohort,priority:1"`
	CohortID      uint64    `gorm:"not null;index:ix_applications_cohort,priority:2"`
	PersonID      uint64    `gorm:"not null;default:0;index:ix_applications_person_id"`
	Name          string    `gorm:"size:200;not null"`
	Email         string    `gorm:"size:254;not null"`
	SchoolID      uint64    `gorm:"not null"`
	Post          string    `gorm:"size:32;not null"`
	YearsSenior   int       `gorm:"not null"`
	AppliedBefore bool      `gorm:"not null"`
	Goals         string    `gorm:"size:4000;not null"`
	Status        string    `gorm:"size:16;not null"`
	DecidedOn     string    `gorm:"size:10;not null;default:''"`
	CreatedAt     time.Time `gorm:"not null"`
}

func (applicationV1) TableName() string { return "applications" }

type coachV1 struct {
	ID          uint64    `gorm:"primaryKey"`
	TenantID    uint64    `gorm:"not null;index:ix_coaches_cohort,priority:1"`
	CohortID    uint64    `gorm:"not null;index:ix_coaches_cohort,priority:2"`
	PersonID    uint64    `gorm:"not null;default:0;index:ix_coaches_person"`
	Name        string    `gorm:"size:200;not null"`
	Email       string    `gorm:"size:254;not null;default:''"`
	SchoolID    uint64    `gorm:"not null;default:0"`
	Phase       string    `gorm:"size:32;not null"`
	Expertise   string    `gorm:"size:1000;not null;default:''"`
	Borough     string    `gorm:"size:100;not null;default:''"`
	Capacity    int       `gorm:"not null"`
	WithdrawnOn string    `gorm:"size:10;not null;default:''"`
	CreatedAt   time.Time `gorm:"not null"`
}

func (coachV1) TableName() string { return "coaches" }

type participantV1 struct {
	ID            uint64    `gorm:"primaryKey"`
	TenantID      uint64    `gorm:"not null;index:ix_participants_cohort,priority:1"`
	CohortID      uint64    `gorm:"not null;index:ix_participants_cohort,priority:2"`
	ApplicationID uint64    `gorm:"not null;default:0"`
	PersonID      uint64    `gorm:"not null;default:0;index:ix_participants_person"`
	Name          string    `gorm:"size:200;not null"`
	Email         string    `gorm:"size:254;not null;default:''"`
	SchoolID      uint64    `gorm:"not null;default:0;index:ix_participants_school"`
	Post          string    `gorm:"size:32;not null"`
	YearsSenior   int       `gorm:"not null"`
	AppliedBefore bool      `gorm:"not null"`
	ShareWithHead bool      `gorm:"not null;default:false"`
	WithdrawnOn   string    `gorm:"size:10;not null;default:''"`
	CreatedAt     time.Time `gorm:"not null"`
}

func (participantV1) TableName() string { return "participants" }

func migrate1(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&cohortV1{}, &applicationV1{}, &coachV1{}, &participantV1{})
}

type rankingV2 struct {
	ID       uint64 `gorm:"primaryKey"`
	TenantID uint64 `gorm:"not null;uniqueIndex:ux_rankings,priority:1"`
	CohortID uint64 `gorm:"not null;index:ix_rankings_cohort"`
	Side     string `gorm:"size:12;not null;uniqueIndex:ux_rankings,priority:2"`
	RankerID uint64 `gorm:"not null;uniqueIndex:ux_rankings,priority:3"`
	RankedID uint64 `gorm:"not null;uniqueIndex:ux_rankings,priority:4"`
	Rank     int    `gorm:"not null"`
}

func (rankingV2) TableName() string { return "rankings" }

type fixedPairV2 struct {
	ID            uint64 `gorm:"primaryKey"`
	TenantID      uint64 `gorm:"not null;uniqueIndex:ux_fixed_pairs,priority:1"`
	CohortID      uint64 `gorm:"not null;index:ix_fixed_pairs_cohort"`
	ParticipantID uint64 `gorm:"not null;uniqueIndex:ux_fixed_pairs,priority:2"`
	CoachID       uint64 `gorm:"not null"`
}

func (fixedPairV2) TableName() string { return "fixed_pairs" }

type matchRunV2 struct {
	ID          uint64    `gorm:"primaryKey"`
	TenantID    uint64    `gorm:"not null;index:ix_match_runs_cohort,priority:1"`
	CohortID    uint64    `gorm:"not null;index:ix_match_runs_cohort,priority:2"`
	Kind        string    `gorm:"size:12;not null"`
	Problem     string    `gorm:"type:text;not null"`
	Result      string    `gorm:"type:text;not null"`
	Notes       string    `gorm:"type:text;not null;default:''"`
	CreatedBy   uint64    `gorm:"not null"`
	CreatedAt   time.Time `gorm:"not null"`
	PublishedOn string    `gorm:"size:10;not null;default:''"`
}

func (matchRunV2) TableName() string { return "match_runs" }

type pairV2 struct {
	ID            uint64 `gorm:"primaryKey"`
	TenantID      uint64 `gorm:"not null;index:ix_pairs_cohort,priority:1"`
	CohortID      uint64 `gorm:"not null;index:ix_pairs_cohort,priority:2"`
	ParticipantID uint64 `gorm:"not null;index:ix_pairs_participant"`
	CoachID       uint64 `gorm:"not null;index:ix_pairs_coach"`
	RunID         uint64 `gorm:"not null"`
	How           string `gorm:"size:12;not null"`
	StartedOn     string `gorm:"size:10;not null"`
	EndedOn       string `gorm:"size:10;not null;default:''"`
	FlaggedOn     string `gorm:"size:10;not null;default:''"`
}

func (pairV2) TableName() string { return "pairs" }

func migrate2(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&rankingV2{}, &fixedPairV2{}, &matchRunV2{}, &pairV2{})
}

type sessionV3 struct {
	ID                    uint64    `gorm:"primaryKey"`
	TenantID              uint64    `gorm:"not null;index:ix_sessions_pair,priority:1"`
	PairID                uint64    `gorm:"not null;index:ix_sessions_pair,priority:2"`
	HeldOn                string    `gorm:"size:10;not null"`
	Minutes               int       `gorm:"not null"`
	Mode                  string    `gorm:"size:16;not null"`
	Themes                string    `gorm:"size:400;not null;default:''"`
	Actions               string    `gorm:"size:4000;not null;default:''"`
	LoggedBy              uint64    `gorm:"not null"`
	LoggedSide            string    `gorm:"size:12;not null"`
	CoachNote             string    `gorm:"size:4000;not null;default:''"`
	CoachNoteShared       bool      `gorm:"not null;default:false"`
	ParticipantNote       string    `gorm:"size:4000;not null;default:''"`
	ParticipantNoteShared bool      `gorm:"not null;default:false"`
	CreatedAt             time.Time `gorm:"not null"`
}

func (sessionV3) TableName() string { return "sessions" }

type eventV3 struct {
	ID        uint64    `gorm:"primaryKey"`
	TenantID  uint64    `gorm:"not null;index:ix_events_cohort,priority:1"`
	CohortID  uint64    `gorm:"not null;index:ix_events_cohort,priority:2"`
	Kind      string    `gorm:"size:16;not null"`
	Title     string    `gorm:"size:200;not null"`
	HeldOn    string    `gorm:"size:10;not null"`
	SchoolID  uint64    `gorm:"not null;default:0"`
	Notes     string    `gorm:"size:2000;not null;default:''"`
	CreatedAt time.Time `gorm:"not null"`
}

func (eventV3) TableName() string { return "events" }

type attendanceV3 struct {
	ID       uint64 `gorm:"primaryKey"`
	TenantID uint64 `gorm:"not null;uniqueIndex:ux_attendance,priority:1"`
	EventID  uint64 `gorm:"not null;uniqueIndex:ux_attendance,priority:2"`
	Side     string `gorm:"size:12;not null;uniqueIndex:ux_attendance,priority:3"`
	MemberID uint64 `gorm:"not null;uniqueIndex:ux_attendance,priority:4"`
}

func (attendanceV3) TableName() string { return "attendance" }

func migrate3(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&sessionV3{}, &eventV3{}, &attendanceV3{})
}

type assessmentV4 struct {
	ID            uint64    `gorm:"primaryKey"`
	TenantID      uint64    `gorm:"not null;uniqueIndex:ux_assessments,priority:1"`
	ParticipantID uint64    `gorm:"not null;uniqueIndex:ux_assessments,priority:2"`
	Round         string    `gorm:"size:8;not null;uniqueIndex:ux_assessments,priority:3"`
	TakenOn       string    `gorm:"size:10;not null"`
	Scores        string    `gorm:"size:2000;not null"`
	UpdatedAt     time.Time `gorm:"not null"`
}

func (assessmentV4) TableName() string { return "assessments" }

type outcomeV4 struct {
	ID            uint64    `gorm:"primaryKey"`
	TenantID      uint64    `gorm:"not null;index:ix_outcomes_participant,priority:1"`
	ParticipantID uint64    `gorm:"not null;index:ix_outcomes_participant,priority:2"`
	Kind          string    `gorm:"size:24;not null"`
	On            string    `gorm:"column:on_date;size:10;not null"`
	Detail        string    `gorm:"size:400;not null;default:''"`
	RecordedBy    uint64    `gorm:"not null"`
	CreatedAt     time.Time `gorm:"not null"`
}

func (outcomeV4) TableName() string { return "outcomes" }

type schoolTrustV4 struct {
	TenantID  uint64    `gorm:"primaryKey;autoIncrement:false"`
	SchoolID  uint64    `gorm:"primaryKey;autoIncrement:false"`
	TrustID   uint64    `gorm:"not null"`
	TrustName string    `gorm:"size:200;not null;default:''"`
	SyncedAt  time.Time `gorm:"not null"`
}

func (schoolTrustV4) TableName() string { return "school_trusts" }

type researchKeyV4 struct {
	TenantID  uint64    `gorm:"primaryKey;autoIncrement:false"`
	Secret    string    `gorm:"size:64;not null"`
	CreatedAt time.Time `gorm:"not null"`
}

func (researchKeyV4) TableName() string { return "research_keys" }

func migrate4(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&assessmentV4{}, &outcomeV4{}, &schoolTrustV4{}, &researchKeyV4{})
}
