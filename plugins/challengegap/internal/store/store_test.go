package store

import (
	"errors"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/testdb"
)

func isValidation(err error, field string) bool {
	var v *ValidationError
	return errors.As(err, &v) && v.Field == field
}

// setup is a tenant with a year, a recruiting cluster and three accepted schools.
func setup(t *testing.T, db *gorm.DB) (*Store, *Year, *Cluster) {
	t.Helper()
	s := New(db, 1)
	y, err := s.CreateYear("2017-18")
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.CreateCluster(y.ID, 500, "North Cluster")
	if err != nil {
		t.Fatal(err)
	}
	for _, school := range []uint64{10, 11, 12} {
		if _, err := s.AddSchool(c.ID, school, 100); err != nil {
			t.Fatal(err)
		}
	}
	return s, y, c
}

func TestYears(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s := New(db, 1)
		y, err := s.CreateYear("2017-18")
		if err != nil || y.StartsOn != "2017-09-01" || y.EndsOn != "2018-08-31" {
			t.Fatalf("CreateYear = %+v, %v", y, err)
		}
		if _, err := s.CreateYear("2017-18"); !errors.Is(err, ErrConflict) {
			t.Fatalf("second 2017-18: %v", err)
		}
		if _, err := s.CreateYear("2017-19"); !isValidation(err, "label") {
			t.Fatalf("2017-19: %v", err)
		}
		if _, err := s.CreateYear("2018-19"); err != nil {
			t.Fatal(err)
		}
		ys, err := s.Years()
		if err != nil || len(ys) != 2 || ys[0].Label != "2018-19" {
			t.Fatalf("Years = %+v, %v", ys, err)
		}
		// Another tenant has its own years: the same label is free there and
		// the first tenant's years are invisible.
		other := New(db, 2)
		if ys, _ := other.Years(); len(ys) != 0 {
			t.Fatalf("tenant 2 sees %+v", ys)
		}
		if _, err := other.CreateYear("2017-18"); err != nil {
			t.Fatalf("tenant 2's 2017-18: %v", err)
		}
		if _, err := other.Year(y.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("tenant 2 reads tenant 1's year: %v", err)
		}
	})
}

