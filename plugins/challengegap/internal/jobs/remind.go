package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// RemindName is the job that reminds school teams of a snapshot due.
const RemindName = "snapshot_reminder"

// SettingSnapshots is the setting of the snapshot months (as in the web package).
const SettingSnapshots = "snapshots"

// remindPayload may name the day to act as (YYYY-MM-DD), for a run by hand;
// the schedule sends none and the job uses today.
type remindPayload struct {
	Today string `json:"today"`
}

// Remind mails, on a snapshot month of the programme year running, the
// team of every school whose cohort is frozen and that has no snapshot of
// that month yet. Each school's team is reminded once per snapshot: a
// second run (or a retry) mails nobody twice once the first has finished.
// The mail names the school and the snapshot, never a pupil.
func Remind(ctx context.Context, payload []byte) error {
	today := time.Now().UTC()
	if len(payload) > 0 {
		var p remindPayload
		if err := json.Unmarshal(payload, &p); err != nil {
			return sdk.Permanent(fmt.Errorf("%s: the payload is not JSON", RemindName))
		}
		if p.Today != "" {
			d, err := rules.ParseDate(p.Today)
			if err != nil {
				return sdk.Permanent(fmt.Errorf("%s: %w", RemindName, err))
			}
			today = d
		}
	}
	s := store.New(sdk.Tenant(ctx), sdk.TenantID(ctx))
	y, err := s.YearOn(today)
	if err != nil || y == nil {
		return err
	}
	host := sdk.HostFrom(ctx)
	settings, err := host.Settings(ctx)
	if err != nil {
		return err
	}
	months, err := rules.ParseSchedule(settings[SettingSnapshots])
	if err != nil {
		months = rules.DefaultSchedule
	}
	if !slices.Contains(months, today.Month()) {
		return nil
	}
	label := today.Month().String()
	due, err := s.DueSnapshots(y.ID, label)
	if err != nil || len(due) == 0 {
		return err
	}
	ids := make([]uint64, len(due))
	for i, d := range due {
		ids[i] = d.SchoolID
	}
	names, err := s.Schools(ids...)
	if err != nil {
		return err
	}
	sent := 0
	for _, d := range due {
		school := names[d.SchoolID].Name
		if school == "" {
			school = "your school"
		}
		subject := fmt.Sprintf("Challenge the Gap: the %s snapshot of %s is due", label, school)
		body := fmt.Sprintf("The %s snapshot of %s's target cohort (%s) is due.\n\n"+
			"Enter it in Challenge the Gap: the school's page, then Target cohort, then Add snapshot.\n\n"+
			"You receive this as a member of the school's Challenge the Gap team.\n", label, school, y.Label)
		for _, m := range d.Members {
			if _, err := host.SendMail(ctx, m.PersonID, "", subject, body); err != nil {
				return err
			}
			sent++
		}
		if err := s.MarkReminded(d.YearID, d.SchoolID, label); err != nil && !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	sdk.Log(ctx).Info("snapshot reminders sent", "snapshot", label, "schools", len(due), "mails", sent)
	return nil
}
