package web

import (
	"context"
	"net/http"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// deletable reports whether the snapshot page offers to delete sn: a
// termly snapshot holding no data, the school's latest, for those who may
// change the school's snapshots.
func deletable(cc *cohortContext, sn *store.Snapshot, points int) (bool, error) {
	if !cc.canChange || sn.Seq == 0 || points > 0 {
		return false, nil
	}
	sns, err := cc.s.Snapshots(sn.YearID, cc.school)
	if err != nil {
		return false, err
	}
	return sns[len(sns)-1].ID == sn.ID, nil
}

// deleteSnapshot deletes an empty latest termly snapshot (audited), so that
// one added by mistake or on the wrong date no longer counts.
func deleteSnapshot(w http.ResponseWriter, r *http.Request) error {
	cc, sn, err := loadSnapshot(r)
	if err != nil {
		return err
	}
	if !cc.canChange {
		return errForbidden
	}
	if !ui.Confirmed(r) {
		zone := deleteZone(r, cc.school, sn)
		zone.Error = ui.NotConfirmed
		sdk.PageStatus(w, r, http.StatusUnprocessableEntity, "Delete the snapshot "+sn.Label, zone.HTML())
		return nil
	}
	gone, err := cc.s.DeleteEmptySnapshot(cc.school, sn.ID)
	if err != nil {
		return err
	}
	if err := audit(r, "snapshot.delete", "snapshot", gone.ID, gone, nil); err != nil {
		return err
	}
	return redirect(w, r, cohortPath(cc.school, gone.YearID))
}

// dateInYear is the date a new snapshot's form suggests: today when it
// falls in the programme year, otherwise none (the person chooses one).
func dateInYear(ctx context.Context, y *store.Year) string {
	today := sdk.Today(ctx).Format(time.DateOnly)
	if y == nil || today < y.StartsOn || today > y.EndsOn {
		return ""
	}
	return today
}

// deleteZone is the SDK's danger zone that deletes an empty snapshot.
func deleteZone(r *http.Request, school uint64, sn *store.Snapshot) *ui.DangerZone {
	return &ui.DangerZone{ID: "delete-snapshot", Title: "Delete this snapshot",
		Warning: "The snapshot " + sn.Label + " holds no data. If it was added by mistake or on the wrong date, delete it and add it again.",
		Action:  sdk.URL(r, snapshotPath(school, sn.ID)+"/delete"), CSRF: sdk.CSRFField(r),
		Confirm: "I understand that the snapshot " + sn.Label + " will be deleted", Button: "Delete the empty snapshot " + sn.Label}
}
