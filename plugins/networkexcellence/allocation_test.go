package main

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestAWithdrawalIsReSolvedChangingOnlyTheSeatItMust publishes a full
// allocation, withdraws one reviewer, re-runs and checks that the run kept
// every other seat, never seats the withdrawn pair again, and mails only
// the reviewer who got the seat.
func TestAWithdrawalIsReSolvedChangingOnlyTheSeatItMust(t *testing.T) {
	eachStorage(t, func(t *testing.T, c client) {
		y := setUpYear(t, c)
		// A fifth reviewer, from C's hub's other school? No: from E, so
		// that someone can replace the reviewer from D at A's review.
		c.post(centralID, "/reviewers", form("name", "Ezra Elm", "school", id(schoolE), "max_reviews", "1", "active", "yes"))
		c.post(centralID, "/trainings/1/bookings", form("reviewer", "5"))
		c.post(centralID, "/trainings/1/attendance", form("attended", "1", "attended", "2", "attended", "3", "attended", "4", "attended", "5"))
		run := c.post(centralID, y+"/allocation", form("term", "0"))
		c.post(centralID, run+"/publish", nil)
		review := c.page(centralID, "/reviews/1")
		mustContain(t, "A's review", review, "Remi Reviewer")

		// Remi withdraws from her own page's review; a reason is required.
		seat := regexp.MustCompile(`action="/p/networkexcellence/seats/(\d+)/withdraw"`).FindAllStringSubmatch(c.page(reviewerID, "/reviews/1"), -1)
		if len(seat) != 1 {
			t.Fatalf("Remi sees %d withdraw forms", len(seat))
		}
		if code, body := c.status(reviewerID, "POST", "/seats/"+seat[0][1]+"/withdraw", form("why", "")); code != http.StatusUnprocessableEntity ||
			!strings.Contains(body, "Enter the reason") {
			t.Fatalf("withdraw without a reason: %d %s", code, body)
		}
		// Another reviewer may not withdraw her.
		if code, _ := c.status(leadID, "POST", "/seats/"+seat[0][1]+"/withdraw", form("why", "x")); code != http.StatusNotFound {
			t.Fatalf("Lena withdrew Remi: %d", code)
		}
		c.post(reviewerID, "/seats/"+seat[0][1]+"/withdraw", form("why", "Ofsted inspection at my school that week"))
		// The old proposal cannot be published any more.
		if code, body := c.status(centralID, "POST", run+"/publish", nil); code != http.StatusConflict || !strings.Contains(body, "only the latest proposal") {
			t.Fatalf("republish: %d %s", code, body)
		}
		board := c.page(centralID, y)
		mustContain(t, "the board", board, "4 of 5")
		// Re-run: only the empty seat changes.
		rerun := c.post(centralID, y+"/allocation", form("term", "0", "reason", "after Remi withdrew"))
		page := c.page(centralID, rerun)
		mustContain(t, "the re-run", page, "5 of 5", "4 kept, 0 changed", "Ezra Elm", "after Remi withdrew")
		mails := len(c.h.Host.Mails())
		c.post(centralID, rerun+"/publish", nil)
		if err := c.h.RunJob(c.as(centralID), "mail_teams", []byte(`{"RunID": `+lastID(t, rerun)+`}`)); err != nil {
			t.Fatal(err)
		}
		// Ezra has no account: nobody is mailed; the kept seats are not mailed again.
		if got := len(c.h.Host.Mails()); got != mails {
			t.Fatalf("%d mails after the re-run, want %d", got, mails)
		}
		review = c.page(centralID, "/reviews/1")
		mustContain(t, "A's review", review, "Ezra Elm", "Withdrawn", "Ofsted inspection at my school that week")
		alloc := c.page(centralID, y+"/allocation")
		mustContain(t, "the allocation page", alloc, "Forbidden", "withdrew: Ofsted inspection")
	})
}

