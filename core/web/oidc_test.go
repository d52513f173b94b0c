package web_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/example/server/exampleop"
	opstorage "github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/identity"
)

// testUsers is the provider's own directory of people (its in-memory user
// store): username = ID, password "pw".
type testUsers map[string]*opstorage.User

func (u testUsers) GetUserByID(id string) *opstorage.User         { return u[id] }
func (u testUsers) GetUserByUsername(name string) *opstorage.User { return u[name] }
func (u testUsers) ExampleClientID() string                       { return "" }

func newTestUsers() testUsers {
	user := func(id, email string, verified bool) *opstorage.User {
		return &opstorage.User{ID: id, Username: id, Password: "pw", FirstName: "Test", LastName: id, Email: email,
			EmailVerified: verified, PreferredLanguage: language.English}
	}
	return testUsers{
		"admin":      user("admin", "Admin@alpha.example.org", true),
		"unverified": user("unverified", "teacher@alpha.example.org", false),
		"outsider":   user("outsider", "someone@elsewhere.example.com", true),
		"disabled":   user("disabled", "hubmanager@alpha.example.org", true),
		"newcomer":   user("newcomer", "newcomer@alpha.example.org", true),
	}
}

// provider is a real OpenID provider (zitadel's OpenID-certified op package,
// wired as in its example server) over an in-memory store, with knobs to
// misbehave: a token lifetime (negative: issued already expired), another
// audience for the ID token, and whether the ID token carries the email.
type provider struct {
	*opstorage.Storage
	mu              sync.Mutex
	lifetime        time.Duration
	issuedTo        string
	claimsInIDToken bool
}

func (p *provider) set(lifetime time.Duration, issuedTo string, claimsInIDToken bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lifetime, p.issuedTo, p.claimsInIDToken = lifetime, issuedTo, claimsInIDToken
}

// GetClientByClientID serves the registered client with the knobs applied.
func (p *provider) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := p.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return tunedClient{Client: c, lifetime: p.lifetime, claims: p.claimsInIDToken, issuedTo: p.issuedTo}, nil
}

// AuthRequestByCode hands the token endpoint a request of the client
// p.issuedTo, when set: the ID token it answers with is another app's.
func (p *provider) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	r, err := p.Storage.AuthRequestByCode(ctx, code)
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil || p.issuedTo == "" {
		return r, err
	}
	return otherApp{AuthRequest: r, clientID: p.issuedTo}, nil
}

type tunedClient struct {
	op.Client
	lifetime time.Duration
	claims   bool
	issuedTo string
}

func (c tunedClient) GetID() string {
	if c.issuedTo != "" {
		return c.issuedTo
	}
	return c.Client.GetID()
}

func (c tunedClient) IDTokenLifetime() time.Duration       { return c.lifetime }
func (c tunedClient) ClockSkew() time.Duration             { return 0 }
func (c tunedClient) DevMode() bool                        { return true } // http redirect URIs in the test
func (c tunedClient) IDTokenUserinfoClaimsAssertion() bool { return c.claims }

type otherApp struct {
	op.AuthRequest
	clientID string
}

func (r otherApp) GetClientID() string   { return r.clientID }
func (r otherApp) GetAudience() []string { return []string{r.clientID} }

// startProvider serves a provider on a loopback port with clients for the
// given redirect URI: "upwards" and "upwards-signup" (secret "s3cret").
func startProvider(t *testing.T, redirectURI string) (*provider, string) {
	t.Helper()
	hs := httptest.NewUnstartedServer(nil)
	issuer := "http://" + hs.Listener.Addr().String()
	clients := map[string]*opstorage.Client{}
	for _, id := range []string{"upwards", "upwards-signup"} {
		clients[id] = opstorage.WebClient(id, "s3cret", redirectURI)
	}
	p := &provider{Storage: opstorage.NewStorageWithClients(newTestUsers(), clients), lifetime: 5 * time.Minute}
	hs.Config.Handler = exampleop.SetupServer(issuer, p, nil, false)
	hs.Start()
	t.Cleanup(hs.Close)
	return p, issuer
}

