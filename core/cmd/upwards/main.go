// Command upwards is the one binary of the Upwards platform: the web server,
// the job worker, migrations, tenants, users and the demo install.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/challengepartners/upwards/core/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := cli.Root().ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "upwards:", err)
		stop()
		os.Exit(1)
	}
}
