// Command hello is the SDK's example plugin: a page listing the actor's
// schools and the tenant's greetings, a form that stores a greeting and
// audits it, a JSON API, and a weekly digest job that mails a count. It
// shows every part of the SDK a programme plugin uses, and its tests run it
// through plugintest.
package main

import (
	"github.com/challengepartners/upwards/plugins/sdk"
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
		ExportSubject: exportSubject,
		EraseSubject:  eraseSubject,
	}
}
