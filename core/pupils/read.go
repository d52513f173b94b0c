package pupils

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/authz"
)

// Audit actions of reads of pupil-level data.
const (
	ActionRead      = "pupil.read"
	ActionList      = "pupil.list"
	ActionRevealUPN = "pupil.upn.reveal"
)

// Get returns pupil id if the actor may read pupils at its school
// (core.pupil.read), recording the read; ErrNotFound otherwise.
func (s *Service) Get(ctx context.Context, a Actor, tenantID, id uint) (Pupil, error) {
	p, err := s.readable(ctx, a, tenantID, id, authz.PermPupilRead)
	if err != nil {
		return Pupil{}, err
	}
	if err := s.recordRead(ctx, a, tenantID, ActionRead, []Pupil{p}); err != nil {
		return Pupil{}, err
	}
	return p, nil
}

// readable loads pupil id and checks the actor holds perm at its school;
// a pupil outside the actor's reach is ErrNotFound.
func (s *Service) readable(ctx context.Context, a Actor, tenantID, id uint, perm string) (Pupil, error) {
	p, err := s.load(ctx, s.read(ctx, tenantID), tenantID, id)
	if err != nil {
		return Pupil{}, err
	}
	ok, err := s.can(ctx, a, tenantID, perm, p.SchoolID)
	if err != nil {
		return Pupil{}, err
	}
	if !ok {
		return Pupil{}, fmt.Errorf("pupil %d: %w", id, ErrNotFound)
	}
	return p, nil
}

// Flag is a characteristic pupils can be filtered and counted by.
type Flag string

// The flags.
const (
	FlagPupilPremium Flag = "pupil_premium"
	FlagFSM          Flag = "fsm"
	FlagFSMEver6     Flag = "fsm_ever6"
	FlagEAL          Flag = "eal"
	FlagSEN          Flag = "sen"         // SEN support or an EHC plan
	FlagSENSupport   Flag = "sen_support" // SEN code K
	FlagEHCP         Flag = "ehcp"        // SEN code E
	FlagLookedAfter  Flag = "looked_after"
)

// Flags lists every flag in the order pages show them.
func Flags() []Flag {
	return []Flag{FlagPupilPremium, FlagFSM, FlagFSMEver6, FlagEAL, FlagSEN, FlagSENSupport, FlagEHCP, FlagLookedAfter}
}

// Label names a flag for people.
func (f Flag) Label() string {
	switch f {
	case FlagPupilPremium:
		return "Pupil premium"
	case FlagFSM:
		return "Free school meals"
	case FlagFSMEver6:
		return "FSM Ever 6"
	case FlagEAL:
		return "English as an additional language"
	case FlagSEN:
		return "SEN (support or EHC plan)"
	case FlagSENSupport:
		return "SEN support"
	case FlagEHCP:
		return "EHC plan"
	case FlagLookedAfter:
		return "Looked after"
	}
	return string(f)
}

// ParseFlagName returns the flag named s, or an error naming the known flags.
func ParseFlagName(s string) (Flag, error) {
	f := Flag(strings.TrimSpace(s))
	if slices.Contains(Flags(), f) {
		return f, nil
	}
	names := make([]string, 0, len(Flags()))
	for _, f := range Flags() {
		names = append(names, string(f))
	}
	return "", &FieldError{Field: "flag", Message: "unknown flag; use one of " + strings.Join(names, ", ")}
}

// condition is the SQL condition that holds for pupils with the flag.
func (f Flag) condition() string {
	switch f {
	case FlagPupilPremium:
		return "pupil_premium = TRUE"
	case FlagFSM:
		return "fsm = TRUE"
	case FlagFSMEver6:
		return "fsm_ever6 = TRUE"
	case FlagEAL:
		return "eal_proficiency <> ''"
	case FlagSEN:
		return "sen IN ('K', 'E')"
	case FlagSENSupport:
		return "sen = 'K'"
	case FlagEHCP:
		return "sen = 'E'"
	case FlagLookedAfter:
		return "looked_after = TRUE"
	}
	return "1 = 0"
}

// Has reports whether p has the flag.
func (f Flag) Has(p Pupil) bool {
	switch f {
	case FlagPupilPremium:
		return p.PupilPremium
	case FlagFSM:
		return p.FSM
	case FlagFSMEver6:
		return p.FSMEver6
	case FlagEAL:
		return p.EAL()
	case FlagSEN:
		return p.SEN == "K" || p.SEN == "E"
	case FlagSENSupport:
		return p.SEN == "K"
	case FlagEHCP:
		return p.SEN == "E"
	case FlagLookedAfter:
		return p.LookedAfter
	}
	return false
}

