package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/challengepartners/upwards/core/browsertest"
	"github.com/challengepartners/upwards/core/storage"
)

// An administrator works through the admin pages in Chromium: the user
// list and its filters, a role granted at a place found by name (and a
// refused one, its error beside the field), the staff import with a
// refused file, and a school archived. axe-core finds no WCAG 2.2 A/AA
// violation on any of them. At 390 px wide (a phone) the navigation
// overflows nothing.
func TestBrowserAdminPages(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	browser := browsertest.NewBrowser(t)
	base := strings.Replace(w.url, "127.0.0.1", "alpha.localhost", 1)
	if err := chromedp.Do(browser, chromedp.Navigate(base+"/login")); err != nil {
		t.Fatalf("open %s: %v", base, err)
	}
	ctx, cancel := context.WithTimeout(browser, 120*time.Second)
	defer cancel()
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("main")))
			t.Fatalf("%s: %v\n%.3000s", what, err, html)
		}
	}
	run("log in",
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), w.a.adminEmail),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS("header nav")), // only once signed in
	)
	run("the user list", chromedp.Navigate(base+"/users"), chromedp.WaitVisible(chromedp.CSS("[data-testid=users]")))
	browsertest.Axe(ctx, t, "the user list")
	run("filter by role",
		chromedp.SetValue(chromedp.ID("f-role"), "teacher"),
		chromedp.Submit(chromedp.ID("q")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=user-count]")),
	)
	if got := text(ctx, t, "[data-testid=user-count]"); !strings.HasPrefix(got, "1 user matches") {
		t.Errorf("filtered count %q", got)
	}
	browsertest.Axe(ctx, t, "the filtered user list")
	run("a user's page", chromedp.Navigate(fmt.Sprintf("%s/users/%d", base, w.a.teacherID)), chromedp.WaitVisible(chromedp.ID("g-place")))
	run("find a place",
		chromedp.SendKeys(chromedp.ID("g-place"), "hub"),
		chromedp.Submit(chromedp.ID("g-place")),
		chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("g-unit-%d", w.a.hubSchool.ID))),
	)
	browsertest.Axe(ctx, t, "the place picker")
	run("grant at the place",
		chromedp.Click(chromedp.ID(fmt.Sprintf("g-unit-%d", w.a.hubSchool.ID))),
		chromedp.SetValue(chromedp.ID("g-role"), "teacher"),
		chromedp.Click(chromedp.Search(`//button[normalize-space(text())="Grant"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if got := text(ctx, t, ".flash"); got != "Role granted." {
		t.Errorf("flash %q", got)
	}
	run("find it again",
		chromedp.Navigate(fmt.Sprintf("%s/users/%d?place=hub", base, w.a.teacherID)),
		chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("g-unit-%d", w.a.hubSchool.ID))),
		chromedp.Click(chromedp.ID(fmt.Sprintf("g-unit-%d", w.a.hubSchool.ID))),
		chromedp.SetValue(chromedp.ID("g-role"), "teacher"),
		chromedp.Click(chromedp.Search(`//button[normalize-space(text())="Grant"]`)),
		chromedp.WaitVisible(chromedp.ID("g-role-error")),
	)
	browsertest.Axe(ctx, t, "a grant refused beside its field")

	dir := t.TempDir()
	file := filepath.Join(dir, "staff.csv")
	if err := os.WriteFile(file, []byte("name,email,school,role\nAnn,not-an-email,Nowhere,Teacher\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	run("the staff import", chromedp.Navigate(base+"/users/import"), chromedp.WaitVisible(chromedp.ID("staff-file")))
	browsertest.Axe(ctx, t, "the staff import")
	run("upload a bad staff file",
		chromedp.SetUploadFiles(chromedp.ID("staff-file"), []string{file}),
		chromedp.Submit(chromedp.ID("staff-file")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=row-problems]")),
	)
	browsertest.Axe(ctx, t, "the staff import's problems by row")

	school := w.a.otherSchool
	run("archive a school",
		chromedp.Navigate(fmt.Sprintf("%s/units/%d", base, school.ID)),
		chromedp.Click(chromedp.Search(fmt.Sprintf(`//button[normalize-space(text())=%q]`, "Archive "+school.Name))),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=archived]")),
	)
	browsertest.Axe(ctx, t, "an archived school")
	run("the archived units", chromedp.Navigate(base+"/units?archived=1"), chromedp.WaitVisible(chromedp.CSS("[data-testid=units]")))
	if got := text(ctx, t, "[data-testid=result-count]"); !strings.HasPrefix(got, "1 archived unit found") {
		t.Errorf("archived count %q", got)
	}
	browsertest.Axe(ctx, t, "the archived units")

	// With script, the place search is a combobox: type, arrow down, Enter.
	run("the combobox",
		chromedp.Navigate(fmt.Sprintf("%s/users/%d", base, w.a.hubMgrID)),
		chromedp.WaitVisible(chromedp.ID("g-place")),
		chromedp.SendKeys(chromedp.ID("g-place"), "trust prim"),
		chromedp.WaitVisible(chromedp.CSS(`#g-place-list [role=option]`)),
	)
	if got := text(ctx, t, `#g-place-list [role=option]`); !strings.HasPrefix(got, w.a.trustSchool.Name+" (School") {
		t.Errorf("suggestion %q", got)
	}
	browsertest.Axe(ctx, t, "the place combobox, open")
	run("choose with the keyboard",
		chromedp.SendKeys(chromedp.ID("g-place"), kb.ArrowDown+kb.Enter),
		chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("g-unit-%d", w.a.trustSchool.ID))),
	)
	checked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(`document.getElementById("g-unit-%d").checked`, w.a.trustSchool.ID)))
	if err != nil || !checked {
		loc, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + " " + document.getElementById("g-place").value + " " + document.getElementById("g-place").getAttribute("role")`))
		t.Fatalf("the chosen place is not checked: %v %v at %s", checked, err, loc)
	}
	run("grant there",
		chromedp.SetValue(chromedp.ID("g-role"), "teacher"),
		chromedp.Click(chromedp.Search(`//button[normalize-space(text())="Grant"]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	if got := text(ctx, t, "[data-testid=grants]"); !strings.Contains(got, w.a.trustSchool.Name) {
		t.Errorf("grants after the combobox: %q", got)
	}

	// A phone: 390 px wide. Nothing of the navigation lies beyond the
	// viewport, and the page does not scroll sideways.
	for _, path := range []string{"/users", "/units", fmt.Sprintf("/users/%d", w.a.teacherID)} {
		run("a phone's view of "+path,
			chromedp.EmulateViewport(390, 844),
			chromedp.Navigate(base+path),
			chromedp.WaitVisible(chromedp.CSS("header nav")),
		)
		overflow, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => {
  const out = [];
  const vw = document.documentElement.clientWidth;
  for (const el of document.querySelectorAll('header.top, header.top nav, header.top nav a, header.top .logout')) {
    const r = el.getBoundingClientRect();
    if (r.right > vw + 0.5 || r.left < -0.5) out.push((el.textContent || el.tagName).trim().slice(0, 40) + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
  }
  if (document.documentElement.scrollWidth > vw) out.push('page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + vw);
  return out;
})()`))
		if err != nil {
			t.Fatalf("measure %s: %v", path, err)
		}
		if len(overflow) > 0 {
			t.Errorf("%s at 390 px overflows: %v", path, overflow)
		}
	}
	browsertest.Axe(ctx, t, "the user page on a phone")
}
