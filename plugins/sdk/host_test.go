package sdk

import (
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

func TestHostClientAnswersWithinTheActorsReach(t *testing.T) {
	s, host := testServer(t, &Plugin{Manifest: &pluginv1.Manifest{Id: "demo", Name: "Demo", Version: "1.0.0",
		Jobs:     []*pluginv1.JobDecl{{Name: "work"}},
		Settings: []*pluginv1.SettingDecl{{Key: "colour", Type: pluginv1.SettingType_SETTING_TYPE_STRING, DefaultValue: "teal"}}}})
	head := HostFrom(ctxFor(t, s, host, 1, plugintest.HeadID))
	ctx := t.Context()

	schools, err := head.Schools(ctx)
	if err != nil || len(schools) != 1 || schools[0].GetId() != plugintest.SchoolA {
		t.Fatalf("the headteacher's schools: %v, %v", schools, err)
	}
	if schools, _ := head.Schools(ctx, plugintest.SchoolB); len(schools) != 0 {
		t.Fatalf("the headteacher reads school B: %v", schools)
	}
	// Long id lists are split into calls the core accepts.
	ids := make([]uint64, 12000)
	for i := range ids {
		ids[i] = uint64(i + 1)
	}
	host.Reset()
	if schools, err := head.Schools(ctx, ids...); err != nil || len(schools) != 1 || host.CallCount("GetSchools") != 3 {
		t.Fatalf("12000 ids: %d schools, %d calls, %v", len(schools), host.CallCount("GetSchools"), err)
	}
	units, err := head.OrgUnits(ctx, nil, pluginv1.OrgUnitKind_ORG_UNIT_KIND_SCHOOL)
	if err != nil || len(units) != 1 {
		t.Fatalf("org units: %v, %v", units, err)
	}
	people, err := head.People(ctx, nil, []uint64{plugintest.SchoolA})
	if err != nil || len(people) != 1 || people[0].GetId() != plugintest.HeadID {
		t.Fatalf("people: %v, %v", people, err)
	}
	pupils, err := head.Pupils(ctx, nil, []uint64{plugintest.SchoolA, plugintest.SchoolB})
	if err != nil || len(pupils) != 3 {
		t.Fatalf("pupils: %d, %v", len(pupils), err)
	}
	ok, err := head.Authorize(ctx, Check{"core.pupil.read", plugintest.SchoolA}, Check{"core.pupil.read", plugintest.SchoolB}, Check{"core.school.read", 0})
	if err != nil || !ok[0] || ok[1] || !ok[2] {
		t.Fatalf("authorize: %v, %v", ok, err)
	}
	if can, _ := head.Can(ctx, "core.user.write", plugintest.SchoolA); can {
		t.Fatal("the headteacher may write users")
	}

	if id, err := head.Enqueue(ctx, "work", map[string]int{"n": 1}); err != nil || id == "" {
		t.Fatalf("enqueue: %q, %v", id, err)
	}
	if _, err := head.Enqueue(ctx, "undeclared", nil); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("enqueue of an undeclared job: %v", err)
	}
	if jobs := host.Enqueued(); len(jobs) != 1 || string(jobs[0].Payload) != `{"n":1}` || jobs[0].UserID != plugintest.HeadID {
		t.Fatalf("enqueued %+v", jobs)
	}
	if err := head.Audit(ctx, "demo.thing.create", "thing", "7", nil, map[string]string{"name": "x"}); err != nil {
		t.Fatal(err)
	}
	if err := head.Audit(ctx, "core.thing.create", "thing", "7", nil, nil); status.Code(err) != codes.InvalidArgument {
		t.Fatalf("audit outside the plugin's prefix: %v", err)
	}
	if a := host.Audits(); len(a) != 1 || a[0].BeforeJSON != "" || a[0].AfterJSON != `{"name":"x"}` {
		t.Fatalf("audits %+v", a)
	}
	settings, err := head.Settings(ctx)
	if err != nil || settings["colour"] != "teal" {
		t.Fatalf("settings %v, %v", settings, err)
	}
	if id, err := head.SendMail(ctx, plugintest.HeadID, "", "Hello", "Body"); err != nil || id == 0 {
		t.Fatalf("mail: %d, %v", id, err)
	}
	// The tenant admin holds her role at the root, outside the headteacher's reach.
	if _, err := head.SendMail(ctx, plugintest.AdminID, "", "Hello", "Body"); status.Code(err) != codes.PermissionDenied {
		t.Fatalf("mail outside the reach: %v", err)
	}
	if m := host.Mails(); len(m) != 1 || m[0].To != "hari.head@test.example" {
		t.Fatalf("mails %+v", m)
	}

	// A token that has been revoked is refused.
	tok := host.Mint(plugintest.HeadID, false)
	c := NewHost(head.c, tok)
	host.Revoke(tok)
	_, err = c.Schools(ctx)
	if status.Code(err) != codes.Unauthenticated {
		t.Fatalf("revoked token: %v", err)
	}
}

