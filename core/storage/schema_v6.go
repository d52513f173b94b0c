package storage

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Schema snapshot of version 6: pupil imports (core/pupils/importer). One
// row per uploaded file: who, which school, the file (sealed, since it holds
// UPNs, and deleted after the commit or after 24 hours), its status, the
// counts the progress bar and the result show, and the per-row error report
// (sealed too: it shows the rows' names to the uploader).
type v6PupilImport struct {
	ID         uint      `gorm:"primaryKey"`
	TenantID   uint      `gorm:"not null;index:idx_pupil_imports_tenant_school,priority:1"`
	Tenant     v1Tenant  `gorm:"constraint:OnDelete:CASCADE"`
	SchoolID   uint      `gorm:"not null;index:idx_pupil_imports_tenant_school,priority:2"`
	School     v1OrgUnit `gorm:"constraint:OnDelete:CASCADE"`
	UserID     *uint     `gorm:"index"` // nil for the CLI
	ActorLabel string    `gorm:"size:254;not null;default:''"`
	FileName   string    `gorm:"size:255;not null;default:''"`
	FileSize   int64     `gorm:"not null;default:0"`
	// FileSealed is the uploaded file, sealed; emptied after commit or expiry.
	FileSealed []byte `gorm:"column:file_sealed"`
	Format     string `gorm:"size:8;not null;default:''"`
	Encoding   string `gorm:"size:40;not null;default:''"`
	// Status: uploaded, checking, checked, importing, done, failed, expired.
	Status string `gorm:"size:16;not null;index"`
	// Mode: all (all-or-nothing) or valid (only the valid rows).
	Mode          string `gorm:"size:8;not null;default:'all'"`
	TotalRows     int    `gorm:"not null;default:0"`
	ProcessedRows int    `gorm:"not null;default:0"`
	NewRows       int    `gorm:"not null;default:0"` // preview: rows that would create a pupil
	ChangedRows   int    `gorm:"not null;default:0"` // preview: rows that would change one
	CreatedRows   int    `gorm:"not null;default:0"` // result
	UpdatedRows   int    `gorm:"not null;default:0"` // result
	UnchangedRows int    `gorm:"not null;default:0"`
	ErrorRows     int    `gorm:"not null;default:0"`
	// Message is the file-level error (or why the import failed); never pupil data.
	Message string `gorm:"type:text;not null;default:''"`
	// ReportSealed is the sealed JSON report: column mapping and per-row errors.
	ReportSealed []byte `gorm:"column:report_sealed"`
	CreatedAt    time.Time
	UpdatedAt    time.Time
	FinishedAt   *time.Time
}

func (v6PupilImport) TableName() string { return "pupil_imports" }

func v6Up(tx *gorm.DB, _ Dialect) error {
	if err := tx.Migrator().CreateTable(&v6PupilImport{}); err != nil {
		return fmt.Errorf("create pupil_imports: %w", err)
	}
	return nil
}

func v6Down(tx *gorm.DB, _ Dialect) error {
	if err := tx.Migrator().DropTable(&v6PupilImport{}); err != nil {
		return fmt.Errorf("drop pupil_imports: %w", err)
	}
	return nil
}
