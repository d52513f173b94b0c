package main

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// setUpYear makes the year 2025-26 with the hubs' four member schools,
// reviews of A (week 3) and D (week 4), and a trained register: the Lead
// Reviewer and the reviewer from D with accounts, two reviewers from C and
// E without. It returns the year's path.
func setUpYear(t *testing.T, c client) string {
	t.Helper()
	c.h.SetClock(time.Date(2025, 8, 20, 9, 0, 0, 0, time.UTC))
	year := c.post(centralID, "/years", form("label", "2025-26"))
	y := "/years/" + lastID(t, strings.TrimSuffix(year, "/members"))
	c.post(centralID, y+"/members", nil)
	members := c.page(centralID, y+"/members")
	mustContain(t, "members", members, "Alder Primary School", "Cedar Special School", "Damson Primary School", "Elm Secondary School", "4 member schools in 2 hubs")
	mustNotContain(t, "members", members, "Birch Academy")
	c.post(centralID, y+"/schedule", form("school", id(10), "week", "3", "day", "1", "days", "2", "needs_lead", "yes"))
	c.post(centralID, y+"/schedule", form("school", id(schoolD), "week", "4", "day", "1", "days", "2", "needs_lead", "yes", "team_size", "1"))
	for _, r := range []struct {
		person, name, school, lead string
	}{
		{id(leadID), "Lena Lead", "0", "yes"}, {id(reviewerID), "Remi Reviewer", id(schoolD), ""},
		{"0", "Cal Cedar", id(12), ""}, {"0", "Eli Elm", id(schoolE), ""},
	} {
		c.post(centralID, "/reviewers", form("person", r.person, "name", r.name, "school", r.school, "lead", r.lead, "ofsted", r.lead,
			"max_reviews", "2", "active", "yes"))
	}
	tr := c.post(centralID, "/trainings", form("held_on", "2025-07-01", "kind", "reviewer", "venue", "Leeds", "capacity", "10"))
	tid := lastID(t, tr)
	for i := 1; i <= 4; i++ {
		c.post(centralID, "/trainings/"+tid+"/bookings", form("reviewer", id(uint64(i))))
	}
	c.post(centralID, "/trainings/"+tid+"/attendance", form("attended", "1", "attended", "2", "attended", "3", "attended", "4"))
	return y
}

