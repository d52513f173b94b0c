package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/pupils/upn"
	"github.com/challengepartners/upwards/core/tenancy"
)

// testRecord is a valid pupil in year 4 named after tag, with UPN serial n.
func testRecord(tag string, n int) pupils.Record {
	u, err := upn.Build(202, 4321, 21, n)
	if err != nil {
		panic(err)
	}
	dob := time.Date(pupils.ExpectedBirthYear(4, time.Now()), time.October, 12, 0, 0, 0, 0, time.UTC)
	return pupils.Record{UPN: u, GivenName: "Kit" + fmt.Sprint(n), FamilyName: "Testpupil " + tag, DateOfBirth: dob.Format(time.DateOnly),
		YearGroup: 4, Gender: "F", SEN: "N", FSM: n%2 == 0, FSMEver6: n%2 == 0}
}

// pupilWorld adds to tenant A a pupil at the teacher's school and one at the
// trust's school, a central-team user and a reviewer, and API tokens.
type pupilWorld struct {
	*world
	lone, trust                    pupils.Pupil
	loneUPN                        string
	centralEmail, reviewerEmail    string
	teacherTok, hubTok, centralTok string
}

func newPupilWorld(t *testing.T, w *world) *pupilWorld {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	pw := &pupilWorld{world: w}
	a := w.a
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	r := testRecord("lone", 2)
	pw.loneUPN = r.UPN
	var err error
	pw.lone, err = w.app.Pupils.Create(ctx, pupils.SystemActor("test"), a.tenant.ID, a.otherSchool.ID, r)
	must(err)
	pw.trust, err = w.app.Pupils.Create(ctx, pupils.SystemActor("test"), a.tenant.ID, a.trustSchool.ID, testRecord("trust", 3))
	must(err)
	user := func(local, role string, at tenancy.Unit) string {
		email := local + "@alpha.example.org"
		u, err := w.app.Identity.CreateUser(ctx, a.tenant.ID, email, local, testPassword, false)
		must(err)
		must(w.app.Authz.Grant(ctx, a.tenant.ID, u.ID, role, at.ID, nil))
		return email
	}
	pw.centralEmail = user("central", authz.RoleCentralTeam, a.root)
	pw.reviewerEmail = user("reviewer", authz.RoleReviewer, a.otherSchool)
	token := func(email string) string {
		u, err := w.app.Identity.UserByEmail(ctx, a.tenant.ID, email)
		must(err)
		tok, _, err := w.app.Identity.CreateAPIToken(ctx, a.tenant.ID, u.ID, "test", 0)
		must(err)
		return tok
	}
	pw.teacherTok, pw.hubTok, pw.centralTok = token(a.teacherEmail), token(a.hubMgrEmail), token(pw.centralEmail)
	return pw
}

// reads returns the pupil ids, via and actor of tenant A's audit entries of action.
func (pw *pupilWorld) reads(t *testing.T, action string) []struct {
	Via      string `json:"via"`
	PupilIDs []uint `json:"pupil_ids"`
	Actor    string
} {
	t.Helper()
	evs, _, err := audit.List(context.Background(), pw.app.DB.DB, pw.a.tenant.ID, audit.Filter{Action: action, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]struct {
		Via      string `json:"via"`
		PupilIDs []uint `json:"pupil_ids"`
		Actor    string
	}, len(evs))
	for i, e := range evs {
		if err := json.Unmarshal([]byte(e.After), &out[i]); err != nil {
			t.Fatalf("audit %s: %v", e.After, err)
		}
		out[i].Actor = e.ActorLabel
	}
	return out
}

