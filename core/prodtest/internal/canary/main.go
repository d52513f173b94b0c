// Command canary is the production-shape tests' plugin for a blue/green
// upgrade: one page that names its version (set at build time with
// -ldflags "-X main.version=…") and the process serving it, so a test can
// tell which build answered each request.
package main

import (
	"fmt"
	"html/template"
	"net/http"
	"os"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// version is the build's version, set by the test.
var version = "1.0.0"

const permRead = "canary.page.read"

func main() {
	rt := sdk.NewRouter()
	rt.Handle(sdk.Endpoint{Method: "GET", Path: "/", Permission: permRead, Scope: sdk.ScopeAnywhere,
		Summary: "The build that answers"}, func(w http.ResponseWriter, r *http.Request) error {
		sdk.Page(w, r, "Canary", template.HTML(fmt.Sprintf("<p>canary version %s pid %d</p>", //nolint:gosec // no input
			template.HTMLEscapeString(version), os.Getpid())))
		return nil
	})
	sdk.Serve(&sdk.Plugin{
		Manifest: &pluginv1.Manifest{
			Id: "canary", Name: "Canary", Version: version, MinCoreVersion: "0.1.0",
			Description: "A page naming its build, for upgrade tests.",
			Permissions: []*pluginv1.PermissionDecl{{Name: permRead, Description: "See the canary page",
				DefaultRoles: []string{sdk.RoleTenantAdmin}}},
		},
		Handler: rt,
	})
}