func TestClustersAndRecruitment(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, y, c := setup(t, db)
		ws, err := s.Workshops(c.ID)
		if err != nil || len(ws) != 6 || ws[0].Number != 1 || ws[5].Number != 6 {
			t.Fatalf("workshops of a new cluster = %+v, %v", ws, err)
		}
		if _, err := s.CreateCluster(y.ID, 500, "Again"); !errors.Is(err, ErrConflict) {
			t.Fatalf("the same core cluster twice in a year: %v", err)
		}
		if _, err := s.CreateCluster(y.ID, 0, "No unit"); !isValidation(err, "unit") {
			t.Fatalf("no unit: %v", err)
		}
		south, err := s.CreateCluster(y.ID, 501, "South Cluster")
		if err != nil {
			t.Fatal(err)
		}
		// A closed cluster refuses interest.
		if _, err := s.ExpressInterest(south.ID, 20, 200, "Please"); !errors.Is(err, ErrConflict) {
			t.Fatalf("interest in a closed cluster: %v", err)
		}
		if err := s.SetRecruiting(south.ID, true); err != nil {
			t.Fatal(err)
		}
		open, err := s.Recruiting()
		if err != nil || len(open) != 1 || open[0].ID != south.ID {
			t.Fatalf("Recruiting = %+v, %v", open, err)
		}
		// School 10 takes part in North already: it cannot join South too.
		if _, err := s.ExpressInterest(south.ID, 10, 200, ""); err == nil || !strings.Contains(err.Error(), "another cluster") {
			t.Fatalf("interest from a school of another cluster: %v", err)
		}
		p, err := s.ExpressInterest(south.ID, 20, 200, "We would like to join")
		if err != nil || p.Status != StatusInterested || p.YearID != y.ID {
			t.Fatalf("ExpressInterest = %+v, %v", p, err)
		}
		if _, err := s.ExpressInterest(south.ID, 20, 200, ""); !errors.Is(err, ErrConflict) {
			t.Fatalf("second interest: %v", err)
		}
		// Decline, then the school asks again and is accepted.
		d, err := s.Decide(south.ID, p.ID, false, 300, "Full this year")
		if err != nil || d.Status != StatusDeclined || d.DecidedBy != 300 {
			t.Fatalf("decline = %+v, %v", d, err)
		}
		if _, err := s.Decide(south.ID, p.ID, true, 300, ""); !errors.Is(err, ErrConflict) {
			t.Fatalf("deciding twice: %v", err)
		}
		if _, err := s.ExpressInterest(south.ID, 20, 200, "A place came free?"); err != nil {
			t.Fatalf("asking again after a decline: %v", err)
		}
		if _, err := s.Decide(north(t, s, c).ID, p.ID, true, 300, ""); !errors.Is(err, ErrNotFound) {
			t.Fatalf("deciding through another cluster: %v", err)
		}
		if a, err := s.Decide(south.ID, p.ID, true, 300, ""); err != nil || a.Status != StatusAccepted {
			t.Fatalf("accept = %+v, %v", a, err)
		}
		byCluster, err := s.ParticipantsOfYear(y.ID)
		if err != nil || len(byCluster[c.ID]) != 3 || len(byCluster[south.ID]) != 1 || byCluster[south.ID][0].Status != StatusAccepted {
			t.Fatalf("ParticipantsOfYear = %+v, %v", byCluster, err)
		}
		got, err := s.ClusterOfSchool(y.ID, 20)
		if err != nil || got.ID != south.ID {
			t.Fatalf("ClusterOfSchool = %+v, %v", got, err)
		}
		// Interest pending in North for school 21 cannot be accepted once South took it.
		if err := s.SetRecruiting(c.ID, true); err != nil {
			t.Fatal(err)
		}
		pn, err := s.ExpressInterest(c.ID, 21, 201, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddSchool(south.ID, 21, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Decide(c.ID, pn.ID, true, 300, ""); !errors.Is(err, ErrConflict) {
			t.Fatalf("accepting a school another cluster took: %v", err)
		}
		// Leads: the facilitation school must be an accepted school.
		if _, err := s.SetLeads(c.ID, Leads{FacilitationSchoolID: 20}); !isValidation(err, "facilitation_school") {
			t.Fatalf("facilitation school of another cluster: %v", err)
		}
		l, err := s.SetLeads(c.ID, Leads{FacilitationSchoolID: 10, LeadPersonID: 101, LeadName: "Hari Head", ProgrammeLeadPersonID: 100, ProgrammeLeadName: "Ada Admin"})
		if err != nil || l.LeadPersonID != 101 {
			t.Fatalf("SetLeads = %+v, %v", l, err)
		}
		led, err := s.ClustersLedBy(100)
		if err != nil || len(led) != 1 || led[0].ID != c.ID {
			t.Fatalf("ClustersLedBy = %+v, %v", led, err)
		}
		// Tenant 2 cannot see or act on tenant 1's cluster.
		other := New(db, 2)
		if _, err := other.Cluster(c.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("tenant 2 reads the cluster: %v", err)
		}
		if err := other.SetRecruiting(c.ID, false); !errors.Is(err, ErrNotFound) {
			t.Fatalf("tenant 2 closes the cluster: %v", err)
		}
		if _, err := other.Decide(c.ID, pn.ID, false, 1, ""); !errors.Is(err, ErrNotFound) {
			t.Fatalf("tenant 2 decides: %v", err)
		}
	})
}