func TestPupilPagesAreScopedAndAudited(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		pw := newPupilWorld(t, w)
		a := w.a
		lone, trust := pw.lone, pw.trust

		// The teacher of the lone school sees its pupils, with the UPN masked.
		tc := w.client(a.host)
		tc.login(a.teacherEmail)
		resp, body := tc.get(fmt.Sprintf("/units/%d", a.otherSchool.ID))
		if resp.StatusCode != 200 || !strings.Contains(body, fmt.Sprintf(`href="/units/%d/pupils"`, a.otherSchool.ID)) {
			t.Fatalf("school page has no Pupils link for the teacher: %d", resp.StatusCode)
		}
		resp, body = tc.get(fmt.Sprintf("/units/%d/pupils", a.otherSchool.ID))
		if resp.StatusCode != 200 || !strings.Contains(body, "Testpupil lone") || strings.Contains(body, "Testpupil trust") {
			t.Fatalf("teacher's list: %d %.300s", resp.StatusCode, body)
		}
		resp, body = tc.get(fmt.Sprintf("/pupils/%d", lone.ID))
		if resp.StatusCode != 200 || !strings.Contains(body, "Kit2") || !strings.Contains(body, "••••••••••"+pw.loneUPN[10:]) {
			t.Fatalf("teacher's pupil page: %d %.500s", resp.StatusCode, body)
		}
		if strings.Contains(body, pw.loneUPN) || strings.Contains(body, "Show UPN") {
			t.Error("the teacher's page shows the UPN or offers to")
		}
		// Each view is in the audit log: who, which pupil, through which route.
		got := pw.reads(t, pupils.ActionRead)
		if len(got) == 0 || got[0].Via != "GET /pupils/:pid" || !slices.Equal(got[0].PupilIDs, []uint{lone.ID}) || got[0].Actor != a.teacherEmail {
			t.Errorf("page read audit: %+v", got)
		}
		lists := pw.reads(t, pupils.ActionList)
		if len(lists) == 0 || lists[0].Via != "GET /units/:id/pupils" || !slices.Equal(lists[0].PupilIDs, []uint{lone.ID}) {
			t.Errorf("list audit: %+v", lists)
		}
		// Another school's pupil and list: 404; revealing or editing: 403 (teachers keep no records).
		for _, p := range []string{fmt.Sprintf("/pupils/%d", trust.ID), fmt.Sprintf("/units/%d/pupils", a.trustSchool.ID), fmt.Sprintf("/pupils/%d", a.pupilID)} {
			if resp, _ := tc.get(p); resp.StatusCode != http.StatusNotFound {
				t.Errorf("teacher GET %s: %d, want 404", p, resp.StatusCode)
			}
		}
		if resp, _ := tc.post(fmt.Sprintf("/pupils/%d/upn", lone.ID), nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("teacher reveals a UPN: %d", resp.StatusCode)
		}
		if resp, _ := tc.get(fmt.Sprintf("/pupils/%d/edit", lone.ID)); resp.StatusCode != http.StatusForbidden {
			t.Errorf("teacher edits: %d", resp.StatusCode)
		}
		if resp, _ := tc.api(http.MethodGet, fmt.Sprintf("/api/v1/pupils/%d", trust.ID), pw.teacherTok, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("teacher API, other school's pupil: %d", resp.StatusCode)
		}
		resp, out := tc.api(http.MethodGet, fmt.Sprintf("/api/v1/units/%d/pupils", a.otherSchool.ID), pw.teacherTok, nil)
		if resp.StatusCode != 200 || out["total"] != float64(1) {
			t.Errorf("teacher API list: %d %v", resp.StatusCode, out)
		}

		// Hub manager, central team and reviewer: aggregates only.
		n := len(pw.reads(t, pupils.ActionRead)) + len(pw.reads(t, pupils.ActionList))
		for _, who := range []struct{ email, token string }{{a.hubMgrEmail, pw.hubTok}, {pw.centralEmail, pw.centralTok}, {pw.reviewerEmail, ""}} {
			c := w.client(a.host)
			c.login(who.email)
			for _, p := range []string{fmt.Sprintf("/pupils/%d", a.pupilID), fmt.Sprintf("/pupils/%d", lone.ID)} {
				if resp, _ := c.get(p); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
					t.Errorf("%s GET %s: %d", who.email, p, resp.StatusCode)
				}
			}
			for _, s := range []tenancy.Unit{a.hubSchool, a.otherSchool} {
				if resp, _ := c.get(fmt.Sprintf("/units/%d/pupils", s.ID)); resp.StatusCode != http.StatusNotFound {
					t.Errorf("%s lists %s: %d", who.email, s.Name, resp.StatusCode)
				}
			}
			if resp, body := c.get(fmt.Sprintf("/units/%d", a.hubSchool.ID)); resp.StatusCode == 200 && strings.Contains(body, `data-testid="pupils-link"`) {
				t.Errorf("%s is offered the Pupils link", who.email)
			}
			if who.token != "" {
				for _, p := range []string{fmt.Sprintf("/api/v1/pupils/%d", a.pupilID), fmt.Sprintf("/api/v1/units/%d/pupils", a.hubSchool.ID)} {
					if resp, _ := c.api(http.MethodGet, p, who.token, nil); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
						t.Errorf("%s API GET %s: %d", who.email, p, resp.StatusCode)
					}
				}
			}
		}
		// The hub manager's figures of the hub's school hide the one pupil.
		hc := w.client(a.host)
		hc.login(a.hubMgrEmail)
		resp, body = hc.get(fmt.Sprintf("/units/%d/pupil-figures", a.hubSchool.ID))
		if resp.StatusCode != 200 || !strings.Contains(body, "&lt;5") || strings.Contains(body, "Testpupil") {
			t.Errorf("hub manager's figures: %d %.400s", resp.StatusCode, body)
		}
		if got := len(pw.reads(t, pupils.ActionRead)) + len(pw.reads(t, pupils.ActionList)); got != n {
			t.Errorf("refused or aggregate views recorded %d pupil reads", got-n)
		}
	})
}

