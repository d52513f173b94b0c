// Command hello is the SDK's example plugin: a page listing the actor's
// schools and the tenant's greetings (and the date they are due by, marked
// overdue once it has passed), a form that stores a greeting and audits it,
// a JSON API, and a weekly digest job that mails a count. Its routes are
// declared once, on an sdk.Router, and it reads the time through sdk.Now. It
// shows every part of the SDK a programme plugin uses, and its tests run it
// through plugintest.
package main

import (
	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/rowsecurity"
)

func main() {
	sdk.Serve(newPlugin())
}

// newPlugin assembles the plugin.
func newPlugin() *sdk.Plugin {
	return &sdk.Plugin{
		Manifest:      manifest(),
		Handler:       routes(),
		Jobs:          map[string]sdk.JobFunc{"digest": digest},
		Migrations:    migrations,
		AfterMigrate:  rowsecurity.Enable, // PostgreSQL row-level security on every tenant_id table
		ExportSubject: exportSubject,
		EraseSubject:  eraseSubject,
		SchoolPanels:  schoolPanels,
		Todos:         todos,
		Figures:       figures,
	}
}
