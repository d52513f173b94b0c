package tenancy

import (
	"context"
	"fmt"
	"strconv"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/validation"
)

// Service reads and changes tenants, their settings and their org graphs.
// It is safe for concurrent use.
type Service struct {
	db *storage.DB
}

// NewService returns a Service over the core database.
func NewService(db *storage.DB) *Service {
	return &Service{db: db}
}

// maxNameLen is the longest name, in characters, of a tenant or unit.
const maxNameLen = 200

func (s *Service) read(ctx context.Context) *gorm.DB { return s.db.WithContext(ctx) }

func (s *Service) write(ctx context.Context, fn func(tx *gorm.DB) error) error {
	return s.db.WithContext(ctx).Transaction(fn)
}

// lockTenant loads the tenant inside tx, taking a row lock on PostgreSQL so
// that a tenant's graph changes run one at a time (the checks for cycles and
// single parents read, then write). SQLite's writer lock already serialises
// them; its driver drops the locking clause.
func lockTenant(tx *gorm.DB, tenantID uint) (Tenant, error) {
	var t Tenant
	err := tx.Clauses(clause.Locking{Strength: "NO KEY UPDATE"}).Where("id = ?", tenantID).Take(&t).Error
	if err != nil {
		return t, dbErr(err, "tenant %d", tenantID)
	}
	return t, nil
}

func tenantExists(db *gorm.DB, tenantID uint) error {
	var n int64
	if err := db.Model(&Tenant{}).Where("id = ?", tenantID).Count(&n).Error; err != nil {
		return fmt.Errorf("look up tenant %d: %w", tenantID, err)
	}
	if n == 0 {
		return notFound("tenant %d", tenantID)
	}
	return nil
}

func record(ctx context.Context, tx *gorm.DB, tenantID uint, action, entity, id string, before, after any) error {
	return audit.Record(ctx, tx, audit.Change{
		TenantID: tenantID, Action: action, EntityType: entity, EntityID: id,
		Before: before, After: after,
	})
}

func idString(id uint) string { return strconv.FormatUint(uint64(id), 10) }

// checkName returns a problem with a trimmed display name, or "".
func checkName(name string) string {
	switch {
	case name == "":
		return "enter a name"
	case !utf8.ValidString(name):
		return "the name is not valid text"
	case utf8.RuneCountInString(name) > maxNameLen:
		return fmt.Sprintf("a name is at most %d characters (this one has %d)", maxNameLen, utf8.RuneCountInString(name))
	}
	if p := validation.NameProblem(name); p != "" {
		return "the name " + p
	}
	return ""
}