// SendMails, PeopleWhere and SchoolNames reach the core as one call each
// and carry every field.
func TestHostBatchMailPeopleQueryAndSchoolNames(t *testing.T) {
	fx := plugintest.DefaultFixture()
	fx.People = append(fx.People, &pluginv1.Person{Id: 300, Name: "Rita Reviewer", Email: "rita.reviewer@test.example",
		Grants: []*pluginv1.RoleGrant{{Role: "reviewer", UnitId: plugintest.SchoolC}, {Role: "teacher", UnitId: plugintest.SchoolB}}})
	m := &pluginv1.Manifest{Id: "demo", Name: "Demo", Version: "1.0.0",
		Settings: []*pluginv1.SettingDecl{{Key: "office", Type: pluginv1.SettingType_SETTING_TYPE_EMAIL, DefaultValue: "office@demo.example"}}}
	host := plugintest.NewTestHost(fx, m)
	c, _ := hostClient(t, host)
	ctx := t.Context()
	admin, head := NewHost(c, host.Mint(plugintest.AdminID, false)), NewHost(c, host.Mint(plugintest.HeadID, false))

	ids, err := admin.SendMails(ctx, Mail{PersonID: plugintest.TeacherID, Subject: "One", Body: "1"},
		Mail{To: "office@demo.example", Subject: "Two", Body: "2"}, Mail{PersonID: 300, Subject: "Three", Body: "3"})
	if err != nil || len(ids) != 3 || host.CallCount("SendMails") != 1 {
		t.Fatalf("SendMails = %v, %v (%d calls)", ids, err, host.CallCount("SendMails"))
	}
	if _, err := head.SendMails(ctx, Mail{PersonID: plugintest.HeadID, Subject: "x"}, Mail{PersonID: plugintest.TeacherID, Subject: "y"}); status.Code(err) != codes.PermissionDenied ||
		!strings.Contains(err.Error(), "mail 2: person 102") {
		t.Fatalf("a headteacher mailing another school: %v", err)
	}
	if _, err := head.SendMails(ctx, make([]Mail, MaxMails+1)...); err == nil || host.CallCount("SendMails") != 2 {
		t.Fatalf("more than MaxMails: %v", err)
	}
	if len(host.Mails()) != 3 {
		t.Fatalf("mails %+v: a refused batch queued some", host.Mails())
	}

	hub := PeopleQuery{UnitIDs: []uint64{plugintest.HubUnit}, IncludeDescendants: true, Roles: []string{"reviewer", "headteacher"}}
	people, err := admin.PeopleWhere(ctx, hub)
	if err != nil || len(people) != 2 || people[0].GetId() != plugintest.HeadID || people[1].GetId() != 300 || len(people[1].GetGrants()) != 1 {
		t.Fatalf("reviewers and heads beneath the hub: %v, %v", people, err)
	}
	if people, _ := admin.PeopleWhere(ctx, PeopleQuery{UnitIDs: []uint64{plugintest.HubUnit}}); len(people) != 0 {
		t.Fatalf("grants at the hub itself: %v", people)
	}

	names, err := head.SchoolNames(ctx, plugintest.SchoolA, plugintest.SchoolB, plugintest.SchoolC, plugintest.TrustUnit)
	if err != nil || len(names) != 3 || names[plugintest.SchoolB] != "Birch Academy" {
		t.Fatalf("school names: %v, %v", names, err)
	}
	host.Reset()
	if names, err := head.SchoolNames(ctx); err != nil || len(names) != 0 || host.CallCount("GetSchoolNames") != 0 {
		t.Fatalf("no ids: %v, %v, %d calls", names, err, host.CallCount("GetSchoolNames"))
	}
}
