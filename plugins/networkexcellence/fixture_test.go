package main

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/testdb"
)

// Ids of the test fixture, on top of plugintest.DefaultFixture: hub 3 (Elm
// Hub) holds schools A and C; hub 4 (Oak Hub) holds D and E; the trust
// holds A and B (B is in no hub, so no member).
const (
	oakHub     uint64 = 4
	schoolD    uint64 = 13
	schoolE    uint64 = 14
	centralID  uint64 = 104
	hubMgrID   uint64 = 105 // hub manager of Elm Hub (A's)
	leadID     uint64 = 106 // a Lead Reviewer
	reviewerID uint64 = 107 // a reviewer, deputy head at D
	headDID    uint64 = 108 // headteacher of D, in Oak Hub
	trustID    uint64 = 109 // trust leader of A and B
	partnerID  uint64 = 110 // senior partner of Elm Hub
)

func fixture() *plugintest.Fixture {
	f := plugintest.DefaultFixture()
	f.Units = append(f.Units, &pluginv1.OrgUnit{Id: oakHub, Kind: pluginv1.OrgUnitKind_ORG_UNIT_KIND_HUB, Name: "Oak Hub", ParentIds: []uint64{plugintest.RootUnit}})
	roll := func(n int32) *int32 { return &n }
	f.Schools = append(f.Schools,
		&pluginv1.School{Id: schoolD, Urn: "900004", Name: "Damson Primary School", Phase: pluginv1.Phase_PHASE_PRIMARY, PupilsOnRoll: roll(420), ParentIds: []uint64{oakHub}},
		&pluginv1.School{Id: schoolE, Urn: "900005", Name: "Elm Secondary School", Phase: pluginv1.Phase_PHASE_SECONDARY, PupilsOnRoll: roll(1100), ParentIds: []uint64{oakHub}},
	)
	g := func(role string, unit uint64) []*pluginv1.RoleGrant {
		return []*pluginv1.RoleGrant{{Role: role, UnitId: unit}}
	}
	f.People = append(f.People,
		&pluginv1.Person{Id: centralID, Name: "Cora Central", Email: "cora@test.example", Grants: g("central_team", plugintest.RootUnit)},
		&pluginv1.Person{Id: hubMgrID, Name: "Hal Hub", Email: "hal@test.example", Grants: g("hub_manager", plugintest.HubUnit)},
		&pluginv1.Person{Id: leadID, Name: "Lena Lead", Email: "lena@test.example", Grants: g("lead_reviewer", oakHub)},
		&pluginv1.Person{Id: reviewerID, Name: "Remi Reviewer", Email: "remi@test.example", Grants: g("senior_leader", schoolD)},
		&pluginv1.Person{Id: headDID, Name: "Dee Head", Email: "dee@test.example", Grants: g("headteacher", schoolD)},
		&pluginv1.Person{Id: trustID, Name: "Tara Trust", Email: "tara@test.example", Grants: g("trust_leader", plugintest.TrustUnit)},
		&pluginv1.Person{Id: partnerID, Name: "Sol Partner", Email: "sol@test.example", Grants: g("senior_partner", plugintest.HubUnit)},
	)
	return f
}

// eachStorage runs fn with a harness on fresh SQLite and PostgreSQL storage.
func eachStorage(t *testing.T, fn func(t *testing.T, c client)) {
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			driver, dsn, schema := testdb.Storage(t, d)
			h := plugintest.Start(t, binary, plugintest.WithStorage(driver, dsn, schema), plugintest.WithFixture(fixture()))
			fn(t, client{t, h})
		})
	}
}

// client makes terse requests that must succeed.
type client struct {
	t *testing.T
	h *plugintest.Harness
}

func (c client) as(who uint64) *pluginv1.Actor { return c.h.As(who) }

// post posts form and expects a redirect, returning its location.
func (c client) post(who uint64, path string, form url.Values) string {
	c.t.Helper()
	resp, err := c.h.Post(c.as(who), path, form)
	if err != nil {
		c.t.Fatalf("POST %s: %v", path, err)
	}
	if resp.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("POST %s as %d = %d, want 303:\n%s", path, who, resp.StatusCode, resp.String())
	}
	return strings.TrimPrefix(resp.Location(), "/p/networkexcellence")
}

// page gets path and expects a 200 page, returning the body.
func (c client) page(who uint64, path string) string {
	c.t.Helper()
	resp, err := c.h.Get(c.as(who), path)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	if resp.StatusCode != http.StatusOK || !resp.Fragment {
		c.t.Fatalf("GET %s as %d = %d (fragment %v):\n%s", path, who, resp.StatusCode, resp.Fragment, resp.String())
	}
	return resp.String()
}

// status requests and returns the status and body.
func (c client) status(who uint64, method, path string, form url.Values) (int, string) {
	c.t.Helper()
	resp, err := c.h.Request(c.as(who), method, path, form)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp.StatusCode, resp.String()
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Fatalf("%s lacks %q:\n%s", what, w, body)
		}
	}
}

func mustNotContain(t *testing.T, what, body string, nots ...string) {
	t.Helper()
	for _, w := range nots {
		if strings.Contains(body, w) {
			t.Fatalf("%s contains %q:\n%s", what, w, body)
		}
	}
}

// lastID returns the number at the end of a location such as /p/networkexcellence/runs/3.
func lastID(t *testing.T, loc string) string {
	t.Helper()
	m := regexp.MustCompile(`/(\d+)(\?.*)?$`).FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("no id in %q", loc)
	}
	return m[1]
}

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

func id(n uint64) string { return fmt.Sprint(n) }