// TestTheQAReviewJourney is the "done when" in the harness: the
// central team runs and publishes an allocation, the Lead Reviewer writes
// a report that the host agrees and the hub manager reads, and the
// headteacher of a school in another hub cannot see it.
func TestTheQAReviewJourney(t *testing.T) {
	eachStorage(t, func(t *testing.T, c client) {
		y := setUpYear(t, c)
		board := c.page(centralID, y)
		mustContain(t, "the year board", board, "Year board 2025-26", "0 of 5", "Seats unfilled")

		// Run and publish the allocation.
		run := c.post(centralID, y+"/allocation", form("term", "0", "reason", "first run"))
		runPage := c.page(centralID, run)
		mustContain(t, "the run", runPage, "5 of 5", "Lena Lead", "Publish the allocation", "one of")
		// The reviewer from D never reviews D: she sits at A's review.
		mustContain(t, "the run", runPage, "Remi Reviewer")
		c.post(centralID, run+"/publish", nil)
		if jobs := c.h.Host.Enqueued(); len(jobs) != 1 || jobs[0].Name != "mail_teams" {
			t.Fatalf("enqueued %+v", jobs)
		}
		if err := c.h.RunJob(c.as(centralID), "mail_teams", []byte(`{"RunID": `+lastID(t, run)+`}`)); err != nil {
			t.Fatal(err)
		}
		mails := c.h.Host.Mails()
		if len(mails) != 2 || !strings.Contains(mails[0].Body+mails[1].Body, "Alder Primary School") {
			t.Fatalf("team mails: %+v", mails)
		}
		board = c.page(centralID, y)
		mustContain(t, "the year board", board, "5 of 5")

		// The core's pages (extensions), four weeks before the review: A's
		// head sees its booking and the self-evaluation to write; the senior
		// partner the Directory's facts, nothing of the review; the head of
		// D is not asked about A; Lena has nothing to do yet.
		panel := panelOf(t, c, plugintestHead, 10)
		mustContain(t, "A's panel for its head", panel, "Member school of Elm Hub in 2025-26 → /directory/schools/10",
			"QA Review booked for week 3 (w/c Mon 15 Sep 2025), 2 days → /reviews/1",
			"! Write the school's self-evaluation before the review starts on Tue 16 Sep 2025 → /reviews/1")
		mustNotContain(t, "A's panel for its head", panel, "Review team:") // every seat is filled
		partner := panelOf(t, c, partnerID, 10)
		mustContain(t, "A's panel for the senior partner", partner, "Member school of Elm Hub in 2025-26")
		mustNotContain(t, "A's panel for the senior partner", partner, "QA Review", "self-evaluation")
		_, _, err := c.h.SchoolPanels(c.as(headDID), 10)
		notAsked(t, "A's panel for the head of D", err)
		mustContain(t, "the head's to-dos", todosOf(t, c, plugintestHead),
			"Write Alder Primary School's self-evaluation for its QA Review on Tue 16 Sep 2025 → /reviews/1 by 2025-09-16")
		mustNotContain(t, "Lena's to-dos four weeks before", todosOf(t, c, leadID), "Alder")

		// Lena's page lists her review of A with the host's details.
		me := c.page(leadID, "/me")
		mustContain(t, "Lena's page", me, "Alder Primary School", "212 pupils on roll", "Elm Hub", "Lead seat")
		reviewOfA := "/reviews/1"
		// Before the review the report is closed.
		if code, body := c.status(leadID, "POST", reviewOfA+"/report/items", form("kind", "www", "theme", "teaching", "text", "x")); code != http.StatusConflict ||
			!strings.Contains(body, "first day, Tue 16 Sep 2025") {
			t.Fatalf("early report: %d %s", code, body)
		}
		c.post(plugintestHead, reviewOfA+"/self-evaluation", form("self_evaluation", "Strong early reading; maths is our priority."))

		// A week before, Lena prepares; the head's self-evaluation is done.
		c.h.SetClock(time.Date(2025, 9, 9, 9, 0, 0, 0, time.UTC))
		mustContain(t, "Lena's to-dos a week before", todosOf(t, c, leadID),
			"Prepare for the QA Review of Alder Primary School (2 days from Tue 16 Sep 2025): read the self-evaluation and last year's Even Better Ifs → /reviews/1 by 2025-09-16")
		mustNotContain(t, "the head's to-dos", todosOf(t, c, plugintestHead), "self-evaluation")
		mustNotContain(t, "A's panel for its head", panelOf(t, c, plugintestHead, 10), "self-evaluation")

		// During the review, the team writes.
		c.h.SetClock(time.Date(2025, 9, 17, 15, 0, 0, 0, time.UTC))
		c.post(leadID, reviewOfA+"/report/items", form("kind", "www", "theme", "literacy", "text", "Phonics is taught with precision from Reception."))
		c.post(reviewerID, reviewOfA+"/report/items", form("kind", "ebi", "theme", "assessment", "text", "Use assessment in maths to adapt teaching within lessons."))
		c.post(leadID, reviewOfA+"/report/items", form("kind", "aoe", "theme", "literacy", "title", "Early reading", "text", "A model of phonics.", "put_forward", "yes"))
		// A reviewer may not submit: only the lead.
		if code, _ := c.status(reviewerID, "POST", reviewOfA+"/report/submit", nil); code != http.StatusForbidden {
			t.Fatalf("a reviewer submitted: %d", code)
		}
		// Without a summary the lead is told what is missing.
		code, body := c.status(leadID, "POST", reviewOfA+"/report/submit", nil)
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Write the summary of the review") {
			t.Fatalf("incomplete submit: %d %s", code, body)
		}
		c.post(leadID, reviewOfA+"/report", form("summary", "A school that knows itself well."))
		// The report is due two weeks after the review's last day.
		mustContain(t, "Lena's to-dos during the review", todosOf(t, c, leadID),
			"Write and submit the report of the QA Review of Alder Primary School → /reviews/1 by 2025-10-01")
		mustContain(t, "Remi's to-dos during the review", todosOf(t, c, reviewerID),
			"Add your What Went Wells and Even Better Ifs to the report of the QA Review of Alder Primary School → /reviews/1 by 2025-10-01")
		c.post(leadID, reviewOfA+"/report/submit", nil)

		// Submitted: the head is asked to agree it within the week; the hub
		// manager's panel says where it stands, and nothing of it.
		mustNotContain(t, "Lena's to-dos once submitted", todosOf(t, c, leadID), "Write and submit")
		mustContain(t, "the head's to-dos", todosOf(t, c, plugintestHead),
			"Agree the report of Alder Primary School's QA Review, or return it to the team → /reviews/1 by 2025-09-24")
		mustContain(t, "A's panel for its head", panelOf(t, c, plugintestHead, 10),
			"This year's review: report submitted to the host Wed 17 Sep 2025 → /reviews/1", "! Agree the review report, or return it to the team → /reviews/1")
		hubPanel := panelOf(t, c, hubMgrID, 10)
		mustContain(t, "A's panel for the hub manager", hubPanel, "This year's review: report submitted to the host Wed 17 Sep 2025")
		mustNotContain(t, "A's panel for the hub manager", hubPanel, "Agree", "Phonics", "knows itself")

		// The hub manager cannot read it before the host agrees; the host can.
		hub := c.page(hubMgrID, reviewOfA)
		mustContain(t, "the hub manager's view", hub, "The report is not shared with you yet")
		mustNotContain(t, "the hub manager's view", hub, "Phonics is taught")
		host := c.page(plugintestHead, reviewOfA)
		mustContain(t, "the host's view", host, "Phonics is taught", "Agree the report")
		c.post(plugintestHead, reviewOfA+"/report/agree", nil)
		hub = c.page(hubMgrID, reviewOfA)
		mustContain(t, "the hub manager's view", hub, "Phonics is taught", "Use assessment in maths", "Early reading", "Agreed by the host")

		// The head of a school in another hub sees nothing of it.
		for _, p := range []string{reviewOfA, "/schools/10"} {
			if code, body := c.status(headDID, "GET", p, nil); code != http.StatusNotFound || strings.Contains(body, "Phonics") {
				t.Fatalf("the head of D got %s: %d %s", p, code, body)
			}
		}
		// The senior partner (a head of another school) reads the hub, not the report.
		if code, _ := c.status(partnerID, "GET", reviewOfA, nil); code != http.StatusNotFound {
			t.Fatalf("the senior partner read the review: %d", code)
		}
		mustContain(t, "the senior partner's hub page", c.page(partnerID, "/hubs/3"), "Alder Primary School", "Agreed by the host")

		// The trust leader sees it by theme beside the trust's other schools.
		trust := c.page(trustID, "/trusts/2")
		mustContain(t, "the trust's view", trust, "Reading and literacy", "Phonics is taught", "Assessment and feedback", "Use assessment in maths")

		// After the review, feedback; the central team publishes the report.
		c.h.SetClock(time.Date(2025, 9, 19, 9, 0, 0, 0, time.UTC))
		c.post(plugintestHead, reviewOfA+"/feedback", form("overall", "5", "cpd", "9", "comment", "Very useful"))
		c.post(leadID, reviewOfA+"/feedback", form("overall", "4", "cpd", "10"))
		if code, body := c.status(plugintestHead, "POST", reviewOfA+"/feedback", form("overall", "5", "cpd", "9")); code != http.StatusConflict ||
			!strings.Contains(body, "already exists") {
			t.Fatalf("second feedback: %d %s", code, body)
		}
		c.post(centralID, reviewOfA+"/report/publish", nil)
		board = c.page(centralID, y)
		mustContain(t, "the year board", board, "4.5/5", "9.0/10")

		// The partnership overview's figures are the dashboard's, for the
		// central team alone; its to-dos ask it to decide the area put forward.
		figs := figuresOf(t, c, centralID)
		for label, want := range map[string]string{
			"QA Reviews done":                            "1 of 2 | reviews scheduled in 2025-26 that have started",
			"Reviewers trained":                          "4 | on the register, by the end of 2025-26",
			"Reviews' overall experience":                "4.5/5 | n = 2 responses in 2025-26",
			"Reviews' value as professional development": "9.5/10 | n = 2 responses in 2025-26",
			"Leadership Development Day rating":          "— | n = 0 ratings in 2025-26",
		} {
			if figs[label] != want {
				t.Errorf("figure %q = %q, want %q", label, figs[label], want)
			}
		}
		_, _, err = c.h.Figures(c.as(plugintestHead))
		notAsked(t, "the figures for a head", err)
		mustContain(t, "the central team's to-dos", todosOf(t, c, centralID), "Decide on 1 Area of Excellence put forward → /aoes")
		mustContain(t, "A's panel once published", panelOf(t, c, hubMgrID, 10), "This year's review: report published Fri 19 Sep 2025 → /reviews/1")
		mustNotContain(t, "the head's to-dos once published", todosOf(t, c, plugintestHead), "Alder")

		// Every change was audited through the outbox.
		actions := map[string]int{}
		for _, a := range c.h.Host.Audits() {
			actions[a.Action]++
			if a.Key == "" {
				t.Fatalf("audit %s not from the outbox", a.Action)
			}
		}
		for _, want := range []string{"networkexcellence.year.create", "networkexcellence.allocation.run", "networkexcellence.allocation.publish",
			"networkexcellence.report.submit", "networkexcellence.report.agree", "networkexcellence.report.publish", "networkexcellence.feedback.give"} {
			if actions[want] == 0 {
				t.Errorf("no audit %s in %v", want, actions)
			}
		}
	})
}

const plugintestHead = 101 // plugintest.HeadID: headteacher of A
