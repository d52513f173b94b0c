package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/challengepartners/upwards/core/browsertest"
	"github.com/challengepartners/upwards/core/storage"
)

// The sign-in pages in Chromium, each checked by axe-core (WCAG 2.2 A/AA):
// forgot password (form and answer), the reset page with an error, the
// account page with the tokens form, setting up a second factor, its
// recovery codes, the code page at login (with an error), and the tenant's
// sign-in security setting.
func TestBrowserSignInPagesPassAxe(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	browser := browsertest.NewBrowser(t)
	base := strings.Replace(w.url, "127.0.0.1", "alpha.localhost", 1)
	if err := chromedp.Do(browser, chromedp.Navigate(base+"/login")); err != nil {
		t.Fatalf("open %s: %v", base, err)
	}
	ctx, cancel := context.WithTimeout(browser, 120*time.Second)
	defer cancel()
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	step("forgot password link", chromedp.Click(chromedp.Search(`//a[text()="Forgot password?"]`)), chromedp.WaitVisible(chromedp.ID("email")))
	browsertest.Axe(ctx, t, "the forgot password page")
	step("ask for a link", chromedp.SendKeys(chromedp.ID("email"), w.a.teacherEmail), chromedp.Submit(chromedp.ID("email")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=reset-message]")))
	browsertest.Axe(ctx, t, "the forgot password answer")

	token, _, err := w.app.Identity.IssueResetToken(context.Background(), w.a.tenant.ID, w.a.teacherID)
	if err != nil {
		t.Fatal(err)
	}
	step("open the reset link", chromedp.Navigate(base+"/password/reset?token="+token), chromedp.WaitVisible(chromedp.ID("new")))
	browsertest.Axe(ctx, t, "the reset page")
	step("a guessable password", chromedp.SendKeys(chromedp.ID("new"), "password12"), chromedp.Submit(chromedp.ID("new")),
		chromedp.WaitVisible(chromedp.ID("pw-error")))
	browsertest.Axe(ctx, t, "the reset page with an error")
	const newPw = "violet kettle orbit lantern"
	step("a good password", chromedp.SendKeys(chromedp.ID("new"), newPw), chromedp.Submit(chromedp.ID("new")),
		chromedp.WaitVisible(chromedp.ID("password")))

	step("log in", chromedp.SendKeys(chromedp.ID("email"), w.a.teacherEmail), chromedp.SendKeys(chromedp.ID("password"), newPw),
		chromedp.Submit(chromedp.ID("password")), chromedp.WaitVisible(chromedp.CSS("header nav")))
	step("account page", chromedp.Navigate(base+"/account"), chromedp.WaitVisible(chromedp.ID("tdays")))
	browsertest.Axe(ctx, t, "the account page with the tokens form")
	step("make a token", chromedp.SendKeys(chromedp.ID("tname"), "reports"), chromedp.Submit(chromedp.ID("tname")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=new-token]")))
	browsertest.Axe(ctx, t, "the account page with a new token")

	step("set up a second factor", chromedp.Navigate(base+"/account/second-factor"), chromedp.WaitVisible(chromedp.ID("code")))
	browsertest.Axe(ctx, t, "the second factor set-up page")
	secret := text(ctx, t, "[data-testid=totp-secret]")
	step("confirm", chromedp.SendKeys(chromedp.ID("code"), totpCode(t, secret, time.Now())), chromedp.Submit(chromedp.ID("code")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=recovery-codes]")))
	browsertest.Axe(ctx, t, "the recovery codes")
	step("log out", chromedp.Navigate(base+"/account"), chromedp.WaitVisible(chromedp.CSS("[data-testid=second-factor-on]")),
		chromedp.Click(chromedp.Search(`//button[text()="Log out"]`)), chromedp.WaitVisible(chromedp.ID("email")))
	step("log in again", chromedp.SendKeys(chromedp.ID("email"), w.a.teacherEmail), chromedp.SendKeys(chromedp.ID("password"), newPw),
		chromedp.Submit(chromedp.ID("password")), chromedp.WaitVisible(chromedp.ID("code")))
	browsertest.Axe(ctx, t, "the code page at login")
	step("a wrong code", chromedp.SendKeys(chromedp.ID("code"), "000000"), chromedp.Submit(chromedp.ID("code")),
		chromedp.WaitVisible(chromedp.ID("code-error")))
	browsertest.Axe(ctx, t, "the code page with an error")
	step("the right code", chromedp.SendKeys(chromedp.ID("code"), totpCode(t, secret, time.Now().Add(30*time.Second))),
		chromedp.Submit(chromedp.ID("code")), chromedp.WaitVisible(chromedp.CSS("header nav")))

	step("log out", chromedp.Click(chromedp.Search(`//button[text()="Log out"]`)), chromedp.WaitVisible(chromedp.ID("email")))
	step("admin logs in", chromedp.SendKeys(chromedp.ID("email"), w.a.adminEmail), chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Submit(chromedp.ID("password")), chromedp.WaitVisible(chromedp.CSS("header nav")),
		chromedp.Navigate(base+"/settings/security"), chromedp.WaitVisible(chromedp.ID("require")))
	browsertest.Axe(ctx, t, "the sign-in security setting")
}
