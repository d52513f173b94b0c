package store

import (
	"errors"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/testdb"
)

// conflictSaying fails unless err is a conflict whose message holds every want.
func conflictSaying(t *testing.T, what string, err error, wants ...string) {
	t.Helper()
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("%s: %v, want a conflict", what, err)
	}
	for _, w := range wants {
		if !strings.Contains(err.Error(), w) {
			t.Fatalf("%s: %q does not say %q", what, err.Error(), w)
		}
	}
}

func TestDependentsRead(t *testing.T) {
	for _, c := range []struct {
		ds   Dependents
		want string
	}{
		{nil, "nothing"},
		{Dependents{{1, "cluster", "clusters"}}, "1 cluster"},
		{Dependents{{2, "cluster", "clusters"}, {1, "team member", "team members"}}, "2 clusters and 1 team member"},
		{Dependents{{2, "cluster", "clusters"}, {5, "team member", "team members"}, {1, "target cohort", "target cohorts"}},
			"2 clusters, 5 team members and 1 target cohort"},
	} {
		if got := c.ds.String(); got != c.want || c.ds.Any() != (len(c.ds) > 0) {
			t.Errorf("%v reads %q, want %q", c.ds, got, c.want)
		}
	}
}

func TestEditAndDeleteYears(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s := New(db, 1)
		y, err := s.CreateYear("2018-19")
		if err != nil {
			t.Fatal(err)
		}
		other, _ := s.CreateYear("2019-20")
		// A typo corrected: the label and the dates change together.
		before, after, err := s.UpdateYear(y.ID, "2017-18")
		if err != nil || before.Label != "2018-19" || after.StartsOn != "2017-09-01" || after.EndsOn != "2018-08-31" {
			t.Fatalf("UpdateYear = %+v %+v %v", before, after, err)
		}
		if got, _ := s.Year(y.ID); got.Label != "2017-18" || got.StartsOn != "2017-09-01" {
			t.Fatalf("stored year = %+v", got)
		}
		if _, _, err := s.UpdateYear(y.ID, "2017-19"); !isValidation(err, "label") {
			t.Fatalf("a bad label: %v", err)
		}
		conflictSaying(t, "the label of another year", func() error { _, _, err := s.UpdateYear(y.ID, "2019-20"); return err }(), "2019-20 already exists")
		if _, _, err := New(db, 2).UpdateYear(y.ID, "2016-17"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("another tenant's year: %v", err)
		}

		// A year with a cluster, a team and a baseline: nothing deletes it, and the label is fixed.
		c, err := s.CreateCluster(y.ID, 500, "North Cluster")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddSchool(c.ID, 10, 100); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddMember(TeamMember{YearID: y.ID, SchoolID: 10, PersonID: 1, Name: "A", Role: "leader"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddToCohort(y.ID, 10, []uint64{1000}, 5, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FreezeCohort(y.ID, 10, 5, "2017-10-02"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateRound(y.ID, "Summer 2018"); err != nil {
			t.Fatal(err)
		}
		if n, err := s.YearSnapshots(y.ID); err != nil || n != 1 {
			t.Fatalf("YearSnapshots = %d, %v", n, err)
		}
		conflictSaying(t, "relabelling after a baseline", func() error { _, _, err := s.UpdateYear(y.ID, "2016-17"); return err }(), "baseline", "1 snapshot")
		deps, err := s.YearDependents(y.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := "1 cluster, 1 team member, 1 target cohort, 1 snapshot and 1 survey round"
		if deps.String() != want {
			t.Fatalf("YearDependents = %q, want %q", deps, want)
		}
		conflictSaying(t, "deleting a year with data", func() error { _, err := s.DeleteYear(y.ID); return err }(), "2017-18 still has "+want)
		if got, err := s.Year(y.ID); err != nil || got.Label != "2017-18" {
			t.Fatalf("the refused delete changed the year: %+v %v", got, err)
		}
		if cs, _ := s.Clusters(y.ID); len(cs) != 1 {
			t.Fatalf("the refused delete changed the clusters: %+v", cs)
		}
		// Relabelling to the same label changes nothing and is allowed.
		if _, _, err := s.UpdateYear(y.ID, "2017-18"); err != nil {
			t.Fatalf("the same label again: %v", err)
		}

		// An empty year goes, with the bookkeeping of mails sent in it.
		if err := s.MarkNewsletter(other.ID, "autumn", 10, now()); err != nil {
			t.Fatal(err)
		}
		gone, err := s.DeleteYear(other.ID)
		if err != nil || gone.Label != "2019-20" {
			t.Fatalf("DeleteYear = %+v %v", gone, err)
		}
		if _, err := s.Year(other.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("the deleted year: %v", err)
		}
		if sent, _ := s.NewsletterSent(other.ID, "autumn", 10); sent {
			t.Fatal("the deleted year's newsletter record stayed")
		}
		if _, err := s.DeleteYear(other.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("deleting twice: %v", err)
		}
	})
}

func TestEditAndDeleteClusters(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, y, c := setup(t, db)
		if _, _, err := s.RenameCluster(c.ID, " "); !isValidation(err, "name") {
			t.Fatalf("an empty name: %v", err)
		}
		before, after, err := s.RenameCluster(c.ID, "North East Cluster")
		if err != nil || before.Name != "North Cluster" || after.Name != "North East Cluster" {
			t.Fatalf("RenameCluster = %+v %+v %v", before, after, err)
		}

		// A cluster set up by mistake, with schools, a request, a trio and dated workshops, but no data: it goes with all of it.
		if err := s.SetRecruiting(c.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ExpressInterest(c.ID, 13, 200, "Please"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateTrio(c.ID, "Trio", 10, 11, 12); err != nil {
			t.Fatal(err)
		}
		ws, _ := s.Workshops(c.ID)
		if _, err := s.UpdateWorkshop(ws[0].ID, "2017-09-28", "Hall", ""); err != nil {
			t.Fatal(err)
		}
		if deps, err := s.ClusterDependents(c.ID); err != nil || deps.Any() {
			t.Fatalf("ClusterDependents of an empty cluster = %v, %v", deps, err)
		}
		gone, err := s.DeleteCluster(c.ID)
		if err != nil || gone.Cluster.ID != c.ID || len(gone.Participants) != 4 || len(gone.Trios) != 1 || len(gone.Workshops) != 6 {
			t.Fatalf("DeleteCluster = %+v, %v", gone, err)
		}
		for _, m := range []any{&Participant{}, &Trio{}, &Workshop{}, &Cluster{}} {
			var n int64
			s.q().Model(m).Count(&n)
			if n != 0 {
				t.Fatalf("%T rows left after deleting the cluster: %d", m, n)
			}
		}

		// A cluster whose schools have data stays, naming the data; so does one with workshop records.
		c2, err := s.CreateCluster(y.ID, 501, "South Cluster")
		if err != nil {
			t.Fatal(err)
		}
		for _, school := range []uint64{10, 11} {
			if _, err := s.AddSchool(c2.ID, school, 100); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.AddMember(TeamMember{YearID: y.ID, SchoolID: 10, PersonID: 1, Name: "A", Role: "leader"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddMember(TeamMember{YearID: y.ID, SchoolID: 11, PersonID: 2, Name: "B", Role: "leader"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddToCohort(y.ID, 11, []uint64{1000}, 5, ""); err != nil {
			t.Fatal(err)
		}
		ws, _ = s.Workshops(c2.ID)
		if _, err := s.AddResource(ws[0].ID, "Slides", ""); err != nil {
			t.Fatal(err)
		}
		conflictSaying(t, "deleting a cluster with data", func() error { _, err := s.DeleteCluster(c2.ID); return err }(),
			"South Cluster still has 2 team members, 1 target cohort and 1 workshop resource", "move or remove its schools")
		if ps, _ := s.Participants(c2.ID); len(ps) != 2 {
			t.Fatalf("the refused delete changed the places: %+v", ps)
		}
		if ws2, _ := s.Workshops(c2.ID); len(ws2) != 6 {
			t.Fatalf("the refused delete changed the workshops: %+v", ws2)
		}
		// Attendance counts only for those ticked present.
		members, _ := s.ClusterMembers(c2.ID)
		if err := s.SetAttendance(ws[1].ID, []uint64{members[0].ID}); err != nil {
			t.Fatal(err)
		}
		deps, _ := s.ClusterDependents(c2.ID)
		if !strings.Contains(deps.String(), "1 person ticked present at a workshop") {
			t.Fatalf("ClusterDependents = %q", deps)
		}
		if _, err := New(db, 2).DeleteCluster(c2.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("another tenant deleting the cluster: %v", err)
		}
	})
}

func TestRemoveAndMoveSchools(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, y, c := setup(t, db)
		south, err := s.CreateCluster(y.ID, 501, "South Cluster")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateTrio(c.ID, "Trio North", 10, 11, 12); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetLeads(c.ID, Leads{FacilitationSchoolID: 12}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddSchool(c.ID, 13, 100); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddMember(TeamMember{YearID: y.ID, SchoolID: 13, PersonID: 1, Name: "A", Role: "leader"}); err != nil {
			t.Fatal(err)
		}

		// In a trio, or the facilitation school: refused, saying what to do.
		conflictSaying(t, "removing a school of a trio", func() error { _, err := s.RemoveSchool(c.ID, 10); return err }(), "trio Trio North")
		if why, err := s.MoveBlocker(c.ID, 10); err != nil || !strings.Contains(why, "trio Trio North") {
			t.Fatalf("MoveBlocker = %q, %v", why, err)
		}
		conflictSaying(t, "moving a school of a trio", func() error { _, _, err := s.MoveSchool(c.ID, 10, south.ID); return err }(), "trio Trio North")
		trios, _ := s.Trios(c.ID)
		if _, _, err := s.UpdateTrio(c.ID, trios[0].ID, "Trio North", 10, 11, 13); err != nil {
			t.Fatal(err)
		}
		conflictSaying(t, "removing the facilitation school", func() error { _, err := s.RemoveSchool(c.ID, 12); return err }(), "facilitation school")

		// A school before its baseline leaves; its team stays with the school and the year.
		p, err := s.RemoveSchool(c.ID, 12)
		if err == nil {
			t.Fatalf("removed the facilitation school: %+v", p)
		}
		if _, err := s.SetLeads(c.ID, Leads{}); err != nil {
			t.Fatal(err)
		}
		if why, err := s.RemovalBlocker(c.ID, 12); err != nil || why != "" {
			t.Fatalf("RemovalBlocker = %q, %v", why, err)
		}
		p, err = s.RemoveSchool(c.ID, 12)
		if err != nil || p.SchoolID != 12 {
			t.Fatalf("RemoveSchool = %+v, %v", p, err)
		}
		if accepted, _ := s.AcceptedSchools(c.ID); len(accepted) != 3 {
			t.Fatalf("accepted after removal = %v", accepted)
		}
		if _, err := s.RemoveSchool(c.ID, 12); !errors.Is(err, ErrNotFound) {
			t.Fatalf("removing twice: %v", err)
		}
		// The school may join another cluster of the year now.
		if _, err := s.AddSchool(south.ID, 12, 100); err != nil {
			t.Fatalf("the removed school joining another cluster: %v", err)
		}

		// After its baseline, school 13 (with its team) cannot leave, but can move.
		if _, _, err := s.UpdateTrio(c.ID, trios[0].ID, "Trio North", 10, 11, 13); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddToCohort(y.ID, 11, []uint64{1000}, 5, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.FreezeCohort(y.ID, 11, 5, "2017-10-02"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.DeleteTrio(c.ID, trios[0].ID); err != nil {
			t.Fatal(err)
		}
		conflictSaying(t, "removing a school after its baseline", func() error { _, err := s.RemoveSchool(c.ID, 11); return err }(),
			"took its baseline on", "Move it to another cluster")
		if accepted, _ := s.AcceptedSchools(c.ID); len(accepted) != 3 {
			t.Fatalf("the refused removal changed the cluster: %v", accepted)
		}
		// A request of the school to South is replaced by the move.
		if err := s.SetRecruiting(south.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.MoveSchool(c.ID, 11, c.ID); !isValidation(err, "cluster") {
			t.Fatalf("a move to the same cluster: %v", err)
		}
		other, _ := s.CreateYear("2018-19")
		next, _ := s.CreateCluster(other.ID, 500, "North Cluster")
		if _, _, err := s.MoveSchool(c.ID, 11, next.ID); !isValidation(err, "cluster") {
			t.Fatalf("a move to another year's cluster: %v", err)
		}
		before, after, err := s.MoveSchool(c.ID, 11, south.ID)
		if err != nil || before.ClusterID != c.ID || after.ClusterID != south.ID || after.Status != StatusAccepted {
			t.Fatalf("MoveSchool = %+v %+v %v", before, after, err)
		}
		got, err := s.ClusterOfSchool(y.ID, 11)
		if err != nil || got.ID != south.ID {
			t.Fatalf("the moved school's cluster = %+v %v", got, err)
		}
		if co, _ := s.CohortOf(y.ID, 11, false); !co.Frozen() {
			t.Fatal("the moved school lost its baseline")
		}
		if _, err := New(db, 2).RemoveSchool(south.ID, 11); !errors.Is(err, ErrNotFound) {
			t.Fatalf("another tenant removing a school: %v", err)
		}
	})
}

func TestEditTrios(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, _, c := setup(t, db)
		for _, school := range []uint64{13, 14, 15} {
			if _, err := s.AddSchool(c.ID, school, 100); err != nil {
				t.Fatal(err)
			}
		}
		one, _ := s.CreateTrio(c.ID, "One", 10, 11, 12)
		two, _ := s.CreateTrio(c.ID, "Two", 13, 14, 15)
		for _, bad := range [][3]uint64{{10, 10, 11}, {10, 11, 0}} {
			if _, _, err := s.UpdateTrio(c.ID, one.ID, "One", bad[0], bad[1], bad[2]); !isValidation(err, "schools") {
				t.Fatalf("UpdateTrio(%v): %v", bad, err)
			}
		}
		if _, _, err := s.UpdateTrio(c.ID, one.ID, "One", 10, 11, 13); err == nil || !strings.Contains(err.Error(), "trio Two") {
			t.Fatalf("a school of another trio: %v", err)
		}
		if _, _, err := s.UpdateTrio(c.ID, one.ID, "One", 10, 11, 99); !isValidation(err, "schools") {
			t.Fatalf("a school outside the cluster: %v", err)
		}
		// Its own schools in another order, and a new name.
		_, after, err := s.UpdateTrio(c.ID, one.ID, "First trio", 12, 10, 11)
		if err != nil || after.LeadSchoolID != 12 || after.Name != "First trio" {
			t.Fatalf("UpdateTrio = %+v %v", after, err)
		}
		if _, _, err := s.UpdateTrio(c.ID+1, two.ID, "Two", 13, 14, 15); !errors.Is(err, ErrNotFound) {
			t.Fatalf("a trio through another cluster: %v", err)
		}
		ts, _ := s.Trios(c.ID)
		if len(ts) != 2 || ts[0].Name != "First trio" || ts[0].LeadSchoolID != 12 {
			t.Fatalf("trios = %+v", ts)
		}
	})
}