// browserFor is a browser: a cookie jar, following redirects, that reaches
// the Upwards server under the tenants' own host names.
func browserFor(w *world, visited *[]string) *http.Client {
	jar, _ := cookiejar.New(nil)
	upstream := strings.TrimPrefix(w.url, "http://")
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == w.a.host+":80" || addr == w.b.host+":80" {
			addr = upstream
		}
		return dialer.DialContext(ctx, network, addr)
	}}
	return &http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if visited != nil {
			*visited = append(*visited, req.URL.String())
		}
		if len(via) >= 10 {
			return http.ErrUseLastResponse
		}
		return nil
	}}
}

var opRequestID = regexp.MustCompile(`name="id" value="([^"]+)"`)

// signIn drives a whole sign-in: the login page's button for providerName,
// the provider's login form as username, and the way back. It returns the
// last answer and its body.
func signIn(t *testing.T, b *http.Client, w *world, issuer, providerName, username, next string) (*http.Response, string) {
	t.Helper()
	read := func(resp *http.Response, err error) (*http.Response, string) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}
	base := "http://" + w.a.host
	_, page := read(b.Get(base + "/login"))
	m := regexp.MustCompile(`href="/login/oidc\?provider=(\d+)&amp;next=[^"]*">Sign in with ` + regexp.QuoteMeta(providerName) + `</a>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the login page has no button Sign in with %s:\n%s", providerName, page)
	}
	resp, page := read(b.Get(base + "/login/oidc?" + url.Values{"provider": {m[1]}, "next": {next}}.Encode()))
	if !strings.HasPrefix(resp.Request.URL.String(), issuer) {
		t.Fatalf("the button led to %s (status %d), not the provider", resp.Request.URL, resp.StatusCode)
	}
	id := opRequestID.FindStringSubmatch(page)
	if id == nil {
		t.Fatalf("no login form at the provider: %d %s", resp.StatusCode, page)
	}
	return read(b.PostForm(issuer+"/login/username", url.Values{"id": {id[1]}, "username": {username}, "password": {"pw"}}))
}

func auditActions(t *testing.T, w *world, action string) []audit.Event {
	t.Helper()
	evs, _, err := audit.List(context.Background(), w.app.DB.DB, w.a.tenant.ID, audit.Filter{Action: action, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// Signing in through a real OpenID provider: a verified email matches the
// account, and every way it must fail does, with a message and an audit
// entry, and no session.
func TestSignInWithOIDCProvider(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		redirectURI := "http://" + w.a.host + "/login/oidc/callback"
		op, issuer := startProvider(t, redirectURI)
		create := func(name, clientID string, signup bool) identity.OIDCProvider {
			p, err := w.app.OIDC.CreateProvider(ctx, w.a.tenant.ID, identity.OIDCProviderInput{Name: name, Issuer: issuer + "/",
				ClientID: clientID, ClientSecret: "s3cret", AllowedDomains: "alpha.example.org, @Other.example.org", AllowSignup: signup})
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		staff := create("Test Provider", "upwards", false)
		if staff.AllowedDomains != "alpha.example.org other.example.org" || string(staff.ClientSecret) == "s3cret" {
			t.Fatalf("stored provider: domains %q, secret sealed: %v", staff.AllowedDomains, string(staff.ClientSecret) != "s3cret")
		}
		if _, err := w.app.Identity.UpdateUser(ctx, w.a.tenant.ID, w.a.hubMgrID, "Hub Manager", true); err != nil {
			t.Fatal(err)
		}
		// Tenant B's login page offers none of tenant A's providers.
		if _, body := w.client(w.b.host).get("/login"); strings.Contains(body, "Sign in with") {
			t.Fatal("tenant B's login page offers tenant A's provider")
		}

		loggedIn := func(b *http.Client) bool {
			resp, err := b.Get("http://" + w.a.host + "/account")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode == 200 && resp.Request.URL.Path == "/account"
		}

		t.Run("good login, email from userinfo", func(t *testing.T) {
			op.set(5*time.Minute, "", false)
			var visited []string
			b := browserFor(w, &visited)
			resp, body := signIn(t, b, w, issuer, "Test Provider", "admin", "/units?kind=school")
			if resp.StatusCode != 200 || resp.Request.URL.RequestURI() != "/units?kind=school" || !strings.Contains(body, "alpha Hub Primary") {
				t.Fatalf("ended at %s with %d: %.300s", resp.Request.URL, resp.StatusCode, body)
			}
			if !loggedIn(b) {
				t.Fatal("no session after signing in")
			}
			evs := auditActions(t, w, "user.login_oidc")
			if len(evs) != 1 || evs[0].EntityID != idStr(w.a.adminID) || !strings.Contains(evs[0].After, `"provider":"Test Provider"`) {
				t.Fatalf("audit of the sign-in: %+v", evs)
			}
			// The way back works once: the same return again is refused.
			var callback string
			for _, u := range visited {
				if strings.Contains(u, "/login/oidc/callback") {
					callback = u
				}
			}
			if callback == "" {
				t.Fatalf("never came back through the callback: %v", visited)
			}
			resp, err := browserFor(w, nil).Get(callback)
			if err != nil {
				t.Fatal(err)
			}
			replay, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(replay), "did not complete") {
				t.Fatalf("a replayed return: %d %.300s", resp.StatusCode, replay)
			}
		})

		t.Run("the second factor the tenant requires is still owed", func(t *testing.T) {
			op.set(5*time.Minute, "", false)
			if err := w.app.Identity.SetRequireSecondFactor(ctx, w.a.tenant.ID, true); err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := w.app.Identity.SetRequireSecondFactor(ctx, w.a.tenant.ID, false); err != nil {
					t.Fatal(err)
				}
			}()
			b := browserFor(w, nil)
			resp, _ := signIn(t, b, w, issuer, "Test Provider", "admin", "/units?kind=school")
			if resp.Request.URL.Path != "/login/enrol" {
				t.Fatalf("an administrator of a tenant requiring a second factor signed in through the provider to %s", resp.Request.URL)
			}
			if loggedIn(b) {
				t.Fatal("the session opens pages before the second factor is set up")
			}
		})

		t.Run("the return is bound to the browser that started it", func(t *testing.T) {
			op.set(5*time.Minute, "", false)
			// Stop at the way back, as an attacker who lured a victim there would.
			b := browserFor(w, nil)
			var callback string
			b.CheckRedirect = func(req *http.Request, via []*http.Request) error {
				if req.URL.Path == "/login/oidc/callback" {
					callback = req.URL.String()
					return http.ErrUseLastResponse
				}
				return nil
			}
			signIn(t, b, w, issuer, "Test Provider", "admin", "/")
			if callback == "" {
				t.Fatal("the provider did not send the browser back")
			}
			other := browserFor(w, nil)
			resp, err := other.Get(callback)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), "did not complete") || loggedIn(other) {
				t.Fatalf("another browser used the return: %d", resp.StatusCode)
			}
			b.CheckRedirect = nil
			if resp, err = b.Get(callback); err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != 200 || !loggedIn(b) {
				t.Fatalf("the browser that started it: %d at %s", resp.StatusCode, resp.Request.URL)
			}
		})

		t.Run("the person cancels at the provider", func(t *testing.T) {
			b := browserFor(w, nil)
			var authURL *url.URL
			b.CheckRedirect = func(req *http.Request, via []*http.Request) error {
				if strings.HasPrefix(req.URL.String(), issuer) && authURL == nil {
					authURL = req.URL
					return http.ErrUseLastResponse
				}
				return nil
			}
			_, page := getBody(t, b, "http://"+w.a.host+"/login")
			m := regexp.MustCompile(`href="(/login/oidc\?provider=\d+)`).FindStringSubmatch(page)
			getBody(t, b, "http://"+w.a.host+strings.ReplaceAll(m[1], "&amp;", "&"))
			if authURL == nil || authURL.Query().Get("state") == "" || authURL.Query().Get("nonce") == "" ||
				authURL.Query().Get("code_challenge_method") != "S256" || authURL.Query().Get("code_challenge") == "" {
				t.Fatalf("the request to the provider lacks state, nonce or PKCE: %v", authURL)
			}
			b.CheckRedirect = nil
			resp, body := getBody(t, b, "http://"+w.a.host+"/login/oidc/callback?error=access_denied&error_description=cancelled&state="+
				url.QueryEscape(authURL.Query().Get("state")))
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "did not sign you in") || loggedIn(b) {
				t.Fatalf("a cancelled sign-in: %d %.300s", resp.StatusCode, body)
			}
			if ev := auditActions(t, w, "user.login_oidc_refused")[0]; !strings.Contains(ev.After, "access_denied: cancelled") {
				t.Fatalf("audit of the cancel: %s", ev.After)
			}
		})

		t.Run("good login, email in the ID token", func(t *testing.T) {
			op.set(5*time.Minute, "", true)
			b := browserFor(w, nil)
			resp, _ := signIn(t, b, w, issuer, "Test Provider", "admin", "/")
			if resp.StatusCode != 200 || resp.Request.URL.Path != "/" || !loggedIn(b) {
				t.Fatalf("ended at %s with %d", resp.Request.URL, resp.StatusCode)
			}
		})

		refusals := []struct {
			name, user, message, reason, detail string
			lifetime                            time.Duration
			issuedTo                            string
		}{
			{"wrong audience", "admin", "could not be verified", identity.RefuseToken, "audience", 5 * time.Minute, "another-app"},
			{"expired token", "admin", "could not be verified", identity.RefuseToken, "expired", -time.Minute, ""},
			{"unverified email", "unverified", "does not confirm that your email address is verified", identity.RefuseUnverified, "", 5 * time.Minute, ""},
			{"email outside the allowed domains", "outsider", "someone@elsewhere.example.com is not in an email domain allowed", identity.RefuseDomain, "", 5 * time.Minute, ""},
			{"user disabled in Upwards", "disabled", "is disabled", identity.RefuseDisabled, "", 5 * time.Minute, ""},
			{"unknown user, sign-up off", "newcomer", "There is no account for newcomer@alpha.example.org", identity.RefuseNoAccount, "", 5 * time.Minute, ""},
		}
		for _, tc := range refusals {
			t.Run(tc.name, func(t *testing.T) {
				op.set(tc.lifetime, tc.issuedTo, false)
				before := len(auditActions(t, w, "user.login_oidc_refused"))
				b := browserFor(w, nil)
				resp, body := signIn(t, b, w, issuer, "Test Provider", tc.user, "/")
				if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, tc.message) {
					t.Fatalf("status %d at %s, want 403 saying %q: %.400s", resp.StatusCode, resp.Request.URL, tc.message, body)
				}
				if loggedIn(b) {
					t.Fatal("a refused sign-in left a session")
				}
				evs := auditActions(t, w, "user.login_oidc_refused")
				if len(evs) != before+1 {
					t.Fatalf("%d refusals audited, want %d", len(evs), before+1)
				}
				ev := evs[0] // newest first
				if !strings.Contains(ev.After, `"reason":"`+tc.reason+`"`) || !strings.Contains(strings.ToLower(ev.After), tc.detail) || ev.EntityID != idStr(staff.ID) {
					t.Fatalf("audit of the refusal: %s on %s", ev.After, ev.EntityID)
				}
			})
		}
		if _, err := w.app.Identity.UserByEmail(ctx, w.a.tenant.ID, "newcomer@alpha.example.org"); err == nil {
			t.Fatal("a refused sign-in created an account")
		}

		t.Run("unknown user, sign-up on", func(t *testing.T) {
			op.set(5*time.Minute, "", false)
			create("Sign-up Provider", "upwards-signup", true)
			b := browserFor(w, nil)
			resp, body := signIn(t, b, w, issuer, "Sign-up Provider", "newcomer", "/account") // a roleless account may open only its own page
			if resp.StatusCode != 200 || !loggedIn(b) {
				t.Fatalf("sign-up: %d at %s: %s", resp.StatusCode, resp.Request.URL, regexp.MustCompile(`role="alert">[^<]*`).FindString(body))
			}
			u, err := w.app.Identity.UserByEmail(ctx, w.a.tenant.ID, "newcomer@alpha.example.org")
			if err != nil {
				t.Fatalf("no account made: %v", err)
			}
			gs, err := w.app.Authz.Grants(ctx, w.a.tenant.ID, u.ID)
			if err != nil || len(gs) != 0 {
				t.Fatalf("the new account has roles: %+v %v", gs, err)
			}
			if evs := auditActions(t, w, "user.create"); evs[0].EntityID != idStr(u.ID) {
				t.Fatalf("the account's creation is not audited: %+v", evs[0])
			}
			// Its password is unknown to everyone: logging in with a guess fails.
			if _, _, _, err := w.app.Identity.Login(ctx, w.a.tenant.ID, u.Email, "", "", ""); err == nil {
				t.Fatal("the new account takes an empty password")
			}
		})
	})
}

func getBody(t *testing.T, b *http.Client, u string) (*http.Response, string) {
	t.Helper()
	resp, err := b.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func idStr(id uint) string { return fmt.Sprint(id) }
