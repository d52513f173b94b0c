package privacy

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/pupils"
)

// ExportFormat names the layout of a subject export archive.
const ExportFormat = "upwards-subject-export/1"

// ExportOptions tune an export.
type ExportOptions struct {
	// AllowPartial serves the archive even when a plugin failed; its
	// manifest.json then lists the failure. Without it a failing plugin
	// fails the export (*ExportError), so no one mistakes a partial archive
	// for everything held.
	AllowPartial bool
}

// Archive is a gathered subject export, ready to write as a zip file.
type Archive struct {
	Request  Request
	Manifest Manifest
	files    []archiveFile
}

type archiveFile struct {
	name    string
	content []byte
}

// Manifest is the archive's manifest.json: what each source returned.
type Manifest struct {
	Format      string    `json:"format"`
	RequestID   uint      `json:"request_id"`
	Tenant      string    `json:"tenant"`
	PupilID     uint      `json:"pupil_id"`
	GeneratedAt time.Time `json:"generated_at"`
	GeneratedBy string    `json:"generated_by"`
	// Complete is false when a source failed: the archive lacks its data.
	Complete bool      `json:"complete"`
	Sources  []Outcome `json:"sources"`
}

// Filename is the archive's suggested file name (ids only).
func (a *Archive) Filename() string {
	return fmt.Sprintf("pupil-%d-export-%d.zip", a.Manifest.PupilID, a.Request.ID)
}

// WriteZip writes the archive: manifest.json, core/…, plugins/<id>/….
func (a *Archive) WriteZip(w io.Writer) error {
	zw := zip.NewWriter(w)
	m, err := json.MarshalIndent(a.Manifest, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	files := append([]archiveFile{{name: "manifest.json", content: m}}, a.files...)
	for _, f := range files {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: a.Manifest.GeneratedAt})
		if err != nil {
			return fmt.Errorf("write %s: %w", f.name, err)
		}
		if _, err := fw.Write(f.content); err != nil {
			return fmt.Errorf("write %s: %w", f.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("finish the archive: %w", err)
	}
	return nil
}

// ExportError says which sources failed an export that was not allowed to
// be partial; the request is recorded as failed and nothing is served.
type ExportError struct {
	Request Request
}

func (e *ExportError) Error() string {
	return fmt.Sprintf("%v: the export is refused because %s failed (allow a partial export to get the rest)",
		ErrIncomplete, strings.Join(e.Request.Failed(), ", "))
}

func (e *ExportError) Unwrap() error { return ErrIncomplete }

// exportPupil is the core's record in the archive: the pupil with the UPN
// opened (the one place it leaves its sealed form) and the school named.
type exportPupil struct {
	pupils.Pupil
	UPN        string `json:"upn"`
	SchoolName string `json:"school_name"`
	SchoolURN  string `json:"school_urn,omitempty"`
}

// exportEvent is one audit entry naming the pupil. Other pupils an entry
// names (a list page) are counted, not identified.
type exportEvent struct {
	ID          uint      `json:"id"`
	At          time.Time `json:"at"`
	Actor       string    `json:"actor"`
	Action      string    `json:"action"`
	EntityType  string    `json:"entity_type"`
	EntityID    string    `json:"entity_id"`
	Via         string    `json:"via,omitempty"`
	OtherPupils int       `json:"other_pupils,omitempty"`
	Before      any       `json:"before,omitempty"`
	After       any       `json:"after,omitempty"`
}

// Export gathers everything the core and every plugin that may hold the
// tenant's data (see Plugins.SubjectPlugins) hold about one pupil. The
// request is recorded and audited (pupil.export) before the archive is
// returned; a source that failed fails the export unless opts.AllowPartial.
func (s *Service) Export(ctx context.Context, tenantID, pupilID uint, opts ExportOptions) (*Archive, error) {
	t, err := s.tenancy.TenantByID(ctx, tenantID)
	if err != nil {
		return nil, fmt.Errorf("export: tenant %d: %w", tenantID, err)
	}
	p, err := s.pupil(ctx, s.db.For(ctx, tenantID), tenantID, pupilID, false)
	if err != nil {
		return nil, err
	}
	userID, userRef, label := actorUser(ctx)
	now := s.now().UTC().Truncate(time.Second)
	a := &Archive{}
	var outcomes []Outcome

	core := Outcome{Source: SourceCore, Status: "ok", At: now}
	if files, err := s.coreFiles(ctx, tenantID, p); err != nil {
		core.Status, core.Error = "error", errorText(err)
	} else {
		for _, f := range files {
			core.Files = append(core.Files, f.name)
		}
		a.files = append(a.files, files...)
	}
	outcomes = append(outcomes, core)

	ids, enabled, err := s.pluginSources(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		on := enabled[id]
		o := Outcome{Source: PluginSource(id), Status: "ok", Enabled: &on, At: s.now().UTC()}
		files, err := s.plugins.ExportSubject(ctx, id, tenantID, userID, pupilSubject(p.ID))
		if err != nil {
			o.Status, o.Error = "error", errorText(err)
			s.log.WarnContext(ctx, "subject export: plugin failed", "plugin", id, "tenant_id", tenantID, "pupil_id", p.ID, "error", o.Error)
		} else {
			used := map[string]bool{}
			for i, f := range files {
				name := "plugins/" + id + "/" + safeName(f.GetName(), i, used)
				o.Files = append(o.Files, name)
				a.files = append(a.files, archiveFile{name: name, content: f.GetContent()})
			}
		}
		outcomes = append(outcomes, o)
	}

	req := Request{TenantID: tenantID, PupilID: p.ID, Kind: KindExport, Status: StatusDone, Outcomes: outcomes,
		RequestedBy: userRef, RequestedLabel: label, Attempts: 1}
	if len(req.Failed()) > 0 {
		req.Status = StatusPartial
		if !opts.AllowPartial {
			req.Status = StatusFailed
		}
	}
	if err := s.record(ctx, &req, "pupil.export", nil); err != nil {
		return nil, err
	}
	if req.Status == StatusFailed {
		return nil, &ExportError{Request: req}
	}
	a.Request = req
	a.Manifest = Manifest{Format: ExportFormat, RequestID: req.ID, Tenant: t.Slug, PupilID: p.ID, GeneratedAt: now,
		GeneratedBy: label, Complete: req.Status == StatusDone, Sources: outcomes}
	return a, nil
}

// coreFiles are the core's part of an export: the record and the audit entries.
func (s *Service) coreFiles(ctx context.Context, tenantID uint, p pupils.Pupil) ([]archiveFile, error) {
	u, err := s.pupils.OpenUPN(p)
	if err != nil {
		return nil, fmt.Errorf("open the UPN of pupil %d: %w", p.ID, err)
	}
	rec := exportPupil{Pupil: p, UPN: u}
	school, err := s.tenancy.GetUnit(ctx, tenantID, p.SchoolID)
	if err != nil {
		return nil, fmt.Errorf("school of pupil %d: %w", p.ID, err)
	}
	rec.SchoolName = school.Name
	if school.URN != nil {
		rec.SchoolURN = *school.URN
	}
	pb, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode pupil %d: %w", p.ID, err)
	}
	evs, err := audit.AccessesOfPupil(ctx, s.db.For(ctx, tenantID), tenantID, p.ID)
	if err != nil {
		return nil, err
	}
	out := make([]exportEvent, 0, len(evs))
	for _, e := range evs {
		x := exportEvent{ID: e.ID, At: e.CreatedAt, Actor: e.ActorLabel, Action: e.Action, EntityType: e.EntityType, EntityID: e.EntityID}
		if n := len(e.PupilIDs); n > 1 {
			x.OtherPupils = n - 1
		}
		var after struct {
			Via string `json:"via"`
		}
		if json.Unmarshal([]byte(e.After), &after) == nil {
			x.Via = after.Via
		}
		// A change to this pupil's own record keeps its before and after;
		// an access naming many pupils keeps only how it happened.
		if e.EntityType == "pupil" && e.EntityID == strconv.FormatUint(uint64(p.ID), 10) {
			x.Before, x.After = rawJSON(e.Before), rawJSON(e.After)
		}
		out = append(out, x)
	}
	eb, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode audit entries: %w", err)
	}
	return []archiveFile{{name: "core/pupil.json", content: pb}, {name: "core/audit-events.json", content: eb}}, nil
}

