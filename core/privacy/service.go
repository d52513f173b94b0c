// Package privacy carries out the data-subject rights of UK GDPR for pupils,
// across the core and every plugin: Export gathers everything held about one
// pupil into one zip archive (the core's record with the UPN opened, the
// audit entries naming the pupil, and what each plugin's ExportSubject
// returns); Erase removes the pupil from every plugin (EraseSubject) and then
// from the core; the retention sweep erases, through the same Erase, the
// pupils who left longer ago than the tenant's retention period.
//
// Every request is a row of subject_requests with the outcome of each source,
// and an audit entry (pupil.export, pupil.erase) that names the pupil by id
// only. An erasure that a plugin failed keeps the core's record and stays
// "incomplete", naming the plugin; erasing again (or the daily sweep)
// finishes it.
package privacy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/pupils/upn"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/tenancy"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Plugins is the plugin runtime's side of subject rights; core/pluginhost's
// Runtime implements it.
type Plugins interface {
	// SubjectPlugins lists the plugins that may hold data about the tenant's
	// subjects (enabled now or before), and which the tenant enables now.
	SubjectPlugins(ctx context.Context, tenantID uint) ([]string, map[string]bool, error)
	// ExportSubject returns what plugin id holds about the subject.
	ExportSubject(ctx context.Context, id string, tenantID, userID uint, s *pluginv1.Subject) ([]*pluginv1.ExportFile, error)
	// EraseSubject erases the subject in plugin id.
	EraseSubject(ctx context.Context, id string, tenantID, userID uint, s *pluginv1.Subject) (erased, anonymised int64, err error)
}

// Errors of the service.
var (
	// ErrNotFound: no such pupil in the tenant (ids of other tenants included).
	ErrNotFound = errors.New("no such pupil")
	// ErrIncomplete: a source could not export or erase; the request row
	// names it. An erasure is finished by erasing again.
	ErrIncomplete = errors.New("not every source answered")
)

// InvalidError is a request refused before anything was done; Message says
// why without repeating any personal data.
type InvalidError struct{ Message string }

func (e *InvalidError) Error() string { return e.Message }

// Kinds and statuses of requests.
const (
	KindExport = "export"
	KindErase  = "erase"

	// StatusDone: every source answered (an erasure: the core's record is gone).
	StatusDone = "done"
	// StatusPartial: an export served without the sources that failed (--allow-partial).
	StatusPartial = "partial"
	// StatusFailed: an export refused because a source failed.
	StatusFailed = "failed"
	// StatusIncomplete: an erasure some source has not finished; erase again.
	StatusIncomplete = "incomplete"
)

// SourceCore names the core as a source of a request.
const SourceCore = "core"

// PluginSource names plugin id as a source of a request.
func PluginSource(id string) string { return "plugin:" + id }

// Outcome is what one source did for a request.
type Outcome struct {
	Source string `json:"source"`
	// Status is "ok" or "error".
	Status string `json:"status"`
	// Enabled says whether the tenant enables the plugin now (plugins only).
	Enabled *bool `json:"enabled,omitempty"`
	// Files are the archive paths the source contributed (exports).
	Files []string `json:"files,omitempty"`
	// Erased and Anonymised count the records removed and kept without the
	// subject, over every attempt (erasures).
	Erased     int64 `json:"erased,omitempty"`
	Anonymised int64 `json:"anonymised,omitempty"`
	// Error says why the source failed.
	Error string    `json:"error,omitempty"`
	At    time.Time `json:"at"`
}

// OK reports whether the source answered.
func (o Outcome) OK() bool { return o.Status == "ok" }

