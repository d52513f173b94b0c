package storage

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Schema snapshot of version 7: subject-rights requests (core/privacy). One
// row per export or erasure of a pupil's data, with the outcome of each
// source (the core and every plugin) as JSON, so an erasure that a plugin
// failed stays "incomplete" until a retry finishes it. The row keeps ids
// only: it outlives the pupil it names (no foreign key to pupils).
type v7SubjectRequest struct {
	ID       uint     `gorm:"primaryKey"`
	TenantID uint     `gorm:"not null;index:idx_subject_requests_tenant_pupil,priority:1;index:idx_subject_requests_tenant_status,priority:1"`
	Tenant   v1Tenant `gorm:"constraint:OnDelete:CASCADE"`
	PupilID  uint     `gorm:"not null;index:idx_subject_requests_tenant_pupil,priority:2"`
	// Kind is "export" or "erase".
	Kind string `gorm:"size:16;not null"`
	// Status: an export is "done", "partial" or "failed"; an erasure is
	// "incomplete" until every source answered, then "done".
	Status string `gorm:"size:16;not null;index:idx_subject_requests_tenant_status,priority:2"`
	// Reason is why the pupil was erased (free text, no pupil data), or "retention".
	Reason string `gorm:"size:500;not null;default:''"`
	// Outcomes is a JSON object: source ("core", "plugin:<id>") → outcome.
	Outcomes       string `gorm:"type:text;not null;default:''"`
	RequestedBy    *uint
	RequestedLabel string `gorm:"size:254;not null;default:''"`
	Attempts       int    `gorm:"not null;default:0"`
	CreatedAt      time.Time
	UpdatedAt      time.Time
	CompletedAt    *time.Time
}

func (v7SubjectRequest) TableName() string { return "subject_requests" }

func v7Up(tx *gorm.DB, _ Dialect) error {
	if err := tx.Migrator().CreateTable(&v7SubjectRequest{}); err != nil {
		return fmt.Errorf("create subject_requests: %w", err)
	}
	return nil
}

func v7Down(tx *gorm.DB, _ Dialect) error {
	if err := tx.Migrator().DropTable(&v7SubjectRequest{}); err != nil {
		return fmt.Errorf("drop subject_requests: %w", err)
	}
	return nil
}
