package main

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/testdb"
)

// start runs the plugin on fresh storage of dialect d with the fixture, its
// clock in October 2017 (the 2017-18 cohort's year).
func start(t *testing.T, d string) client {
	driver, dsn, schema := testdb.Storage(t, d)
	h := plugintest.Start(t, binary, plugintest.WithStorage(driver, dsn, schema), plugintest.WithFixture(fixture()))
	h.SetClock(time.Date(2017, 10, 2, 9, 0, 0, 0, time.UTC))
	return client{t: t, h: h}
}

var idIn = regexp.MustCompile(`/(?:cohorts|participants|coaches|pairs|sessions|events)/(\d+)`)

// lastID is the id in a location or link such as "/p/gettingahead/cohorts/3".
func lastID(t *testing.T, s string) string {
	t.Helper()
	m := idIn.FindAllStringSubmatch(s, -1)
	if len(m) == 0 {
		t.Fatalf("no id in %q", s)
	}
	return m[len(m)-1][1]
}

// linkTo finds the path of the link whose text is label.
func linkTo(t *testing.T, body, label string) string {
	t.Helper()
	re := regexp.MustCompile(`<a href="/p/gettingahead([^"]+)"[^>]*>` + regexp.QuoteMeta(label) + `</a>`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link %q in:\n%s", label, body)
	}
	return strings.ReplaceAll(m[1], "&amp;", "&")
}

// optionValue finds the value of the option labelled label.
func optionValue(t *testing.T, body, label string) string {
	t.Helper()
	re := regexp.MustCompile(`<option value="([^"]*)"[^>]*>` + regexp.QuoteMeta(label) + `</option>`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no option %q in:\n%s", label, body)
	}
	return m[1]
}

// programme is the journey's state: ids as the pages give them.
type programme struct {
	c                client
	cohort           string
	pat, pia, pol    string // participant ids
	cora, colm, cleo string // coach ids
	personOf         map[string]uint64
}

