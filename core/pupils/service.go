package pupils

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/sealed"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/tenancy"
)

// Sentinel errors; the service wraps them with context (never pupil data),
// so test with errors.Is.
var (
	// ErrNotFound: the pupil or school is not the tenant's, or is outside
	// the actor's reach (the two look the same, as on the web).
	ErrNotFound = errors.New("not found")
	// ErrForbidden: the actor may see the pupil but not do this to it (a
	// reader asking to edit).
	ErrForbidden = errors.New("not allowed")
	// ErrConflict: another pupil of the tenant has the same UPN.
	ErrConflict = errors.New("conflict")
)

// Authorizer answers the permission questions the service asks; core/authz's
// Enforcer is one.
type Authorizer interface {
	Can(ctx context.Context, tenantID, userID uint, perm string, unitID uint) (bool, error)
	Reach(ctx context.Context, tenantID, userID uint, perm string) (all bool, unitIDs []uint, err error)
}

// Graph walks the org-unit graph; core/tenancy's Service is one.
type Graph interface {
	// Descendants returns the unit and every unit inside it (for the root,
	// every unit of the tenant).
	Descendants(ctx context.Context, tenantID, id uint) ([]uint, error)
}

// Actor is who reads or changes pupil records, and through what.
type Actor struct {
	// UserID is the user acting; their permissions decide what they reach.
	UserID uint
	// System marks the core itself acting for the tenant (the CLI, a core
	// job): it reaches the whole tenant. A zero Actor is neither a user nor
	// the system and reaches nothing. Plugin jobs are never System: the Host
	// API gives a plugin's system actor no pupils.
	System bool
	// Via is the route ("GET /pupils/:pid") or job ("cli:privacy export",
	// "plugin:challengegap") the access comes through; the audit log keeps it.
	Via string
}

// UserActor is a user acting through via.
func UserActor(userID uint, via string) Actor { return Actor{UserID: userID, Via: via} }

// SystemActor is the core acting for the tenant through via.
func SystemActor(via string) Actor { return Actor{System: true, Via: via} }

// Service reads and changes pupil records, checking access and writing the
// audit log. Every method takes the tenant: a pupil of another tenant is
// simply not found.
type Service struct {
	db    *storage.DB
	box   *sealed.Box
	az    Authorizer
	graph Graph
	now   func() time.Time
}

// NewService returns the pupil service over db, sealing UPNs with box. Until
// SetAccess is called only the System actor is let in.
func NewService(db *storage.DB, box *sealed.Box) *Service {
	return &Service{db: db, box: box, now: time.Now}
}

// SetAccess gives the service the permission checker and the org graph it
// needs to answer users. Call it once, while wiring, before serving.
func (s *Service) SetAccess(az Authorizer, g Graph) {
	s.az, s.graph = az, g
}

// UPNHashLen is the length of a stored UPN hash: the first 128 bits of the
// HMAC-SHA-256, hex-encoded (the truncation of RFC 4868's HMAC-SHA-256-128).
// A chance collision between two pupils of a tenant of a million is about 1
// in 10^27; the shorter key halves the unique index that every look-up and
// import walks (migration 8 shortened the hashes stored before).
const UPNHashLen = 32

// HashUPN returns the look-up hash of a canonical UPN (see upn.Parse).
func (s *Service) HashUPN(u string) string { return s.box.Lookup(u, UPNContext)[:UPNHashLen] }

// SealUPN returns the sealed form of a canonical UPN.
func (s *Service) SealUPN(u string) []byte { return s.box.Seal(u, UPNContext) }

// OpenUPN returns the UPN of a record, for the few places that may show it.
func (s *Service) OpenUPN(p Pupil) (string, error) { return s.box.Open(p.UPNSealed, UPNContext) }

// MaskedUPN returns the UPN of p with all but its last three characters
// hidden ("••••••••••123"), for pages that identify a record without showing
// the number; "" when it cannot be opened.
func (s *Service) MaskedUPN(p Pupil) string {
	u, err := s.OpenUPN(p)
	if err != nil || len(u) < 3 {
		return ""
	}
	return maskUPN(u)
}

func maskUPN(u string) string {
	out := make([]rune, 0, len(u))
	for i := 0; i < len(u)-3; i++ {
		out = append(out, '•')
	}
	return string(out) + u[len(u)-3:]
}

// read is the handle for reading tenantID's records: in work bound to the
// tenant (storage.DB.Bind, a web request) its connection, under row-level
// security on PostgreSQL; otherwise the pool.
func (s *Service) read(ctx context.Context, tenantID uint) *gorm.DB { return s.db.For(ctx, tenantID) }

// write runs fn in a transaction acting for tenantID (storage.ActAs): on
// the work's bound connection when it has one, so a request never holds two.
func (s *Service) write(ctx context.Context, tenantID uint, fn func(tx *gorm.DB) error) error {
	return s.db.For(ctx, tenantID).Transaction(func(tx *gorm.DB) error {
		if err := storage.ActAs(tx, s.db.Dialect, tenantID); err != nil {
			return err
		}
		return fn(tx)
	})
}

