package pupils_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

func TestReadsAreScopedAndAudited(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		w := newWorld(t, db)
		a1 := w.create(w.schoolA, w.record("Amara", "Okafor", 3))
		a2 := w.create(w.schoolA, w.record("Ben", "Adeyemi", 4))
		b1 := w.create(w.schoolB, w.record("Chen", "Li", 3))
		c1 := w.create(w.schoolC, w.record("Dara", "Murphy", 5))

		// The teacher of A reads A's pupils, and the read is recorded with the route.
		p, err := w.svc.Get(w.ctx, pupils.UserActor(w.teacherA, "GET /pupils/:pid"), w.tenant, a1.ID)
		if err != nil || p.GivenName != "Amara" {
			t.Fatalf("teacher A reads A's pupil: %+v %v", p, err)
		}
		got := w.accesses(w.tenant, pupils.ActionRead)
		if len(got) != 1 || got[0].Via != "GET /pupils/:pid" || !slices.Equal(got[0].PupilIDs, []uint{a1.ID}) {
			t.Fatalf("audit of the read: %+v", got)
		}

		// Not B's, not the hub's, not another tenant's: all look absent, and nothing is recorded.
		before := w.auditCount()
		for _, c := range []struct {
			name   string
			actor  uint
			tenant uint
			id     uint
		}{
			{"teacher A, pupil of B", w.teacherA, w.tenant, b1.ID},
			{"teacher B, pupil of A", w.teacherB, w.tenant, a1.ID},
			{"hub manager", w.hubManager, w.tenant, a1.ID},
			{"central team", w.central, w.tenant, c1.ID},
			{"reviewer of A", w.reviewer, w.tenant, a1.ID},
			{"no grants", w.nobody, w.tenant, a1.ID},
			{"trust leader, school outside the trust", w.trustLeader, w.tenant, c1.ID},
			{"other tenant's admin asking in their tenant", w.southAdmin, w.south, a1.ID},
			{"own admin, id asked in the other tenant", w.admin, w.south, a1.ID},
			{"zero actor", 0, w.tenant, a1.ID},
		} {
			if _, err := w.svc.Get(w.ctx, user(c.actor), c.tenant, c.id); !errors.Is(err, pupils.ErrNotFound) {
				t.Errorf("%s: err = %v, want ErrNotFound", c.name, err)
			}
		}
		if w.auditCount() != before {
			t.Error("a refused read was recorded as an access")
		}
		// The trust leader reads the trust's schools; the admin everything.
		if _, err := w.svc.Get(w.ctx, user(w.trustLeader), w.tenant, b1.ID); err != nil {
			t.Errorf("trust leader reads B: %v", err)
		}
		if _, err := w.svc.Get(w.ctx, user(w.admin), w.tenant, c1.ID); err != nil {
			t.Errorf("admin reads C: %v", err)
		}

		// ByIDs keeps only what the actor reaches, and records exactly those.
		got2, err := w.svc.ByIDs(w.ctx, pupils.UserActor(w.trustLeader, "job:x"), w.tenant, []uint{c1.ID, b1.ID, a2.ID, a1.ID, 999999})
		if err != nil || !slices.Equal(ids(got2), []uint{a1.ID, a2.ID, b1.ID}) {
			t.Fatalf("trust leader ByIDs = %v %v", ids(got2), err)
		}
		all := w.accesses(w.tenant, pupils.ActionRead)
		last := all[len(all)-1]
		if last.Via != "job:x" || !slices.Equal(last.PupilIDs, []uint{a1.ID, a2.ID, b1.ID}) {
			t.Errorf("ByIDs audit %+v", last)
		}
		if got, _ := w.svc.ByIDs(w.ctx, user(w.hubManager), w.tenant, []uint{a1.ID, c1.ID}); len(got) != 0 {
			t.Errorf("hub manager ByIDs = %v", ids(got))
		}
	})
}