func rawJSON(s string) any {
	if s == "" || !json.Valid([]byte(s)) {
		return nil
	}
	return json.RawMessage(s)
}

// safeName turns a plugin's file name into one path element of the archive:
// no directories (a plugin cannot write outside its folder), only letters,
// digits, '.', '-' and '_', at most 100 characters, unique in the folder.
func safeName(name string, i int, used map[string]bool) string {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	var b strings.Builder
	for _, r := range base {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := strings.TrimLeft(b.String(), ".")
	if len(out) > 100 {
		out = out[len(out)-100:]
	}
	if out == "" {
		out = fmt.Sprintf("file-%d", i+1)
	}
	for n := 2; used[out]; n++ {
		out = fmt.Sprintf("%d-%s", n, strings.TrimLeft(out, "0123456789-"))
	}
	used[out] = true
	return out
}

// record inserts (or, when req.ID is set, updates) the request and appends
// its audit entry in one transaction; also runs in it when not nil.
func (s *Service) record(ctx context.Context, req *Request, action string, also func(tx *gorm.DB) error) error {
	if err := req.encode(); err != nil {
		return err
	}
	return s.db.For(ctx, req.TenantID).Transaction(func(tx *gorm.DB) error {
		if also != nil {
			if err := also(tx); err != nil {
				return err
			}
		}
		if req.ID == 0 {
			if err := tx.Create(req).Error; err != nil {
				return fmt.Errorf("record the %s request: %w", req.Kind, err)
			}
		} else if err := tx.Model(&Request{}).Where("id = ?", req.ID).Updates(map[string]any{
			"status": req.Status, "outcomes": req.OutcomesJSON, "attempts": req.Attempts,
			"completed_at": req.CompletedAt, "updated_at": s.now().UTC(),
		}).Error; err != nil {
			return fmt.Errorf("update the %s request %d: %w", req.Kind, req.ID, err)
		}
		return audit.Record(ctx, tx, audit.Change{TenantID: req.TenantID, Action: action, EntityType: "pupil",
			EntityID: strconv.FormatUint(uint64(req.PupilID), 10), PupilIDs: []uint{req.PupilID}, After: auditView(*req)})
	})
}

// auditView is what the audit entry keeps of a request: ids, statuses and
// counts, the reason, and which sources failed (never their error text,
// which comes from a plugin).
func auditView(r Request) map[string]any {
	sources := map[string]any{}
	for _, o := range r.Outcomes {
		v := map[string]any{"status": o.Status}
		if r.Kind == KindExport {
			v["files"] = len(o.Files)
		} else {
			v["erased"], v["anonymised"] = o.Erased, o.Anonymised
		}
		sources[o.Source] = v
	}
	out := map[string]any{"request_id": r.ID, "status": r.Status, "attempt": r.Attempts, "sources": sources}
	if r.Reason != "" {
		out["reason"] = r.Reason
	}
	return out
}
