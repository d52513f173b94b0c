package store

import (
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk"
)

// Migrations bring the plugin's storage to the current schema. Released
// steps are never edited: a change is a new step. Each step declares its own
// snapshot of the tables it creates, so changing a model never rewrites history.
var Migrations = []sdk.Migration{
	{Version: 1, Name: "programme structure: years, schools, clusters, participants, trios", Up: migrate1},
	{Version: 2, Name: "school teams", Up: migrate2},
	{Version: 3, Name: "workshops, attendance, resources, visits and agreed actions", Up: migrate3},
	{Version: 4, Name: "strategies catalogue and trials", Up: migrate4},
	{Version: 5, Name: "target cohorts, members and changes", Up: migrate5},
	{Version: 6, Name: "pupils receiving trialled strategies", Up: migrate6},
	{Version: 7, Name: "snapshots and data points", Up: migrate7},
	{Version: 8, Name: "reminders sent", Up: migrate8},
	{Version: 9, Name: "scale-up plans, staff surveys, case studies, newsletters sent", Up: migrate9},
	{Version: 10, Name: "retired strategies", Up: migrate10},
	{Version: 11, Name: "schools withdrawn from their cluster after the baseline", Up: migrate11},
	{Version: 12, Name: "keep the home page's counts of cohorts and snapshots (cohort_counts, snapshot_counts, by trigger)", Up: migrate12},
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

type schoolV1 struct {
	ID        uint64    `gorm:"primaryKey"`
	TenantID  uint64    `gorm:"not null;uniqueIndex:ux_schools_unit,priority:1"`
	UnitID    uint64    `gorm:"not null;uniqueIndex:ux_schools_unit,priority:2"`
	Name      string    `gorm:"size:200;not null"`
	URN       string    `gorm:"size:6;not null"`
	Phase     string    `gorm:"size:32;not null"`
	UpdatedAt time.Time `gorm:"not null"`
}

func (schoolV1) TableName() string { return "schools" }

type clusterV1 struct {
	ID                    uint64    `gorm:"primaryKey"`
	TenantID              uint64    `gorm:"not null;uniqueIndex:ux_clusters_unit,priority:1"`
	YearID                uint64    `gorm:"not null;uniqueIndex:ux_clusters_unit,priority:2"`
	UnitID                uint64    `gorm:"not null;uniqueIndex:ux_clusters_unit,priority:3"`
	Name                  string    `gorm:"size:200;not null"`
	FacilitationSchoolID  uint64    `gorm:"not null;default:0"`
	LeadPersonID          uint64    `gorm:"not null;default:0;index:ix_clusters_lead"`
	LeadName              string    `gorm:"size:200;not null;default:''"`
	ProgrammeLeadPersonID uint64    `gorm:"not null;default:0;index:ix_clusters_programme_lead"`
	ProgrammeLeadName     string    `gorm:"size:200;not null;default:''"`
	Recruiting            bool      `gorm:"not null;default:false"`
	CreatedAt             time.Time `gorm:"not null"`
	UpdatedAt             time.Time `gorm:"not null"`
}

func (clusterV1) TableName() string { return "clusters" }

type participantV1 struct {
	ID          uint64 `gorm:"primaryKey"`
	TenantID    uint64 `gorm:"not null;uniqueIndex:ux_participants_school,priority:1;index:ix_participants_year_school,priority:1"`
	YearID      uint64 `gorm:"not null;index:ix_participants_year_school,priority:2"`
	ClusterID   uint64 `gorm:"not null;uniqueIndex:ux_participants_school,priority:2"`
	SchoolID    uint64 `gorm:"not null;uniqueIndex:ux_participants_school,priority:3;index:ix_participants_year_school,priority:3"`
	Status      string `gorm:"size:16;not null"`
	Message     string `gorm:"size:1000;not null;default:''"`
	Note        string `gorm:"size:1000;not null;default:''"`
	RequestedBy uint64 `gorm:"not null;default:0"`
	DecidedBy   uint64 `gorm:"not null;default:0"`
	DecidedAt   *time.Time
	CreatedAt   time.Time `gorm:"not null"`
}

func (participantV1) TableName() string { return "participants" }

type trioV1 struct {
	ID               uint64    `gorm:"primaryKey"`
	TenantID         uint64    `gorm:"not null;index:ix_trios_cluster,priority:1"`
	ClusterID        uint64    `gorm:"not null;index:ix_trios_cluster,priority:2"`
	Name             string    `gorm:"size:200;not null"`
	LeadSchoolID     uint64    `gorm:"not null"`
	AcceleratorOneID uint64    `gorm:"not null"`
	AcceleratorTwoID uint64    `gorm:"not null"`
	CreatedAt        time.Time `gorm:"not null"`
}

func (trioV1) TableName() string { return "trios" }

func migrate1(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&yearV1{}, &schoolV1{}, &clusterV1{}, &participantV1{}, &trioV1{})
}