// TestPinsAreHardAndRefusedPinsNameTheirFault pins the Lead Reviewer to a
// team seat of D's review and checks the run seats her there; a pin of a
// reviewer to her own school is refused with a message naming the field.
func TestPinsAreHardAndRefusedPinsNameTheirFault(t *testing.T) {
	eachStorage(t, func(t *testing.T, c client) {
		y := setUpYear(t, c)
		c.post(centralID, y+"/pins", form("review", "2", "reviewer", "1", "kind", "pin-team"))
		code, body := c.status(centralID, "POST", y+"/pins", form("review", "2", "reviewer", "2", "kind", "pin-team"))
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "A reviewer never reviews their own school") ||
			!strings.Contains(body, `aria-invalid="true"`) {
			t.Fatalf("pin at own school: %d %s", code, body)
		}
		code, body = c.status(centralID, "POST", y+"/pins", form("review", "2", "reviewer", "3", "kind", "forbid", "why", ""))
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Enter the reason") {
			t.Fatalf("forbid without a reason: %d %s", code, body)
		}
		run := c.post(centralID, y+"/allocation", form("term", "1"))
		page := c.page(centralID, run)
		mustContain(t, "the run", page, "Pinned by the central team", "Autumn term")
		// Lena is pinned to D's team seat in week 4, so D's lead seat is empty.
		mustContain(t, "the run", page, "No Lead Reviewer could take it")
		// Nothing to allocate in a term without reviews still to come.
		c.h.SetClock(time.Date(2026, 7, 20, 9, 0, 0, 0, time.UTC))
		if code, body := c.status(centralID, "POST", y+"/allocation", form("term", "3")); code != http.StatusConflict || !strings.Contains(body, "nothing to allocate") {
			t.Fatalf("late run: %d %s", code, body)
		}
	})
}

// TestRefusedFormsKeepTheInput posts bad schedules and funding: every
// problem is named beside its field, the input is kept, nothing is saved.
func TestRefusedFormsKeepTheInput(t *testing.T) {
	eachStorage(t, func(t *testing.T, c client) {
		y := setUpYear(t, c)
		audits := len(c.h.Host.Audits())
		code, body := c.status(centralID, "POST", y+"/schedule", form("school", id(12), "week", "40", "day", "4", "days", "3", "team_size", "x"))
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("bad schedule: %d", code)
		}
		mustContain(t, "the refused schedule", body, "There are 3 problems", "Enter a whole number from 1 to 38", "A review ends by Friday",
			"Enter a whole number from 1 to 8", `value="40"`, `value="x"`)
		code, body = c.status(centralID, "POST", "/years", form("label", "2025/26"))
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Write the school year as 2025-26") || !strings.Contains(body, `value="2025/26"`) {
			t.Fatalf("bad year: %d %s", code, body)
		}
		code, body = c.status(hubMgrID, "POST", "/hubs/3/funding?year=1", form("pot", "1000", "credit_pool", "2000", "status", "draft"))
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "The credits cannot be more than the pot") || !strings.Contains(body, `value="2000"`) {
			t.Fatalf("bad funding: %d %s", code, body)
		}
		if got := len(c.h.Host.Audits()); got != audits {
			t.Fatalf("refused forms were audited: %d entries, want %d", got, audits)
		}
	})
}

// TestTheHubManagerKeepsTheHubsPlan: priorities, activities, funding and
// credits by pupils on roll; another hub's manager cannot reach it.
func TestTheHubManagerKeepsTheHubsPlan(t *testing.T) {
	eachStorage(t, func(t *testing.T, c client) {
		setUpYear(t, c)
		c.post(hubMgrID, "/hubs/3/funding?year=1", form("pot", "12,000", "credit_pool", "2120", "status", "agreed", "notes", "Agreed at the autumn meeting"))
		c.post(hubMgrID, "/hubs/3/priorities?year=1", form("title", "Maths mastery", "description", "Fluency in KS2"))
		c.post(hubMgrID, "/hubs/3/activities?year=1", form("priority", "1", "title", "Maths TeachMeet", "owner", "Cedar's maths lead", "due_on", "2025-11-20", "status", "planned", "spend", "450"))
		page := c.page(hubMgrID, "/hubs/3")
		// Alder has 212 pupils and Cedar none recorded: Alder gets all £2,120.00.
		mustContain(t, "the hub page", page, "Elm Hub", "£12,000.00", "£450.00", "£11,550.00", "£2,120.00", "Maths mastery", "Maths TeachMeet", "Agreed at the autumn meeting")
		// The priority with an activity cannot be removed.
		if code, body := c.status(hubMgrID, "POST", "/hubs/3/priorities/1/delete?year=1", nil); code != http.StatusConflict || !strings.Contains(body, "1 activity is against this priority") {
			t.Fatalf("delete priority: %d %s", code, body)
		}
		c.post(hubMgrID, "/hubs/3/activities/1?year=1", form("priority", "1", "title", "Maths TeachMeet", "status", "done", "spend", "400"))
		mustContain(t, "the hub page", c.page(hubMgrID, "/hubs/3"), "Done", "£11,600.00")
		// The senior partner reads the plan but may not change it; Oak Hub's people see nothing.
		if code, _ := c.status(partnerID, "POST", "/hubs/3/priorities?year=1", form("title", "x")); code != http.StatusNotFound {
			t.Fatalf("senior partner changed the plan: %d", code)
		}
		if code, _ := c.status(headDID, "GET", "/hubs/3", nil); code != http.StatusNotFound {
			t.Fatalf("head of D read Elm Hub: %d", code)
		}
	})
}