// Sort orders of a list.
const (
	SortName        = "name" // family name, given name (the default)
	SortYearGroup   = "year_group"
	SortDateOfBirth = "date_of_birth"
	SortID          = "id"
)

// Page sizes of a list.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// ListQuery selects pupils of the schools in one unit.
type ListQuery struct {
	// UnitID is a school, or any unit: then the pupils of every school in it.
	UnitID uint
	// YearGroups, if not empty, keeps pupils in one of them.
	YearGroups []int
	// Flags keeps pupils having every one of them.
	Flags []Flag
	// Text keeps pupils whose given or family name, or both as "given
	// family", contains it (case-insensitive for ASCII).
	Text string
	// IncludeLeft also lists pupils marked as left (by default only those on roll).
	IncludeLeft bool
	// Sort is SortName (default), SortYearGroup, SortDateOfBirth or SortID;
	// Desc reverses it.
	Sort string
	Desc bool
	// Limit is the page size (default DefaultLimit, at most MaxLimit); Offset skips rows.
	Limit, Offset int
}

func (q *ListQuery) normalise() error {
	if q.Limit <= 0 {
		q.Limit = DefaultLimit
	}
	if q.Limit > MaxLimit {
		q.Limit = MaxLimit
	}
	if q.Offset < 0 {
		q.Offset = 0
	}
	switch q.Sort {
	case "":
		q.Sort = SortName
	case SortName, SortYearGroup, SortDateOfBirth, SortID:
	default:
		return &FieldError{Field: "sort", Message: "sort must be name, year_group, date_of_birth or id"}
	}
	for _, y := range q.YearGroups {
		if y < MinYearGroup || y > MaxYearGroup {
			return &FieldError{Field: FieldYearGroup, Message: fmt.Sprintf("year group must be from %d to %d", MinYearGroup, MaxYearGroup)}
		}
	}
	for _, f := range q.Flags {
		if _, err := ParseFlagName(string(f)); err != nil {
			return err
		}
	}
	return nil
}

// filter builds the query of q's pupils among schools (all of the tenant's when root).
func (s *Service) filter(ctx context.Context, tenantID uint, schools []uint, root bool, q ListQuery) *gorm.DB {
	db := s.read(ctx, tenantID).Model(&Pupil{}).Where("tenant_id = ?", tenantID)
	if !root {
		db = idIn(s.db, db, "school_id", schools)
	}
	if !q.IncludeLeft {
		db = db.Where("left_on IS NULL")
	}
	if len(q.YearGroups) > 0 {
		db = db.Where("year_group IN ?", q.YearGroups)
	}
	for _, f := range q.Flags {
		db = db.Where(f.condition())
	}
	if text := strings.TrimSpace(q.Text); text != "" {
		like := "%" + escapeLike(strings.ToLower(text)) + "%"
		db = db.Where(`(LOWER(given_name) LIKE ? ESCAPE '\' OR LOWER(family_name) LIKE ? ESCAPE '\' OR LOWER(given_name || ' ' || family_name) LIKE ? ESCAPE '\')`, like, like, like)
	}
	return db.Session(&gorm.Session{})
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func (q ListQuery) order() string {
	dir := ""
	if q.Desc {
		dir = " DESC"
	}
	switch q.Sort {
	case SortYearGroup:
		return "year_group" + dir + ", LOWER(family_name), LOWER(given_name), id"
	case SortDateOfBirth:
		return "date_of_birth" + dir + ", id"
	case SortID:
		return "id" + dir
	}
	return "LOWER(family_name)" + dir + ", LOWER(given_name)" + dir + ", id" + dir
}

// listable checks the actor may read pupils at q's unit and returns its schools.
func (s *Service) listable(ctx context.Context, a Actor, tenantID uint, q *ListQuery) ([]uint, bool, error) {
	if err := q.normalise(); err != nil {
		return nil, false, err
	}
	schools, root, err := s.schoolsIn(ctx, tenantID, q.UnitID)
	if err != nil {
		return nil, false, err
	}
	ok, err := s.can(ctx, a, tenantID, authz.PermPupilRead, q.UnitID)
	if err != nil {
		return nil, false, err
	}
	if !ok {
		return nil, false, fmt.Errorf("unit %d: %w", q.UnitID, ErrNotFound)
	}
	return schools, root, nil
}

// List returns one page of the pupils q selects and how many it selects in
// all, recording the read of the page's pupils. The actor must hold
// core.pupil.read at q.UnitID (and so at every school in it); otherwise
// ErrNotFound.
func (s *Service) List(ctx context.Context, a Actor, tenantID uint, q ListQuery) ([]Pupil, int64, error) {
	schools, root, err := s.listable(ctx, a, tenantID, &q)
	if err != nil {
		return nil, 0, err
	}
	out := []Pupil{}
	db := s.filter(ctx, tenantID, schools, root, q)
	var total int64
	if err := db.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count pupils of unit %d: %w", q.UnitID, err)
	}
	if total == 0 {
		return out, 0, nil
	}
	if err := db.Order(q.order()).Limit(q.Limit).Offset(q.Offset).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("list pupils of unit %d: %w", q.UnitID, err)
	}
	if err := s.recordRead(ctx, a, tenantID, ActionList, out); err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// Count returns how many pupils q selects (its paging ignored), under the
