// Command networkexcellence is the Network of Excellence programme as an
// Upwards plugin: member schools in local hubs with their action plans, the
// annual peer QA Review with its reports and feedback, the reviewer register
// and the exact allocation of reviewers to reviews (internal/allocate), and
// (its second part) the School Support Directory and Leadership Development
// Days. It is built only on the plugin contract and the SDK (plugins/sdk)
// and imports nothing of the core; the core starts it. See README.md.
package main

import (
	"context"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/rowsecurity"

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
		Manifest:      manifest(),
		Handler:       web.Router(),
		Jobs:          jobs.Funcs(map[string]sdk.JobFunc{demo.Name: demo.Seed}),
		Migrations:    store.Migrations,
		AfterMigrate:  rowsecurity.Enable, // PostgreSQL row-level security on every tenant_id table
		OnEvent:       jobs.OnEvent,
		ExportSubject: exportSubject,
		EraseSubject:  eraseSubject,
		// The core's home page and school page (manifest: extensions()).
		SchoolPanels: web.SchoolPanels,
		Todos:        web.Todos,
		Figures:      web.Figures,
	}
}

// exportSubject returns what the plugin holds about a person: their
// register entry, training, seats and availability, feedback they gave, and
// the reports, decisions and news they are named on. The plugin holds no
// pupil data.
func exportSubject(ctx context.Context, s sdk.Subject) ([]sdk.File, error) {
	if s.PersonID == 0 {
		return nil, nil
	}
	rec, err := store.New(sdk.Tenant(ctx), sdk.TenantID(ctx)).PersonRecordsOf(s.PersonID)
	if err != nil {
		return nil, err
	}
	if rec.Empty() {
		return nil, nil
	}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("export person: %w", err)
	}
	return []sdk.File{{Name: "networkexcellence-person.json", ContentType: "application/json", Content: b}}, nil
}

// eraseSubject anonymises a person's register entry and feedback and takes
// their id off the records naming them, in one audited transaction.
func eraseSubject(ctx context.Context, s sdk.Subject) (int64, int64, error) {
	if s.PersonID == 0 {
		return 0, 0, nil
	}
	var deleted, anonymised int64
	err := sdk.Tenant(ctx).Transaction(func(tx *gorm.DB) error {
		var err error
		deleted, anonymised, err = store.New(tx, sdk.TenantID(ctx)).ErasePerson(s.PersonID)
		if err != nil || deleted+anonymised == 0 {
			return err
		}
		return sdk.AuditTx(ctx, tx, "networkexcellence.person.erase", "person", fmt.Sprint(s.PersonID), nil,
			map[string]int64{"deleted": deleted, "anonymised": anonymised})
	})
	return deleted, anonymised, err
}
