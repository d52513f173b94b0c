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
	"github.com/challengepartners/upwards/plugins/sdk/rowsecurity"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/demo"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/home"
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
		Jobs:          map[string]sdk.JobFunc{jobs.SyncName: jobs.Sync, jobs.RemindName: jobs.Remind, jobs.NewsletterName: jobs.Newsletter, demo.Name: demo.Seed},
		Migrations:    store.Migrations,
		AfterMigrate:  rowsecurity.Enable, // PostgreSQL row-level security on every tenant_id table
		OnEvent:       jobs.OnEvent,
		ExportSubject: exportSubject,
		EraseSubject:  eraseSubject,
		SchoolPanels:  home.SchoolPanels,
		Todos:         home.Todos,
		Figures:       home.Figures,
	}
}

// exportSubject returns what the plugin holds about a person (team
// memberships, clusters led, visits made) or a pupil (cohort memberships
// and changes, by the core's pupil id).
func exportSubject(ctx context.Context, s sdk.Subject) ([]sdk.File, error) {
	st := store.New(sdk.Tenant(ctx), sdk.TenantID(ctx))
	if s.PupilID != 0 {
		rec, err := st.PupilRecords(s.PupilID)
		if err != nil {
			return nil, err
		}
		if len(rec.Cohorts)+len(rec.Changes) == 0 {
			return nil, nil
		}
		b, err := json.MarshalIndent(rec, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("export pupil: %w", err)
		}
		return []sdk.File{{Name: "challengegap-pupil.json", ContentType: "application/json", Content: b}}, nil
	}
	if s.PersonID == 0 {
		return nil, nil
	}
	rec, err := st.PersonRecords(s.PersonID)
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("export person: %w", err)
	}
	return []sdk.File{{Name: "challengegap-person.json", ContentType: "application/json", Content: b}}, nil
}

// eraseSubject removes a pupil's cohort records, or a person's team
// memberships (anonymising the clusters they led and the visits they made).
func eraseSubject(ctx context.Context, s sdk.Subject) (int64, int64, error) {
	st := store.New(sdk.Tenant(ctx), sdk.TenantID(ctx))
	if s.PupilID != 0 {
		n, err := st.ErasePupil(s.PupilID)
		return n, 0, err
	}
	if s.PersonID == 0 {
		return 0, 0, nil
	}
	return st.ErasePerson(s.PersonID)
}
