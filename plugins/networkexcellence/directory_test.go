package main

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/testdb"
)

const headAID = plugintest.HeadID // headteacher of Alder (school 10, Elm Hub)

// eachDirectory runs fn with a harness whose tenant has a postcode table
// (setting postcode_file), on fresh SQLite and PostgreSQL storage.
func eachDirectory(t *testing.T, fn func(t *testing.T, c client)) {
	table := filepath.Join(t.TempDir(), "onspd.csv")
	if err := os.WriteFile(table, []byte("pcd,pcds,lat,long\nLS1 4AP,LS1 4AP,53.796000,-1.547000\nZZ9 9ZZ,ZZ9 9ZZ,99.999999,0.000000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, d := range testdb.Dialects {
		t.Run(d, func(t *testing.T) {
			driver, dsn, schema := testdb.Storage(t, d)
			fx := fixture()
			fx.Settings["postcode_file"] = table
			fx.Settings["map_tiles"] = "https://Tiles.example.org/osm/{z}/{x}/{y}.png"
			h := plugintest.Start(t, binary, plugintest.WithStorage(driver, dsn, schema), plugintest.WithFixture(fx))
			fn(t, client{t, h})
		})
	}
}

// termValue finds the checkbox value of a taxonomy term on a page.
func termValue(t *testing.T, page, label string) string {
	t.Helper()
	m := regexp.MustCompile(`value="(\d+)"> <label for="[a-z0-9-]+">` + regexp.QuoteMeta(label) + `</label>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no term %s on the page", label)
	}
	return m[1]
}

// TestTheDirectoryJourney is the "done when" in the harness: the
// central team accredits Alder's oracy; a headteacher of another hub finds
// it in the Directory and on the map, connects, books its Leadership
// Development Day for two of her leaders, is refused the same person
// twice with the reason, and rates the day afterwards; the central team
// sees the figures and downloads them as numbers.
func TestTheDirectoryJourney(t *testing.T) {
	eachDirectory(t, func(t *testing.T, c client) {
		setUpYear(t, c) // 2025-26 with A, C (Elm Hub), D, E (Oak Hub); clock 20 Aug 2025
		c.h.SetClock(time.Date(2025, 9, 10, 9, 0, 0, 0, time.UTC))

		// The central team accredits Alder's oracy, refused first without evidence or terms.
		aoes := c.page(centralID, "/aoes")
		oracy := termValue(t, aoes, "Oracy")
		st, body := c.status(centralID, "POST", "/aoes", form("school", id(10), "title", "Talk for learning", "decision", "accredit",
			"review_years", "3", "accredited_on", "2025-09-05"))
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("accredit without evidence = %d", st)
		}
		mustContain(t, "the refused accreditation", body, "Enter the evidence", "Tag it with at least one term", `value="Talk for learning"`)
		c.post(centralID, "/aoes", form("school", id(10), "title", "Talk for learning", "description", "Structured talk in every lesson",
			"evidence", "Lesson visits and pupil voice", "terms", oracy, "decision", "accredit", "review_years", "3", "accredited_on", "2025-09-05"))
		st, body = c.status(centralID, "POST", "/directory/schools/10/profile", form("town", "Leeds", "postcode", "LS1", "region", "Yorkshire and the Humber", "ofsted", "good"))
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "Enter a UK postcode") {
			t.Fatalf("a bad postcode = %d\n%s", st, body)
		}
		c.post(centralID, "/directory/schools/10/profile", form("town", "Leeds", "postcode", "LS1 4AP", "region", "Yorkshire and the Humber", "ofsted", "good"))
		if err := c.h.RunJob(c.h.System(), "places", nil); err != nil {
			t.Fatal(err)
		}

		// A headteacher of another hub searches for oracy: Alder, and why.
		found := c.page(headDID, "/directory?q=oracy&phase=primary")
		mustContain(t, "the search", found, "1 school", "Alder Primary School", "Area of Excellence: Talk for learning")
		mustNotContain(t, "the search", found, "Damson Primary School")
		if none := c.page(headDID, "/directory?q=oracy&phase=secondary"); !strings.Contains(none, "0 schools") {
			t.Fatalf("a filter that excludes Alder:\n%s", none)
		}
		card := c.page(headDID, "/directory/schools/10")
		mustContain(t, "the card", card, "Talk for learning", "Oracy", "2025-26", "Elm Hub", "Leeds", "Connect with the school")
		// The map: its page serves the library from the plugin; its data places Alder from the postcode table.
		mapPage := c.page(headDID, "/directory/map?q=oracy")
		mustContain(t, "the map page", mapPage, "/assets/leaflet.js", "/assets/leaflet.markercluster.js", `data-tiles="https://Tiles.example.org/osm/{z}/{x}/{y}.png"`)
		mustNotContain(t, "the map page", mapPage, "plain outline of England")
		// The page, and only it, asks the core to allow the tile server's images.
		if resp, err := c.h.Get(c.as(headDID), "/directory/map?q=oracy"); err != nil || !slices.Equal(resp.ImageOrigins, []string{"https://tiles.example.org"}) {
			t.Fatalf("the map page's image origins: %v %v", resp, err)
		}
		if resp, err := c.h.Get(c.as(headDID), "/directory?q=oracy"); err != nil || len(resp.ImageOrigins) != 0 {
			t.Fatalf("the search's image origins: %v %v", resp, err)
		}
		resp, err := c.h.Get(c.as(headDID), "/directory/map.json?q=oracy")
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("map data: %v %v", resp, err)
		}
		var md struct{ Schools [][]any }
		if err := json.Unmarshal([]byte(resp.String()), &md); err != nil || len(md.Schools) != 1 || md.Schools[0][0] != 53.796 || md.Schools[0][3] != "Alder Primary School" {
			t.Fatalf("map data %s (%v)", resp.String(), err)
		}
		if js, err := c.h.Get(c.as(headDID), "/assets/leaflet.js"); err != nil || js.StatusCode != http.StatusOK || !strings.Contains(js.Header.Get("Content-Type"), "javascript") || len(js.String()) < 100_000 {
			t.Fatalf("leaflet.js: %v", err)
		}

		// Connect: logged, then mailed to Alder's headteacher by the job, once.
		st, body = c.status(headDID, "POST", "/directory/schools/10/connect", form("subject", "", "message", "Could we visit?"))
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "Enter the subject") {
			t.Fatalf("connect without a subject = %d", st)
		}
		c.post(headDID, "/directory/schools/10/connect", form("subject", "Oracy visit", "message", "Could we visit in October?"))
		before := len(c.h.Host.Mails())
		for i := 0; i < 2; i++ {
			if err := c.h.RunJob(c.h.System(), "connect_mail", nil); err != nil {
				t.Fatal(err)
			}
		}
		mails := c.h.Host.Mails()[before:]
		if len(mails) != 1 || mails[0].To != "hari.head@test.example" || !strings.Contains(mails[0].Body, "Could we visit in October?") || !strings.Contains(mails[0].Body, "dee@test.example") {
			t.Fatalf("connect mails %+v", mails)
		}

		// Alder's head offers a day (refused first: 8 pairs, no terms).
		host := c.page(headAID, "/hosts/10")
		st, body = c.status(headAID, "POST", "/hosts/10/days", form("date", "2025-10-14", "title", "Oracy across the curriculum", "description", "Lessons and pupil voice",
			"capacity", "8", "price", "300", "member_price", "250"))
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("8 pairs = %d", st)
		}
		mustContain(t, "the refused day", body, "from 3 to 6", "Tag the day")
		dayLoc := c.post(headAID, "/hosts/10/days", form("date", "2025-10-14", "title", "Oracy across the curriculum", "description", "Lessons and pupil voice",
			"capacity", "3", "price", "300", "member_price", "250", "terms", termValue(t, host, "Oracy")))
		dayID := lastID(t, dayLoc)
		mustContain(t, "the card", c.page(headDID, "/directory/schools/10"), "Oracy across the curriculum")
		if ldd := c.page(headDID, "/directory?ldd=yes"); !strings.Contains(ldd, "Alder Primary School") || strings.Contains(ldd, "Damson") {
			t.Fatalf("hosts LDDs filter:\n%s", ldd)
		}

		// Dee books herself and Remi; the same person again is refused, saying why.
		dayPage := c.page(headDID, "/days/"+dayID)
		mustContain(t, "the day", dayPage, "Book for Damson Primary School", "0 of 3 pairs booked", "Dee Head", "Remi Reviewer")
		c.post(headDID, "/days/"+dayID+"/book/13", form("leader_1", id(headDID), "leader_2", id(reviewerID)))
		st, body = c.status(headDID, "POST", "/days/"+dayID+"/book/13", form("leader_1", id(reviewerID), "leader_2", id(reviewerID)))
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "The same person is named twice") {
			t.Fatalf("the same person twice = %d\n%s", st, body)
		}
		st, body = c.status(headDID, "POST", "/days/"+dayID+"/book/13", form("leader_1", id(headDID), "leader_2", id(reviewerID)))
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "already booked on this day") {
			t.Fatalf("a second booking of the same people = %d\n%s", st, body)
		}
		// Someone of another school cannot be booked by Dee.
		st, body = c.status(headDID, "POST", "/days/"+dayID+"/book/13", form("leader_1", id(headAID), "leader_2", id(trustID)))
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "Choose one of your school") {
			t.Fatalf("another school's people = %d\n%s", st, body)
		}
		// Alder cannot book its own day; Dee cannot book for Alder.
		if st, _ := c.status(headAID, "POST", "/days/"+dayID+"/book/10", form("leader_1", id(headAID), "leader_2", id(headAID))); st == http.StatusSeeOther {
			t.Fatal("the host booked its own day")
		}
		if st, _ := c.status(headDID, "POST", "/days/"+dayID+"/book/10", form("leader_1", id(headAID), "leader_2", id(headAID))); st != http.StatusForbidden && st != http.StatusNotFound {
			t.Fatalf("Dee booked for Alder: %d", st)
		}
		mustContain(t, "the host's view", c.page(headAID, "/days/"+dayID), "Bookings and attendance", "Dee Head and Remi Reviewer", "1 of 3 pairs booked")
		// Alder's panel on the core's pages: its area and its day, as the Directory shows them.
		mustContain(t, "Alder's panel", panelOf(t, c, headAID, 10),
			"Area of Excellence accredited: Talk for learning (Oracy; 2025) → /directory/schools/10",
			"Hosts a Leadership Development Day on Tue 14 Oct 2025: Oracy across the curriculum (1 pair of 3 booked) → /days/"+dayID)

		// A week before, the reminders go out once; after the day, the feedback requests; Dee rates it.
		c.h.SetClock(time.Date(2025, 10, 9, 9, 0, 0, 0, time.UTC))
		before = len(c.h.Host.Mails())
		for i := 0; i < 2; i++ {
			if err := c.h.RunJob(c.h.System(), "day_reminders", nil); err != nil {
				t.Fatal(err)
			}
		}
		if got := len(c.h.Host.Mails()) - before; got != 3 { // Dee, Remi, Alder's head
			t.Fatalf("%d reminders", got)
		}
		mustNotContain(t, "Dee's to-dos before the day", todosOf(t, c, headDID), "Rate the")
		if st, body := c.status(headDID, "POST", "/days/"+dayID+"/rate", form("score", "9")); st != http.StatusUnprocessableEntity {
			t.Fatalf("a rating before the day = %d\n%s", st, body)
		}
		c.h.SetClock(time.Date(2025, 10, 15, 18, 0, 0, 0, time.UTC))
		if err := c.h.RunJob(c.h.System(), "day_feedback", nil); err != nil {
			t.Fatal(err)
		}
		st, body = c.status(headDID, "POST", "/days/"+dayID+"/rate", form("score", "11"))
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "from 1 to 10") {
			t.Fatalf("11/10 = %d", st)
		}
		// Dee's and Remi's home pages ask them to rate it, for a fortnight.
		rate := "Rate the Leadership Development Day you attended on Tue 14 Oct 2025: Oracy across the curriculum → /days/" + dayID + " by 2025-10-28"
		mustContain(t, "Dee's to-dos", todosOf(t, c, headDID), rate)
		mustContain(t, "Remi's to-dos", todosOf(t, c, reviewerID), rate)
		c.post(headDID, "/days/"+dayID+"/rate", form("score", "9", "comment", "Superb"))
		mustNotContain(t, "Dee's to-dos once rated", todosOf(t, c, headDID), "Rate the")
		if st, _ := c.status(headAID, "POST", "/days/"+dayID+"/rate", form("score", "10")); st != http.StatusUnprocessableEntity {
			t.Fatalf("the host rated its own day: %d", st)
		}
		mustContain(t, "the day", c.page(headDID, "/days/"+dayID), "Rated 9.0/10 by 1 attendee")

		// The central team sees the figures, and downloads them as numbers.
		figs := c.page(centralID, "/figures")
		mustContain(t, "the figures", figs, "9.0/10", "1 pairs", "50% of hubs", "Areas of Excellence accredited", "<svg")
		resp, err = c.h.Get(c.as(centralID), "/figures.csv")
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("figures.csv %v", err)
		}
		rows, err := csv.NewReader(strings.NewReader(resp.String())).ReadAll()
		if err != nil || len(rows) != 2 || rows[1][0] != "2025-26" || rows[1][12] != "1" || rows[1][13] != "9.0" || rows[1][10] != "1" {
			t.Fatalf("figures.csv %q %v", rows, err)
		}
		got := figuresOf(t, c, centralID)
		for label, want := range map[string]string{
			"Areas of Excellence accredited":                "1 | in 2025-26",
			"Leadership Development Days hosted":            "1 | held in 2025-26 so far",
			"Pairs booked on Leadership Development Days":   "1 pair | pairs of leaders on the days held in 2025-26",
			"Leadership Development Day rating":             "9.0/10 | n = 1 rating in 2025-26",
			"Hubs that hosted a Leadership Development Day": "50% of hubs | n = 2 hubs in 2025-26",
		} {
			if got[label] != want {
				t.Errorf("figure %q = %q, want %q", label, got[label], want)
			}
		}
		if st, _ := c.status(headDID, "GET", "/figures", nil); st != http.StatusForbidden {
			t.Fatalf("a headteacher sees the figures: %d", st)
		}
	})
}

// TestMeetingsAndEventsReuseTheBookingRules: a hub manager plans a hub
// meeting, a head books a place and is refused the same person twice;
// after it the manager records notes; the central team adds an event
// another school books; a headteacher may not add events.
func TestMeetingsAndEventsReuseTheBookingRules(t *testing.T) {
	eachStorage(t, func(t *testing.T, c client) {
		setUpYear(t, c)
		c.h.SetClock(time.Date(2025, 9, 10, 9, 0, 0, 0, time.UTC))
		hub := "/hubs/" + id(plugintest.HubUnit)
		st, body := c.status(hubMgrID, "POST", hub+"/meetings", form("date", "2025-09-01", "title", "", "capacity", "0"))
		if st != http.StatusUnprocessableEntity {
			t.Fatalf("a bad meeting = %d", st)
		}
		mustContain(t, "the refused meeting", body, "Choose a date after today", "Enter a title", "from 1 to 2000")
		mustContain(t, "Hal's to-dos with no meeting", todosOf(t, c, hubMgrID), "Plan the next Elm Hub meeting → /hubs/3/meetings by no date")
		c.post(hubMgrID, hub+"/meetings", form("date", "2025-10-02", "title", "Autumn hub meeting", "description", "Oracy priority; reciprocity", "capacity", "20"))
		meetings := c.page(hubMgrID, hub+"/meetings")
		dayID := lastID(t, regexp.MustCompile(`href="/p/networkexcellence(/days/\d+)">Autumn hub meeting`).FindStringSubmatch(meetings)[1])
		c.post(headAID, "/days/"+dayID+"/book/10", form("person", id(headAID)))
		st, body = c.status(headAID, "POST", "/days/"+dayID+"/book/10", form("person", id(headAID)))
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, "already booked on this day") {
			t.Fatalf("the same person twice = %d\n%s", st, body)
		}
		if st, _ := c.status(hubMgrID, "POST", hub+"/meetings/"+dayID+"/notes", form("notes", "")); st != http.StatusUnprocessableEntity {
			t.Fatalf("empty notes = %d", st)
		}
		mustContain(t, "Hal's to-dos", todosOf(t, c, hubMgrID), "Elm Hub meeting on Thu 2 Oct 2025: Autumn hub meeting (1 place of 20 booked) → /hubs/3/meetings by 2025-10-02")
		mustNotContain(t, "Hal's to-dos", todosOf(t, c, hubMgrID), "Plan the next")
		mustNotContain(t, "the head's to-dos", todosOf(t, c, headAID), "Elm Hub meeting")
		c.h.SetClock(time.Date(2025, 10, 3, 9, 0, 0, 0, time.UTC))
		mustContain(t, "Hal's to-dos after the meeting", todosOf(t, c, hubMgrID),
			"Record the notes of the Elm Hub meeting of Thu 2 Oct 2025: Autumn hub meeting → /hubs/3/meetings by no date", "Plan the next Elm Hub meeting")
		c.post(hubMgrID, hub+"/meetings/"+dayID+"/notes", form("notes", "Agreed: two oracy visits. Action: Hal to book."))
		mustNotContain(t, "Hal's to-dos once noted", todosOf(t, c, hubMgrID), "Record the notes")
		mustContain(t, "the meeting", c.page(headAID, "/days/"+dayID), "Agreed: two oracy visits", "1 of 20 places booked")

		if st, _ := c.status(headDID, "POST", "/events", form("date", "2026-06-20", "title", "National conference", "capacity", "300")); st != http.StatusForbidden {
			t.Fatalf("a head adds an event: %d", st)
		}
		ev := c.post(centralID, "/events", form("date", "2026-06-20", "title", "National conference", "description", "The partnership's day", "capacity", "300", "price", "120", "member_price", "90"))
		c.post(headDID, ev+"/book/13", form("person", id(reviewerID)))
		mustContain(t, "the event", c.page(headDID, ev), "National conference", "1 of 300 places booked", "£120.00 (members £90.00)")
	})
}