func TestListFiltersSortsPagesAndAudits(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		w := newWorld(t, db)
		r := w.record("Zara", "Ahmed", 3)
		r.FSM, r.FSMEver6, r.PupilPremium = true, true, true
		zara := w.create(w.schoolA, r)
		r = w.record("amir", "ahmed", 4)
		r.EALProficiency = "B"
		amir := w.create(w.schoolA, r)
		r = w.record("Olivia", "Brown", 3)
		r.SEN = "K"
		olivia := w.create(w.schoolA, r)
		r = w.record("Percy", "O_Neil%", 6)
		r.SEN, r.LookedAfter = "E", true
		percy := w.create(w.schoolA, r)
		bpupil := w.create(w.schoolB, w.record("Bea", "Brown", 3))

		head := pupils.UserActor(w.headA, "GET /units/:id/pupils")
		list := func(q pupils.ListQuery) []uint {
			t.Helper()
			ps, total, err := w.svc.List(w.ctx, head, w.tenant, q)
			if err != nil {
				t.Fatalf("list %+v: %v", q, err)
			}
			n, err := w.svc.Count(w.ctx, head, w.tenant, q)
			if err != nil || n != total {
				t.Fatalf("Count = %d %v, List total %d", n, err, total)
			}
			return ids(ps)
		}
		q := pupils.ListQuery{UnitID: w.schoolA}
		// Default sort: family then given name, case-insensitive.
		if got := list(q); !slices.Equal(got, []uint{amir.ID, zara.ID, olivia.ID, percy.ID}) {
			t.Errorf("by name %v", got)
		}
		q.Desc = true
		if got := list(q); !slices.Equal(got, []uint{percy.ID, olivia.ID, zara.ID, amir.ID}) {
			t.Errorf("by name desc %v", got)
		}
		if got := list(pupils.ListQuery{UnitID: w.schoolA, Sort: pupils.SortYearGroup}); !slices.Equal(got, []uint{zara.ID, olivia.ID, amir.ID, percy.ID}) {
			t.Errorf("by year group %v", got)
		}
		if got := list(pupils.ListQuery{UnitID: w.schoolA, YearGroups: []int{3}}); !slices.Equal(got, []uint{zara.ID, olivia.ID}) {
			t.Errorf("year 3 %v", got)
		}
		for flag, want := range map[pupils.Flag][]uint{
			pupils.FlagFSM: {zara.ID}, pupils.FlagEAL: {amir.ID}, pupils.FlagSEN: {olivia.ID, percy.ID},
			pupils.FlagSENSupport: {olivia.ID}, pupils.FlagEHCP: {percy.ID}, pupils.FlagLookedAfter: {percy.ID},
		} {
			if got := list(pupils.ListQuery{UnitID: w.schoolA, Flags: []pupils.Flag{flag}}); !slices.Equal(got, want) {
				t.Errorf("flag %s: %v, want %v", flag, got, want)
			}
		}
		if got := list(pupils.ListQuery{UnitID: w.schoolA, Flags: []pupils.Flag{pupils.FlagSEN, pupils.FlagLookedAfter}}); !slices.Equal(got, []uint{percy.ID}) {
			t.Errorf("two flags %v", got)
		}
		// Name search: either name, both names, case-insensitive; LIKE wildcards are literal.
		for text, want := range map[string][]uint{"AHM": {amir.ID, zara.ID}, "zara ahmed": {zara.ID}, "o_neil%": {percy.ID}, "_": {percy.ID}, "nobody": nil} {
			if got := list(pupils.ListQuery{UnitID: w.schoolA, Text: text}); !slices.Equal(got, want) {
				t.Errorf("text %q: %v, want %v", text, got, want)
			}
		}
		// Paging, and each page's pupils are what the audit records.
		before := len(w.accesses(w.tenant, pupils.ActionList))
		page, total, err := w.svc.List(w.ctx, head, w.tenant, pupils.ListQuery{UnitID: w.schoolA, Limit: 2, Offset: 2})
		if err != nil || total != 4 || !slices.Equal(ids(page), []uint{olivia.ID, percy.ID}) {
			t.Fatalf("page 2 = %v of %d, %v", ids(page), total, err)
		}
		acc := w.accesses(w.tenant, pupils.ActionList)
		if len(acc) != before+1 || !slices.Equal(acc[len(acc)-1].PupilIDs, []uint{olivia.ID, percy.ID}) || acc[len(acc)-1].Via != "GET /units/:id/pupils" {
			t.Errorf("page audit %+v", acc[len(acc)-1])
		}
		// An empty page records nothing.
		n := w.auditCount()
		if got := list(pupils.ListQuery{UnitID: w.schoolA, Text: "nobody"}); len(got) != 0 || w.auditCount() != n {
			t.Error("an empty list was recorded")
		}
		// A unit lists its schools' pupils: the trust leader sees A and B through the trust.
		ps, _, err := w.svc.List(w.ctx, user(w.trustLeader), w.tenant, pupils.ListQuery{UnitID: w.trust, Sort: pupils.SortID})
		if err != nil || !slices.Equal(ids(ps), []uint{zara.ID, amir.ID, olivia.ID, percy.ID, bpupil.ID}) {
			t.Errorf("trust list %v %v", ids(ps), err)
		}
		// Out of reach: the head of A cannot list the trust, B, or the hub; the hub manager nothing.
		for _, c := range []struct {
			actor, unit uint
		}{{w.headA, w.trust}, {w.headA, w.schoolB}, {w.hubManager, w.hub}, {w.hubManager, w.schoolA}, {w.central, w.root}, {w.admin, w.southSchool}} {
			if _, _, err := w.svc.List(w.ctx, user(c.actor), w.tenant, pupils.ListQuery{UnitID: c.unit}); !errors.Is(err, pupils.ErrNotFound) {
				t.Errorf("user %d lists unit %d: %v", c.actor, c.unit, err)
			}
			if _, err := w.svc.Count(w.ctx, user(c.actor), w.tenant, pupils.ListQuery{UnitID: c.unit}); !errors.Is(err, pupils.ErrNotFound) {
				t.Errorf("user %d counts unit %d: %v", c.actor, c.unit, err)
			}
		}
		// Bad queries are field errors.
		for _, q := range []pupils.ListQuery{{UnitID: w.schoolA, Sort: "upn"}, {UnitID: w.schoolA, YearGroups: []int{20}}, {UnitID: w.schoolA, Flags: []pupils.Flag{"rich"}}} {
			var fe *pupils.FieldError
			if _, _, err := w.svc.List(w.ctx, head, w.tenant, q); !errors.As(err, &fe) {
				t.Errorf("query %+v: %v", q, err)
			}
		}
	})
}

