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

// read is the handle for reading tenantID's rows: in work bound to the
// tenant (storage.DB.Bind, a web request) its connection, under row-level
// security on PostgreSQL; otherwise the pool.
func (s *Service) read(ctx context.Context, tenantID uint) *gorm.DB { return s.db.For(ctx, tenantID) }

// write runs fn in a transaction for tenantID, on the work's bound
// connection when it has one.
func (s *Service) write(ctx context.Context, tenantID uint, fn func(tx *gorm.DB) error) error {
	return s.db.For(ctx, tenantID).Transaction(fn)
}

// core is the pool as the core's own role, for what is install-wide or
// deliberately cross-tenant: the tenants themselves (resolving the request's
// tenant comes before any binding), host names (unique across tenants) and
// the time zones of many tenants at once.
func (s *Service) core(ctx context.Context) *gorm.DB { return s.db.Core(ctx) }

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
