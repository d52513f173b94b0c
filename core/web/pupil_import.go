package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/pupils/importer"
	"github.com/challengepartners/upwards/core/pupils/importfile"
	"github.com/challengepartners/upwards/core/tenancy"
)

// importUploadPath is the one route whose body may be larger than the
// server's 10 MB limit: a pupil file up to importfile.DefaultMaxBytes.
const importUploadPath = "/units/:id/import"

// registerImportRoutes declares the pupil import pages: upload, the preview
// (a dry run), the commit, and the progress and result of both (jobs).
func (s *Server) registerImportRoutes() {
	e, t := s.echo, s.routes
	get, post := http.MethodGet, http.MethodPost
	perm := authz.PermPupilImport
	t.add(e, Route{Method: get, Path: importUploadPath, Permission: perm, Scope: ScopeUnit}, s.importPage)
	t.add(e, Route{Method: post, Path: importUploadPath, Permission: perm, Scope: ScopeUnit}, s.uploadImport)
	t.add(e, Route{Method: get, Path: "/units/:id/imports/:iid", Permission: perm, Scope: ScopeUnit}, s.importView)
	t.add(e, Route{Method: get, Path: "/units/:id/imports/:iid/status", Permission: perm, Scope: ScopeUnit}, s.importStatus)
	t.add(e, Route{Method: post, Path: "/units/:id/imports/:iid/commit", Permission: perm, Scope: ScopeUnit}, s.commitImport)
}

// isImportUpload reports whether the request is a pupil file upload.
func isImportUpload(c echo.Context) bool {
	return c.Request().Method == http.MethodPost && c.Path() == importUploadPath
}

// importBodyLimit refuses an upload larger than the import's limit (plus the
// form's own bytes) before any of it is read: a Content-Length over it is
// answered 413 at once, and a body without one is cut off at the limit.
func importBodyLimit() echo.MiddlewareFunc {
	return middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{
		Limit:   strconv.FormatInt((importfile.DefaultMaxBytes+(1<<20))/1024, 10) + "K",
		Skipper: func(c echo.Context) bool { return !isImportUpload(c) },
	})
}

// importSchool returns the school of the route (a unit that is not a school has no imports).
func (s *Server) importSchool(c echo.Context) (tenancy.Unit, error) {
	t, _ := tenantOf(c)
	id, err := paramID(c, "id")
	if err != nil {
		return tenancy.Unit{}, err
	}
	u, err := s.Tenancy.GetUnit(c.Request().Context(), t.ID, id)
	if err != nil || u.Kind != tenancy.KindSchool {
		return tenancy.Unit{}, echo.NewHTTPError(http.StatusNotFound, "Pupils are imported at a school.")
	}
	if s.Imports == nil {
		return tenancy.Unit{}, echo.NewHTTPError(http.StatusServiceUnavailable, "Imports are not available on this server.")
	}
	return u, nil
}

// loadImport returns the route's import of the route's school.
func (s *Server) loadImport(c echo.Context) (tenancy.Unit, importer.Record, error) {
	u, err := s.importSchool(c)
	if err != nil {
		return u, importer.Record{}, err
	}
	iid, err := paramID(c, "iid")
	if err != nil {
		return u, importer.Record{}, err
	}
	t, _ := tenantOf(c)
	rec, err := s.Imports.Get(c.Request().Context(), t.ID, u.ID, iid)
	if errors.Is(err, importer.ErrNotFound) {
		return u, rec, echo.NewHTTPError(http.StatusNotFound, "No such import.")
	}
	return u, rec, err
}

func (s *Server) importPage(c echo.Context) error {
	u, err := s.importSchool(c)
	if err != nil {
		return err
	}
	t, _ := tenantOf(c)
	recent, err := s.Imports.Recent(c.Request().Context(), t.ID, u.ID, 10)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "import", "Import pupils: "+u.Name, map[string]any{
		"Unit": u, "Recent": recent, "MaxMB": importfile.DefaultMaxBytes >> 20, "Fields": importFields()})
}

// importField documents one field on the upload page.
type importField struct {
	Name, Aliases, Default string
	Required               bool
}

func importFields() []importField {
	var out []importField
	for _, f := range importfile.Fields() {
		a := ""
		for i, n := range importfile.Aliases[f] {
			if i > 0 {
				a += ", "
			}
			a += n
		}
		d := ""
		if !f.Required() {
			d = f.Default()
		}
		out = append(out, importField{Name: f.String(), Aliases: a, Default: d, Required: f.Required()})
	}
	return out
}