func TestCreateValidatesAndKeepsUPNsUnique(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		w := newWorld(t, db)
		r := w.record("Amara", "Okafor", 3)
		p, err := w.svc.Create(w.ctx, user(w.headA), w.tenant, w.schoolA, r)
		if err != nil {
			t.Fatal(err)
		}
		// The UPN is stored only sealed and hashed.
		var raw struct {
			UPNHash   string
			UPNSealed []byte
		}
		if err := db.Table("pupils").Select("upn_hash, upn_sealed").Where("id = ?", p.ID).Take(&raw).Error; err != nil {
			t.Fatal(err)
		}
		if strings.Contains(raw.UPNHash, r.UPN) || strings.Contains(string(raw.UPNSealed), r.UPN) {
			t.Fatal("the UPN is stored in clear")
		}
		if u, err := w.svc.OpenUPN(p); err != nil || u != r.UPN {
			t.Fatalf("OpenUPN = %v", err)
		}
		if m := w.svc.MaskedUPN(p); m != strings.Repeat("•", 10)+r.UPN[10:] {
			t.Errorf("MaskedUPN = %q", m)
		}
		// The audit entry names the fields set, never their values.
		evs := w.changes(p.ID)
		if len(evs) != 1 || evs[0].Action != pupils.ActionCreate {
			t.Fatalf("create audit %+v", evs)
		}
		for _, v := range []string{r.UPN, "Amara", "Okafor", r.DateOfBirth} {
			if strings.Contains(evs[0].After, v) {
				t.Errorf("create audit %s holds a value", evs[0].After)
			}
		}
		if !strings.Contains(evs[0].After, `"given_name"`) || !strings.Contains(evs[0].After, `"upn"`) {
			t.Errorf("create audit %s does not name the fields", evs[0].After)
		}

		n, a := w.pupilCount(), w.auditCount()
		// Same UPN (typed differently) again in the tenant: a conflict on the upn field, without the UPN.
		dup := w.record("Other", "Child", 4)
		dup.UPN = strings.ToLower(r.UPN[:6]) + " " + r.UPN[6:]
		_, err = w.svc.Create(w.ctx, user(w.admin), w.tenant, w.schoolB, dup)
		var fe pupils.FieldErrors
		if !errors.Is(err, pupils.ErrConflict) || !errors.As(err, &fe) || fe.For(pupils.FieldUPN) == "" || strings.Contains(err.Error(), r.UPN) {
			t.Errorf("duplicate UPN: %v", err)
		}
		// Invalid: every field named, no value echoed, nothing written.
		bad := pupils.Record{UPN: "A12345678901" + "2", GivenName: "", FamilyName: strings.Repeat("x", 101), DateOfBirth: "2019-02-30", YearGroup: 3, Gender: "Q", EALProficiency: "Z", SEN: "X"}
		_, err = w.svc.Create(w.ctx, user(w.admin), w.tenant, w.schoolA, bad)
		if !errors.As(err, &fe) {
			t.Fatalf("invalid record: %v", err)
		}
		for _, f := range []string{pupils.FieldUPN, pupils.FieldGivenName, pupils.FieldFamilyName, pupils.FieldDateOfBirth, pupils.FieldGender, pupils.FieldEALProficiency, pupils.FieldSEN} {
			if fe.For(f) == "" {
				t.Errorf("no error on %s: %v", f, err)
			}
		}
		if strings.Contains(err.Error(), bad.UPN) {
			t.Error("error holds the UPN")
		}
		// Refused actors: a teacher (reads, no write) is forbidden; elsewhere not found; a unit that is no school is not found.
		if _, err := w.svc.Create(w.ctx, user(w.teacherA), w.tenant, w.schoolA, w.record("T", "T", 3)); !errors.Is(err, pupils.ErrForbidden) {
			t.Errorf("teacher creates: %v", err)
		}
		if _, err := w.svc.Create(w.ctx, user(w.headA), w.tenant, w.schoolB, w.record("T", "T", 3)); !errors.Is(err, pupils.ErrNotFound) {
			t.Errorf("head of A creates at B: %v", err)
		}
		if _, err := w.svc.Create(w.ctx, user(w.admin), w.tenant, w.trust, w.record("T", "T", 3)); !errors.Is(err, pupils.ErrNotFound) {
			t.Errorf("create at a trust: %v", err)
		}
		if _, err := w.svc.Create(w.ctx, user(w.admin), w.tenant, w.southSchool, w.record("T", "T", 3)); !errors.Is(err, pupils.ErrNotFound) {
			t.Errorf("create at another tenant's school: %v", err)
		}
		if w.pupilCount() != n || w.auditCount() != a {
			t.Error("a refused create wrote something")
		}
		// The same UPN in another tenant is fine (unique per tenant).
		other := w.record("S", "S", 3)
		other.UPN = r.UPN
		if _, err := w.svc.Create(w.ctx, user(w.southAdmin), w.south, w.southSchool, other); err != nil {
			t.Errorf("same UPN in another tenant: %v", err)
		}
	})
}