func TestPupilEditRevealCreateAndAPI(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		pw := newPupilWorld(t, w)
		a := w.a
		lone := pw.lone
		ac := w.client(a.host)
		ac.login(a.adminEmail)

		// Show UPN: a POST whose answer is the page with the UPN, itself recorded.
		ac.get(fmt.Sprintf("/pupils/%d", lone.ID))
		resp, body := ac.post(fmt.Sprintf("/pupils/%d/upn", lone.ID), nil)
		if resp.StatusCode != 200 || !strings.Contains(body, pw.loneUPN) {
			t.Fatalf("reveal: %d", resp.StatusCode)
		}
		if rv := pw.reads(t, pupils.ActionRevealUPN); len(rv) != 1 || rv[0].Via != "POST /pupils/:pid/upn" || rv[0].Actor != a.adminEmail {
			t.Errorf("reveal audit %+v", rv)
		}

		// Edit: the form never carries the UPN; the change is recorded by field name.
		resp, body = ac.get(fmt.Sprintf("/pupils/%d/edit", lone.ID))
		if resp.StatusCode != 200 || strings.Contains(body, pw.loneUPN) {
			t.Fatalf("edit form: %d (UPN in form: %v)", resp.StatusCode, strings.Contains(body, pw.loneUPN))
		}
		form := url.Values{"given_name": {"Kit2"}, "family_name": {"Renamed"}, "date_of_birth": {lone.DateOfBirth}, "year_group": {"4"},
			"gender": {"F"}, "sen": {"K"}, "eal_proficiency": {"B"}, "fsm": {"1"}, "fsm_ever6": {"1"}}
		if resp, body := ac.post(fmt.Sprintf("/pupils/%d", lone.ID), form); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d %.300s", resp.StatusCode, body)
		}
		p, err := w.app.Pupils.Get(context.Background(), pupils.SystemActor("test"), a.tenant.ID, lone.ID)
		if err != nil || p.FamilyName != "Renamed" || p.SEN != "K" || p.EALProficiency != "B" || !p.FSM {
			t.Fatalf("after save: %+v %v", p, err)
		}
		if u, _ := w.app.Pupils.OpenUPN(p); u != pw.loneUPN {
			t.Error("an empty UPN field changed the UPN")
		}
		evs, _, _ := audit.List(context.Background(), w.app.DB.DB, a.tenant.ID, audit.Filter{Action: pupils.ActionUpdate})
		if len(evs) != 1 || !strings.Contains(evs[0].After, `"family_name"`) || strings.Contains(evs[0].After, "Renamed") {
			t.Errorf("update audit %+v", evs)
		}
		// A bad form: 422 naming the field, not echoing the UPN; nothing changes.
		form.Set("upn", "Z"+pw.loneUPN[1:])
		form.Set("year_group", "4")
		resp, body = ac.post(fmt.Sprintf("/pupils/%d", lone.ID), form)
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "upn") || strings.Contains(body, pw.loneUPN[1:]) {
			t.Errorf("bad UPN: %d %.300s", resp.StatusCode, body)
		}
		// Moving to another tenant's school: refused.
		form.Del("upn")
		form.Set("school", fmt.Sprint(w.b.hubSchool.ID))
		if resp, _ := ac.post(fmt.Sprintf("/pupils/%d", lone.ID), form); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("move to tenant B's school: %d", resp.StatusCode)
		}

		// Add a pupil from the school's list; the new pupil's page follows.
		nr := testRecord("new", 9)
		add := url.Values{"upn": {nr.UPN}, "given_name": {"Newt"}, "family_name": {"Added"}, "date_of_birth": {nr.DateOfBirth},
			"year_group": {"Y4"}, "gender": {"M"}, "sen": {"N"}, "looked_after": {"1"}}
		ac.get(fmt.Sprintf("/units/%d/pupils", a.otherSchool.ID))
		resp, _ = ac.post(fmt.Sprintf("/units/%d/pupils", a.otherSchool.ID), add)
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/pupils/") {
			t.Fatalf("add: %d", resp.StatusCode)
		}
		if strings.Contains(resp.Header.Get("Location"), nr.UPN) {
			t.Error("the UPN is in a URL")
		}
		// The same UPN again: 409.
		if resp, _ := ac.post(fmt.Sprintf("/units/%d/pupils", a.otherSchool.ID), add); resp.StatusCode != http.StatusConflict {
			t.Errorf("duplicate UPN: %d", resp.StatusCode)
		}
		// Search by name is a POST: the name stays out of the URL.
		resp, body = ac.post(fmt.Sprintf("/units/%d/pupils/search", a.otherSchool.ID), url.Values{"q": {"newt"}})
		if resp.StatusCode != 200 || !strings.Contains(body, "Added, Newt") || strings.Contains(body, "Renamed") {
			t.Errorf("search: %d", resp.StatusCode)
		}
		// Mark as left: off the default list.
		ac.get(fmt.Sprintf("/pupils/%d", lone.ID))
		if resp, _ := ac.post(fmt.Sprintf("/pupils/%d/left", lone.ID), url.Values{"left_on": {time.Now().Format(time.DateOnly)}}); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("mark left: %d", resp.StatusCode)
		}
		if _, body := ac.get(fmt.Sprintf("/units/%d/pupils", a.otherSchool.ID)); strings.Contains(body, "Renamed") {
			t.Error("a leaver is on the default list")
		}
		if _, body := ac.get(fmt.Sprintf("/units/%d/pupils?left=1", a.otherSchool.ID)); !strings.Contains(body, "Renamed") {
			t.Error("a leaver is missing with leavers included")
		}
		ac.get(fmt.Sprintf("/pupils/%d", lone.ID))
		if resp, _ := ac.post(fmt.Sprintf("/pupils/%d/rejoin", lone.ID), nil); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("back on the roll: %d", resp.StatusCode)
		}
		if _, body := ac.get(fmt.Sprintf("/units/%d/pupils", a.otherSchool.ID)); !strings.Contains(body, "Renamed") {
			t.Error("a pupil back on the roll is missing from the list")
		}

		// The API: JSON without the UPN; PATCH changes one field; a bad value is 422 without the UPN.
		resp, out := ac.api(http.MethodGet, fmt.Sprintf("/api/v1/pupils/%d", pw.trust.ID), a.token, nil)
		if resp.StatusCode != 200 || out["given_name"] != "Kit3" || out["upn"] != nil || out["upn_hash"] != nil {
			t.Fatalf("API pupil: %d %v", resp.StatusCode, out)
		}
		raw, _ := json.Marshal(out)
		if strings.Contains(string(raw), testRecord("trust", 3).UPN) {
			t.Fatal("the API returned the UPN")
		}
		resp, out = ac.api(http.MethodPatch, fmt.Sprintf("/api/v1/pupils/%d", pw.trust.ID), a.token, map[string]any{"year_group": 5, "date_of_birth": time.Date(pupils.ExpectedBirthYear(5, time.Now()), 12, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)})
		if resp.StatusCode != 200 || out["year_group"] != float64(5) || out["given_name"] != "Kit3" {
			t.Fatalf("API patch: %d %v", resp.StatusCode, out)
		}
		bad := "Z" + testRecord("trust", 3).UPN[1:]
		resp, out = ac.api(http.MethodPatch, fmt.Sprintf("/api/v1/pupils/%d", pw.trust.ID), a.token, map[string]any{"upn": bad, "gender": "X"})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(out["error"]), "gender") || strings.Contains(fmt.Sprint(out), bad[1:]) {
			t.Errorf("API bad patch: %d %v", resp.StatusCode, out)
		}
		resp, out = ac.api(http.MethodPost, fmt.Sprintf("/api/v1/units/%d/pupils/search", a.otherSchool.ID), a.token, map[string]any{"q": "NEWT"})
		if items, _ := out["items"].([]any); resp.StatusCode != 200 || out["total"] != float64(1) || len(items) != 1 || items[0].(map[string]any)["family_name"] != "Added" {
			t.Errorf("API search: %d %v", resp.StatusCode, out)
		}
		resp, out = ac.api(http.MethodGet, fmt.Sprintf("/api/v1/units/%d/pupils?flag=looked_after", a.otherSchool.ID), a.token, nil)
		if resp.StatusCode != 200 || out["total"] != float64(1) {
			t.Errorf("API list by flag: %d %v", resp.StatusCode, out)
		}
		resp, out = ac.api(http.MethodGet, fmt.Sprintf("/api/v1/units/%d/pupil-figures", a.root.ID), a.token, nil)
		if resp.StatusCode != 200 || out["suppressed"] != true {
			t.Errorf("API figures of the tenant: %d %v", resp.StatusCode, out)
		}
		// Tenant isolation: tenant B's pupil is not found for A's admin, on every pupil route.
		for _, p := range []string{fmt.Sprintf("/pupils/%d", w.b.pupilID), fmt.Sprintf("/pupils/%d/edit", w.b.pupilID)} {
			if resp, _ := ac.get(p); resp.StatusCode != http.StatusNotFound {
				t.Errorf("A's admin GET %s: %d", p, resp.StatusCode)
			}
		}
		if resp, _ := ac.api(http.MethodGet, fmt.Sprintf("/api/v1/pupils/%d", w.b.pupilID), a.token, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("A's admin API GET B's pupil: %d", resp.StatusCode)
		}
	})
}
