package cli_test

import (
	"context"
	"io"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/challengepartners/upwards/core/app"
	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/config"
)

// startedApp opens and starts the app on db and dataDir (as `upwards serve`
// would, without the worker) and serves its web handler from a test server;
// both close when the test ends. ctx carries the "test" audit actor.
func startedApp(t *testing.T, db, dataDir string) (context.Context, *app.App, *httptest.Server) {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	cfg := config.Defaults()
	cfg.DatabaseURL, cfg.DataDir, cfg.LogLevel = db, dataDir, "error"
	cfg.PupilKey = os.Getenv("UPWARDS_PUPIL_KEY") // PostgreSQL requires it; tests on it set it
	a, err := app.Open(ctx, cfg, app.NewLogger(cfg, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	srv, err := a.Web()
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return ctx, a, hs
}