func (s *Server) uploadImport(c echo.Context) error {
	u, err := s.importSchool(c)
	if err != nil {
		return err
	}
	if u.Archived() {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, u.Name+" is archived: pupils are not imported into an archived school. Unarchive it first.")
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "Choose a CSV or XLSX file of pupils to upload.")
	}
	if fh.Size > s.Imports.MaxBytes {
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge, fmt.Sprintf("The file is larger than the %d MB limit: nothing was kept.", s.Imports.MaxBytes>>20))
	}
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("open upload: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, s.Imports.MaxBytes+1))
	if err != nil {
		return fmt.Errorf("read upload: %w", err)
	}
	if int64(len(data)) > s.Imports.MaxBytes {
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge, "The file is larger than the limit: nothing was kept.")
	}
	if len(data) == 0 {
		return echo.NewHTTPError(http.StatusBadRequest, "The file is empty.")
	}
	t, _ := tenantOf(c)
	usr, _ := userOf(c)
	uid := usr.ID
	rec, err := s.Imports.Upload(c.Request().Context(), t.ID, u.ID, &uid, fh.Filename, data)
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/units/%d/imports/%d", u.ID, rec.ID))
}

// importProgress is the progress bar's state.
type importProgress struct {
	Phase    string  `json:"phase"`
	Rows     int     `json:"rows"`
	Total    int     `json:"total"`
	Percent  int     `json:"percent"`
	Fraction float64 `json:"fraction"`
}

func (s *Server) progressOf(rec importer.Record) importProgress {
	p := importProgress{Phase: "Waiting to start", Total: rec.TotalRows, Rows: rec.ProcessedRows}
	if live, ok := s.Imports.Progress(rec.ID); ok {
		p.Rows, p.Total, p.Fraction = live.Rows, live.Total, live.Fraction
		p.Phase = map[string]string{"checking": "Checking the rows", "writing": "Comparing with the pupils already recorded"}[live.Phase]
		if rec.Status == importer.StatusImporting && live.Phase == "writing" {
			p.Phase = "Writing the pupils"
		}
	} else if rec.TotalRows > 0 {
		p.Fraction = float64(rec.ProcessedRows) / float64(rec.TotalRows)
	}
	p.Percent = int(100 * p.Fraction)
	return p
}

func (s *Server) importView(c echo.Context) error {
	u, rec, err := s.loadImport(c)
	if err != nil {
		return err
	}
	data := map[string]any{"Unit": u, "Import": rec}
	title := "Import of " + rec.FileName
	if rec.Running() {
		// The page reloads itself every second until the job is done: no script needed.
		c.Response().Header().Set("Refresh", "1")
		data["Progress"] = s.progressOf(rec)
		return s.render(c, http.StatusOK, "import_progress", title, data)
	}
	rep, err := s.Imports.Report(rec)
	if err != nil {
		return err
	}
	data["Report"] = rep
	data["Valid"] = rec.TotalRows - rec.ErrorRows
	if rec.Status == importer.StatusChecked {
		return s.render(c, http.StatusOK, "import_preview", title, data)
	}
	return s.render(c, http.StatusOK, "import_result", title, data)
}

func (s *Server) importStatus(c echo.Context) error {
	_, rec, err := s.loadImport(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"status": rec.Status, "progress": s.progressOf(rec),
		"total_rows": rec.TotalRows, "error_rows": rec.ErrorRows, "created_rows": rec.CreatedRows, "updated_rows": rec.UpdatedRows})
}

func (s *Server) commitImport(c echo.Context) error {
	u, rec, err := s.loadImport(c)
	if err != nil {
		return err
	}
	mode := importer.ModeAll
	if c.FormValue("mode") == string(importer.ModeValid) {
		mode = importer.ModeValid
	}
	t, _ := tenantOf(c)
	if _, err := s.Imports.Commit(c.Request().Context(), t.ID, u.ID, rec.ID, mode); err != nil {
		if errors.Is(err, importer.ErrState) {
			return echo.NewHTTPError(http.StatusConflict, "This import cannot be committed now: it was already imported, is not checked yet, or has rows with errors (then choose to import only the valid rows).")
		}
		return err
	}
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/units/%d/imports/%d", u.ID, rec.ID))
}