// setUp takes a cohort from its creation to rankings: applications,
// acceptance, two coaches, each side's lists.
func setUp(t *testing.T, c client) *programme {
	p := &programme{c: c, personOf: map[string]uint64{}}
	home := c.page(managerID, "/")
	has(t, "the manager's home", home, "Start a cohort", "Getting Ahead London 2017-18")
	loc := c.post(managerID, "/cohorts", url.Values{"unit": {optionValue(t, home, "Getting Ahead London 2017-18")}, "name": {"Getting Ahead London 2017-18"},
		"region": {"London"}, "start_year": {"2017"}, "expected_hours": {"10"}})
	p.cohort = lastID(t, loc)
	base := "/cohorts/" + p.cohort
	if st, _ := c.status(otherPMID, "GET", base, nil); st != http.StatusNotFound {
		t.Fatalf("another cohort's manager opens the cohort: %d", st)
	}
	if st, _ := c.status(managerID, "POST", "/cohorts", url.Values{"unit": {itoa(otherCohort)}, "name": {"Theirs"}, "region": {"Birmingham"},
		"start_year": {"2017"}, "expected_hours": {"10"}}); st != http.StatusUnprocessableEntity {
		t.Fatalf("a cohort at a unit the manager does not run: %d", st)
	}
	c.post(managerID, base, url.Values{"name": {"Getting Ahead London 2017-18"}, "region": {"London"}, "expected_hours": {"10"}, "applications_open": {"yes"}})

	// Applications: a refused one keeps its input and names the field.
	st, body := c.status(patID, "POST", base+"/apply", url.Values{"school": {itoa(plugintest.SchoolB)}, "years_senior": {"4"}, "goals": {"To lead a school"}})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("an application without a post: %d", st)
	}
	has(t, "the refused application", body, `aria-invalid="true"`, "Choose your post", "To lead a school")
	if st, _ := c.status(patID, "POST", base+"/apply", url.Values{"school": {itoa(schoolE)}, "post": {"deputy_head"}, "years_senior": {"4"}, "goals": {"x"}}); st != http.StatusUnprocessableEntity {
		t.Fatalf("an application from another school: %d", st)
	}
	for _, a := range []struct {
		who    uint64
		school uint64
		before string
	}{{patID, plugintest.SchoolB, "yes"}, {piaID, schoolE, ""}, {polID, plugintest.SchoolA, ""}} {
		has(t, "an applicant's home", c.page(a.who, "/"), "Apply to Getting Ahead London 2017-18")
		form := url.Values{"school": {itoa(a.school)}, "post": {"deputy_head"}, "years_senior": {"4"}, "goals": {"To lead a school"}}
		if a.before != "" {
			form.Set("applied_before", "yes")
		}
		c.post(a.who, base+"/apply", form)
	}
	apps := c.page(managerID, base+"/applications")
	for _, m := range regexp.MustCompile(`action="/p/gettingahead(/cohorts/\d+/applications/\d+)"`).FindAllStringSubmatch(apps, -1) {
		c.post(managerID, m[1], url.Values{"status": {"accepted"}})
	}
	apps = c.page(managerID, base+"/applications")
	p.pat, p.pia, p.pol = lastID(t, linkTo(t, apps, "Pat Aspire")), lastID(t, linkTo(t, apps, "Pia Aspire")), lastID(t, linkTo(t, apps, "Pol Aspire"))

	// Coaches: Cora at C (one place), Colm at A (two places).
	coaches := c.page(managerID, base+"/coaches")
	c.post(managerID, base+"/coaches", url.Values{"person": {itoa(coraID)}, "school": {itoa(plugintest.SchoolC)}, "phase": {"primary"}, "capacity": {"1"}})
	c.post(managerID, base+"/coaches", url.Values{"person": {itoa(colmID)}, "school": {itoa(plugintest.SchoolA)}, "phase": {"primary"}, "capacity": {"2"}})
	_ = coaches
	coaches = c.page(managerID, base+"/coaches")
	p.cora, p.colm = lastID(t, linkTo(t, coaches, "Cora Coach")), lastID(t, linkTo(t, coaches, "Hari Head"))

	// Each side ranks the other. Colm is in Pat's trust and at Pol's school.
	rank := func(who uint64, path string, order ...string) {
		form := url.Values{}
		for i, id := range order {
			form.Set("rank_"+id, itoa(uint64(i+1)))
		}
		c.post(who, path, form)
	}
	rank(patID, "/participants/"+p.pat+"/rankings", p.colm, p.cora)
	rank(piaID, "/participants/"+p.pia+"/rankings", p.cora, p.colm)
	rank(polID, "/participants/"+p.pol+"/rankings", p.cora, p.colm)
	rank(coraID, "/coaches/"+p.cora+"/rankings", p.pol, p.pia, p.pat)
	rank(colmID, "/coaches/"+p.colm+"/rankings", p.pat, p.pia, p.pol)
	if st, _ := c.status(piaID, "POST", "/participants/"+p.pat+"/rankings", url.Values{"rank_" + p.cora: {"1"}}); st != http.StatusNotFound {
		t.Fatalf("Pia ranks for Pat: %d", st)
	}
	if st, body := c.status(patID, "POST", "/participants/"+p.pat+"/rankings", url.Values{"rank_" + p.cora: {"1"}, "rank_" + p.colm: {"1"}}); st != http.StatusUnprocessableEntity || !strings.Contains(body, "used twice") {
		t.Fatalf("a rank used twice (%s, %s): %d\n%s", p.cora, p.colm, st, body)
	}
	return p
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// The journey through the plugin: the manager runs the match (the
// trust rule once the trusts are read), fixes a pair by hand and re-runs,
// publishes; a coach recruited mid-year takes the participant left without
// one and a withdrawal is re-matched, every other pair staying; sessions are
// logged with private notes that the other side reads only when shared; a
// participant records a promotion and the funder's report counts it.
func TestMatchPublishAndRematch(t *testing.T) {
	plugintest.EachDialect(t, func(t *testing.T, d string) {
		c := start(t, d)
		p := setUp(t, c)
		base := "/cohorts/" + p.cohort
		match := c.page(managerID, base+"/match")
		has(t, "the match page", match, "3 of 3 participants have ranked the coaches; 2 of 2 coaches have ranked the participants.", "Run the match")

		// Before the trusts are read, the trust rule cannot apply, and the draft says so.
		c.post(managerID, base+"/match/run", nil)
		draft := c.page(managerID, base+"/match")
		has(t, "the draft before the trusts are read", draft, "The trust of", "the same-trust rule was not applied")

		// The nightly update reads them (as the tenant's system actor); the next run applies the rule.
		if err := c.h.RunJob(c.h.System(), "sync_trusts", nil); err != nil {
			t.Fatal(err)
		}
		c.post(managerID, base+"/match/run", nil)
		draft = c.page(managerID, base+"/match")
		lacks(t, "the draft after the update", draft, "the same-trust rule was not applied")
		has(t, "the draft", draft, "Pairs (2)", "Without a coach (1)",
			"Pat Aspire has no coach: Hari Head is in Pat Aspire&#39;s trust; Cora Coach is full with participants it ranked higher",
			"Pol Aspire&#39;s 1st choice; Cora Coach ranked Pol Aspire 1st and has 1 place",
			"Pia Aspire&#39;s 2nd choice; Hari Head ranked Pia Aspire 2nd and has 2 places. Above Hari Head: Cora Coach is full with participants it ranked higher")

		// A pair fixed by hand must keep the rules: Pat with Colm is refused at the run.
		c.post(managerID, base+"/match/fixed", url.Values{"participant": {p.pat}, "coach": {p.colm}})
		st, body := c.status(managerID, "POST", base+"/match/run", nil)
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("a fixed pair in one trust: %d", st)
		}
		has(t, "the refused run", body, "The match cannot run", "fixed pair Pat Aspire–Hari Head: the two are in the same trust")
		// Pat fixed with Cora: Pol loses Cora and has no coach (Colm is at Pol's school).
		c.post(managerID, base+"/match/fixed", url.Values{"participant": {p.pat}, "coach": {p.cora}})
		c.post(managerID, base+"/match/run", nil)
		has(t, "the draft with a fixed pair", c.page(managerID, base+"/match"), "fixed by hand with Cora Coach",
			"Pol Aspire has no coach: Cora Coach&#39;s places are all held by pairs fixed by hand; Hari Head is at Pol Aspire&#39;s school")
		c.post(managerID, base+"/match/fixed/"+p.pat+"/delete", nil)
		c.post(managerID, base+"/match/run", nil)

		// Nobody sees a pair before it is published.
		if home := c.page(polID, "/participants/"+p.pol); !strings.Contains(home, "None yet") {
			t.Fatalf("Pol has a coach before publication:\n%s", home)
		}
		c.post(managerID, base+"/match/publish", nil)
		if st, _ := c.status(managerID, "POST", base+"/match/publish", nil); st != http.StatusConflict {
			t.Fatalf("published twice: %d", st)
		}
		if st, _ := c.status(managerID, "POST", base+"/match/run", nil); st != http.StatusConflict {
			t.Fatalf("the whole match run again after publication: %d", st)
		}
		pairs := c.page(managerID, base+"/pairs")
		polPair := lastID(t, linkTo(t, pairs, "Pol Aspire with Cora Coach"))
		piaPair := lastID(t, linkTo(t, pairs, "Pia Aspire with Hari Head"))

		// A coach recruited mid-year takes Pat; the re-match keeps both pairs under way.
		c.post(managerID, base+"/coaches", url.Values{"person": {itoa(cleoID)}, "school": {itoa(schoolD)}, "phase": {"secondary"}, "capacity": {"1"}})
		p.cleo = lastID(t, linkTo(t, c.page(managerID, base+"/coaches"), "Cleo Coach"))
		c.post(patID, "/participants/"+p.pat+"/rankings", url.Values{"rank_" + p.cleo: {"1"}})
		c.post(cleoID, "/coaches/"+p.cleo+"/rankings", url.Values{"rank_" + p.pat: {"1"}})
		c.post(managerID, base+"/match/rematch", nil)
		has(t, "the re-match draft", c.page(managerID, base+"/match"), "Draft of the re-match", "Pol Aspire stays with Cora Coach",
			"Pia Aspire stays with Hari Head", "Pat Aspire&#39;s 1st choice; Cleo Coach ranked Pat Aspire 1st")
		c.post(managerID, base+"/match/publish", nil)
		pairs = c.page(managerID, base+"/pairs")
		if lastID(t, linkTo(t, pairs, "Pol Aspire with Cora Coach")) != polPair || lastID(t, linkTo(t, pairs, "Pia Aspire with Hari Head")) != piaPair {
			t.Fatalf("the re-match replaced a pair under way:\n%s", pairs)
		}
		linkTo(t, pairs, "Pat Aspire with Cleo Coach")

		// Colm withdraws: Pia's pair ends; with no free place she is left without a coach, and the other pairs stay.
		coachesPage := c.page(managerID, base+"/match")
		c.post(managerID, base+"/withdrawals", url.Values{"member": {optionValue(t, coachesPage, "Hari Head (coach)")}, "withdrawn_on": {"2017-10-02"}})
		c.post(managerID, base+"/match/rematch", nil)
		has(t, "the re-match after a withdrawal", c.page(managerID, base+"/match"), "Pia Aspire has no coach: Cora Coach&#39;s places are all held by pairs under way; Hari Head has withdrawn",
			"Pol Aspire stays with Cora Coach", "Pat Aspire stays with Cleo Coach")
		c.post(managerID, base+"/match/publish", nil)
		pairs = c.page(managerID, base+"/pairs")
		has(t, "the pairs after the withdrawal", pairs, "Ended Mon 2 Oct 2017")
		if lastID(t, linkTo(t, pairs, "Pol Aspire with Cora Coach")) != polPair {
			t.Fatal("Pol's pair changed")
		}
	})
}

