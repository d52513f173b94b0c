package tenancy

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/storage"
)

// SearchQuery narrows a search of a tenant's units.
type SearchQuery struct {
	// Text matches a name containing it (case-insensitive for ASCII) or, if
	// it is 1-6 digits, also a URN starting with it.
	Text string
	// Kind, if set, keeps only units of this kind.
	Kind Kind
	// Within, if not nil, keeps only units with these ids (an empty, non-nil
	// slice matches nothing): pass what the actor may see.
	Within []uint
	// Archived, if true, finds only archived units; otherwise archived
	// units are left out.
	Archived bool
	// Limit is the page size (default 50, at most 500); Offset skips rows.
	Limit, Offset int
}

// Search page sizes.
const (
	DefaultSearchLimit = 50
	MaxSearchLimit     = 500
)

// maxInlineIDs is the longest id list bound as one parameter each; longer
// lists travel as a single JSON array (SQLite and PostgreSQL both cap the
// number of parameters in a statement).
const maxInlineIDs = 1000

// Search returns one page of the tenant's units matching q, by name (never
// the root; archived units only when q.Archived), and how many match in all.
func (s *Service) Search(ctx context.Context, tenantID uint, q SearchQuery) ([]Unit, int64, error) {
	if q.Kind != "" && !q.Kind.creatable() {
		return nil, 0, invalid("kind", "unknown kind %s; use one of %s", quote(string(q.Kind)), kindList(Kinds()))
	}
	if q.Limit <= 0 {
		q.Limit = DefaultSearchLimit
	}
	if q.Limit > MaxSearchLimit {
		q.Limit = MaxSearchLimit
	}
	if q.Offset < 0 {
		q.Offset = 0
	}
	out := []Unit{}
	if q.Within != nil && len(q.Within) == 0 {
		return out, 0, nil
	}
	db := s.read(ctx, tenantID).Model(&Unit{}).Where("tenant_id = ? AND kind <> ?", tenantID, KindTenant)
	if q.Kind != "" {
		db = db.Where("kind = ?", q.Kind)
	}
	if q.Archived {
		db = db.Where("archived_at IS NOT NULL")
	} else {
		db = db.Where("archived_at IS NULL")
	}
	if text := strings.TrimSpace(q.Text); text != "" {
		like := "%" + escapeLike(strings.ToLower(text)) + "%"
		if allDigits(text) && len(text) <= 6 {
			db = db.Where(`(LOWER(name) LIKE ? ESCAPE '\' OR urn LIKE ?)`, like, text+"%")
		} else {
			db = db.Where(`LOWER(name) LIKE ? ESCAPE '\'`, like)
		}
	}
	if q.Within != nil {
		db = s.idIn(db, "id", q.Within)
	}
	db = db.Session(&gorm.Session{})
	var total int64
	if err := db.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count units of tenant %d: %w", tenantID, err)
	}
	if total == 0 {
		return out, 0, nil
	}
	if err := db.Order("LOWER(name), name, id").Limit(q.Limit).Offset(q.Offset).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("search units of tenant %d: %w", tenantID, err)
	}
	return out, total, nil
}

// CountByKind counts the tenant's units of each kind (never the root nor
// an archived unit), within the given ids if within is not nil. Kinds with no units are absent.
func (s *Service) CountByKind(ctx context.Context, tenantID uint, within []uint) (map[Kind]int64, error) {
	out := map[Kind]int64{}
	if within != nil && len(within) == 0 {
		return out, nil
	}
	db := s.read(ctx, tenantID).Model(&Unit{}).Where("tenant_id = ? AND kind <> ? AND archived_at IS NULL", tenantID, KindTenant)
	if within != nil {
		db = s.idIn(db, "id", within)
	}
	var rows []struct {
		Kind Kind
		N    int64
	}
	if err := db.Select("kind, COUNT(*) AS n").Group("kind").Scan(&rows).Error; err != nil {
		return nil, fmt.Errorf("count units of tenant %d by kind: %w", tenantID, err)
	}
	for _, r := range rows {
		out[r.Kind] = r.N
	}
	return out, nil
}

// idIn restricts col to ids, binding a long list as one JSON parameter.
func (s *Service) idIn(db *gorm.DB, col string, ids []uint) *gorm.DB {
	if len(ids) <= maxInlineIDs {
		return db.Where(col+" IN ?", ids)
	}
	b, _ := json.Marshal(ids) // a []uint always marshals
	if s.db.Dialect == storage.Postgres {
		return db.Where(col+" IN (SELECT CAST(value AS BIGINT) FROM jsonb_array_elements_text(CAST(? AS jsonb)))", string(b))
	}
	return db.Where(col+" IN (SELECT value FROM json_each(?))", string(b))
}

// escapeLike makes s match literally inside a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
