// Command gettingahead is Getting Ahead London as an Upwards plugin:
// cohorts per year and region, applications, coaches, each side's rankings
// and the participant-optimal stable match (package match), coaching
// sessions with private notes, hours against the expectation, events, and
// the impact the funder and evaluator ask for. It is built only on the
// plugin contract and the SDK (plugins/sdk) and imports nothing of the
// core; the core starts it. See README.md.
package main

import (
	"context"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/rowsecurity"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/demo"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/jobs"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/store"
	"github.com/challengepartners/upwards/plugins/gettingahead/internal/web"
)

func main() {
	sdk.Serve(newPlugin())
}

// newPlugin assembles the plugin.
func newPlugin() *sdk.Plugin {
	return &sdk.Plugin{
		Manifest:      manifest(),
		Handler:       web.Routes(),
		Jobs:          map[string]sdk.JobFunc{jobs.QuietName: jobs.Quiet, jobs.SyncName: jobs.Sync, demo.Name: demo.Seed},
		Migrations:    store.Migrations,
		AfterMigrate:  rowsecurity.Enable, // PostgreSQL row-level security on every tenant_id table
		ExportSubject: exportSubject,
		EraseSubject:  eraseSubject,
		SchoolPanels:  web.SchoolPanels,
		Todos:         web.Todos,
		Figures:       web.Figures,
	}
}

func subjectStore(ctx context.Context) *store.Store {
	audit := func(tx *gorm.DB, action, entityType, entityID string, before, after any) error {
		return sdk.AuditTx(ctx, tx, action, entityType, entityID, before, after)
	}
	return store.New(sdk.Tenant(ctx), sdk.TenantID(ctx), audit, sdk.Now(ctx))
}

// exportSubject returns what the plugin holds about a person: applications,
// coach and participant records, their pairs' sessions (their own notes and
// the other side's where shared with them), self-assessments, outcomes and
// attendance. The plugin holds nothing about pupils.
func exportSubject(ctx context.Context, s sdk.Subject) ([]sdk.File, error) {
	if s.PersonID == 0 {
		return nil, nil
	}
	rec, err := subjectStore(ctx).PersonRecords(s.PersonID)
	if err != nil || rec.Empty() {
		return nil, err
	}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("export person: %w", err)
	}
	return []sdk.File{{Name: "gettingahead-person.json", ContentType: "application/json", Content: b}}, nil
}

// eraseSubject deletes a person's applications and self-assessments and
// anonymises their coach and participant records (kept for the cohort's
// figures), clearing the notes and actions of their sessions.
func eraseSubject(ctx context.Context, s sdk.Subject) (int64, int64, error) {
	if s.PersonID == 0 {
		return 0, 0, nil
	}
	return subjectStore(ctx).ErasePerson(s.PersonID)
}