// Request is one export or erasure (table subject_requests).
type Request struct {
	ID             uint      `gorm:"primaryKey" json:"id"`
	TenantID       uint      `json:"tenant_id"`
	PupilID        uint      `json:"pupil_id"`
	Kind           string    `json:"kind"`
	Status         string    `json:"status"`
	Reason         string    `json:"reason,omitempty"`
	OutcomesJSON   string    `gorm:"column:outcomes" json:"-"`
	Outcomes       []Outcome `gorm:"-" json:"outcomes"`
	RequestedBy    *uint     `json:"requested_by,omitempty"`
	RequestedLabel string    `json:"requested_label"`
	Attempts       int       `json:"attempts"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
	// CompletedAt is when an erasure finished.
	CompletedAt *time.Time `json:"completed_at,omitempty"`
}

// TableName maps Request onto the core schema.
func (Request) TableName() string { return "subject_requests" }

// Failed lists the sources that did not answer.
func (r Request) Failed() []string {
	var out []string
	for _, o := range r.Outcomes {
		if !o.OK() {
			out = append(out, o.Source)
		}
	}
	return out
}

func (r *Request) encode() error {
	b, err := json.Marshal(r.Outcomes)
	if err != nil {
		return fmt.Errorf("encode outcomes: %w", err)
	}
	r.OutcomesJSON = string(b)
	return nil
}

func (r *Request) decode() {
	r.Outcomes = nil
	if r.OutcomesJSON != "" {
		_ = json.Unmarshal([]byte(r.OutcomesJSON), &r.Outcomes)
	}
}

// Service carries out subject-rights requests.
type Service struct {
	db      *storage.DB
	pupils  *pupils.Service
	tenancy *tenancy.Service
	plugins Plugins
	log     *slog.Logger
	now     func() time.Time
}

// New returns the service. plugins may be nil (no plugin runtime): then only
// the core is exported and erased.
func New(db *storage.DB, ps *pupils.Service, ts *tenancy.Service, plugins Plugins, log *slog.Logger) *Service {
	if log == nil {
		log = slog.Default()
	}
	return &Service{db: db, pupils: ps, tenancy: ts, plugins: plugins, log: log.With("component", "privacy"), now: time.Now}
}

// SetClock replaces the service's clock (tests of the retention period).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// actorUser is the user the context's audit actor names, or 0 (the system, the CLI).
func actorUser(ctx context.Context) (uint, *uint, string) {
	a := audit.ActorFrom(ctx)
	if a.UserID != nil {
		return *a.UserID, a.UserID, a.Label
	}
	return 0, nil, a.Label
}

// pupil loads a pupil of the tenant.
func (s *Service) pupil(ctx context.Context, db *gorm.DB, tenantID, pupilID uint, lock bool) (pupils.Pupil, error) {
	var p pupils.Pupil
	q := db.WithContext(ctx)
	if lock && s.db.Dialect == storage.Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	err := q.Where("tenant_id = ? AND id = ?", tenantID, pupilID).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return p, fmt.Errorf("pupil %d: %w", pupilID, ErrNotFound)
	}
	if err != nil {
		return p, fmt.Errorf("load pupil %d: %w", pupilID, err)
	}
	return p, nil
}

// PupilSummary is what the subject-rights page shows of a pupil it found.
type PupilSummary struct {
	ID          uint
	GivenName   string
	FamilyName  string
	DateOfBirth string
	YearGroup   int
	SchoolID    uint
	SchoolName  string
	LeftOn      *time.Time
}

// maxFound bounds the pupils one search returns.
const maxFound = 50

// FindPupils returns the tenant's pupils at school whose name contains name
// (case-insensitive; every word must match given or family name), at most
// 50. An empty name lists nothing.
func (s *Service) FindPupils(ctx context.Context, tenantID, schoolID uint, name string) ([]PupilSummary, error) {
	words := strings.Fields(strings.ToLower(name))
	if len(words) == 0 {
		return nil, nil
	}
	q := s.db.For(ctx, tenantID).Model(&pupils.Pupil{}).Where("tenant_id = ? AND school_id = ?", tenantID, schoolID)
	for _, w := range words {
		pat := "%" + likeEscape(w) + "%"
		q = q.Where("(LOWER(given_name) LIKE ? ESCAPE '\\' OR LOWER(family_name) LIKE ? ESCAPE '\\')", pat, pat)
	}
	var ps []pupils.Pupil
	if err := q.Order("family_name, given_name, id").Limit(maxFound).Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("find pupils: %w", err)
	}
	return s.summaries(ctx, tenantID, ps)
}

// FindByUPN returns the tenant's pupil with the UPN typed (spaces and case
// do not matter), or ErrNotFound; a malformed UPN is an *InvalidError.
func (s *Service) FindByUPN(ctx context.Context, tenantID uint, typed string) (PupilSummary, error) {
	u, err := upn.Parse(typed)
	if err != nil {
		return PupilSummary{}, &InvalidError{Message: "That is not a valid UPN: " + err.Error()}
	}
	var ps []pupils.Pupil
	if err := s.db.For(ctx, tenantID).Where("tenant_id = ? AND upn_hash = ?", tenantID, s.pupils.HashUPN(u)).Limit(1).Find(&ps).Error; err != nil {
		return PupilSummary{}, fmt.Errorf("find pupil by UPN: %w", err)
	}
	if len(ps) == 0 {
		return PupilSummary{}, fmt.Errorf("pupil with that UPN: %w", ErrNotFound)
	}
	out, err := s.summaries(ctx, tenantID, ps)
	if err != nil {
		return PupilSummary{}, err
	}
	return out[0], nil
}

// Pupil returns the summary of one pupil of the tenant, or ErrNotFound.
func (s *Service) Pupil(ctx context.Context, tenantID, pupilID uint) (PupilSummary, error) {
	p, err := s.pupil(ctx, s.db.For(ctx, tenantID), tenantID, pupilID, false)
	if err != nil {
		return PupilSummary{}, err
	}
	out, err := s.summaries(ctx, tenantID, []pupils.Pupil{p})
	if err != nil {
		return PupilSummary{}, err
	}
	return out[0], nil
}

func (s *Service) summaries(ctx context.Context, tenantID uint, ps []pupils.Pupil) ([]PupilSummary, error) {
	names := map[uint]string{}
	out := make([]PupilSummary, len(ps))
	for i, p := range ps {
		if _, ok := names[p.SchoolID]; !ok {
			u, err := s.tenancy.GetUnit(ctx, tenantID, p.SchoolID)
			if err != nil {
				return nil, fmt.Errorf("school of pupil %d: %w", p.ID, err)
			}
			names[p.SchoolID] = u.Name
		}
		out[i] = PupilSummary{ID: p.ID, GivenName: p.GivenName, FamilyName: p.FamilyName, DateOfBirth: p.DateOfBirth,
			YearGroup: p.YearGroup, SchoolID: p.SchoolID, SchoolName: names[p.SchoolID], LeftOn: p.LeftOn}
	}
	return out, nil
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// Requests lists the tenant's latest requests, newest first (at most limit, default 50).
func (s *Service) Requests(ctx context.Context, tenantID uint, limit int) ([]Request, error) {
	if limit <= 0 || limit > 1000 {
		limit = 50
	}
	var out []Request
	if err := s.db.For(ctx, tenantID).Where("tenant_id = ?", tenantID).Order("id DESC").Limit(limit).Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list subject requests: %w", err)
	}
	for i := range out {
		out[i].decode()
	}
	return out, nil
}

// RequestsOfPupil lists the tenant's requests about one pupil, oldest first.
func (s *Service) RequestsOfPupil(ctx context.Context, tenantID, pupilID uint) ([]Request, error) {
	var out []Request
	if err := s.db.For(ctx, tenantID).Where("tenant_id = ? AND pupil_id = ?", tenantID, pupilID).Order("id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("list subject requests of pupil %d: %w", pupilID, err)
	}
	for i := range out {
		out[i].decode()
	}
	return out, nil
}

// pluginSources returns the plugins to ask, or none without a runtime.
func (s *Service) pluginSources(ctx context.Context, tenantID uint) ([]string, map[string]bool, error) {
	if s.plugins == nil {
		return nil, nil, nil
	}
	ids, enabled, err := s.plugins.SubjectPlugins(ctx, tenantID)
	if err != nil {
		return nil, nil, fmt.Errorf("plugins holding data of tenant %d: %w", tenantID, err)
	}
	return ids, enabled, nil
}

func pupilSubject(id uint) *pluginv1.Subject {
	return &pluginv1.Subject{Id: &pluginv1.Subject_PupilId{PupilId: uint64(id)}}
}

// errorText is what a request and the page keep of a source's error: its
// first 300 characters. Plugins must not put subject data in their errors
// (see docs/plugins/author-guide.md).
func errorText(err error) string {
	msg := err.Error()
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	return msg
}