func TestUpdateMovesAndAuditsFieldNames(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		w := newWorld(t, db)
		// A senior leader granted at the trust keeps the records of A and B.
		lead := w.user(w.tenant, "lead", "senior_leader", w.trust)
		orig := w.record("Amara", "Okafor", 3)
		p := w.create(w.schoolA, orig)
		taken := w.create(w.schoolB, w.record("Ben", "Taken", 3))

		r := orig
		r.UPN = "" // keep
		r.FamilyName, r.FSM, r.FSMEver6 = "Okafor-Smith", true, true
		got, err := w.svc.Update(w.ctx, pupils.UserActor(lead, "POST /pupils/:pid"), w.tenant, p.ID, 0, r)
		if err != nil || got.FamilyName != "Okafor-Smith" || !got.FSM || got.SchoolID != w.schoolA {
			t.Fatalf("update: %+v %v", got, err)
		}
		if u, _ := w.svc.OpenUPN(got); u != orig.UPN {
			t.Error("an empty UPN did not keep the UPN")
		}
		evs := w.changes(p.ID)
		last := evs[len(evs)-1]
		if last.Action != pupils.ActionUpdate || !strings.Contains(last.After, `"fields":["family_name","fsm","fsm_ever6"]`) || strings.Contains(last.After, "Okafor") {
			t.Errorf("update audit %s", last.After)
		}
		// Nothing changed: no change entry, a read instead.
		n := len(w.changes(p.ID))
		if _, err := w.svc.Update(w.ctx, user(lead), w.tenant, p.ID, w.schoolA, r); err != nil || len(w.changes(p.ID)) != n {
			t.Errorf("no-op update: %v, entries %d → %d", err, n, len(w.changes(p.ID)))
		}
		// Move A → B (both in reach), with a new UPN.
		r.UPN = w.record("x", "x", 3).UPN
		got, err = w.svc.Update(w.ctx, user(lead), w.tenant, p.ID, w.schoolB, r)
		if err != nil || got.SchoolID != w.schoolB {
			t.Fatalf("move: %+v %v", got, err)
		}
		last = w.changes(p.ID)[len(w.changes(p.ID))-1]
		if !strings.Contains(last.After, `"fields":["upn","school_id"]`) || !strings.Contains(last.After, `"from_school_id":`+itoa(w.schoolA)) || strings.Contains(last.After, r.UPN) {
			t.Errorf("move audit %s", last.After)
		}
		// Move B → C: C is outside the leader's reach: a field error, nothing written.
		a := w.auditCount()
		_, err = w.svc.Update(w.ctx, user(lead), w.tenant, p.ID, w.schoolC, r)
		var fe pupils.FieldErrors
		if !errors.As(err, &fe) || fe.For(pupils.FieldSchool) == "" {
			t.Errorf("move out of reach: %v", err)
		}
		// The head of A no longer reaches the pupil (now at B), even to move it back.
		if _, err := w.svc.Update(w.ctx, user(w.headA), w.tenant, p.ID, w.schoolA, r); !errors.Is(err, pupils.ErrNotFound) {
			t.Errorf("head of A updates a pupil of B: %v", err)
		}
		// The teacher of B reads but may not write.
		if _, err := w.svc.Update(w.ctx, user(w.teacherB), w.tenant, p.ID, 0, r); !errors.Is(err, pupils.ErrForbidden) {
			t.Errorf("teacher updates: %v", err)
		}
		// Another pupil's UPN: a conflict.
		tu, _ := w.svc.OpenUPN(taken)
		r2 := r
		r2.UPN = tu
		if _, err := w.svc.Update(w.ctx, user(lead), w.tenant, p.ID, 0, r2); !errors.Is(err, pupils.ErrConflict) || strings.Contains(err.Error(), tu) {
			t.Errorf("taken UPN: %v", err)
		}
		// Invalid: field errors.
		r2 = r
		r2.YearGroup = 15
		if _, err := w.svc.Update(w.ctx, user(lead), w.tenant, p.ID, 0, r2); !errors.As(err, &fe) || fe.For(pupils.FieldYearGroup) == "" {
			t.Errorf("bad year group: %v", err)
		}
		if w.auditCount() != a {
			t.Error("refused updates wrote audit entries")
		}
		if cur, _ := w.svc.Get(w.ctx, system, w.tenant, p.ID); cur.SchoolID != w.schoolB || cur.YearGroup != 3 {
			t.Errorf("refused updates changed the pupil: %+v", cur)
		}
		// Every change and read of the pupil is indexed under it (for a subject access request).
		evs, err = audit.AccessesOfPupil(w.ctx, db.DB, w.tenant, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range evs {
			actions = append(actions, e.Action)
		}
		if !slices.Contains(actions, pupils.ActionCreate) || !slices.Contains(actions, pupils.ActionUpdate) || !slices.Contains(actions, pupils.ActionRead) {
			t.Errorf("events of the pupil: %v", actions)
		}
	})
}

