package privacy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/pupils/upn"
	"github.com/challengepartners/upwards/core/storage"
)

// Reason bounds, in characters.
const (
	MinReason = 3
	MaxReason = 500
)

// ReasonRetention is the reason of the retention sweep's erasures.
const ReasonRetention = "retention"

// Outcome statuses beside "ok" and "error".
const statusPending = "pending"

// checkReason validates the reason of an erasure: 3 to 500 characters of
// text, and, since it is kept in the audit log after the pupil is gone,
// without the pupil's names or UPN.
func checkReason(reason string, p *pupils.Pupil, u string) error {
	n := utf8.RuneCountInString(reason)
	switch {
	case !utf8.ValidString(reason):
		return &InvalidError{Message: "The reason is not valid text."}
	case n < MinReason || n > MaxReason:
		return &InvalidError{Message: fmt.Sprintf("Give a reason of %d to %d characters.", MinReason, MaxReason)}
	case strings.IndexFunc(reason, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }) >= 0:
		return &InvalidError{Message: "The reason cannot contain control characters."}
	}
	if p == nil {
		return nil
	}
	split := func(s string) []string {
		return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) })
	}
	words := map[string]bool{}
	for _, w := range split(reason) {
		words[w] = true
	}
	for _, name := range []string{p.GivenName, p.FamilyName} {
		for _, part := range split(name) {
			if utf8.RuneCountInString(part) > 1 && words[part] {
				return &InvalidError{Message: "The reason must not name the pupil: it stays in the audit log after the pupil is erased."}
			}
		}
	}
	if u != "" && strings.Contains(upn.Normalize(reason), u) {
		return &InvalidError{Message: "The reason must not contain the pupil's UPN: it stays in the audit log after the pupil is erased."}
	}
	return nil
}

// Erase removes everything held about one pupil: first in every plugin that
// may hold the tenant's data (EraseSubject, enabled now or before), then, only
// when all of them answered, the core's record. The request is recorded and
// each attempt audited (pupil.erase, with the reason and each source's
// outcome, ids only).
//
// It is idempotent: while an erasure of the pupil is incomplete, Erase
// continues it (keeping its first reason) and asks every plugin again; once
// done, erasing the pupil again returns the finished request. An erasure a
// plugin failed returns the request and an error wrapping ErrIncomplete
// naming the plugin; the core's record is kept until a retry succeeds.
func (s *Service) Erase(ctx context.Context, tenantID, pupilID uint, reason string) (Request, error) {
	reason = strings.TrimSpace(reason)
	if err := checkReason(reason, nil, ""); err != nil {
		return Request{}, err
	}
	_, userRef, label := actorUser(ctx)
	var req Request
	found := false
	err := s.db.For(ctx, tenantID).Transaction(func(tx *gorm.DB) error {
		p, err := s.pupil(ctx, tx, tenantID, pupilID, true)
		exists := err == nil
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		var open []Request
		if err := tx.Where("tenant_id = ? AND pupil_id = ? AND kind = ? AND status = ?", tenantID, pupilID, KindErase, StatusIncomplete).
			Order("id").Limit(1).Find(&open).Error; err != nil {
			return fmt.Errorf("load open erasure of pupil %d: %w", pupilID, err)
		}
		if len(open) > 0 {
			req, found = open[0], true
			req.decode()
			return nil
		}
		if !exists {
			var done []Request
			if err := tx.Where("tenant_id = ? AND pupil_id = ? AND kind = ? AND status = ?", tenantID, pupilID, KindErase, StatusDone).
				Order("id DESC").Limit(1).Find(&done).Error; err != nil {
				return fmt.Errorf("load erasure of pupil %d: %w", pupilID, err)
			}
			if len(done) == 0 {
				return fmt.Errorf("pupil %d: %w", pupilID, ErrNotFound)
			}
			req, found = done[0], true
			req.decode()
			return nil
		}
		u, err := s.pupils.OpenUPN(p)
		if err != nil {
			return fmt.Errorf("open the UPN of pupil %d: %w", pupilID, err)
		}
		if err := checkReason(reason, &p, u); err != nil {
			return err
		}
		req = Request{TenantID: tenantID, PupilID: pupilID, Kind: KindErase, Status: StatusIncomplete, Reason: reason,
			RequestedBy: userRef, RequestedLabel: label}
		if err := req.encode(); err != nil {
			return err
		}
		if err := tx.Create(&req).Error; err != nil {
			return fmt.Errorf("record the erasure of pupil %d: %w", pupilID, err)
		}
		return nil
	})
	if err != nil {
		return Request{}, err
	}
	if found && req.Status == StatusDone {
		return req, nil
	}
	return s.attempt(ctx, req)
}

