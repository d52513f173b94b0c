package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/challengepartners/upwards/core/app"
)

func serveCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Run the web server (and, unless --worker=false, the job worker and scheduler)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return serve(cmd, nil)
		},
	}
}

// serve runs the web server until the command's context ends. before, if set,
// runs after migrations and before the app starts; each of after runs once
// the app (and its plugin runtime) has started, before the server listens.
func serve(cmd *cobra.Command, before func(context.Context, *app.App) error, after ...func(context.Context, *app.App) error) error {
	start := time.Now()
	a, ctx, err := openApp(cmd, false)
	if err != nil {
		return err
	}
	defer a.Close()
	if a.Config.MigrateOnStart {
		applied, err := a.Migrate(ctx)
		if err != nil {
			return err
		}
		if len(applied) > 0 {
			a.Log.InfoContext(ctx, "applied migrations", "versions", applied)
		}
	}
	if before != nil {
		if err := before(ctx, a); err != nil {
			return err
		}
	}
	if err := a.Start(ctx); err != nil {
		return err
	}
	for _, fn := range after {
		if err := fn(ctx, a); err != nil {
			return err
		}
	}
	srv, err := a.Web()
	if err != nil {
		return err
	}
	if a.Config.Worker {
		w := a.Worker()
		if err := w.Start(); err != nil {
			return fmt.Errorf("start job worker: %w", err)
		}
		defer w.Shutdown()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe(ctx, a.Config.Listen) }()
	a.Log.InfoContext(ctx, "upwards is serving", "listen", a.Config.Listen, "url", a.Config.BaseURL,
		"database", dialectOf(a), "redis", redisKind(a), "worker", a.Config.Worker, "startup_ms", time.Since(start).Milliseconds())
	fmt.Fprintf(cmd.OutOrStdout(), "Upwards is ready at %s (started in %d ms). Press Ctrl+C to stop.\n", a.Config.BaseURL, time.Since(start).Milliseconds())
	err = <-errc
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

func dialectOf(a *app.App) string { return string(a.DB.Dialect) }

func redisKind(a *app.App) string {
	if a.Redis != nil && a.Redis.Embedded() {
		return "embedded"
	}
	return "external"
}

func workerCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "worker",
		Short: "Run only the job worker and scheduler (scale-out; needs UPWARDS_REDIS_URL)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			a, ctx, err := openApp(cmd, false)
			if err != nil {
				return err
			}
			defer a.Close()
			if a.Config.EmbeddedRedis() {
				return errors.New("setting redis-url (UPWARDS_REDIS_URL): a separate worker needs a shared Redis; the embedded one lives inside `upwards serve`, which already runs a worker")
			}
			if err := a.Start(ctx); err != nil {
				return err
			}
			w := a.Worker()
			if err := w.Start(); err != nil {
				return fmt.Errorf("start job worker: %w", err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), "Upwards worker running. Press Ctrl+C to stop.")
			<-ctx.Done()
			w.Shutdown()
			return nil
		},
	}
}
