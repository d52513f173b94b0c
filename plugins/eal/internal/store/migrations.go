package store

import (
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk"
)

// Migrations are the plugin's storage steps, append-only: a released step
// is never edited or renumbered. Each declares a snapshot of its tables, so
// changing the models later never rewrites history.
var Migrations = []sdk.Migration{
	{Version: 1, Name: "create the trial's tables", Up: func(tx *gorm.DB) error {
		type trial struct {
			ID                                                                             uint64 `gorm:"primaryKey"`
			TenantID                                                                       uint64 `gorm:"not null;index"`
			Name                                                                           string `gorm:"not null"`
			RegistrationID                                                                 string `gorm:"not null"`
			RecruitmentOn, BaselineOn, RandomisationOn, DeliveryOn, FollowUpOn, OutcomesOn string
			Secret                                                                         []byte `gorm:"not null" json:"-"`
			DSAColumns                                                                     string `gorm:"not null"`
			CreatedAt                                                                      time.Time
		}
		type centre struct {
			ID           uint64 `gorm:"primaryKey"`
			TenantID     uint64 `gorm:"not null;index"`
			TrialID      uint64 `gorm:"not null;uniqueIndex:centres_trial_unit"`
			UnitID       uint64 `gorm:"not null;uniqueIndex:centres_trial_unit"`
			Code         string `gorm:"not null"`
			Name         string `gorm:"not null"`
			HostSchoolID uint64
			CreatedAt    time.Time
		}
		type facilitator struct {
			ID        uint64 `gorm:"primaryKey"`
			TenantID  uint64 `gorm:"not null;index"`
			CentreID  uint64 `gorm:"not null;uniqueIndex:facilitators_centre_person"`
			PersonID  uint64 `gorm:"not null;uniqueIndex:facilitators_centre_person"`
			TrainedOn string `gorm:"not null"`
			CreatedAt time.Time
		}
		type centreDay struct {
			ID       uint64 `gorm:"primaryKey"`
			TenantID uint64 `gorm:"not null;index"`
			CentreID uint64 `gorm:"not null;uniqueIndex:centre_days_centre_day"`
			Day      int    `gorm:"not null;uniqueIndex:centre_days_centre_day"`
			HeldOn   string `gorm:"not null"`
		}
		type session struct {
			ID            uint64 `gorm:"primaryKey"`
			TenantID      uint64 `gorm:"not null;index"`
			CentreID      uint64 `gorm:"not null;uniqueIndex:sessions_centre_day_fac"`
			Day           int    `gorm:"not null;uniqueIndex:sessions_centre_day_fac"`
			FacilitatorID uint64 `gorm:"not null;uniqueIndex:sessions_centre_day_fac"`
			Fidelity      int    `gorm:"not null"`
			Notes         string `gorm:"not null"`
			LoggedAt      time.Time
		}
		type trialSchool struct {
			ID                uint64 `gorm:"primaryKey"`
			TenantID          uint64 `gorm:"not null;index"`
			TrialID           uint64 `gorm:"not null;uniqueIndex:trial_schools_trial_school;uniqueIndex:trial_schools_trial_code"`
			SchoolID          uint64 `gorm:"not null;uniqueIndex:trial_schools_trial_school"`
			CentreID          uint64 `gorm:"not null;index"`
			Code              string `gorm:"not null;uniqueIndex:trial_schools_trial_code"`
			Phase             string `gorm:"not null"`
			InterestOn        string `gorm:"not null"`
			Eligible          *bool
			IneligibleReasons string `gorm:"not null"`
			EALPercent        *float64
			FSMPercent        *float64
			InOtherTrial      bool    `gorm:"not null"`
			CheckedOn         string  `gorm:"not null"`
			AgreementOn       string  `gorm:"not null"`
			LeadPersonID      uint64  `gorm:"not null"`
			WaveID            *uint64 `gorm:"index"`
			Arm               string  `gorm:"not null"`
			WithdrawnOn       string  `gorm:"not null"`
			WithdrawnStage    string  `gorm:"not null"`
			WithdrawnReason   string  `gorm:"not null"`
			WithdrawnNote     string  `gorm:"not null"`
			WaitlistOfferedOn string  `gorm:"not null"`
			CreatedAt         time.Time
		}
		type delegate struct {
			ID            uint64 `gorm:"primaryKey"`
			TenantID      uint64 `gorm:"not null;index"`
			TrialSchoolID uint64 `gorm:"not null;uniqueIndex:delegates_school_person"`
			PersonID      uint64 `gorm:"not null;uniqueIndex:delegates_school_person;index"`
			Subject       string `gorm:"not null"`
			CreatedAt     time.Time
		}
		type attendance struct {
			ID         uint64 `gorm:"primaryKey"`
			TenantID   uint64 `gorm:"not null;index"`
			DelegateID uint64 `gorm:"not null;uniqueIndex:attendances_delegate_day"`
			Day        int    `gorm:"not null;uniqueIndex:attendances_delegate_day"`
			Present    bool   `gorm:"not null"`
		}
		type selfAssessment struct {
			ID         uint64 `gorm:"primaryKey"`
			TenantID   uint64 `gorm:"not null;index"`
			DelegateID uint64 `gorm:"not null;uniqueIndex:self_assessments_delegate_kind"`
			Kind       string `gorm:"not null;uniqueIndex:self_assessments_delegate_kind"`
			Language   int    `gorm:"not null"`
			Demands    int    `gorm:"not null"`
			Learners   int    `gorm:"not null"`
			Confidence int    `gorm:"not null"`
			AnsweredAt time.Time
		}
		type trialPupil struct {
			ID            uint64 `gorm:"primaryKey"`
			TenantID      uint64 `gorm:"not null;index"`
			TrialSchoolID uint64 `gorm:"not null;uniqueIndex:trial_pupils_school_pupil"`
			PupilID       uint64 `gorm:"not null;uniqueIndex:trial_pupils_school_pupil;index"`
			YearGroup     int    `gorm:"not null"`
			Gender        string `gorm:"not null"`
			FSM           bool   `gorm:"not null"`
			ObjectedOn    string `gorm:"not null"`
			GCSEEnglish   *int
			GCSEMaths     *int
			CreatedAt     time.Time
		}
		type pupilPoint struct {
			ID           uint64 `gorm:"primaryKey"`
			TenantID     uint64 `gorm:"not null;index"`
			TrialPupilID uint64 `gorm:"not null;uniqueIndex:pupil_points_pupil_point"`
			Point        string `gorm:"not null;uniqueIndex:pupil_points_pupil_point"`
			Proficiency  string `gorm:"not null"`
			Score        *int
			RecordedAt   time.Time
		}
		type wave struct {
			ID            uint64 `gorm:"primaryKey"`
			TenantID      uint64 `gorm:"not null;index"`
			TrialID       uint64 `gorm:"not null;uniqueIndex:waves_trial_number"`
			Number        int    `gorm:"not null;uniqueIndex:waves_trial_number"`
			State         string `gorm:"not null"`
			StratifyBy    string `gorm:"not null"`
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
		type export struct {
			ID        uint64 `gorm:"primaryKey"`
			TenantID  uint64 `gorm:"not null;index"`
			TrialID   uint64 `gorm:"not null;uniqueIndex:exports_trial_version"`
			Version   int    `gorm:"not null;uniqueIndex:exports_trial_version"`
			ChangeLog string `gorm:"not null"`
			Columns   string `gorm:"not null"`
			SHA256    string `gorm:"not null"`
			Size      int    `gorm:"not null"`
			Content   []byte `gorm:"not null" json:"-"`
			CreatedAt time.Time
			CreatedBy uint64 `gorm:"not null"`
		}
		for _, t := range []any{&trial{}, &centre{}, &facilitator{}, &centreDay{}, &session{}, &trialSchool{}, &delegate{}, &attendance{}, &selfAssessment{}, &trialPupil{}, &pupilPoint{}, &wave{}, &export{}} {
			if err := tx.Migrator().CreateTable(t); err != nil {
				return err
			}
		}
		return nil
	}},
	{Version: 2, Name: "keep each trial school's pupil counts (school_counts, by trigger)", Up: migrate2},
}
