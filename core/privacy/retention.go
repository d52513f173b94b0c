package privacy

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hibiken/asynq"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/jobs"
	"github.com/challengepartners/upwards/core/pupils"
)

// SettingRetentionDays is the tenant setting holding the retention period:
// the number of days after a pupil's left_on when the pupil is erased; 0
// keeps pupils who left. Unset means DefaultRetentionDays.
const SettingRetentionDays = "pupils.retention_days"

// DefaultRetentionDays is the retention period of a tenant that set none.
const DefaultRetentionDays = 365

// MaxRetentionDays bounds the setting (100 years).
const MaxRetentionDays = 36500

// TaskRetention is the daily job that runs the retention sweep of every tenant.
const TaskRetention = "core:privacy:retention"

// ParseRetentionDays reads a value of the setting: "" is the default, else
// a whole number of days from 0 (keep) to 36500.
func ParseRetentionDays(v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return DefaultRetentionDays, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 || n > MaxRetentionDays {
		return 0, fmt.Errorf("must be a whole number of days from 0 (keep) to %d", MaxRetentionDays)
	}
	return n, nil
}

// RetentionDays returns the tenant's retention period in days (0: keep).
func (s *Service) RetentionDays(ctx context.Context, tenantID uint) (int, error) {
	v, _, err := s.tenancy.Setting(ctx, tenantID, SettingRetentionDays)
	if err != nil {
		return 0, err
	}
	n, err := ParseRetentionDays(v)
	if err != nil {
		return 0, fmt.Errorf("tenant %d setting %s: %w", tenantID, SettingRetentionDays, err)
	}
	return n, nil
}

// RetentionReport is what one tenant's sweep did.
type RetentionReport struct {
	TenantID uint
	// Days is the period applied; 0 erased nobody.
	Days int
	// Cutoff: pupils who left before this day were due.
	Cutoff time.Time
	// Due counts the pupils due; Erased those now gone; Incomplete those a
	// source failed (their erasures stay open and the next sweep retries).
	Due, Erased, Incomplete int
	// Retried counts earlier incomplete erasures this sweep finished.
	Retried int
}

// sweepBatch is how many due pupils one query of the sweep reads.
const sweepBatch = 200

// RunRetention runs one tenant's retention sweep as the actor in ctx: every
// pupil of the tenant whose left_on is before today minus the period is
// erased through Erase with the reason "retention", then every erasure of
// the tenant still incomplete is tried again. A pupil a plugin fails for is
// counted in Incomplete, not returned as an error: the sweep goes on.
func (s *Service) RunRetention(ctx context.Context, tenantID uint) (RetentionReport, error) {
	rep := RetentionReport{TenantID: tenantID}
	days, err := s.RetentionDays(ctx, tenantID)
	if err != nil {
		return rep, err
	}
	rep.Days = days
	seen := map[uint]bool{}
	if days > 0 {
		today := s.now().UTC().Truncate(24 * time.Hour)
		rep.Cutoff = today.AddDate(0, 0, -days)
		var after uint
		for {
			var ids []uint
			err := s.db.For(ctx, tenantID).Model(&pupils.Pupil{}).
				Where("tenant_id = ? AND left_on IS NOT NULL AND left_on < ? AND id > ?", tenantID, rep.Cutoff, after).
				Order("id").Limit(sweepBatch).Pluck("id", &ids).Error
			if err != nil {
				return rep, fmt.Errorf("pupils due for erasure in tenant %d: %w", tenantID, err)
			}
			for _, id := range ids {
				rep.Due++
				seen[id] = true
				erased, err := s.sweepOne(ctx, tenantID, id, ReasonRetention, &rep)
				if err != nil {
					return rep, err
				}
				if erased {
					rep.Erased++
				}
			}
			if len(ids) < sweepBatch {
				break
			}
			after = ids[len(ids)-1]
		}
	}
	var open []Request
	if err := s.db.For(ctx, tenantID).Where("tenant_id = ? AND kind = ? AND status = ?", tenantID, KindErase, StatusIncomplete).
		Order("id").Find(&open).Error; err != nil {
		return rep, fmt.Errorf("open erasures of tenant %d: %w", tenantID, err)
	}
	for _, r := range open {
		if seen[r.PupilID] {
			continue // attempted by this sweep already
		}
		seen[r.PupilID] = true
		erased, err := s.sweepOne(ctx, tenantID, r.PupilID, r.Reason, &rep)
		if err != nil {
			return rep, err
		}
		if erased {
			rep.Retried++
		}
	}
	return rep, nil
}

// sweepOne erases one pupil for the sweep and reports whether it is now
// erased; an erasure left incomplete is counted, and only errors of the
// core's own storage stop the sweep.
func (s *Service) sweepOne(ctx context.Context, tenantID, pupilID uint, reason string, rep *RetentionReport) (bool, error) {
	_, err := s.Erase(ctx, tenantID, pupilID, reason)
	var inv *InvalidError
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrIncomplete):
		rep.Incomplete++
	case errors.Is(err, ErrNotFound):
		// Erased meanwhile by someone else.
	case errors.As(err, &inv):
		rep.Incomplete++
		s.log.WarnContext(ctx, "retention: erasure refused", "tenant_id", tenantID, "pupil_id", pupilID, "error", err.Error())
	default:
		return false, err
	}
	return false, nil
}

// RunRetentionAll runs every tenant's sweep as the system actor (the job).
func (s *Service) RunRetentionAll(ctx context.Context) error {
	ctx = audit.WithActor(ctx, audit.Actor{Label: "system", RequestID: jobRequestID(ctx)})
	ts, err := s.tenancy.ListTenants(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, t := range ts {
		rep, err := s.RunRetention(ctx, t.ID)
		if err != nil {
			errs = append(errs, fmt.Errorf("retention of tenant %s: %w", t.Slug, err))
			continue
		}
		if rep.Due > 0 || rep.Retried > 0 || rep.Incomplete > 0 {
			s.log.InfoContext(ctx, "retention sweep", "tenant", t.Slug, "days", rep.Days, "due", rep.Due,
				"erased", rep.Erased, "incomplete", rep.Incomplete, "retried", rep.Retried)
		}
	}
	return errors.Join(errs...)
}

func jobRequestID(ctx context.Context) string {
	if at, ok := jobs.AttemptFrom(ctx); ok {
		return "job:" + at.TaskID
	}
	return ""
}

// RegisterJobs registers the retention job and schedules it daily.
func (s *Service) RegisterJobs(reg *jobs.Registry) error {
	reg.Handle(TaskRetention, func(ctx context.Context, _ []byte) error {
		return s.RunRetentionAll(ctx)
	}, asynq.MaxRetry(3), asynq.Timeout(6*time.Hour))
	return reg.Schedule("@daily", TaskRetention, nil)
}