func north(t *testing.T, s *Store, c *Cluster) *Cluster {
	t.Helper()
	got, err := s.Cluster(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestTrios(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, _, c := setup(t, db)
		if _, err := s.CreateTrio(c.ID, "Trio A", 10, 10, 11); !isValidation(err, "schools") {
			t.Fatalf("a school twice: %v", err)
		}
		if _, err := s.CreateTrio(c.ID, "Trio A", 10, 11, 99); !isValidation(err, "schools") {
			t.Fatalf("a school outside the cluster: %v", err)
		}
		if _, err := s.CreateTrio(c.ID, " ", 10, 11, 12); !isValidation(err, "name") {
			t.Fatalf("no name: %v", err)
		}
		tr, err := s.CreateTrio(c.ID, "Trio A", 10, 11, 12)
		if err != nil || tr.LeadSchoolID != 10 {
			t.Fatalf("CreateTrio = %+v, %v", tr, err)
		}
		if _, err := s.AddSchool(c.ID, 13, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddSchool(c.ID, 14, 1); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateTrio(c.ID, "Trio B", 13, 14, 12); err == nil || !strings.Contains(err.Error(), "Trio A") {
			t.Fatalf("a school in two trios: %v", err)
		}
		if _, err := s.DeleteTrio(c.ID+1, tr.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("delete through another cluster: %v", err)
		}
		if _, err := s.DeleteTrio(c.ID, tr.ID); err != nil {
			t.Fatal(err)
		}
		if ts, _ := s.Trios(c.ID); len(ts) != 0 {
			t.Fatalf("trios after delete: %+v", ts)
		}
	})
}

func TestTeams(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, y, _ := setup(t, db)
		add := func(person uint64, name, role, subject, para string) (*TeamMember, error) {
			return s.AddMember(TeamMember{YearID: y.ID, SchoolID: 11, PersonID: person, Name: name, Role: role, Subject: subject, ParaType: para})
		}
		if _, err := add(1, "Tess", "teacher", "", ""); !isValidation(err, "subject") {
			t.Fatalf("teacher without subject: %v", err)
		}
		if _, err := add(1, "Tess", "para", "", "cook"); !isValidation(err, "para_type") {
			t.Fatalf("unknown para type: %v", err)
		}
		if _, err := add(1, "Tess", "governor", "", ""); !isValidation(err, "role") {
			t.Fatalf("unknown role: %v", err)
		}
		if _, err := add(0, "Nobody", "leader", "", ""); !isValidation(err, "person") {
			t.Fatalf("no person: %v", err)
		}
		l, err := add(5, "Lee Leader", "leader", "maths", "mentor")
		if err != nil || l.Subject != "" || l.ParaType != "" {
			t.Fatalf("a leader keeps no subject or para type: %+v, %v", l, err)
		}
		if _, err := add(5, "Lee Leader", "teacher", "maths", ""); !errors.Is(err, ErrConflict) {
			t.Fatalf("the same person twice: %v", err)
		}
		for _, m := range []struct {
			id                        uint64
			name, role, subject, para string
		}{{6, "Mo Maths", "teacher", "maths", ""}, {7, "Ed English", "teacher", "english", ""}, {8, "Tam TA", "para", "", "teaching_assistant"}} {
			if _, err := add(m.id, m.name, m.role, m.subject, m.para); err != nil {
				t.Fatal(err)
			}
		}
		ms, err := s.Members(y.ID, 11)
		if err != nil || len(ms) != 4 || ms[0].Role != "leader" || ms[3].Role != "para" {
			t.Fatalf("Members = %+v, %v", ms, err)
		}
		v := CheckTeam("secondary", ms)
		if len(v) != 2 || v[0].Rule != rules.RuleTeachers || v[1].Rule != rules.RuleParas {
			t.Fatalf("secondary violations = %+v", v)
		}
		if v := CheckTeam("primary", ms); len(v) != 0 {
			t.Fatalf("the same team is complete for a primary: %+v", v)
		}
		if ok, _ := s.IsMember(y.ID, 11, 6); !ok {
			t.Fatal("Mo is not a member")
		}
		if _, err := s.RemoveMember(12, ms[1].ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("removing through another school: %v", err)
		}
		if _, err := New(db, 2).RemoveMember(11, ms[1].ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("removing from another tenant: %v", err)
		}
		if _, err := s.RemoveMember(11, ms[1].ID); err != nil {
			t.Fatal(err)
		}
		if ms, _ := s.Members(y.ID, 11); len(ms) != 3 {
			t.Fatalf("after removal: %+v", ms)
		}
	})
}

