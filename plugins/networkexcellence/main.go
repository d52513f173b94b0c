// Command networkexcellence is the Network of Excellence programme as an
// Upwards plugin: member schools in local hubs with their action plans, the
// annual peer QA Review with its reports and feedback, the reviewer register
// and the exact allocation of reviewers to reviews (internal/allocate), and
// (its second part) the School Support Directory and Leadership Development
// Days. It is built only on the plugin contract and the SDK (plugins/sdk)
// and imports nothing of the core; the core starts it. See README.md.
package main

import (
	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/demo"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/jobs"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/web"
)

func main() {
	sdk.Serve(newPlugin())
}

// newPlugin assembles the plugin.
func newPlugin() *sdk.Plugin {
	return &sdk.Plugin{
		Manifest:   manifest(),
		Handler:    web.Router(),
		Jobs:       jobs.Funcs(map[string]sdk.JobFunc{demo.Name: demo.Seed}),
		Migrations: store.Migrations,
	}
}
