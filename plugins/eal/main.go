// Command eal is EAL in the mainstream classroom as an Upwards plugin: the
// three-day course for classroom teachers on the language demands of their
// subjects, run as the randomised controlled trial it is: delivery centres
// and facilitators, recruitment with eligibility and baselines, a
// randomisation that is concealed until made and verifiable after, the
// delivery with attendance and fidelity, the trial's EAL pupils and the
// evaluator's pseudonymised exports. It is built only on the plugin
// contract and the SDK (plugins/sdk) and imports nothing of the core. See
// README.md.
package main

import (
	"context"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/rowsecurity"

	"github.com/challengepartners/upwards/plugins/eal/internal/demo"
	"github.com/challengepartners/upwards/plugins/eal/internal/extensions"
	"github.com/challengepartners/upwards/plugins/eal/internal/store"
	"github.com/challengepartners/upwards/plugins/eal/internal/web"
)

func main() {
	sdk.Serve(newPlugin())
}

// newPlugin assembles the plugin.
func newPlugin() *sdk.Plugin {
	return &sdk.Plugin{
		Manifest:      manifest(),
		Handler:       web.Routes(),
		Jobs:          map[string]sdk.JobFunc{demo.Name: demo.Seed},
		Migrations:    store.Migrations,
		AfterMigrate:  rowsecurity.Enable, // PostgreSQL row-level security on every tenant_id table
		ExportSubject: exportSubject,
		EraseSubject:  eraseSubject,
		// The core's home and school pages (internal/extensions).
		SchoolPanels: extensions.SchoolPanels,
		Todos:        extensions.Todos,
		Figures:      extensions.Figures,
	}
}

// exportSubject returns what the plugin holds about a person (delegate,
// facilitator, school lead) or a pupil (their trial records, by the core's
// pupil id).
func exportSubject(ctx context.Context, s sdk.Subject) ([]sdk.File, error) {
	st := store.New(sdk.Tenant(ctx), sdk.TenantID(ctx))
	var rec any
	name := "eal-person.json"
	switch {
	case s.PupilID != 0:
		r, err := st.PupilRecords(s.PupilID)
		if err != nil {
			return nil, err
		}
		if len(r.Trials) == 0 {
			return nil, nil
		}
		rec, name = r, "eal-pupil.json"
	case s.PersonID != 0:
		r, err := st.PersonRecords(s.PersonID)
		if err != nil {
			return nil, err
		}
		if r.Empty() {
			return nil, nil
		}
		rec = r
	default:
		return nil, nil
	}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("export subject: %w", err)
	}
	return []sdk.File{{Name: name, ContentType: "application/json", Content: b}}, nil
}

// eraseSubject deletes a pupil's trial records, or a person's delegate and
// facilitator records (anonymising the sessions they logged and the
// schools they led), auditing the erasure in its transaction.
func eraseSubject(ctx context.Context, s sdk.Subject) (erased, anonymised int64, err error) {
	err = sdk.Tenant(ctx).Transaction(func(tx *gorm.DB) error {
		st := store.New(tx, sdk.TenantID(ctx))
		var entity string
		var id uint64
		switch {
		case s.PupilID != 0:
			erased, err = st.ErasePupil(s.PupilID)
			entity, id = "pupil", s.PupilID
		case s.PersonID != 0:
			erased, anonymised, err = st.ErasePerson(s.PersonID)
			entity, id = "person", s.PersonID
		default:
			return nil
		}
		if err != nil || erased+anonymised == 0 {
			return err
		}
		return sdk.AuditTx(ctx, tx, "eal.subject.erase", entity, fmt.Sprint(id), nil, map[string]int64{"erased": erased, "anonymised": anonymised})
	})
	return erased, anonymised, err
}
