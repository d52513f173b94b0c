// Command challengegap is the Challenge the Gap programme as an Upwards
// plugin: programme years, clusters and trios of schools, recruitment,
// school teams checked against the phase rules, workshops, school visits
// and the strategies schools trial. It is built only on the plugin contract
// and the SDK (plugins/sdk) and imports nothing of the core; the core starts
// it (upwards plugin install / enable). See README.md.
package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/jobs"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/web"
)

func main() {
	sdk.Serve(newPlugin())
}

// newPlugin assembles the plugin.
func newPlugin() *sdk.Plugin {
	return &sdk.Plugin{
		Manifest:      manifest(),
		Handler:       web.Handler(),
		Jobs:          map[string]sdk.JobFunc{jobs.SyncName: jobs.Sync},
		Migrations:    store.Migrations,
		OnEvent:       jobs.OnEvent,
		ExportSubject: exportSubject,
		EraseSubject:  eraseSubject,
	}
}

// exportSubject returns what the plugin holds about a person: team
// memberships, clusters led, visits made. It holds no pupil data yet.
func exportSubject(ctx context.Context, s sdk.Subject) ([]sdk.File, error) {
	if s.PersonID == 0 {
		return nil, nil
	}
	rec, err := store.New(sdk.Tenant(ctx), sdk.TenantID(ctx)).PersonRecords(s.PersonID)
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("export person: %w", err)
	}
	return []sdk.File{{Name: "challengegap-person.json", ContentType: "application/json", Content: b}}, nil
}

// eraseSubject removes a person's team memberships and anonymises the
// clusters they led and the visits they made.
func eraseSubject(ctx context.Context, s sdk.Subject) (int64, int64, error) {
	if s.PersonID == 0 {
		return 0, 0, nil
	}
	return store.New(sdk.Tenant(ctx), sdk.TenantID(ctx)).ErasePerson(s.PersonID)
}