func TestMarkLeftAndRevealUPN(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		w := newWorld(t, db)
		r := w.record("Amara", "Okafor", 3)
		p := w.create(w.schoolA, r)
		stay := w.create(w.schoolA, w.record("Ben", "Stays", 3))

		if _, err := w.svc.MarkLeft(w.ctx, user(w.teacherA), w.tenant, p.ID, time.Time{}); !errors.Is(err, pupils.ErrForbidden) {
			t.Errorf("teacher marks left: %v", err)
		}
		var fe pupils.FieldErrors
		if _, err := w.svc.MarkLeft(w.ctx, user(w.headA), w.tenant, p.ID, time.Now().AddDate(0, 0, 2)); !errors.As(err, &fe) || fe.For(pupils.FieldLeftOn) == "" {
			t.Errorf("future leaving day: %v", err)
		}
		day := time.Now().UTC().AddDate(0, 0, -3)
		got, err := w.svc.MarkLeft(w.ctx, user(w.headA), w.tenant, p.ID, day)
		if err != nil || got.LeftOn == nil || got.LeftOn.Format(time.DateOnly) != day.Format(time.DateOnly) {
			t.Fatalf("mark left: %+v %v", got.LeftOn, err)
		}
		last := w.changes(p.ID)[len(w.changes(p.ID))-1]
		if last.Action != pupils.ActionLeft || !strings.Contains(last.After, `"fields":["left_on"]`) || strings.Contains(last.After, day.Format(time.DateOnly)) {
			t.Errorf("left audit %s", last.After)
		}
		// Off the list unless asked for.
		ps, _, _ := w.svc.List(w.ctx, user(w.headA), w.tenant, pupils.ListQuery{UnitID: w.schoolA})
		if !slices.Equal(ids(ps), []uint{stay.ID}) {
			t.Errorf("on roll %v", ids(ps))
		}
		ps, _, _ = w.svc.List(w.ctx, user(w.headA), w.tenant, pupils.ListQuery{UnitID: w.schoolA, IncludeLeft: true})
		if len(ps) != 2 {
			t.Errorf("with leavers %v", ids(ps))
		}
		// Back on the roll and off again: each recorded, and only the writer may.
		if _, err := w.svc.ReturnToRoll(w.ctx, user(w.teacherA), w.tenant, p.ID); !errors.Is(err, pupils.ErrForbidden) {
			t.Errorf("teacher returns a pupil to the roll: %v", err)
		}
		if back, err := w.svc.ReturnToRoll(w.ctx, user(w.headA), w.tenant, p.ID); err != nil || back.LeftOn != nil {
			t.Fatalf("return to roll: %+v %v", back.LeftOn, err)
		}
		if _, err := w.svc.MarkLeft(w.ctx, user(w.headA), w.tenant, p.ID, day); err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range w.changes(p.ID) {
			actions = append(actions, e.Action)
		}
		if !slices.Equal(actions, []string{pupils.ActionCreate, pupils.ActionLeft, pupils.ActionRejoin, pupils.ActionLeft}) {
			t.Errorf("changes %v", actions)
		}
		// By school, Select lists those on roll; by id, leavers too.
		if got, _ := w.svc.Select(w.ctx, user(w.headA), w.tenant, pupils.Selection{SchoolIDs: []uint{w.schoolA}}); !slices.Equal(ids(got), []uint{stay.ID}) {
			t.Errorf("Select by school %v", ids(got))
		}
		if got, _ := w.svc.Select(w.ctx, user(w.headA), w.tenant, pupils.Selection{IDs: []uint{p.ID}}); !slices.Equal(ids(got), []uint{p.ID}) {
			t.Errorf("Select a leaver by id %v", ids(got))
		}
		if _, err := w.svc.Select(w.ctx, user(w.headA), w.tenant, pupils.Selection{Max: 1, IDs: []uint{p.ID, stay.ID}}); !errors.Is(err, pupils.ErrTooMany) {
			t.Errorf("over Max: %v", err)
		}

		// Reveal: the head (keeps records) sees the UPN, recorded; the teacher may not; the hub manager finds nothing.
		u, err := w.svc.RevealUPN(w.ctx, pupils.UserActor(w.headA, "POST /pupils/:pid/upn"), w.tenant, p.ID)
		if err != nil || u != r.UPN {
			t.Fatalf("reveal: %v", err)
		}
		acc := w.accesses(w.tenant, pupils.ActionRevealUPN)
		if len(acc) != 1 || !slices.Equal(acc[0].PupilIDs, []uint{p.ID}) || acc[0].Via != "POST /pupils/:pid/upn" {
			t.Errorf("reveal audit %+v", acc)
		}
		if _, err := w.svc.RevealUPN(w.ctx, user(w.teacherA), w.tenant, p.ID); !errors.Is(err, pupils.ErrForbidden) {
			t.Errorf("teacher reveals: %v", err)
		}
		if _, err := w.svc.RevealUPN(w.ctx, user(w.hubManager), w.tenant, p.ID); !errors.Is(err, pupils.ErrNotFound) {
			t.Errorf("hub manager reveals: %v", err)
		}
	})
}