// setUpPublished is setUp with the match run (trusts read) and published:
// Pol with Cora, Pia with Colm, Pat without a coach.
func setUpPublished(t *testing.T, c client) (*programme, string, string) {
	p := setUp(t, c)
	base := "/cohorts/" + p.cohort
	if err := c.h.RunJob(c.h.System(), "sync_trusts", nil); err != nil {
		t.Fatal(err)
	}
	c.post(managerID, base+"/match/run", nil)
	c.post(managerID, base+"/match/publish", nil)
	pairs := c.page(managerID, base+"/pairs")
	return p, lastID(t, linkTo(t, pairs, "Pol Aspire with Cora Coach")), lastID(t, linkTo(t, pairs, "Pia Aspire with Hari Head"))
}

// Who sees what: participants their own record and their coach, coaches
// their own participants, the manager everything in the cohort but the
// private notes, a participant's headteacher nothing unless shared.
func TestPermissionsAndPrivateNotes(t *testing.T) {
	c := start(t, "sqlite")
	p, polPair, piaPair := setUpPublished(t, c)
	c.h.SetClock(time.Date(2017, 10, 20, 9, 0, 0, 0, time.UTC))
	session := url.Values{"held_on": {"2017-10-16"}, "minutes": {"90"}, "mode": {"in_person"}, "theme_vision": {"yes"}, "theme_people": {"yes"},
		"actions": {"Pol drafts a vision statement"}, "note": {"Cora's private worry about the governors"}}
	c.post(coraID, "/pairs/"+polPair+"/sessions", session)
	// The participant sees the session and the agreed actions, not the coach's note.
	polView := c.page(polID, "/pairs/"+polPair)
	has(t, "Pol's pair page", polView, "Mon 16 Oct 2017", "90 min", "Vision and strategy, Leading people and teams", "Pol drafts a vision statement", "Private", "cora@test.example")
	lacks(t, "Pol's pair page", polView, "private worry")
	has(t, "Cora's pair page", c.page(coraID, "/pairs/"+polPair), "Cora&#39;s private worry about the governors")
	// The manager sees the session, no note and no link to one.
	mgr := c.page(managerID, "/pairs/"+polPair)
	has(t, "the manager's pair page", mgr, "Pol drafts a vision statement", "not shown here")
	lacks(t, "the manager's pair page", mgr, "private worry", "Private", "/sessions/")
	sessionPath := linkTo(t, c.page(coraID, "/pairs/"+polPair), "Read or change your note")
	if st, _ := c.status(managerID, "GET", sessionPath, nil); st != http.StatusNotFound {
		t.Fatalf("the manager opens a private note: %d", st)
	}
	if st, _ := c.status(polID, "POST", sessionPath, url.Values{"note": {"Overwritten"}}); st != http.StatusSeeOther {
		t.Fatalf("Pol writes his own note on the session: %d", st)
	}
	if got := c.page(coraID, "/pairs/"+polPair); !strings.Contains(got, "Cora&#39;s private worry") || strings.Contains(got, "Overwritten") {
		t.Fatalf("Pol's note replaced Cora's, or Cora reads Pol's unshared note:\n%s", got)
	}
	// Shared, the coach's note reaches the participant.
	c.post(coraID, sessionPath, url.Values{"note": {"Cora's private worry about the governors"}, "share": {"yes"}})
	has(t, "Pol's pair page after sharing", c.page(polID, "/pairs/"+polPair), "Cora&#39;s private worry about the governors")

	// Every change is audited, by its author, and the audit log keeps no note.
	logged := false
	for _, a := range c.h.Host.Audits() {
		if strings.Contains(a.BeforeJSON+a.AfterJSON, "private worry") || strings.Contains(a.AfterJSON, "vision statement") {
			t.Fatalf("the audit log keeps a session's words: %+v", a)
		}
		logged = logged || a.Action == "gettingahead.session.create" && a.UserID == coraID
	}
	if !logged {
		t.Fatal("Cora's session is not audited as hers")
	}

	// Other people's records are not theirs to see.
	for _, tc := range []struct {
		who  uint64
		path string
	}{
		{colmID, "/pairs/" + polPair}, {colmID, "/participants/" + p.pol}, {patID, "/participants/" + p.pol},
		{piaID, "/pairs/" + polPair}, {headEID, "/participants/" + p.pia}, {headEID, "/pairs/" + piaPair},
		{otherPMID, "/pairs/" + polPair}, {polID, "/coaches/" + p.cora}, {headEID, "/shared/" + p.pia},
		{coraID, "/participants/" + p.pol + "/assessment/start"}, {managerID, "/participants/" + p.pol + "/assessment/start"},
	} {
		// 404 where the route's permission is held (the plugin's own check),
		// 403 where it is not (the core's).
		if st, body := c.status(tc.who, "GET", tc.path, nil); st != http.StatusNotFound && st != http.StatusForbidden {
			t.Errorf("%d opens %s: %d\n%s", tc.who, tc.path, st, body)
		}
	}
	// The positive twins.
	has(t, "Cora's view of Pol", c.page(coraID, "/participants/"+p.pol), "Pol Aspire", "Participant in")
	has(t, "Pol's own record", c.page(polID, "/participants/"+p.pol), "Cora Coach", "cora@test.example", "Share my record with my headteacher")
	has(t, "the manager's view of Pol", c.page(managerID, "/participants/"+p.pol), "Cora Coach")
	has(t, "Cora's own page", c.page(coraID, "/coaches/"+p.cora), "Pol Aspire")
	// A coach may not act as the participant, nor a participant log for another pair.
	if st, _ := c.status(coraID, "POST", "/participants/"+p.pol+"/outcomes", url.Values{"kind": {"promoted_headship"}, "on": {"2017-10-10"}}); st != http.StatusForbidden {
		t.Fatalf("a coach records the participant's promotion: %d", st)
	}
	if st, _ := c.status(polID, "POST", "/pairs/"+piaPair+"/sessions", session); st != http.StatusNotFound {
		t.Fatalf("Pol logs a session of Pia's pair: %d", st)
	}
	if st, _ := c.status(patID, "GET", "/cohorts/"+p.cohort+"/report", nil); st != http.StatusForbidden {
		t.Fatalf("a participant reads the funder's report: %d", st)
	}

	// The headteacher sees nothing until Pia shares, then her record but no session.
	has(t, "Eli's shared page", c.page(headEID, "/shared"), "Nobody at your school shares a record with you.")
	c.post(piaID, "/pairs/"+piaPair+"/sessions", url.Values{"held_on": {"2017-10-18"}, "minutes": {"60"}, "mode": {"video"}, "theme_finance": {"yes"},
		"actions": {"Pia reads the budget"}, "note": {"Pia's worry about her head"}})
	c.post(piaID, "/participants/"+p.pia+"/share", nil)
	shared := c.page(headEID, "/shared")
	sharedPia := c.page(headEID, linkTo(t, shared, "Pia Aspire"))
	has(t, "Pia's shared record", sharedPia, "Hari Head", "1.0 hours in 1 sessions")
	lacks(t, "Pia's shared record", sharedPia, "Pia reads the budget", "worry")
	if st, _ := c.status(headEID, "GET", "/pairs/"+piaPair, nil); st != http.StatusForbidden {
		t.Fatalf("the head opens Pia's sessions once shared: %d", st)
	}
	// Another school's head sees no shared record of Pia.
	if st, _ := c.status(coraID, "GET", "/shared/"+p.pia, nil); st != http.StatusNotFound {
		t.Fatalf("another school's head opens Pia's shared record: %d", st)
	}
	c.post(piaID, "/participants/"+p.pia+"/share", nil)
	if st, _ := c.status(headEID, "GET", "/shared/"+p.pia, nil); st != http.StatusNotFound {
		t.Fatalf("the head still reads Pia's record after she stopped sharing: %d", st)
	}

	// Subject rights: Pol's export holds his records and only notes shared with him.
	files, err := c.h.ExportSubject(nil, plugintest.Subject{PersonID: polID})
	if err != nil || len(files) != 1 {
		t.Fatalf("export: %v %v", files, err)
	}
	has(t, "Pol's export", string(files[0].Content), "Pol drafts a vision statement", "Cora's private worry", "Overwritten")
	files, _ = c.h.ExportSubject(nil, plugintest.Subject{PersonID: piaID})
	lacks(t, "Pia's export", string(files[0].Content), "Cora's private worry")
	if _, anon, err := c.h.EraseSubject(nil, plugintest.Subject{PersonID: polID}); err != nil || anon == 0 {
		t.Fatalf("erase: %d %v", anon, err)
	}
	if files, err := c.h.ExportSubject(nil, plugintest.Subject{PersonID: polID}); err != nil || len(files) != 0 {
		t.Fatalf("after erasure: %v %v", files, err)
	}
	has(t, "Cora's page after Pol's erasure", c.page(coraID, "/pairs/"+polPair), "(erased)", "90 min")
}

