package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// todoLines are the to-dos the core would show actor, one line each
// ("title @due unit"), sorted: to compare what one person is given with
// what several others are, whatever the order of to-dos due the same day.
func todoLines(t *testing.T, h *plugintest.Harness, actor *pluginv1.Actor) []string {
	t.Helper()
	todos, problems, err := h.Todos(actor)
	if err != nil || len(problems) > 0 {
		t.Fatalf("to-dos: %v, problems %q", err, problems)
	}
	var out []string
	for _, td := range todos {
		s := td.GetTitle()
		if d := td.GetDue(); d != nil {
			s += " @" + time.Date(int(d.GetYear()), time.Month(d.GetMonth()), int(d.GetDay()), 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
		}
		out = append(out, s+" unit "+u64s(td.GetUnitId()))
	}
	slices.Sort(out)
	return out
}

// union is the sorted lines of every list.
func union(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	slices.Sort(out)
	return out
}

// centresAndSchools are the demo's delivery centres, in the fixture's
// order, with the schools beneath each.
func centresAndSchools(h *plugintest.Harness) (centres []*pluginv1.OrgUnit, schools map[uint64][]uint64) {
	schools = map[uint64][]uint64{}
	for _, u := range h.Fixture.Units {
		if u.GetKind() == pluginv1.OrgUnitKind_ORG_UNIT_KIND_DELIVERY_CENTRE {
			centres = append(centres, u)
		}
	}
	for _, s := range h.Fixture.Schools {
		for _, p := range s.GetParentIds() {
			if !slices.Contains(schools[p], s.GetId()) { // a centre's host school may share the id of its first school
				schools[p] = append(schools[p], s.GetId())
			}
		}
	}
	return centres, schools
}

// TestToDosOfGrantsAboveTheSchoolAndOfSeveralRoles: the to-dos read only
// the records that can give the person one (eal 0.2.1), so a person must
// still be given every to-do their grants give, wherever the grant is. On
// the demo, on days of every phase: a teacher granted at a delivery centre
// (above its schools) is given the scores to enter of every school
// beneath it, as each school's own teacher is; the demo's facilitator,
// made also the lead of their centre and a teacher at another, is given
// what each of those grants gives alone; so is the demo's delegate made
// the lead of a centre.
func TestToDosOfGrantsAboveTheSchoolAndOfSeveralRoles(t *testing.T) {
	plugintest.EachDialect(t, func(t *testing.T, d string) {
		h, _ := seededDemo(t, d, demoFixture(t))
		centres, schools := centresAndSchools(h)
		// Challney: the facilitator's centre, the only one with to-dos
		// for its lead in the demo; third: another one.
		var challney, third *pluginv1.OrgUnit
		for _, c := range centres {
			switch {
			case c.GetName() == "Challney Delivery Centre":
				challney = c
			case third == nil:
				third = c
			}
		}
		if challney == nil || third == nil || len(schools[third.GetId()]) == 0 {
			t.Fatalf("the demo's centres: %v", centres)
		}
		facilitator := findPerson(t, h, "facilitator@test.example")
		delegate := findPerson(t, h, "delegate@test.example")
		alone := map[uint64][]*pluginv1.RoleGrant{}
		for _, p := range h.Fixture.People {
			if p.GetId() == facilitator || p.GetId() == delegate {
				alone[p.GetId()] = p.GetGrants()
			}
		}
		given := map[string]int{}
		for _, day := range homeDays {
			h.SetClock(day)
			// Each school's teacher, and a teacher at the centre above them.
			var each [][]string
			for _, s := range schools[third.GetId()] {
				each = append(each, todoLines(t, h, h.AsRole("teacher", s)))
			}
			atCentre := todoLines(t, h, h.AsRole("teacher", third.GetId()))
			if want := union(each...); !slices.Equal(atCentre, want) {
				t.Fatalf("%s: a teacher at %s is given\n%s\nwant (its schools' teachers')\n%s", day.Format(time.DateOnly), third.GetName(),
					strings.Join(atCentre, "\n"), strings.Join(want, "\n"))
			}
			given["teacher at a centre"] += len(atCentre)

			// The facilitator, alone and with two more grants.
			setGrants(h, facilitator, alone[facilitator])
			fac, lead := todoLines(t, h, h.As(facilitator)), todoLines(t, h, h.AsRole(RoleCentreLead, challney.GetId()))
			want := union(fac, lead, atCentre)
			setGrants(h, facilitator, append(slices.Clone(alone[facilitator]),
				&pluginv1.RoleGrant{Role: RoleCentreLead, UnitId: challney.GetId()}, &pluginv1.RoleGrant{Role: "teacher", UnitId: third.GetId()}))
			if got := todoLines(t, h, h.As(facilitator)); !slices.Equal(got, want) {
				t.Fatalf("%s: the facilitator, lead of %s and teacher at %s, is given\n%s\nwant\n%s", day.Format(time.DateOnly), challney.GetName(), third.GetName(),
					strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			given["facilitator"] += len(fac)
			given["centre lead"] += len(lead)

			// The delegate, alone and as the lead of Challney.
			setGrants(h, delegate, alone[delegate])
			del, lead := todoLines(t, h, h.As(delegate)), todoLines(t, h, h.AsRole(RoleCentreLead, challney.GetId()))
			want = union(del, lead)
			setGrants(h, delegate, append(slices.Clone(alone[delegate]), &pluginv1.RoleGrant{Role: RoleCentreLead, UnitId: challney.GetId()}))
			if got := todoLines(t, h, h.As(delegate)); !slices.Equal(got, want) {
				t.Fatalf("%s: the delegate, lead of Challney, is given\n%s\nwant\n%s", day.Format(time.DateOnly), strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			given["delegate"] += len(del)
			given["lead of Challney"] += len(lead)
		}
		// Each grant alone gives some to-do on some day (as the golden
		// home pages say), so that the unions above compare something.
		for _, who := range []string{"teacher at a centre", "facilitator", "centre lead", "delegate", "lead of Challney"} {
			if given[who] == 0 {
				t.Errorf("the %s is given no to-do on any day", who)
			}
		}
	})
}

// setGrants gives a person of the fixture these grants (between requests).
func setGrants(h *plugintest.Harness, personID uint64, grants []*pluginv1.RoleGrant) {
	for _, p := range h.Fixture.People {
		if p.GetId() == personID {
			p.Grants = grants
		}
	}
}
