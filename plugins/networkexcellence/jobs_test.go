package main

import (
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
)

// TestJobsRemindChaseAndDigestOnce moves the clock through the autumn:
// reminders a week before A's review, a chaser once its report is overdue,
// the week's news to member schools' heads; each sent once however often
// the job runs.
func TestJobsRemindChaseAndDigestOnce(t *testing.T) {
	eachStorage(t, func(t *testing.T, c client) {
		y := setUpYear(t, c)
		run := c.post(centralID, y+"/allocation", form("term", "0"))
		c.post(centralID, run+"/publish", nil)
		mailsTo := func(from int) map[string][]string {
			out := map[string][]string{}
			for _, m := range c.h.Host.Mails()[from:] {
				out[m.To] = append(out[m.To], m.Subject)
			}
			return out
		}
		runJob := func(name string) {
			t.Helper()
			if err := c.h.RunJob(c.h.System(), name, nil); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}

		// Wed 10 Sep: A's review (Tue 16 Sep) is within 7 days; D's (Tue 23) is not.
		c.h.SetClock(time.Date(2025, 9, 10, 6, 0, 0, 0, time.UTC))
		runJob("reminders")
		runJob("reminders")
		got := mailsTo(0)
		if len(got) != 3 || len(got["lena@test.example"]) != 1 || len(got["remi@test.example"]) != 1 || len(got["hari.head@test.example"]) != 1 ||
			!strings.Contains(got["hari.head@test.example"][0], "Your school's QA Review on Tue 16 Sep 2025") {
			t.Fatalf("reminders: %v", got)
		}
		sent := len(c.h.Host.Mails())

		// Mon 6 Oct: the report was due on Wed 1 Oct (14 days after Wed 17 Sep).
		c.h.SetClock(time.Date(2025, 10, 6, 7, 0, 0, 0, time.UTC))
		runJob("chasers")
		runJob("chasers")
		got = mailsTo(sent)
		if len(got) != 1 || len(got["lena@test.example"]) != 1 || !strings.Contains(got["lena@test.example"][0], "The report on Alder Primary School is overdue") {
			t.Fatalf("chasers: %v", got)
		}
		board := c.page(centralID, y)
		mustContain(t, "the board", board, "Reports overdue", "Wed 1 Oct 2025")
		sent = len(c.h.Host.Mails())

		// The week's news goes to the heads of member schools (A and D have one).
		c.post(centralID, "/news", form("title", "National conference", "body", "Book your places for March.", "published_on", "2025-10-03"))
		runJob("digest")
		runJob("digest")
		got = mailsTo(sent)
		if len(got) != 2 || len(got["hari.head@test.example"]) != 1 || len(got["dee@test.example"]) != 1 ||
			!strings.Contains(got["dee@test.example"][0], "1 item of news this week") {
			t.Fatalf("digest: %v", got)
		}
		// A week later there is no news: nothing is sent.
		sent = len(c.h.Host.Mails())
		c.h.AdvanceClock(8 * 24 * time.Hour)
		runJob("digest")
		if len(c.h.Host.Mails()) != sent {
			t.Fatal("a digest without news was sent")
		}
		runJob("sync")
	})
}

// TestAPersonsRecordsAreExportedAndErased exports what the plugin holds
// about the Lead Reviewer and the host head, erases them, and exports
// again: nothing left, the figures kept.
func TestAPersonsRecordsAreExportedAndErased(t *testing.T) {
	eachStorage(t, func(t *testing.T, c client) {
		y := setUpYear(t, c)
		run := c.post(centralID, y+"/allocation", form("term", "0"))
		c.post(centralID, run+"/publish", nil)
		c.h.SetClock(time.Date(2025, 9, 19, 9, 0, 0, 0, time.UTC))
		c.post(leadID, "/reviews/1/feedback", form("overall", "4", "cpd", "8", "comment", "A thoughtful school"))
		files, err := c.h.ExportSubject(nil, plugintest.Subject{PersonID: leadID})
		if err != nil || len(files) != 1 {
			t.Fatalf("export: %v %v", files, err)
		}
		body := string(files[0].Content)
		mustContain(t, "the export", body, "Lena Lead", "A thoughtful school", `"review_seats"`, `"training_attendance"`)
		erased, anonymised, err := c.h.EraseSubject(nil, plugintest.Subject{PersonID: leadID})
		if err != nil || anonymised < 2 {
			t.Fatalf("erase: %d %d %v", erased, anonymised, err)
		}
		files, err = c.h.ExportSubject(nil, plugintest.Subject{PersonID: leadID})
		if err != nil || len(files) != 0 {
			t.Fatalf("export after erasure: %v %v", files, err)
		}
		// A second erasure changes nothing; the feedback's score stays in the figures.
		if e, a, err := c.h.EraseSubject(nil, plugintest.Subject{PersonID: leadID}); err != nil || e+a != 0 {
			t.Fatalf("second erasure: %d %d %v", e, a, err)
		}
		board := c.page(centralID, y)
		mustContain(t, "the board", board, "4.0/5")
		mustNotContain(t, "the register", c.page(centralID, "/reviewers"), ">Lena Lead</a>")
		// A pupil: the plugin holds nothing.
		if files, err := c.h.ExportSubject(nil, plugintest.Subject{PupilID: 1000}); err != nil || len(files) != 0 {
			t.Fatalf("pupil export: %v %v", files, err)
		}
	})
}
