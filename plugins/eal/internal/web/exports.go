package web

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/eal/internal/export"
	"github.com/challengepartners/upwards/plugins/eal/internal/store"
)

// exportsPage is the trial manager's page of the evaluator's exports: the
// columns the data-sharing agreement lists, the frozen versions, and the
// form that freezes the next.
func exportsPage(w http.ResponseWriter, r *http.Request) error {
	t, err := loadTrial(r)
	if err != nil {
		return err
	}
	return renderExports(w, r, t, form{})
}

func renderExports(w http.ResponseWriter, r *http.Request, t store.Trial, f form) error {
	s := st(r)
	versions, err := s.Exports(t.ID)
	if err != nil {
		return err
	}
	next := len(versions) + 1
	base := "/trials/" + u64(t.ID)
	body := ui.Header{Crumbs: []ui.Crumb{{Label: "EAL trial", Href: sdk.URL(r, "/")}, {Label: t.Name, Href: sdk.URL(r, base)}}, Title: "Evaluator's exports",
		Lead: "Each version is frozen when made, checksummed and never changed: a correction is a new version, with a change log. Pupils and teachers appear only as pseudonyms of this trial; schools and centres by their trial ids."}.HTML()
	body = html(body, section("versions-h", "Versions", versionsTable(r, t, versions)))
	fields := []ui.Field{{Kind: ui.Textarea, Name: "change_log", Label: "What this version changes", Rows: 3, Required: next > 1,
		Hint: "For example: the post-test scores; a correction of school S012's baseline; a parent's objection."}}
	body = html(body, section("new-export", fmt.Sprintf("Freeze version %d", next), postForm(r, base+"/exports", fmt.Sprintf("Freeze version %d", next), f, "export", fields)))
	// The data-sharing agreement's columns.
	dsa := t.DSA()
	var boxes []ui.Field
	for _, c := range export.Columns() {
		boxes = append(boxes, ui.Field{Kind: ui.Checkbox, Name: "columns", ID: "col-" + strings.ReplaceAll(c.ID, ".", "-"), Label: c.ID,
			Hint: c.Description, Value: c.ID, Checked: slices.Contains(dsa, c.ID)})
	}
	body = html(body, section("dsa", "Columns the data-sharing agreement lists",
		para("The key columns (the school's trial id, the centre's, the pupil's and teacher's pseudonyms, the arm once allocated) are always in the export; tick the other columns the agreement lists. The next version holds only these."),
		template.HTML(`<form method="post" action="`+esc(sdk.URL(r, base+"/dsa"))+`">`), sdk.CSRFField(r), fieldsHTML(boxes),
		template.HTML(`<button type="submit">Save the columns</button></form>`)))
	return show(w, r, f.status(), "Evaluator's exports", body)
}

// versionsTable lists the frozen versions with their checksums.
func versionsTable(r *http.Request, t store.Trial, versions []store.Export) template.HTML {
	var rows []ui.Row
	for _, e := range versions {
		rows = append(rows, ui.Row{"version": ui.Link{Label: fmt.Sprintf("Version %d", e.Version), Href: sdk.URL(r, fmt.Sprintf("/research/trials/%d/exports/%d", t.ID, e.Version))},
			"made": e.CreatedAt, "sha": template.HTML(`<code>` + esc(e.SHA256) + `</code>`), "size": fmt.Sprintf("%.1f KB", float64(e.Size)/1024),
			"log": dash(e.ChangeLog)})
	}
	return ui.Table{Caption: "Frozen versions", ID: "exports", Columns: []ui.Column{{Key: "version", Label: "Version"}, {Key: "made", Label: "Made on"},
		{Key: "sha", Label: "SHA-256"}, {Key: "size", Label: "Size", Numeric: true}, {Key: "log", Label: "Change log"}}, Rows: rows,
		Empty: "No export yet."}.HTML()
}

// createExport freezes the next version of the export.
func createExport(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, err := loadTrial(r)
	if err != nil {
		return err
	}
	err = commit(w, r, func(s *store.Store) (change, error) {
		in, err := exportInput(s, t)
		if err != nil {
			return change{}, err
		}
		if in.Version, err = s.NextExportVersion(t.ID); err != nil {
			return change{}, err
		}
		in.At, in.ChangeLog = sdk.Now(ctx), r.PostFormValue("change_log")
		zipped, err := export.Build(in)
		if err != nil {
			return change{}, err
		}
		e, err := s.AddExport(t.ID, zipped, t.DSA(), in.ChangeLog, sdk.ActorFrom(ctx).GetUserId(), in.At)
		return change{"export.create", "export", e.ID, nil, e, "/trials/" + u64(t.ID) + "/exports", fmt.Sprintf("Version %d frozen", e.Version)}, err
	})
	if errs, ok := formErrors(err); ok {
		return renderExports(w, r, t, refused(r, "export", errs))
	}
	return err
}

// exportInput loads everything an export is made from.
func exportInput(s *store.Store, t store.Trial) (export.Input, error) {
	d, err := loadData(s, t)
	if err != nil {
		return export.Input{}, err
	}
	in := export.Input{Trial: t, DSA: t.DSA(), Centres: d.Centres, Schools: d.Schools, Delegates: d.Delegates, Attendance: d.Attendance,
		Waves: d.Waves, Consort: d.consort()}
	cIDs := make([]uint64, len(d.Centres))
	for i, c := range d.Centres {
		cIDs[i] = c.ID
	}
	if in.Facilitators, err = s.Facilitators(cIDs...); err != nil {
		return in, err
	}
	if in.Sessions, err = s.Sessions(cIDs...); err != nil {
		return in, err
	}
	dIDs := make([]uint64, len(d.Delegates))
	for i, x := range d.Delegates {
		dIDs[i] = x.ID
	}
	if in.Assessments, err = s.Assessments(dIDs...); err != nil {
		return in, err
	}
	if in.Pupils, err = s.Pupils(d.schoolIDs()...); err != nil {
		return in, err
	}
	pIDs := make([]uint64, len(in.Pupils))
	for i, p := range in.Pupils {
		pIDs[i] = p.ID
	}
	if in.Points, err = s.Points(pIDs...); err != nil {
		return in, err
	}
	if in.Earlier, err = s.Exports(t.ID); err != nil {
		return in, err
	}
	return in, nil
}

// setDSA records the optional columns the agreement lists.
func setDSA(w http.ResponseWriter, r *http.Request) error {
	t, err := loadTrial(r)
	if err != nil {
		return err
	}
	return commit(w, r, func(s *store.Store) (change, error) {
		before, after, err := s.SetDSA(t.ID, r.PostForm["columns"], export.Known())
		return change{"trial.dsa", "trial", t.ID, map[string]any{"columns": before.DSA()}, map[string]any{"columns": after.DSA()},
			"/trials/" + u64(t.ID) + "/exports", "Columns saved"}, err
	})
}
