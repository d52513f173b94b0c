package store

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// AddExport freezes a new version of the trial's export: the next version
// number, its content and checksum. Versions after the first say what
// changed (changeLog is required for them). There is no way to change or
// delete an export: a correction is a new version.
func (s *Store) AddExport(trialID uint64, content []byte, columns []string, changeLog string, by uint64, now time.Time) (Export, error) {
	var last []Export
	if err := s.q().Select("version").Where("trial_id = ?", trialID).Order("version DESC").Limit(1).Find(&last).Error; err != nil {
		return Export{}, fmt.Errorf("last export: %w", err)
	}
	version := 1
	if len(last) > 0 {
		version = last[0].Version + 1
	}
	changeLog, err := text("change_log", changeLog, 2000, version > 1)
	if err != nil {
		if version > 1 {
			return Export{}, invalid("change_log", "say what this version changes since version %d (a correction, new data, an objection)", version-1)
		}
		return Export{}, err
	}
	sum := sha256.Sum256(content)
	e := Export{TenantID: s.tenant, TrialID: trialID, Version: version, ChangeLog: changeLog, Columns: strings.Join(columns, "\n"),
		SHA256: hex.EncodeToString(sum[:]), Size: len(content), Content: content, CreatedAt: now, CreatedBy: by}
	return e, s.create(&e, fmt.Sprintf("export version %d", version))
}

// NextExportVersion is the version the next export will have.
func (s *Store) NextExportVersion(trialID uint64) (int, error) {
	var n int64
	if err := s.q().Model(&Export{}).Where("trial_id = ?", trialID).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("count exports: %w", err)
	}
	return int(n) + 1, nil
}

// Exports lists a trial's export versions (without their content), newest
// first.
func (s *Store) Exports(trialID uint64) ([]Export, error) {
	var es []Export
	if err := s.q().Omit("content").Where("trial_id = ?", trialID).Order("version DESC").Find(&es).Error; err != nil {
		return nil, fmt.Errorf("list exports: %w", err)
	}
	return es, nil
}

// Export loads one version of a trial's export, with its content, and
// checks it against its checksum.
func (s *Store) Export(trialID uint64, version int) (Export, error) {
	var es []Export
	if err := s.q().Where("trial_id = ? AND version = ?", trialID, version).Limit(1).Find(&es).Error; err != nil {
		return Export{}, fmt.Errorf("export version %d: %w", version, err)
	}
	if len(es) == 0 {
		return Export{}, fmt.Errorf("export version %d of trial %d: %w", version, trialID, ErrNotFound)
	}
	sum := sha256.Sum256(es[0].Content)
	if hex.EncodeToString(sum[:]) != es[0].SHA256 {
		return Export{}, fmt.Errorf("export version %d no longer matches its checksum", version)
	}
	return es[0], nil
}