// attempt runs one attempt of an erasure and records its outcome.
func (s *Service) attempt(ctx context.Context, req Request) (Request, error) {
	userID, _, _ := actorUser(ctx)
	// Whatever the outcome, some of the pupil's records may be gone: the
	// plugins' contributions kept from before must not show them again.
	defer s.noteErasure(ctx, req.TenantID)
	req.Attempts++
	prev := map[string]Outcome{}
	for _, o := range req.Outcomes {
		prev[o.Source] = o
	}
	var outcomes []Outcome
	var failed []string
	ids, enabled, err := s.pluginSources(ctx, req.TenantID)
	if err != nil {
		return req, err
	}
	for _, id := range ids {
		on := enabled[id]
		src := PluginSource(id)
		o := Outcome{Source: src, Status: "ok", Enabled: &on, At: s.now().UTC(),
			Erased: prev[src].Erased, Anonymised: prev[src].Anonymised}
		erased, anon, err := s.plugins.EraseSubject(ctx, id, req.TenantID, userID, pupilSubject(req.PupilID))
		if err != nil {
			o.Status, o.Error = "error", errorText(err)
			failed = append(failed, src)
			s.log.WarnContext(ctx, "subject erasure: plugin failed", "plugin", id, "tenant_id", req.TenantID,
				"pupil_id", req.PupilID, "request_id", req.ID, "error", o.Error)
		} else {
			o.Erased += erased
			o.Anonymised += anon
		}
		outcomes = append(outcomes, o)
	}
	core := Outcome{Source: SourceCore, Status: statusPending, At: s.now().UTC(), Erased: prev[SourceCore].Erased,
		Error: "kept until every plugin has erased the pupil"}
	if len(failed) > 0 {
		req.Outcomes = append([]Outcome{core}, outcomes...)
		if err := s.record(ctx, &req, "pupil.erase", nil); err != nil {
			return req, err
		}
		return req, fmt.Errorf("erasure of pupil %d (request %d): %w: %s failed; the core's record is kept, erase again to finish",
			req.PupilID, req.ID, ErrIncomplete, strings.Join(failed, ", "))
	}
	core.Status, core.Error = "ok", ""
	done := s.now().UTC()
	final := req
	final.Status, final.CompletedAt = StatusDone, &done
	err = s.record(ctx, &final, "pupil.erase", func(tx *gorm.DB) error {
		n, err := eraseCore(ctx, tx, req.TenantID, req.PupilID)
		core.Erased += n
		final.Outcomes = append([]Outcome{core}, outcomes...)
		if err == nil {
			err = final.encode()
		}
		return err
	})
	if err == nil {
		return final, nil
	}
	// The core's deletion failed: record that, keep the request incomplete.
	s.log.ErrorContext(ctx, "subject erasure: the core's records were not deleted", "tenant_id", req.TenantID,
		"pupil_id", req.PupilID, "request_id", req.ID, "error", err.Error())
	core.Status, core.Error = "error", errorText(err)
	req.Outcomes = append([]Outcome{core}, outcomes...)
	if rerr := s.record(ctx, &req, "pupil.erase", nil); rerr != nil {
		return req, errors.Join(err, rerr)
	}
	return req, fmt.Errorf("erasure of pupil %d (request %d): %w: the core failed to delete its records; erase again to finish",
		req.PupilID, req.ID, ErrIncomplete)
}

// noteErasure bumps the tenant's erasures revision
// (storage.TenantErasuresKey), which every cache of answers derived from
// the tenant's data reads (the plugins' contributions to the home page). A
// failure is logged: those caches' time limit still bounds what they keep.
func (s *Service) noteErasure(ctx context.Context, tenantID uint) {
	if err := storage.NoteTenantChange(ctx, s.db.Core(ctx), storage.TenantErasuresKey(tenantID)); err != nil {
		s.log.WarnContext(ctx, "subject erasure: note it for the caches", "tenant_id", tenantID, "error", err.Error())
	}
}

// eraseCore deletes what the core keeps keyed by the pupil: the pupil's
// record. The audit log and subject_requests keep the pupil's id only.
func eraseCore(ctx context.Context, tx *gorm.DB, tenantID, pupilID uint) (int64, error) {
	res := tx.WithContext(ctx).Where("tenant_id = ? AND id = ?", tenantID, pupilID).Delete(&pupils.Pupil{})
	if res.Error != nil {
		return 0, fmt.Errorf("delete pupil %d: %w", pupilID, res.Error)
	}
	return res.RowsAffected, nil
}