func TestNoAuthorizerRefusesUsers(t *testing.T) {
	db := storagetest.Open(t, storage.SQLite)
	w := newWorld(t, db)
	p := w.create(w.schoolA, w.record("A", "B", 3))
	bare := pupils.NewService(db, nil)
	if _, err := bare.Get(w.ctx, user(w.admin), w.tenant, p.ID); err == nil {
		t.Error("a service without SetAccess answered a user")
	}
}

func TestFiguresSuppressSmallNumbers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		w := newWorld(t, db)
		for i := 0; i < 7; i++ {
			r := w.record("A", "Pupil", 3)
			r.FSM, r.FSMEver6 = i < 2, i < 6 // 2 FSM, 6 FSM Ever 6
			w.create(w.schoolA, r)
		}
		r := w.record("C", "Pupil", 4)
		r.LookedAfter = true
		w.create(w.schoolC, r)
		left := w.create(w.schoolA, w.record("L", "Leaver", 3))
		if _, err := w.svc.MarkLeft(w.ctx, system, w.tenant, left.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		n := w.auditCount()
		flag := func(f pupils.Figures, fl pupils.Flag) pupils.Count {
			for _, c := range f.ByFlag {
				if c.Flag == fl {
					return c.Count
				}
			}
			t.Fatalf("no figure for %s", fl)
			return pupils.Count{}
		}
		// The head of A may read A's pupils: exact numbers for A.
		f, err := w.svc.Figures(w.ctx, user(w.headA), w.tenant, w.schoolA)
		if err != nil || f.Suppressed || f.OnRoll.N != 7 || flag(f, pupils.FlagFSM).N != 2 || flag(f, pupils.FlagFSMEver6).N != 6 || f.Schools != 1 {
			t.Fatalf("head of A: %+v %v", f, err)
		}
		if len(f.ByYearGroup) != 1 || f.ByYearGroup[0].YearGroup != 3 || f.ByYearGroup[0].Count.N != 7 {
			t.Errorf("by year group %+v", f.ByYearGroup)
		}
		// The hub manager sees A (school.read) but not its pupils: counts under 5
		// hidden, and 6 of 7 too (it would single out the seventh).
		f, err = w.svc.Figures(w.ctx, user(w.hubManager), w.tenant, w.schoolA)
		if err != nil || !f.Suppressed || f.OnRoll.N != 7 || !flag(f, pupils.FlagFSM).Suppressed || flag(f, pupils.FlagFSM).N != 0 || !flag(f, pupils.FlagFSMEver6).Suppressed {
			t.Fatalf("hub manager at A: %+v %v", f, err)
		}
		if flag(f, pupils.FlagFSM).String() != "<5" || flag(f, pupils.FlagEHCP).String() != "<5" || flag(f, pupils.FlagFSMEver6).String() != "suppressed" {
			t.Errorf("strings %q %q %q", flag(f, pupils.FlagFSM).String(), flag(f, pupils.FlagEHCP).String(), flag(f, pupils.FlagFSMEver6).String())
		}
		// Across schools (the hub: A and C), always suppressed, even for the admin.
		f, err = w.svc.Figures(w.ctx, user(w.admin), w.tenant, w.hub)
		if err != nil || !f.Suppressed || f.Schools != 2 || f.OnRoll.N != 8 || !flag(f, pupils.FlagLookedAfter).Suppressed {
			t.Fatalf("admin at the hub: %+v %v", f, err)
		}
		// Year 3 (7) and Year 4 (1) under a total of 8: Year 4 hidden, and Year 3 with it.
		if len(f.ByYearGroup) != 2 || !f.ByYearGroup[0].Count.Suppressed || !f.ByYearGroup[1].Count.Suppressed {
			t.Errorf("hub by year group %+v", f.ByYearGroup)
		}
		// Out of reach: not found.
		if _, err := w.svc.Figures(w.ctx, user(w.teacherA), w.tenant, w.hub); !errors.Is(err, pupils.ErrNotFound) {
			t.Errorf("teacher of A at the hub: %v", err)
		}
		if _, err := w.svc.Figures(w.ctx, user(w.admin), w.tenant, w.southSchool); !errors.Is(err, pupils.ErrNotFound) {
			t.Errorf("another tenant's school: %v", err)
		}
		if w.auditCount() != n {
			t.Error("figures were recorded as pupil reads")
		}
	})
}