// same access rule as List. It returns no pupil data and records nothing.
func (s *Service) Count(ctx context.Context, a Actor, tenantID uint, q ListQuery) (int64, error) {
	schools, root, err := s.listable(ctx, a, tenantID, &q)
	if err != nil {
		return 0, err
	}
	var n int64
	if err := s.filter(ctx, tenantID, schools, root, q).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count pupils of unit %d: %w", q.UnitID, err)
	}
	return n, nil
}

// ByIDs returns, by id, those of the pupils ids that the actor may read
// (core.pupil.read at their school), recording the read; the others are
// left out without a word, as if absent.
func (s *Service) ByIDs(ctx context.Context, a Actor, tenantID uint, ids []uint) ([]Pupil, error) {
	return s.Select(ctx, a, tenantID, Selection{IDs: ids})
}

// Selection picks pupils for Select.
type Selection struct {
	// IDs, if not empty, keeps these pupils (on roll or left).
	IDs []uint
	// SchoolIDs, if not empty, keeps pupils on roll at these schools.
	SchoolIDs []uint
	// Max, if positive, is the most pupils one call may return: more is
	// ErrTooMany and nothing is returned (or recorded).
	Max int
}

// ErrTooMany: a Selection matches more than its Max pupils.
var ErrTooMany = errors.New("too many pupils for one call")

// Select returns, by id, the pupils sel picks that the actor may read
// (core.pupil.read at their school), recording the read. With neither IDs
// nor SchoolIDs it picks every pupil on roll within the actor's reach.
// Pupils and schools outside the reach are left out without a word.
func (s *Service) Select(ctx context.Context, a Actor, tenantID uint, sel Selection) ([]Pupil, error) {
	out := []Pupil{}
	all, reach, err := s.reach(ctx, a, tenantID, authz.PermPupilRead)
	if err != nil {
		return nil, err
	}
	if !all && len(reach) == 0 {
		return out, nil
	}
	db := s.read(ctx, tenantID).Model(&Pupil{}).Where("tenant_id = ?", tenantID)
	if len(sel.IDs) > 0 {
		db = idIn(s.db, db, "id", dedupe(sel.IDs))
	}
	if len(sel.SchoolIDs) > 0 {
		db = idIn(s.db, db, "school_id", dedupe(sel.SchoolIDs))
	}
	if len(sel.IDs) == 0 {
		db = db.Where("left_on IS NULL")
	}
	if !all {
		db = idIn(s.db, db, "school_id", reach)
	}
	db = db.Session(&gorm.Session{})
	if sel.Max > 0 {
		var n int64
		if err := db.Count(&n).Error; err != nil {
			return nil, fmt.Errorf("count selected pupils: %w", err)
		}
		if n > int64(sel.Max) {
			return nil, fmt.Errorf("%d pupils match, at most %d per call: %w", n, sel.Max, ErrTooMany)
		}
	}
	if err := db.Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("select pupils: %w", err)
	}
	if err := s.recordRead(ctx, a, tenantID, ActionRead, out); err != nil {
		return nil, err
	}
	return out, nil
}

func dedupe(ids []uint) []uint {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}