type teamMemberV2 struct {
	ID        uint64    `gorm:"primaryKey"`
	TenantID  uint64    `gorm:"not null;uniqueIndex:ux_team_members_person,priority:1;index:ix_team_members_person,priority:1"`
	YearID    uint64    `gorm:"not null;uniqueIndex:ux_team_members_person,priority:2"`
	SchoolID  uint64    `gorm:"not null;uniqueIndex:ux_team_members_person,priority:3"`
	PersonID  uint64    `gorm:"not null;uniqueIndex:ux_team_members_person,priority:4;index:ix_team_members_person,priority:2"`
	Name      string    `gorm:"size:200;not null"`
	Role      string    `gorm:"size:16;not null"`
	Subject   string    `gorm:"size:32;not null;default:''"`
	ParaType  string    `gorm:"size:32;not null;default:''"`
	CreatedAt time.Time `gorm:"not null"`
}

func (teamMemberV2) TableName() string { return "team_members" }

func migrate2(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&teamMemberV2{})
}

type workshopV3 struct {
	ID        uint64 `gorm:"primaryKey"`
	TenantID  uint64 `gorm:"not null;uniqueIndex:ux_workshops_number,priority:1"`
	ClusterID uint64 `gorm:"not null;uniqueIndex:ux_workshops_number,priority:2"`
	Number    int    `gorm:"not null;uniqueIndex:ux_workshops_number,priority:3"`
	HeldOn    string `gorm:"size:10;not null;default:''"`
	Venue     string `gorm:"size:200;not null;default:''"`
	Notes     string `gorm:"size:4000;not null;default:''"`
}

func (workshopV3) TableName() string { return "workshops" }

type attendanceV3 struct {
	ID         uint64 `gorm:"primaryKey"`
	TenantID   uint64 `gorm:"not null;uniqueIndex:ux_attendance_member,priority:1"`
	WorkshopID uint64 `gorm:"not null;uniqueIndex:ux_attendance_member,priority:2"`
	MemberID   uint64 `gorm:"not null;uniqueIndex:ux_attendance_member,priority:3"`
	Present    bool   `gorm:"not null"`
}

func (attendanceV3) TableName() string { return "attendance" }

type resourceV3 struct {
	ID         uint64    `gorm:"primaryKey"`
	TenantID   uint64    `gorm:"not null;index:ix_resources_workshop,priority:1"`
	WorkshopID uint64    `gorm:"not null;index:ix_resources_workshop,priority:2"`
	Title      string    `gorm:"size:200;not null"`
	URL        string    `gorm:"size:500;not null;default:''"`
	CreatedAt  time.Time `gorm:"not null"`
}

func (resourceV3) TableName() string { return "resources" }

type visitV3 struct {
	ID              uint64    `gorm:"primaryKey"`
	TenantID        uint64    `gorm:"not null;index:ix_visits_school,priority:1"`
	YearID          uint64    `gorm:"not null;index:ix_visits_school,priority:2"`
	SchoolID        uint64    `gorm:"not null;index:ix_visits_school,priority:3"`
	VisitedOn       string    `gorm:"size:10;not null"`
	VisitorPersonID uint64    `gorm:"not null"`
	VisitorName     string    `gorm:"size:200;not null"`
	Notes           string    `gorm:"size:8000;not null;default:''"`
	CreatedAt       time.Time `gorm:"not null"`
}

func (visitV3) TableName() string { return "visits" }

type actionV3 struct {
	ID        uint64    `gorm:"primaryKey"`
	TenantID  uint64    `gorm:"not null;index:ix_visit_actions_visit,priority:1"`
	VisitID   uint64    `gorm:"not null;index:ix_visit_actions_visit,priority:2"`
	Text      string    `gorm:"size:1000;not null"`
	DueOn     string    `gorm:"size:10;not null;default:''"`
	Done      bool      `gorm:"not null;default:false"`
	CreatedAt time.Time `gorm:"not null"`
}