func TestCreateManyIsAllOrNothing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		w := newWorld(t, db)
		existing := w.create(w.schoolA, w.record("E", "Existing", 3))
		eu, _ := w.svc.OpenUPN(existing)
		good := []pupils.Record{w.record("A", "One", 3), w.record("B", "Two", 4)}
		n, a := w.pupilCount(), w.auditCount()
		bad := append(slices.Clone(good), pupils.Record{UPN: "x"})
		if _, err := w.svc.CreateMany(w.ctx, system, w.tenant, w.schoolA, bad); err == nil || !strings.Contains(err.Error(), "record 3") {
			t.Errorf("invalid third record: %v", err)
		}
		dup := append(slices.Clone(good), good[0])
		if _, err := w.svc.CreateMany(w.ctx, system, w.tenant, w.schoolA, dup); !errors.Is(err, pupils.ErrConflict) {
			t.Errorf("UPN twice in the batch: %v", err)
		}
		taken := w.record("C", "Taken", 3)
		taken.UPN = eu
		if _, err := w.svc.CreateMany(w.ctx, system, w.tenant, w.schoolA, append(slices.Clone(good), taken)); !errors.Is(err, pupils.ErrConflict) || strings.Contains(err.Error(), eu) {
			t.Errorf("UPN already in the tenant: %v", err)
		}
		if _, err := w.svc.CreateMany(w.ctx, user(w.teacherA), w.tenant, w.schoolA, good); !errors.Is(err, pupils.ErrForbidden) {
			t.Errorf("teacher: %v", err)
		}
		if w.pupilCount() != n || w.auditCount() != a {
			t.Fatal("a refused batch wrote something")
		}
		ps, err := w.svc.CreateMany(w.ctx, user(w.headA), w.tenant, w.schoolA, good)
		if err != nil || len(ps) != 2 || ps[0].ID == 0 {
			t.Fatalf("batch: %v %v", ps, err)
		}
		if evs, _ := audit.AccessesOfPupil(w.ctx, db.DB, w.tenant, ps[1].ID); len(evs) != 1 || evs[0].Action != pupils.ActionCreate {
			t.Errorf("batch audit of the second pupil: %+v", evs)
		}
	})
}
