package storage

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Schema snapshot of version 4: pupil records (core/pupils). The UPN is kept
// only sealed (AES-256-GCM) with a keyed hash for look-up; see core/sealed.
type v4Pupil struct {
	ID       uint      `gorm:"primaryKey"`
	TenantID uint      `gorm:"not null;uniqueIndex:idx_pupils_tenant_upn,priority:1;index:idx_pupils_tenant_school,priority:1"`
	Tenant   v1Tenant  `gorm:"constraint:OnDelete:CASCADE"`
	SchoolID uint      `gorm:"not null;index:idx_pupils_tenant_school,priority:2"`
	School   v1OrgUnit `gorm:"constraint:OnDelete:RESTRICT"`
	// UPNHash is the hex HMAC-SHA-256 of the UPN under the install's look-up key.
	UPNHash string `gorm:"column:upn_hash;size:64;not null;uniqueIndex:idx_pupils_tenant_upn,priority:2"`
	// UPNSealed is the UPN encrypted under the install's key.
	UPNSealed    []byte `gorm:"column:upn_sealed;not null"`
	GivenName    string `gorm:"size:100;not null"`
	FamilyName   string `gorm:"size:100;not null"`
	DateOfBirth  string `gorm:"size:10;not null"` // YYYY-MM-DD
	YearGroup    int    `gorm:"not null"`         // -1 nursery, 0 reception, 1..14
	Gender       string `gorm:"size:1;not null"`  // M, F (census codes) or U (not known)
	PupilPremium bool   `gorm:"not null;default:false"`
	FSM          bool   `gorm:"column:fsm;not null;default:false"`
	FSMEver6     bool   `gorm:"column:fsm_ever6;not null;default:false"`
	// EALProficiency is "" for a pupil whose first language is English, else A–E or N.
	EALProficiency string `gorm:"column:eal_proficiency;size:1;not null;default:''"`
	// SEN is the census provision code: N none, K SEN support, E EHC plan.
	SEN         string     `gorm:"column:sen;size:1;not null;default:'N'"`
	LookedAfter bool       `gorm:"not null;default:false"`
	LeftOn      *time.Time `gorm:"index"` // the day the pupil left the school; retention counts from it
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (v4Pupil) TableName() string { return "pupils" }

func v4Up(tx *gorm.DB, _ Dialect) error {
	if err := tx.Migrator().CreateTable(&v4Pupil{}); err != nil {
		return fmt.Errorf("create pupils: %w", err)
	}
	return nil
}

func v4Down(tx *gorm.DB, _ Dialect) error {
	if err := tx.Migrator().DropTable(&v4Pupil{}); err != nil {
		return fmt.Errorf("drop pupils: %w", err)
	}
	return nil
}