func TestWorkshopsAndVisits(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, y, c := setup(t, db)
		a, err := s.AddMember(TeamMember{YearID: y.ID, SchoolID: 10, PersonID: 1, Name: "A", Role: "leader"})
		if err != nil {
			t.Fatal(err)
		}
		b, err := s.AddMember(TeamMember{YearID: y.ID, SchoolID: 11, PersonID: 2, Name: "B", Role: "leader"})
		if err != nil {
			t.Fatal(err)
		}
		outside, err := s.AddMember(TeamMember{YearID: y.ID, SchoolID: 99, PersonID: 3, Name: "C", Role: "leader"})
		if err != nil {
			t.Fatal(err)
		}
		ws, _ := s.Workshops(c.ID)
		w := ws[0]
		if _, err := s.UpdateWorkshop(w.ID, "2017-09-31", "", ""); !isValidation(err, "held_on") {
			t.Fatalf("bad date: %v", err)
		}
		if got, err := s.UpdateWorkshop(w.ID, "2017-09-28", "Alder Primary", "Bring baseline data"); err != nil || got.HeldOn != "2017-09-28" {
			t.Fatalf("UpdateWorkshop = %+v, %v", got, err)
		}
		if err := s.SetAttendance(w.ID, []uint64{a.ID, outside.ID}); !isValidation(err, "present") {
			t.Fatalf("attendance of someone outside the cluster: %v", err)
		}
		if err := s.SetAttendance(w.ID, []uint64{a.ID}); err != nil {
			t.Fatal(err)
		}
		att, _ := s.Attendance(w.ID)
		if !att[a.ID] || att[b.ID] || len(att) != 2 {
			t.Fatalf("attendance = %v", att)
		}
		// Recording again replaces the answers.
		if err := s.SetAttendance(w.ID, []uint64{b.ID}); err != nil {
			t.Fatal(err)
		}
		if att, _ := s.Attendance(w.ID); att[a.ID] || !att[b.ID] {
			t.Fatalf("attendance after the second record = %v", att)
		}
		if _, err := s.AddResource(w.ID, "Slides", "javascript:alert(1)"); !isValidation(err, "url") {
			t.Fatalf("a javascript: link: %v", err)
		}
		if _, err := s.AddResource(w.ID, "Slides", "https://example.org/slides"); err != nil {
			t.Fatal(err)
		}
		if rs, _ := s.Resources(w.ID); len(rs) != 1 {
			t.Fatalf("resources = %+v", rs)
		}
		v, err := s.AddVisit(Visit{YearID: y.ID, SchoolID: 10, VisitedOn: "2017-10-12", VisitorPersonID: 100, VisitorName: "Ada Admin", Notes: "Good start"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddVisit(Visit{YearID: y.ID, SchoolID: 10, VisitedOn: "12/10/2017", VisitorPersonID: 100, VisitorName: "Ada"}); !isValidation(err, "visited_on") {
			t.Fatalf("bad visit date: %v", err)
		}
		act, err := s.AddAction(v.ID, "Share the baseline with all staff", "2017-11-01")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetActionDone(v.ID+1, act.ID, true); !errors.Is(err, ErrNotFound) {
			t.Fatalf("action through another visit: %v", err)
		}
		if err := s.SetActionDone(v.ID, act.ID, true); err != nil {
			t.Fatal(err)
		}
		acts, _ := s.Actions(v.ID)
		if len(acts[v.ID]) != 1 || !acts[v.ID][0].Done {
			t.Fatalf("actions = %+v", acts)
		}
		// Removing a member removes their attendance.
		if _, err := s.RemoveMember(11, b.ID); err != nil {
			t.Fatal(err)
		}
		if att, _ := s.Attendance(w.ID); len(att) != 1 {
			t.Fatalf("attendance after removing a member = %v", att)
		}
	})
}

