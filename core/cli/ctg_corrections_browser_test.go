package cli_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/challengepartners/upwards/core/demo"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// TestBrowserTrustCorrectsItsYear drives the corrections of Challenge the
// Gap's issue 13 in Chromium on the trust's demo year (the year before the
// one running): a teacher on the team answers the open survey round and
// corrects an answer; the headteacher's snapshot dated outside the year is
// refused naming the date, and an empty snapshot added by mistake is
// deleted through the SDK's danger zone. axe-core finds no WCAG 2.2 A/AA
// violation on the pages on the way.
func TestBrowserTrustCorrectsItsYear(t *testing.T) {
	plugins := t.TempDir()
	buildChallengeGap(t, plugins)
	db := storagetest.URL(t, storage.SQLite)
	data := t.TempDir()
	demoCommand(t, db, data, plugins)
	_, _, hs := startedApp(t, db, data)
	base := strings.Replace(hs.URL, "127.0.0.1", strings.Split(demo.TrustHost, ":")[0], 1)
	b := &trustBrowser{t: t, ctx: openBrowser(t, base+"/login", 120*time.Second), base: base}

	const school = "Northstar Meadow Primary Academy"
	now := time.Now()
	first := now.Year() - 1 // the demo's year: the one before the year running
	if now.Month() < time.September {
		first--
	}
	demoYear := fmt.Sprintf("%d-%02d", first, (first+1)%100)

	// The teacher answers the open summer round, then corrects one answer.
	b.logIn("teacher@northstar.example.org")
	b.link("//nav", "Challenge the Gap")
	b.link("//ul[@data-testid='years']", demoYear)
	b.link("//ul[@data-testid='survey-rounds']", fmt.Sprintf("Summer %d", first+1))
	b.sees("the open round", "open for answers")
	answerSurvey(b, func(string) int { return 4 })
	b.sees("the answered round", "Thank you: you have answered this round", "you can correct your answers below", "Correct my answers")
	b.axe("a survey round with the correction form")
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(`[data-testid=survey-correct] input[name="item_recommend"][value="2"]`))); err != nil {
		t.Fatalf("change an answer: %v", err)
	}
	b.press("Correct my answers")
	if got := b.eval(`document.querySelector('[data-testid=survey-correct] input[name="item_recommend"]:checked').value`); got != `"2"` {
		t.Fatalf("the corrected answer reads %s:\n%s", got, b.text())
	}
	b.logOut()

	// The headteacher: a snapshot dated after the year is refused; an empty
	// July added by mistake is deleted, the box ticked.
	b.logIn("head@northstar.example.org")
	b.link("//nav", "Challenge the Gap")
	b.link("//ul[@data-testid='my-teams']", school)
	b.link("", "Target cohort")
	b.sees("the demo cohort", "Baseline taken on", demoYear)
	b.fill("s-taken-on", fmt.Sprintf("%d-09-05", first+1))
	b.press("Add snapshot")
	b.sees("the refused date", "is outside the programme year "+demoYear)
	b.axe("a refused snapshot date")
	b.link("", "Challenge the Gap")
	b.link("//ul[@data-testid='my-teams']", school)
	b.link("", "Target cohort")
	b.fill("s-taken-on", fmt.Sprintf("%d-07-10", first+1))
	b.press("Add snapshot")
	b.sees("the empty July", "Delete this snapshot", "holds no data")
	b.axe("an empty snapshot with its danger zone")
	if err := chromedp.Do(b.ctx, chromedp.Click(chromedp.ID("delete-snapshot-confirm"))); err != nil {
		t.Fatalf("tick the box: %v", err)
	}
	b.press("Delete the empty snapshot July")
	page := b.sees("the cohort after the deletion", "Baseline taken on")
	if strings.Contains(page, "July —") {
		t.Fatalf("July is still listed:\n%s", page)
	}
}
