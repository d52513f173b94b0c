package pupils_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/authz/authztest"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/pupils/upn"
	"github.com/challengepartners/upwards/core/sealed"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/tenancy"
)

// world is two tenants on one database. Tenant "north":
//
//	root ─┬─ trust ─┬─ schoolA (also in the hub)
//	      │         └─ schoolB
//	      ├─ hub ───┬─ schoolA
//	      │         └─ schoolC
//	      └─ schoolD (stand-alone)
//
// with a user per role; tenant "south" has one school with one pupil.
type world struct {
	t       *testing.T
	ctx     context.Context
	db      *storage.DB
	ten     *tenancy.Service
	az      *authz.Enforcer
	svc     *pupils.Service
	tenant  uint
	root    uint
	trust   uint
	hub     uint
	schoolA uint
	schoolB uint
	schoolC uint
	schoolD uint
	// users of north
	admin, trustLeader, headA, teacherA, teacherB, hubManager, central, reviewer, nobody uint
	// south
	south, southSchool, southAdmin uint
	serial                         int
}

func newWorld(t *testing.T, db *storage.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{t: t, ctx: ctx, db: db, ten: tenancy.NewService(db)}
	az, err := authz.New(ctx, db, w.ten, authz.Options{})
	if err != nil {
		t.Fatal(err)
	}
	w.az = az
	box, err := sealed.New(make([]byte, sealed.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	w.svc = pupils.NewService(db, box)
	w.svc.SetAccess(az, w.ten)

	tn, err := w.ten.CreateTenant(ctx, "north", "North", nil)
	if err != nil {
		t.Fatal(err)
	}
	w.tenant = tn.ID
	root, err := w.ten.RootUnit(ctx, tn.ID)
	if err != nil {
		t.Fatal(err)
	}
	w.root = root.ID
	w.trust = w.unit(w.tenant, tenancy.KindTrust, "Trust", "")
	w.hub = w.unit(w.tenant, tenancy.KindHub, "Hub", "")
	w.schoolA = w.unit(w.tenant, tenancy.KindSchool, "School A", "900101")
	w.schoolB = w.unit(w.tenant, tenancy.KindSchool, "School B", "900102")
	w.schoolC = w.unit(w.tenant, tenancy.KindSchool, "School C", "900103")
	w.schoolD = w.unit(w.tenant, tenancy.KindSchool, "School D", "900104")
	w.link(w.tenant, w.trust, w.schoolA)
	w.link(w.tenant, w.trust, w.schoolB)
	w.link(w.tenant, w.hub, w.schoolA)
	w.link(w.tenant, w.hub, w.schoolC)

	w.admin = w.user(w.tenant, "admin", authz.RoleTenantAdmin, w.root)
	w.trustLeader = w.user(w.tenant, "ceo", authz.RoleTrustLeader, w.trust)
	w.headA = w.user(w.tenant, "head.a", authz.RoleHeadteacher, w.schoolA)
	w.teacherA = w.user(w.tenant, "teacher.a", authz.RoleTeacher, w.schoolA)
	w.teacherB = w.user(w.tenant, "teacher.b", authz.RoleTeacher, w.schoolB)
	w.hubManager = w.user(w.tenant, "hub", authz.RoleHubManager, w.hub)
	w.central = w.user(w.tenant, "central", authz.RoleCentralTeam, w.root)
	w.reviewer = w.user(w.tenant, "reviewer", authz.RoleReviewer, w.schoolA)
	w.nobody = w.user(w.tenant, "nobody", "", 0)

	st, err := w.ten.CreateTenant(ctx, "south", "South", nil)
	if err != nil {
		t.Fatal(err)
	}
	w.south = st.ID
	w.southSchool = w.unit(w.south, tenancy.KindSchool, "South School", "900201")
	sroot, _ := w.ten.RootUnit(ctx, st.ID)
	w.southAdmin = w.user(w.south, "admin", authz.RoleTenantAdmin, sroot.ID)
	return w
}

func (w *world) unit(tenantID uint, kind tenancy.Kind, name, urn string) uint {
	w.t.Helper()
	in := tenancy.UnitInput{Kind: kind, Name: name, URN: urn}
	if kind == tenancy.KindSchool {
		in.Phase = "primary"
	}
	u, err := w.ten.CreateUnit(w.ctx, tenantID, in)
	if err != nil {
		w.t.Fatalf("create %s: %v", name, err)
	}
	return u.ID
}

func (w *world) link(tenantID, parent, child uint) {
	w.t.Helper()
	if err := w.ten.Link(w.ctx, tenantID, parent, child); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) user(tenantID uint, name, role string, at uint) uint {
	w.t.Helper()
	id := authztest.User(w.t, w.db, tenantID, fmt.Sprintf("%s@t%d.example", name, tenantID))
	if role != "" {
		if err := w.az.Grant(w.ctx, tenantID, id, role, at, nil); err != nil {
			w.t.Fatalf("grant %s: %v", role, err)
		}
	}
	return id
}

// record returns a valid record for a pupil of year group y; each call a new UPN.
func (w *world) record(given, family string, y int) pupils.Record {
	w.t.Helper()
	w.serial++
	u, err := upn.Build(202, 4001, 19, w.serial)
	if err != nil {
		w.t.Fatal(err)
	}
	dob := time.Date(pupils.ExpectedBirthYear(y, time.Now()), time.November, 3, 0, 0, 0, 0, time.UTC)
	return pupils.Record{UPN: u, GivenName: given, FamilyName: family, DateOfBirth: dob.Format(time.DateOnly),
		YearGroup: y, Gender: "F", SEN: "N"}
}

var system = pupils.SystemActor("test")

func (w *world) create(school uint, r pupils.Record) pupils.Pupil {
	w.t.Helper()
	p, err := w.svc.Create(w.ctx, system, w.tenant, school, r)
	if err != nil {
		w.t.Fatalf("create pupil: %v", err)
	}
	return p
}

// accesses returns the pupil ids and via of the tenant's audit entries of action, oldest first.
type access struct {
	Via      string `json:"via"`
	PupilIDs []uint `json:"pupil_ids"`
	Actor    string
}

func (w *world) accesses(tenantID uint, action string) []access {
	w.t.Helper()
	evs, _, err := audit.List(w.ctx, w.db.DB, tenantID, audit.Filter{Action: action, Limit: 1000})
	if err != nil {
		w.t.Fatal(err)
	}
	var out []access
	for i := len(evs) - 1; i >= 0; i-- {
		var a access
		if err := json.Unmarshal([]byte(evs[i].After), &a); err != nil {
			w.t.Fatalf("audit entry %s: %v", evs[i].After, err)
		}
		a.Actor = evs[i].ActorLabel
		out = append(out, a)
	}
	return out
}

func (w *world) auditCount() int64 {
	w.t.Helper()
	var n int64
	if err := w.db.Table("audit_events").Count(&n).Error; err != nil {
		w.t.Fatal(err)
	}
	return n
}

func (w *world) pupilCount() int64 {
	w.t.Helper()
	var n int64
	if err := w.db.Table("pupils").Count(&n).Error; err != nil {
		w.t.Fatal(err)
	}
	return n
}

func ids(ps []pupils.Pupil) []uint {
	out := make([]uint, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

func itoa(id uint) string { return strconv.FormatUint(uint64(id), 10) }

func user(id uint) pupils.Actor { return pupils.UserActor(id, "GET /test") }

// changes returns the audit entries of changes to pupil id, oldest first.
func (w *world) changes(id uint) []audit.Event {
	w.t.Helper()
	evs, _, err := audit.List(w.ctx, w.db.DB, w.tenant, audit.Filter{EntityType: "pupil", EntityID: itoa(id), Limit: 1000})
	if err != nil {
		w.t.Fatal(err)
	}
	slices.Reverse(evs)
	return evs
}
