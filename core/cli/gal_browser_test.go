package cli_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/challengepartners/upwards/core/browsertest"
	"github.com/challengepartners/upwards/core/demo"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// Getting Ahead London's acceptance, in the browser on the demo install:
// the programme manager of the demo cohort runs this year's match and
// publishes it; the demo coach logs a session with its participant, who
// sees it (and not the coach's private note); the participant records a
// promotion; the funder's reports show the figures, this year's counting
// the promotion; and the participant's headteacher reads the record the
// participant shares. axe-core finds no WCAG 2.2 A/AA violation on the
// programme's pages on the way.
func TestBrowserGettingAheadMatchSessionPromotionReport(t *testing.T) {
	plugins := t.TempDir()
	buildPlugin(t, plugins, "gettingahead")
	browsertest.Chrome(t)
	db := storagetest.URL(t, storage.SQLite)
	data := t.TempDir()
	out := demoCommand(t, db, data, plugins)
	if !strings.Contains(out, "Getting Ahead London is installed and enabled for the partnership tenant") {
		t.Fatalf("the demo does not say it installed Getting Ahead London:\n%s", out)
	}
	_, _, hs := startedApp(t, db, data)
	base := strings.Replace(hs.URL, "127.0.0.1", strings.Split(demo.PartnershipHost, ":")[0], 1)
	b := &trustBrowser{t: t, ctx: openBrowser(t, base+"/login", 150*time.Second), base: base}

	now := time.Now().In(time.UTC)
	first := now.Year()
	if now.Month() < time.September {
		first--
	}
	cohort := fmt.Sprintf("Getting Ahead London %d-%02d", first, (first+1)%100)
	const (
		coach       = "Grace Adebayo"
		participant = "Sam Okoro"
		actions     = "Sam drafts a one-page vision for the next session"
		private     = "Sam is anxious about the governors' panel"
	)

	// 1. The programme manager runs this year's match and publishes it.
	b.logIn(demo.GALManager)
	b.link("//nav", "Getting Ahead London")
	b.sees("the manager's home", "Cohorts you run", cohort, "Getting Ahead London 2017-18")
	b.axe("the programme's home")
	b.link("//table[@data-testid='managed']", cohort)
	b.sees("this year's cohort", "Pairs under way", "Pairs with no session in six weeks")
	b.axe("a cohort's page")
	// Every page of the cohort passes axe: its applications, coaches and
	// events (and an event's attendance), before the match.
	for _, page := range []struct{ link, sees string }{
		{"Applications and participants", "Shortlist"}, {"Coaches", "Recruit a coach"}, {"Events", "Add an event"},
	} {
		b.link("//nav[@aria-label='The cohort']", page.link)
		b.sees(page.link, page.sees)
		b.axe("the cohort's " + page.link)
		b.link("//nav[@aria-label='Breadcrumb']", cohort)
	}
	b.fill("f-name", cohort) // settings: take applications, to see the form an applicant fills
	b.eval(`document.getElementById("f-applications_open").checked = true`)
	b.press("Save the settings")
	b.sees("the settings saved", "Settings saved")
	b.link("", "The match")
	b.sees("the match page", "30 of 30 participants have ranked the coaches", "Run the match")
	b.axe("the match page")
	b.press("Run the match")
	b.sees("the draft", "Draft of the match", "Why", participant+"'s 1st choice; "+coach+" ranked "+participant+" 1st")
	b.axe("the match's draft")
	b.press("Publish this match")
	b.sees("the published match", "The match is published")
	b.link("", "The pairs and their hours")
	b.sees("the pairs", participant+" with "+coach)
	b.axe("the pairs page")
	b.logOut()

	// 2. The coach logs a session with a private note.
	b.logIn(demo.GALCoach)
	b.link("//nav", "Getting Ahead London")
	b.link(fmt.Sprintf("//table[@data-testid='coaching']//tr[contains(., %s)]", xpathLiteral(cohort)), "Your participants and rankings")
	b.sees("the coach's page", participant)
	b.axe("a coach's page")
	b.link("//table[@data-testid='participants']", participant)
	b.sees("the pair's page", "Log a session", "No session logged yet.")
	b.axe("a pair's page")
	b.choose("f-mode", "In person")
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.ID("f-theme_vision")), chromedp.Click(chromedp.ID("f-theme_applications"))); err != nil {
		t.Fatalf("tick the themes: %v", err)
	}
	b.fill("f-minutes", "90")
	b.fill("f-actions", actions)
	b.fill("f-note", private)
	b.press("Log the session")
	b.sees("the logged session", "Session logged", actions, "Vision and strategy, Applications and interviews", private)
	b.link("//table[@data-testid='sessions']", "Read or change your note")
	b.sees("the note page", "Your note on the session of", "Let your participant read it")
	b.axe("a session's note")
	b.logOut()

	// 3. The participant sees the session but not the coach's note, and records a promotion.
	b.logIn(demo.GALParticipant)
	b.link("//nav", "Getting Ahead London")
	b.link("", "Your record, coach and sessions")
	b.sees("the participant's record", coach, "Stop sharing my record")
	b.axe("a participant's record")
	b.link("", "Your ranking of the coaches")
	b.sees("the participant's ranking", "Your ranking", coach)
	b.axe("a participant's ranking")
	b.link("//nav[@aria-label='Breadcrumb']", participant)
	b.link("//table[@data-testid='assessments']", "Fill it in")
	b.sees("the self-assessment", "Knowledge and understanding of headship", "Readiness for headship")
	b.axe("the self-assessment")
	b.press("Save my self-assessment")
	b.sees("the refused self-assessment", "There are 12 problems", "Choose a point from 1 to 5")
	b.axe("the refused self-assessment")
	b.link("//nav[@aria-label='Breadcrumb']", participant)
	b.link("//nav", "Getting Ahead London")
	b.sees("the participant's home", "Apply to "+cohort)
	b.link("", "Apply to "+cohort)
	b.sees("the application form", "What you want from coaching")
	b.axe("the application form")
	b.link("//nav", "Getting Ahead London")
	b.link("", "Your record, coach and sessions")
	b.link("", "Sessions with "+coach)
	page := b.sees("the participant's view of the session", actions, "90 min", "Private")
	if strings.Contains(page, private) {
		t.Fatalf("the participant reads the coach's private note:\n%s", page)
	}
	b.link("", "Getting Ahead London")
	b.link("", "Your record, coach and sessions")
	b.choose("f-kind", "Appointed to a headship")
	b.fill("f-detail", "Ash Field Primary")
	b.press("Record it")
	b.sees("the promotion", "Appointed to a headship: recorded", "Ash Field Primary")
	b.logOut()

	// 4. The funder's reports: this year's counts the promotion; 2017-18's has the year's figures.
	b.logIn(demo.GALManager)
	b.link("//nav", "Getting Ahead London")
	b.link("//table[@data-testid='managed']", cohort)
	b.link("", "The funder's report")
	b.sees("this year's report", "promoted in year one: 3% (1 of 30", "1 to headship", "hours of coaching in 1 sessions")
	b.axe("the funder's report")
	b.link("", "Getting Ahead London")
	b.link("//table[@data-testid='managed']", "Getting Ahead London 2017-18")
	b.link("", "The funder's report")
	b.sees("2017-18's report", "A third of participants were promoted in year one: 33% (16 of 48", "Participants applying for headship rose from 25% to 46%")
	b.logOut()

	// 5. The participant's headteacher reads the shared record: no sessions.
	b.logIn(demo.GALHead)
	b.link("//nav", "Getting Ahead London: shared with you")
	b.sees("the head's shared page", participant)
	b.axe("the shared records")
	b.link("//table[@data-testid='shared']", participant)
	shared := b.sees("the shared record", coach, "Appointed to a headship", "1.5 hours in 1 sessions")
	for _, secret := range []string{actions, private} {
		if strings.Contains(shared, secret) {
			t.Fatalf("the head reads %q:\n%s", secret, shared)
		}
	}
	b.axe("a shared record")
	b.logOut()
}
