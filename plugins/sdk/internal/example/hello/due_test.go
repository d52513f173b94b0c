package main

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
)

// TestTheDueDateIsOverdueOnceItsLondonDateHasPassed moves the plugin's
// clock across midnight in London, which in July is 23:00 UTC.
func TestTheDueDateIsOverdueOnceItsLondonDateHasPassed(t *testing.T) {
	fx := plugintest.DefaultFixture()
	fx.Settings["due_by"] = "2026-07-17"
	h := plugintest.Start(t, binary, plugintest.WithFixture(fx))
	head := h.As(plugintest.HeadID)
	page := func() string {
		t.Helper()
		resp, err := h.Get(head, "/")
		if err != nil || resp.StatusCode != 200 || !resp.Fragment {
			t.Fatalf("GET / = %v, %v", resp, err)
		}
		return resp.String()
	}
	h.SetClock(time.Date(2026, 7, 17, 22, 59, 0, 0, time.UTC)) // 23:59 on Fri 17 Jul in London
	if p := page(); !strings.Contains(p, "Greetings are due by Fri 17 Jul 2026.") || strings.Contains(p, "Overdue") {
		t.Fatalf("on the due date:\n%s", p)
	}
	h.AdvanceClock(2 * time.Minute) // 00:01 on Sat 18 Jul in London, still the 17th in UTC
	if p := page(); !strings.Contains(p, "<strong>Overdue:</strong> greetings were due by Fri 17 Jul 2026.") {
		t.Fatalf("the day after:\n%s", p)
	}
	// Without a due date, none is shown.
	h2 := plugintest.Start(t, binary)
	resp, err := h2.Get(h2.As(plugintest.HeadID), "/")
	if err != nil || strings.Contains(resp.String(), "due by") {
		t.Fatalf("no due date: %v\n%s", err, resp.String())
	}
}

func TestDueReadsTheSettingAsALondonDate(t *testing.T) {
	cases := []struct {
		setting, today string
		shown          string
		overdue        bool
	}{
		{"2026-07-17", "2026-07-16", "Fri 17 Jul 2026", false},
		{"2026-07-17", "2026-07-17", "Fri 17 Jul 2026", false},
		{" 2026-07-17 ", "2026-07-18", "Fri 17 Jul 2026", true},
		{"", "2026-07-18", "", false},
		{"17/07/2026", "2026-07-18", "", false},
	}
	for _, c := range cases {
		today, _ := time.ParseInLocation(time.DateOnly, c.today, sdk.London())
		shown, overdue := due(c.setting, today)
		if shown != c.shown || overdue != c.overdue {
			t.Errorf("due(%q) on %s = %q, %v; want %q, %v", c.setting, c.today, shown, overdue, c.shown, c.overdue)
		}
	}
}

// TestTheDigestCountsTheWeekOnThePluginsClock posts two greetings, then a
// third eight days later: the digest counts only the last week's.
func TestTheDigestCountsTheWeekOnThePluginsClock(t *testing.T) {
	h := plugintest.Start(t, binary)
	h.SetClock(time.Date(2025, 9, 28, 9, 0, 0, 0, time.UTC))
	post := func(msg string) {
		t.Helper()
		resp, err := h.Post(h.AllPermissions(), "/greetings", url.Values{"school_id": {"11"}, "message": {msg}})
		if err != nil || resp.StatusCode != 303 {
			t.Fatalf("post %q: %v %v", msg, resp, err)
		}
	}
	post("one")
	post("two")
	h.AdvanceClock(8 * 24 * time.Hour)
	post("three")
	if err := h.RunJob(h.System(), "digest", nil); err != nil {
		t.Fatal(err)
	}
	mails := h.Host.Mails()
	if len(mails) != 1 || mails[0].Subject != "Hello: 1 greetings this week" || !strings.Contains(mails[0].Body, "since Mon 29 Sep 2025") {
		t.Fatalf("mails = %+v", mails)
	}
}