func (actionV3) TableName() string { return "visit_actions" }

func migrate3(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&workshopV3{}, &attendanceV3{}, &resourceV3{}, &visitV3{}, &actionV3{})
}

type strategyV4 struct {
	ID          uint64    `gorm:"primaryKey"`
	TenantID    uint64    `gorm:"not null;uniqueIndex:ux_strategies_title,priority:1"`
	Theme       string    `gorm:"size:32;not null"`
	Title       string    `gorm:"size:200;not null;uniqueIndex:ux_strategies_title,priority:2"`
	Description string    `gorm:"size:4000;not null;default:''"`
	CreatedAt   time.Time `gorm:"not null"`
}

func (strategyV4) TableName() string { return "strategies" }

type trialV4 struct {
	ID         uint64 `gorm:"primaryKey"`
	TenantID   uint64 `gorm:"not null;uniqueIndex:ux_trials_strategy,priority:1"`
	YearID     uint64 `gorm:"not null;uniqueIndex:ux_trials_strategy,priority:2"`
	SchoolID   uint64 `gorm:"not null;uniqueIndex:ux_trials_strategy,priority:3"`
	StrategyID uint64 `gorm:"not null;uniqueIndex:ux_trials_strategy,priority:4"`
	StartedOn  string `gorm:"size:10;not null;default:''"`
	Notes      string `gorm:"size:4000;not null;default:''"`
	Decision   string `gorm:"size:16;not null;default:''"`
	DecidedAt  *time.Time
	CreatedBy  uint64    `gorm:"not null;default:0"`
	CreatedAt  time.Time `gorm:"not null"`
}

func (trialV4) TableName() string { return "trials" }

func migrate4(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&strategyV4{}, &trialV4{})
}

type cohortV5 struct {
	ID        uint64 `gorm:"primaryKey"`
	TenantID  uint64 `gorm:"not null;uniqueIndex:ux_cohorts_school,priority:1"`
	YearID    uint64 `gorm:"not null;uniqueIndex:ux_cohorts_school,priority:2"`
	SchoolID  uint64 `gorm:"not null;uniqueIndex:ux_cohorts_school,priority:3"`
	FrozenAt  *time.Time
	FrozenBy  uint64    `gorm:"not null;default:0"`
	CreatedAt time.Time `gorm:"not null"`
}

func (cohortV5) TableName() string { return "cohorts" }

type cohortMemberV5 struct {
	ID                uint64    `gorm:"primaryKey"`
	TenantID          uint64    `gorm:"not null;uniqueIndex:ux_cohort_members_pupil,priority:1;index:ix_cohort_members_pupil,priority:1"`
	CohortID          uint64    `gorm:"not null;uniqueIndex:ux_cohort_members_pupil,priority:2"`
	PupilID           uint64    `gorm:"not null;uniqueIndex:ux_cohort_members_pupil,priority:3;index:ix_cohort_members_pupil,priority:2"`
	OtherIntervention bool      `gorm:"not null;default:false"`
	AddedBy           uint64    `gorm:"not null;default:0"`
	AddedAt           time.Time `gorm:"not null"`
	RemovedAt         *time.Time
}

func (cohortMemberV5) TableName() string { return "cohort_members" }

type cohortChangeV5 struct {
	ID        uint64    `gorm:"primaryKey"`
	TenantID  uint64    `gorm:"not null;index:ix_cohort_changes_cohort,priority:1"`
	CohortID  uint64    `gorm:"not null;index:ix_cohort_changes_cohort,priority:2"`
	PupilID   uint64    `gorm:"not null"`
	Change    string    `gorm:"size:16;not null"`
	Reason    string    `gorm:"size:1000;not null;default:''"`
	AfterBase bool      `gorm:"not null;default:false"`
	By        uint64    `gorm:"not null;default:0"`
	At        time.Time `gorm:"not null"`
}

func (cohortChangeV5) TableName() string { return "cohort_changes" }

func migrate5(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&cohortV5{}, &cohortMemberV5{}, &cohortChangeV5{})
}