// A pair with no session in six weeks is flagged to the manager once; the
// next session clears the flag.
func TestQuietPairsAreFlaggedToTheManager(t *testing.T) {
	c := start(t, "sqlite")
	p, polPair, _ := setUpPublished(t, c)
	c.h.SetClock(time.Date(2017, 10, 20, 9, 0, 0, 0, time.UTC))
	c.post(coraID, "/pairs/"+polPair+"/sessions", url.Values{"held_on": {"2017-10-10"}, "minutes": {"60"}, "mode": {"phone"}, "theme_wellbeing": {"yes"}})
	c.h.SetClock(time.Date(2017, 11, 12, 9, 0, 0, 0, time.UTC)) // 41 days after the pairs started
	if err := c.h.RunJob(c.h.System(), "quiet_pairs", nil); err != nil {
		t.Fatal(err)
	}
	if n := len(c.h.Host.Mails()); n != 0 {
		t.Fatalf("%d mails after 41 days", n)
	}
	c.h.AdvanceClock(24 * time.Hour)
	if err := c.h.RunJob(c.h.System(), "quiet_pairs", nil); err != nil {
		t.Fatal(err)
	}
	mails := c.h.Host.Mails()
	if len(mails) != 1 || mails[0].To != "maya@test.example" {
		t.Fatalf("mails %+v", mails)
	}
	has(t, "the mail", mails[0].Subject+mails[0].Body, "1 pair with no session in six weeks", "Pia Aspire with Hari Head")
	lacks(t, "the mail", mails[0].Body, "Pol Aspire")
	has(t, "the cohort page", c.page(managerID, "/cohorts/"+p.cohort), "Pia Aspire with Hari Head", "Mon 13 Nov 2017")
	if err := c.h.RunJob(c.h.System(), "quiet_pairs", nil); err != nil {
		t.Fatal(err)
	}
	if n := len(c.h.Host.Mails()); n != 1 {
		t.Fatalf("flagged again: %d mails", n)
	}
}