// can reports whether a holds perm at unitID.
func (s *Service) can(ctx context.Context, a Actor, tenantID uint, perm string, unitID uint) (bool, error) {
	switch {
	case a.System:
		return true, nil
	case a.UserID == 0 || unitID == 0:
		return false, nil
	case s.az == nil:
		return false, errors.New("pupils: no authorizer (SetAccess was not called)")
	}
	ok, err := s.az.Can(ctx, tenantID, a.UserID, perm, unitID)
	if err != nil {
		return false, fmt.Errorf("check %s at unit %d: %w", perm, unitID, err)
	}
	return ok, nil
}

// reach returns where a holds perm: everywhere (all), or these units.
func (s *Service) reach(ctx context.Context, a Actor, tenantID uint, perm string) (bool, []uint, error) {
	switch {
	case a.System:
		return true, nil, nil
	case a.UserID == 0:
		return false, []uint{}, nil
	case s.az == nil:
		return false, nil, errors.New("pupils: no authorizer (SetAccess was not called)")
	}
	all, ids, err := s.az.Reach(ctx, tenantID, a.UserID, perm)
	if err != nil {
		return false, nil, fmt.Errorf("reach of %s: %w", perm, err)
	}
	if ids == nil {
		ids = []uint{}
	}
	return all, ids, nil
}

// schoolsIn returns the schools of the tenant that are unitID or inside it,
// and whether unitID is the tenant's root (every school). ErrNotFound if the
// unit is not the tenant's.
func (s *Service) schoolsIn(ctx context.Context, tenantID, unitID uint) (ids []uint, root bool, err error) {
	var u tenancy.Unit
	if err := s.read(ctx, tenantID).Where("tenant_id = ? AND id = ?", tenantID, unitID).Take(&u).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil, false, fmt.Errorf("unit %d: %w", unitID, ErrNotFound)
		}
		return nil, false, fmt.Errorf("load unit %d: %w", unitID, err)
	}
	q := s.read(ctx, tenantID).Model(&tenancy.Unit{}).Where("tenant_id = ? AND kind = ?", tenantID, tenancy.KindSchool)
	switch {
	case u.IsRoot():
		root = true
	case u.Kind == tenancy.KindSchool:
		return []uint{u.ID}, false, nil
	default:
		if s.graph == nil {
			return nil, false, errors.New("pupils: no org graph (SetAccess was not called)")
		}
		below, err := s.graph.Descendants(ctx, tenantID, unitID)
		if err != nil {
			return nil, false, fmt.Errorf("units in unit %d: %w", unitID, err)
		}
		q = idIn(s.db, q, "id", below)
	}
	if err := q.Order("id").Pluck("id", &ids).Error; err != nil {
		return nil, false, fmt.Errorf("schools in unit %d: %w", unitID, err)
	}
	return ids, root, nil
}

// school checks that id is a school of the tenant.
func (s *Service) school(ctx context.Context, tenantID, id uint) error {
	var n int64
	err := s.read(ctx, tenantID).Model(&tenancy.Unit{}).Where("tenant_id = ? AND id = ? AND kind = ?", tenantID, id, tenancy.KindSchool).Count(&n).Error
	if err != nil {
		return fmt.Errorf("load school %d: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("school %d: %w", id, ErrNotFound)
	}
	return nil
}

// load returns the tenant's pupil id, whoever asks (callers check access).
func (s *Service) load(ctx context.Context, db *gorm.DB, tenantID, id uint) (Pupil, error) {
	var p Pupil
	if err := db.WithContext(ctx).Where("tenant_id = ? AND id = ?", tenantID, id).Take(&p).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return Pupil{}, fmt.Errorf("pupil %d: %w", id, ErrNotFound)
		}
		return Pupil{}, fmt.Errorf("load pupil %d: %w", id, err)
	}
	return p, nil
}

// recordRead writes the audit entry for a read of pupils' data. A read that
// cannot be recorded is not served.
func (s *Service) recordRead(ctx context.Context, a Actor, tenantID uint, action string, ps []Pupil) error {
	if len(ps) == 0 {
		return nil
	}
	ids := make([]uint, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	slices.Sort(ids)
	return audit.RecordAccess(ctx, s.read(ctx, tenantID), audit.Access{TenantID: tenantID, Action: action, Via: a.Via, PupilIDs: slices.Compact(ids)})
}

// maxInlineIDs is the longest id list bound as one parameter each; longer
// lists travel as one JSON array (both databases cap parameters per statement).
const maxInlineIDs = 1000

// idIn restricts col to ids.
func idIn(db *storage.DB, q *gorm.DB, col string, ids []uint) *gorm.DB {
	if len(ids) <= maxInlineIDs {
		if len(ids) == 0 {
			return q.Where("1 = 0")
		}
		return q.Where(col+" IN ?", ids)
	}
	b := make([]byte, 0, len(ids)*6)
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, "%d", id)
	}
	b = append(b, ']')
	if db.Dialect == storage.Postgres {
		return q.Where(col+" IN (SELECT CAST(value AS BIGINT) FROM jsonb_array_elements_text(CAST(? AS jsonb)))", string(b))
	}
	return q.Where(col+" IN (SELECT value FROM json_each(?))", string(b))
}
