package privacy_test

import (
	"context"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/privacy"
)

func TestRetentionDaysSetting(t *testing.T) {
	for v, want := range map[string]int{"": privacy.DefaultRetentionDays, "0": 0, " 30 ": 30, "36500": 36500} {
		if got, err := privacy.ParseRetentionDays(v); err != nil || got != want {
			t.Errorf("ParseRetentionDays(%q) = %d, %v; want %d", v, got, err, want)
		}
	}
	for _, v := range []string{"-1", "36501", "a year", "1.5"} {
		if _, err := privacy.ParseRetentionDays(v); err == nil {
			t.Errorf("ParseRetentionDays(%q) accepted", v)
		}
	}
}

// The sweep erases, through Erase and every plugin, only the pupils of the
// tenant who left longer ago than its period; another tenant's pupils and
// pupils who left recently or are still on roll stay.
func TestRetentionErasesOnlyPupilsWhoLeftLongerAgoThanThePeriodInThatTenant(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.install("notes", e.a, e.b)
		e.must(e.ten.SetSetting(e.ctx, e.a.tenant.ID, privacy.SettingRetentionDays, "30"))
		old, _ := e.pupil(e.a, "Olga", "Old", 31)
		edge, _ := e.pupil(e.a, "Erin", "Edge", 30)
		recent, _ := e.pupil(e.a, "Rita", "Recent", 10)
		onRoll, _ := e.pupil(e.a, "Olive", "Onroll", -1)
		otherOld, _ := e.pupil(e.b, "Bea", "Beta", 400) // tenant B: default 365 days
		e.note(e.a, "notes", old.ID, "left for Scotland")
		e.note(e.b, "notes", otherOld.ID, "B's note")

		sys := audit.WithActor(context.Background(), audit.Actor{Label: "system"})
		rep, err := e.svc.RunRetention(sys, e.a.tenant.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Days != 30 || rep.Due != 1 || rep.Erased != 1 || rep.Incomplete != 0 {
			t.Fatalf("report: %+v", rep)
		}
		if e.pupilExists(e.a, old.ID) || e.pluginExport("notes", e.a, old.ID) != "" {
			t.Fatal("the pupil who left 31 days ago was not erased everywhere")
		}
		for _, p := range []uint{edge.ID, recent.ID, onRoll.ID} {
			if !e.pupilExists(e.a, p) {
				t.Fatalf("pupil %d erased too early", p)
			}
		}
		if !e.pupilExists(e.b, otherOld.ID) || e.pluginExport("notes", e.b, otherOld.ID) == "" {
			t.Fatal("tenant A's sweep touched tenant B")
		}
		evs := e.events(e.a, old.ID, "pupil.erase")
		if len(evs) != 1 || evs[0].ActorLabel != "system" || !strings.Contains(evs[0].After, `"reason":"retention"`) {
			t.Fatalf("pupil.erase events: %+v", evs)
		}

		// A failing plugin leaves the erasure open; the next sweep finishes it.
		e.must(e.ten.SetSetting(e.ctx, e.a.tenant.ID, privacy.SettingRetentionDays, "5"))
		mend := e.breakPlugin("notes", "erase")
		rep, err = e.svc.RunRetention(sys, e.a.tenant.ID)
		if err != nil || rep.Due != 2 || rep.Erased != 0 || rep.Incomplete != 2 {
			t.Fatalf("sweep with notes failing: %+v %v", rep, err)
		}
		if !e.pupilExists(e.a, edge.ID) || !e.pupilExists(e.a, recent.ID) {
			t.Fatal("pupils erased from the core although a plugin failed")
		}
		mend()
		e.must(e.ten.SetSetting(e.ctx, e.a.tenant.ID, privacy.SettingRetentionDays, "0"))
		rep, err = e.svc.RunRetention(sys, e.a.tenant.ID)
		if err != nil || rep.Due != 0 || rep.Retried != 2 {
			t.Fatalf("sweep with 0 days retrying the open erasures: %+v %v", rep, err)
		}
		if e.pupilExists(e.a, edge.ID) || e.pupilExists(e.a, recent.ID) || !e.pupilExists(e.a, onRoll.ID) {
			t.Fatal("the retry did not finish the open erasures, or erased a pupil on roll")
		}

		// The job runs every tenant as the system actor: B's 400-day leaver goes under the default.
		e.must(e.svc.RunRetentionAll(context.Background()))
		if e.pupilExists(e.b, otherOld.ID) || !e.pupilExists(e.a, onRoll.ID) {
			t.Fatal("the job did not apply each tenant's own period")
		}
		if evs := e.events(e.b, otherOld.ID, "pupil.erase"); len(evs) != 1 || evs[0].ActorLabel != "system" {
			t.Fatalf("B's pupil.erase events: %+v", evs)
		}
	})
}
