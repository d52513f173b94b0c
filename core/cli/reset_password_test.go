package cli_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/config"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// `upwards user reset-password` prints a one-time link that the identity
// service honours once, or sets a password read from stdin, refusing a
// guessable one; no password is ever taken from the arguments.
func TestUserResetPasswordCommand(t *testing.T) {
	db := storagetest.URL(t, storage.SQLite)
	mustRun := func(stdin string, args ...string) string {
		t.Helper()
		out, err := run(t, db, stdin, args...)
		if err != nil {
			t.Fatalf("upwards %v: %v\n%s", args, err, out)
		}
		return out
	}
	mustRun("", "migrate", "up")
	mustRun("", "tenant", "create", "northstar", "Northstar Learning Trust")
	mustRun("violet kettle orbit lantern\n", "user", "create", "--email", "head@example.org", "--name", "A Head", "--password-stdin")

	out := mustRun("", "user", "reset-password", "--tenant", "northstar", "--email", "head@example.org")
	m := regexp.MustCompile(`/password/reset\?token=(\S+)`).FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "works once") {
		t.Fatalf("no link printed: %s", out)
	}
	token, err := url.QueryUnescape(m[1])
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := dataDirs.Load(t)
	cfg, err := config.Load(nil, func(k string) string {
		return map[string]string{"UPWARDS_DATABASE_URL": db, "UPWARDS_DATA_DIR": dir.(string)}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()
	if _, err := a.Identity.ResetPassword(ctx, token, "amber meadow copper whistle"); err != nil {
		t.Fatalf("the printed link does not work: %v", err)
	}
	if _, err := a.Identity.ResetPassword(ctx, token, "amber meadow copper whistle"); err == nil {
		t.Fatal("the printed link worked twice")
	}

	if out, err := run(t, db, "password12\n", "user", "reset-password", "--email", "head@example.org", "--password-stdin"); err == nil ||
		!strings.Contains(err.Error()+out, "common password") {
		t.Fatalf("a guessable password was set: %v %s", err, out)
	}
	mustRun("silver harbour pencil giraffe\n", "user", "reset-password", "--email", "head@example.org", "--password-stdin")
	tn, err := a.Tenancy.TenantBySlug(ctx, "northstar")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := a.Identity.Login(ctx, tn.ID, "head@example.org", "silver harbour pencil giraffe", "", ""); err != nil {
		t.Fatalf("login with the password set from stdin: %v", err)
	}
	if _, err := run(t, db, "", "user", "reset-password", "--email", "nobody@example.org"); err == nil {
		t.Fatal("an unknown user was accepted")
	}
}