type trialPupilV6 struct {
	ID        uint64    `gorm:"primaryKey"`
	TenantID  uint64    `gorm:"not null;uniqueIndex:ux_trial_pupils_pupil,priority:1;index:ix_trial_pupils_pupil,priority:1"`
	TrialID   uint64    `gorm:"not null;uniqueIndex:ux_trial_pupils_pupil,priority:2"`
	PupilID   uint64    `gorm:"not null;uniqueIndex:ux_trial_pupils_pupil,priority:3;index:ix_trial_pupils_pupil,priority:2"`
	CreatedAt time.Time `gorm:"not null"`
}

func (trialPupilV6) TableName() string { return "trial_pupils" }

func migrate6(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&trialPupilV6{})
}

type snapshotV7 struct {
	ID        uint64    `gorm:"primaryKey"`
	TenantID  uint64    `gorm:"not null;uniqueIndex:ux_snapshots_seq,priority:1"`
	YearID    uint64    `gorm:"not null;uniqueIndex:ux_snapshots_seq,priority:2"`
	SchoolID  uint64    `gorm:"not null;uniqueIndex:ux_snapshots_seq,priority:3"`
	Seq       int       `gorm:"not null;uniqueIndex:ux_snapshots_seq,priority:4"`
	Label     string    `gorm:"size:100;not null"`
	TakenOn   string    `gorm:"size:10;not null"`
	CreatedAt time.Time `gorm:"not null"`
}

func (snapshotV7) TableName() string { return "snapshots" }

type dataPointV7 struct {
	ID            uint64 `gorm:"primaryKey"`
	TenantID      uint64 `gorm:"not null;uniqueIndex:ux_data_points_pupil,priority:1;index:ix_data_points_pupil,priority:1"`
	SnapshotID    uint64 `gorm:"not null;uniqueIndex:ux_data_points_pupil,priority:2"`
	PupilID       uint64 `gorm:"not null;uniqueIndex:ux_data_points_pupil,priority:3;index:ix_data_points_pupil,priority:2"`
	Reading       string `gorm:"size:8;not null;default:''"`
	Writing       string `gorm:"size:8;not null;default:''"`
	Maths         string `gorm:"size:8;not null;default:''"`
	AgeEquivalent *int
	GapMonths     *int
	Attitude      *int
	Aspiration    *int
	Attendance    *float64
	UpdatedBy     uint64    `gorm:"not null;default:0"`
	UpdatedAt     time.Time `gorm:"not null"`
}

func (dataPointV7) TableName() string { return "data_points" }

func migrate7(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&snapshotV7{}, &dataPointV7{})
}

type reminderV8 struct {
	ID       uint64    `gorm:"primaryKey"`
	TenantID uint64    `gorm:"not null;uniqueIndex:ux_reminders_label,priority:1"`
	YearID   uint64    `gorm:"not null;uniqueIndex:ux_reminders_label,priority:2"`
	SchoolID uint64    `gorm:"not null;uniqueIndex:ux_reminders_label,priority:3"`
	Label    string    `gorm:"size:100;not null;uniqueIndex:ux_reminders_label,priority:4"`
	SentAt   time.Time `gorm:"not null"`
}

func (reminderV8) TableName() string { return "reminders" }

func migrate8(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&reminderV8{})
}

type scaleUpV9 struct {
	ID         uint64    `gorm:"primaryKey"`
	TenantID   uint64    `gorm:"not null;uniqueIndex:ux_scaleups_trial,priority:1"`
	TrialID    uint64    `gorm:"not null;uniqueIndex:ux_scaleups_trial,priority:2"`
	YearGroups string    `gorm:"size:64;not null;default:''"`
	Classes    string    `gorm:"size:1000;not null;default:''"`
	UpdatedBy  uint64    `gorm:"not null;default:0"`
	UpdatedAt  time.Time `gorm:"not null"`
}

func (scaleUpV9) TableName() string { return "scaleups" }

type scaleUpStepV9 struct {
	ID        uint64 `gorm:"primaryKey"`
	TenantID  uint64 `gorm:"not null;index:ix_scaleup_steps_trial,priority:1"`
	TrialID   uint64 `gorm:"not null;index:ix_scaleup_steps_trial,priority:2"`
	What      string `gorm:"size:1000;not null"`
	Who       string `gorm:"size:200;not null;default:''"`
	DueOn     string `gorm:"size:10;not null;default:''"`
	DoneAt    *time.Time
	CreatedBy uint64    `gorm:"not null;default:0"`
	CreatedAt time.Time `gorm:"not null"`
}

