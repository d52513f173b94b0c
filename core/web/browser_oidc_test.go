package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/challengepartners/upwards/core/browsertest"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/storage"
)

// In Chromium, an administrator signs in with the button on the login page,
// through the real OpenID provider and back; axe-core finds no WCAG 2.2
// A/AA violation on the login page with its button, nor on the sign-in
// providers page, with and without an error beside a field.
func TestBrowserSignInWithProvider(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	browser := browsertest.NewBrowser(t)
	base := strings.Replace(w.url, "127.0.0.1", "alpha.localhost", 1)
	_, issuer := startProvider(t, base+"/login/oidc/callback")
	if _, err := w.app.OIDC.CreateProvider(context.Background(), w.a.tenant.ID, identity.OIDCProviderInput{Name: "Test Provider",
		Issuer: issuer, ClientID: "upwards", ClientSecret: "s3cret", AllowedDomains: "alpha.example.org"}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(browser, chromedp.Navigate(base+"/login")); err != nil {
		t.Fatalf("open %s: %v", base, err)
	}
	ctx, cancel := context.WithTimeout(browser, 90*time.Second)
	defer cancel()
	button := `//a[normalize-space(text())="Sign in with Test Provider"]`
	if err := chromedp.Do(ctx, chromedp.WaitVisible(button)); err != nil {
		t.Fatalf("the login page has no provider button: %v", err)
	}
	browsertest.Axe(ctx, t, "the login page with a sign-in provider")
	err := chromedp.Do(ctx,
		chromedp.Click(button),
		chromedp.WaitVisible(chromedp.ID("username")), // the provider's own login form
		chromedp.SendKeys(chromedp.ID("username"), "admin"),
		chromedp.SendKeys(chromedp.ID("password"), "pw"),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS("[data-testid=tenant]")),
	)
	if err != nil {
		t.Fatalf("sign in through the provider: %v", err)
	}
	if where, err := chromedp.Run(ctx, chromedp.Location()); err != nil || !strings.HasPrefix(where, base+"/") {
		t.Fatalf("after signing in the browser is at %q (%v)", where, err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/settings/sign-in"), chromedp.WaitVisible(chromedp.ID("p-name"))); err != nil {
		t.Fatalf("open the sign-in providers page: %v", err)
	}
	browsertest.Axe(ctx, t, "the sign-in providers page")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("p-name"), "Google"),
		chromedp.SendKeys(chromedp.ID("p-issuer"), "https://accounts.google.com"),
		chromedp.SendKeys(chromedp.ID("p-client-id"), "1234.apps.googleusercontent.com"),
		chromedp.SendKeys(chromedp.ID("p-client-secret"), "secret"),
		chromedp.SendKeys(chromedp.ID("p-domains"), "not a domain"),
		chromedp.Submit(chromedp.ID("p-domains")),
		chromedp.WaitVisible(chromedp.ID("p-domains-error")),
	)
	if err != nil {
		t.Fatalf("submit a bad provider: %v", err)
	}
	browsertest.Axe(ctx, t, "the sign-in providers page with an error")
}