// A participant records a promotion and self-assessments; the funder's
// report counts them and the evaluator's export names nobody.
func TestImpactReportAndExport(t *testing.T) {
	c := start(t, "sqlite")
	p, polPair, _ := setUpPublished(t, c)
	c.post(coraID, "/pairs/"+polPair+"/sessions", url.Values{"held_on": {"2017-10-02"}, "minutes": {"120"}, "mode": {"phone"}, "theme_applications": {"yes"}})
	scores := func(v string) url.Values {
		f := url.Values{}
		for _, k := range []string{"k_role", "k_accountability", "k_finance", "a_confidence", "a_resilience", "a_decisions", "v_vision", "v_equity", "v_integrity", "r_ready", "r_interview", "r_network"} {
			f.Set("item_"+k, v)
		}
		return f
	}
	bad := scores("3")
	bad.Del("item_r_ready")
	if st, body := c.status(polID, "POST", "/participants/"+p.pol+"/assessment/start", bad); st != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose a point from 1 to 5") {
		t.Fatalf("a self-assessment with an item unanswered: %d", st)
	}
	c.post(polID, "/participants/"+p.pol+"/assessment/start", scores("2"))
	c.post(polID, "/participants/"+p.pol+"/assessment/end", scores("4"))
	if st, _ := c.status(polID, "POST", "/participants/"+p.pol+"/outcomes", url.Values{"kind": {"promoted_headship"}, "on": {"2017-12-01"}}); st != http.StatusUnprocessableEntity {
		t.Fatalf("a promotion in the future: %d", st)
	}
	c.post(polID, "/participants/"+p.pol+"/outcomes", url.Values{"kind": {"promoted_headship"}, "on": {"2017-10-01"}, "detail": {"Ash Primary"}})
	has(t, "Pol's record", c.page(polID, "/participants/"+p.pol), "Appointed to a headship", "Ash Primary")
	report := c.page(managerID, "/cohorts/"+p.cohort+"/report")
	has(t, "the report", report, "A third of participants were promoted in year one: 33% (1 of 3",
		"1 to headship, 0 to deputy headship, 0 to another promoted post",
		"Participants applying for headship rose from 33% to 33%: 1 of 3 had applied in the year before the programme, 1 of 3 applied during it.",
		"2.0 hours of coaching in 1 sessions", "Too few (fewer than 5) for an average", "1 rose, 0 the same, 0 fell")

	resp := c.do(managerID, "GET", "/cohorts/"+p.cohort+"/export", nil)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	files := unzip(t, resp.Body)
	for _, name := range []string{"participants.csv", "participants.dictionary.md", "self_assessment.csv", "sessions.csv", "sessions.dictionary.csv"} {
		if files[name] == "" {
			t.Fatalf("the export lacks %s: %v", name, len(files))
		}
	}
	all := strings.Join([]string{files["participants.csv"], files["self_assessment.csv"], files["sessions.csv"]}, "\n")
	lacks(t, "the export", all, "Pol", "Aspire", "Cora", "@test.example", "Ash Primary", "Academy", "School")
	rows := strings.Split(strings.TrimSpace(files["participants.csv"]), "\n")
	if len(rows) != 4 || !strings.Contains(files["participants.csv"], "promoted_headship,2017-10") {
		t.Fatalf("participants.csv:\n%s", files["participants.csv"])
	}
	// The same participant has the same pseudonym in every file and every export.
	pol := regexp.MustCompile(`(?m)^([0-9a-f]{32}),London,2017-18,deputy_head,4,false,[0-9a-f]{32},1,2,false,true,promoted_headship`).FindStringSubmatch(files["participants.csv"])
	if pol == nil || !strings.Contains(files["self_assessment.csv"], pol[1]+",end,readiness,r_ready,4") || !strings.Contains(files["sessions.csv"], pol[1]) {
		t.Fatalf("Pol's pseudonym does not join the files:\n%s\n%s", files["participants.csv"], files["self_assessment.csv"])
	}
	exported := 0
	for _, a := range c.h.Host.Audits() {
		if a.Action == "gettingahead.research.export" && a.UserID == managerID {
			exported++
		}
	}
	if exported != 1 {
		t.Fatalf("the export is audited %d times, want once", exported)
	}
	again := unzip(t, c.do(managerID, "GET", "/cohorts/"+p.cohort+"/export", nil).Body)
	if !strings.Contains(again["participants.csv"], pol[1]) {
		t.Fatal("a second export gives Pol another pseudonym")
	}
}