func (scaleUpStepV9) TableName() string { return "scaleup_steps" }

type surveyRoundV9 struct {
	ID        uint64    `gorm:"primaryKey"`
	TenantID  uint64    `gorm:"not null;uniqueIndex:ux_survey_rounds_label,priority:1"`
	YearID    uint64    `gorm:"not null;uniqueIndex:ux_survey_rounds_label,priority:2"`
	Label     string    `gorm:"size:100;not null;uniqueIndex:ux_survey_rounds_label,priority:3"`
	Open      bool      `gorm:"not null;default:true"`
	CreatedAt time.Time `gorm:"not null"`
}

func (surveyRoundV9) TableName() string { return "survey_rounds" }

type surveyResponseV9 struct {
	ID        uint64    `gorm:"primaryKey"`
	TenantID  uint64    `gorm:"not null;uniqueIndex:ux_survey_responses_person,priority:1;index:ix_survey_responses_school,priority:1"`
	RoundID   uint64    `gorm:"not null;uniqueIndex:ux_survey_responses_person,priority:2;index:ix_survey_responses_school,priority:2"`
	PersonID  uint64    `gorm:"not null;uniqueIndex:ux_survey_responses_person,priority:3"`
	SchoolID  uint64    `gorm:"not null;index:ix_survey_responses_school,priority:3"`
	CreatedAt time.Time `gorm:"not null"`
}

func (surveyResponseV9) TableName() string { return "survey_responses" }

type surveyAnswerV9 struct {
	ID         uint64 `gorm:"primaryKey"`
	TenantID   uint64 `gorm:"not null;uniqueIndex:ux_survey_answers_item,priority:1"`
	ResponseID uint64 `gorm:"not null;uniqueIndex:ux_survey_answers_item,priority:2"`
	Item       string `gorm:"size:32;not null;uniqueIndex:ux_survey_answers_item,priority:3"`
	Value      int    `gorm:"not null"`
}

func (surveyAnswerV9) TableName() string { return "survey_answers" }

type caseStudyV9 struct {
	ID        uint64    `gorm:"primaryKey"`
	TenantID  uint64    `gorm:"not null;uniqueIndex:ux_case_studies_school,priority:1"`
	YearID    uint64    `gorm:"not null;uniqueIndex:ux_case_studies_school,priority:2"`
	SchoolID  uint64    `gorm:"not null;uniqueIndex:ux_case_studies_school,priority:3"`
	Challenge string    `gorm:"size:8000;not null;default:''"`
	Response  string    `gorm:"size:8000;not null;default:''"`
	Outcome   string    `gorm:"size:8000;not null;default:''"`
	UpdatedBy uint64    `gorm:"not null;default:0"`
	UpdatedAt time.Time `gorm:"not null"`
}

func (caseStudyV9) TableName() string { return "case_studies" }

type newsletterV9 struct {
	ID       uint64    `gorm:"primaryKey"`
	TenantID uint64    `gorm:"not null;uniqueIndex:ux_newsletters_term,priority:1"`
	YearID   uint64    `gorm:"not null;uniqueIndex:ux_newsletters_term,priority:2"`
	Term     string    `gorm:"size:16;not null;uniqueIndex:ux_newsletters_term,priority:3"`
	SchoolID uint64    `gorm:"not null;uniqueIndex:ux_newsletters_term,priority:4"`
	SentAt   time.Time `gorm:"not null"`
}

func (newsletterV9) TableName() string { return "newsletters" }

func migrate9(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&scaleUpV9{}, &scaleUpStepV9{}, &surveyRoundV9{}, &surveyResponseV9{}, &surveyAnswerV9{}, &caseStudyV9{}, &newsletterV9{})
}

type strategyV10 struct {
	RetiredAt *time.Time
}

func (strategyV10) TableName() string { return "strategies" }

// migrate10 lets a strategy be retired from the catalogue (kept for the
// trials that used it, no longer offered) instead of deleted.
func migrate10(tx *gorm.DB) error {
	return tx.Migrator().AddColumn(&strategyV10{}, "RetiredAt")
}
