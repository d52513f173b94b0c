// Package benchkit holds what the benchmark commands under bench/ share:
// building the programme plugins as make build does, a demo login, and the
// statistics they print. It holds no measurement of its own.
package benchkit

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/demo"
	"github.com/challengepartners/upwards/core/identity/identitytest"
)

// Plugins are the four programme plugins, in the order the benches print them.
var Plugins = []string{"challengegap", "networkexcellence", "gettingahead", "eal"}

// BuildPlugins builds the programme plugins into dir in one go build (pure
// Go, their compiles and links in parallel), as make build does.
func BuildPlugins(dir string) error {
	args := []string{"build", "-o", dir + "/"}
	for _, id := range Plugins {
		args = append(args, "./plugins/"+id)
	}
	cmd := exec.Command("go", args...)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %v: %v\n%s", args, err, out)
	}
	return nil
}

// DemoSession logs email in to the demo tenant served at host (the
// partnership's, or the trust's at demo.TrustHost) and returns the session
// cookie's value.
func DemoSession(ctx context.Context, a *app.App, host, email string) (string, error) {
	slug := demo.PartnershipSlug
	if host == demo.TrustHost {
		slug = demo.TrustSlug
	}
	t, err := a.Tenancy.TenantBySlug(ctx, slug)
	if err != nil {
		return "", fmt.Errorf("demo tenant %s: %w", slug, err)
	}
	u, err := a.Identity.UserByEmail(ctx, t.ID, email)
	if err != nil {
		return "", fmt.Errorf("%s: %w", email, err)
	}
	tok, _, err := identitytest.Session(ctx, a.Identity, t.ID, u.ID, demo.Password)
	if err != nil {
		return "", fmt.Errorf("log %s in: %w", email, err)
	}
	return tok, nil
}

// Median is the median of xs (the mean of the middle two for an even count).
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// List prints xs with two decimals, space-separated (the rounds' ratios).
func List(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%.2f", x)
	}
	return strings.Join(parts, " ")
}

// Page is a page Get fetched: its body, the cookies it set, and the time
// to its last byte.
type Page struct {
	Body    string
	Cookies []*http.Cookie
	Took    time.Duration
}

var client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// Get requests path of the server at baseURL with the session token of
// who, sending host as the Host header (which picks the tenant), without
// following redirects. Any status but 200 is an error naming the path and
// who asked.
func Get(ctx context.Context, baseURL, host, token, who, path string) (Page, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+path, nil)
	if err != nil {
		return Page{}, fmt.Errorf("GET %s: %w", path, err)
	}
	req.Host = host
	identitytest.SetSession(req, token)
	t0 := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return Page{}, fmt.Errorf("GET %s as %s: %w", path, who, err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(t0)
	if err != nil {
		return Page{}, fmt.Errorf("GET %s as %s: read: %w", path, who, err)
	}
	if resp.StatusCode != http.StatusOK {
		return Page{}, fmt.Errorf("GET %s as %s: %d %.300s", path, who, resp.StatusCode, b)
	}
	return Page{Body: string(b), Cookies: resp.Cookies(), Took: took}, nil
}