func TestStrategiesAndTrials(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, y, _ := setup(t, db)
		n, err := s.SeedStrategies()
		if err != nil || n != len(StarterStrategies) {
			t.Fatalf("SeedStrategies = %d, %v", n, err)
		}
		if n, _ := s.SeedStrategies(); n != 0 {
			t.Fatalf("seeding a second time added %d", n)
		}
		if _, err := s.AddStrategy("wellbeing", "X", ""); !isValidation(err, "theme") {
			t.Fatalf("unknown theme: %v", err)
		}
		if _, err := s.AddStrategy("self_aware", "Learning journals", ""); !errors.Is(err, ErrConflict) {
			t.Fatalf("duplicate title: %v", err)
		}
		sts, err := s.Strategies()
		if err != nil || len(sts) != 6 || sts[0].Theme != "academically_competent" || sts[5].Theme != "resilient" {
			t.Fatalf("Strategies = %+v, %v", sts, err)
		}
		tr, err := s.StartTrial(y.ID, 10, sts[0].ID, "2017-10-02", "Y4 group", 5)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.StartTrial(y.ID, 10, sts[0].ID, "", "", 5); !errors.Is(err, ErrConflict) {
			t.Fatalf("the same trial twice: %v", err)
		}
		if _, err := s.StartTrial(y.ID, 10, 9999, "", "", 5); !isValidation(err, "strategy") {
			t.Fatalf("unknown strategy: %v", err)
		}
		if _, err := s.DecideTrial(10, tr.ID, "maybe"); !isValidation(err, "decision") {
			t.Fatalf("bad decision: %v", err)
		}
		if _, err := s.DecideTrial(11, tr.ID, "scale_up"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("deciding through another school: %v", err)
		}
		d, err := s.DecideTrial(10, tr.ID, "scale_up")
		if err != nil || d.Decision != "scale_up" || d.DecidedAt == nil {
			t.Fatalf("DecideTrial = %+v, %v", d, err)
		}
		ts, _ := s.Trials(y.ID, 10)
		if len(ts) != 1 || ts[0].Decision != "scale_up" {
			t.Fatalf("Trials = %+v", ts)
		}
		// Tenant 2 starts from its own empty catalogue.
		if sts, _ := New(db, 2).Strategies(); len(sts) != 0 {
			t.Fatalf("tenant 2's catalogue = %+v", sts)
		}
	})
}

func TestSchoolsAndPersonErasure(t *testing.T) {
	testdb.Each(t, Migrations, func(t *testing.T, db *gorm.DB) {
		s, y, c := setup(t, db)
		if err := s.UpsertSchools([]School{{UnitID: 10, Name: "Alder", URN: "900001", Phase: "primary"}, {UnitID: 11, Name: "Birch", Phase: "secondary"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.UpsertSchools([]School{{UnitID: 10, Name: "Alder Primary", URN: "900001", Phase: "primary"}}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Schools(10, 11)
		if err != nil || len(got) != 2 || got[10].Name != "Alder Primary" {
			t.Fatalf("Schools = %+v, %v", got, err)
		}
		if other, _ := New(db, 2).Schools(); len(other) != 0 {
			t.Fatalf("tenant 2 sees schools %+v", other)
		}
		m, _ := s.AddMember(TeamMember{YearID: y.ID, SchoolID: 10, PersonID: 7, Name: "Pat", Role: "leader"})
		ws, _ := s.Workshops(c.ID)
		if err := s.SetAttendance(ws[0].ID, []uint64{m.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.SetLeads(c.ID, Leads{LeadPersonID: 7, LeadName: "Pat"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddVisit(Visit{YearID: y.ID, SchoolID: 10, VisitedOn: "2017-10-01", VisitorPersonID: 7, VisitorName: "Pat"}); err != nil {
			t.Fatal(err)
		}
		rec, err := s.PersonRecords(7)
		if err != nil || len(rec.TeamMemberships) != 1 || len(rec.ClustersLed) != 1 || len(rec.VisitsMade) != 1 {
			t.Fatalf("PersonRecords = %+v, %v", rec, err)
		}
		// Another tenant's erasure touches nothing here.
		if e, a, err := New(db, 2).ErasePerson(7); err != nil || e != 0 || a != 0 {
			t.Fatalf("tenant 2 erasure = %d %d %v", e, a, err)
		}
		erased, anon, err := s.ErasePerson(7)
		if err != nil || erased != 2 || anon != 2 {
			t.Fatalf("ErasePerson = %d erased, %d anonymised, %v", erased, anon, err)
		}
		rec, _ = s.PersonRecords(7)
		if len(rec.TeamMemberships)+len(rec.ClustersLed)+len(rec.VisitsMade) != 0 {
			t.Fatalf("after erasure: %+v", rec)
		}
		vs, _ := s.Visits(y.ID, 10)
		if len(vs) != 1 || vs[0].VisitorName != ErasedName {
			t.Fatalf("the visit stays, anonymised: %+v", vs)
		}
	})
}