// unzip reads every file of a zip by name.
func unzip(t *testing.T, body []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = string(b)
	}
	return files
}

// Networking events and shadowing days: the manager adds them, in the
// cohort's year, and records who attended; the report counts them.
func TestEventsAndAttendance(t *testing.T) {
	c := start(t, "sqlite")
	p, _, _ := setUpPublished(t, c)
	base := "/cohorts/" + p.cohort
	st, body := c.status(managerID, "POST", base+"/events", url.Values{"kind": {"networking"}, "title": {"Leading through change"}, "held_on": {"2019-01-25"}})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("an event outside the year: %d", st)
	}
	has(t, "the refused event", body, "Give a date in the programme year 2017-18", "Leading through change")
	c.post(managerID, base+"/events", url.Values{"kind": {"networking"}, "title": {"Leading through change"}, "held_on": {"2018-01-25"}})
	c.post(managerID, base+"/events", url.Values{"kind": {"shadowing"}, "title": {"A day at Cedar"}, "held_on": {"2018-02-06"}, "school": {itoa(plugintest.SchoolC)}})
	events := c.page(managerID, base+"/events")
	has(t, "the events", events, "Thu 25 Jan 2018", "Networking event", "Shadowing day", "Tue 6 Feb 2018")
	ev := linkTo(t, events, "Leading through change")
	c.post(managerID, ev+"/attendance", url.Values{"participant_" + p.pol: {"yes"}, "participant_" + p.pia: {"yes"}, "coach_" + p.cora: {"yes"}})
	has(t, "the event", c.page(managerID, ev), `name="participant_`+p.pol+`" value="yes" checked`, "Present</dt><dd>3")
	if st, _ := c.status(managerID, "POST", ev+"/attendance", url.Values{"participant_999": {"yes"}}); st != http.StatusUnprocessableEntity {
		t.Fatalf("attendance of someone outside the cohort: %d", st)
	}
	if st, _ := c.status(polID, "GET", ev, nil); st != http.StatusForbidden {
		t.Fatalf("a participant opens the manager's event page: %d", st)
	}
	has(t, "the report", c.page(managerID, base+"/report"), "2 (3 attendances)")
}
