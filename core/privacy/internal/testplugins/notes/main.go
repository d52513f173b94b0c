// Command notes is the privacy tests' plugin: an SDK plugin that keeps notes
// about pupils in its own tenant-scoped storage, exports them as one JSON
// file per pupil and deletes them on erasure. A file "fail-export" or
// "fail-erase" in its data directory makes the matching call fail, so tests
// can break it and mend it between attempts. Built with
// -X main.pluginID=ID it installs under another id, for a second plugin.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

var pluginID = "notes"

type note struct {
	ID        uint64    `gorm:"primaryKey" json:"id"`
	TenantID  uint64    `gorm:"not null;index" json:"-"`
	PupilID   uint64    `gorm:"not null;index" json:"pupil_id"`
	Body      string    `gorm:"not null" json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

func (note) TableName() string { return "notes" }

func main() {
	sdk.Serve(&sdk.Plugin{
		Manifest: &pluginv1.Manifest{
			Id: pluginID, Name: "Notes " + pluginID, Version: "1.0.0", Description: "Notes about pupils (privacy tests).",
			Routes: []*pluginv1.RouteDecl{{Method: "POST", Path: "/notes", Permission: "authenticated",
				Scope: pluginv1.RouteScope_ROUTE_SCOPE_ANYWHERE, Summary: "Store a note about a pupil"}},
		},
		Handler: http.HandlerFunc(addNote),
		Migrations: []sdk.Migration{{Version: 1, Name: "create notes", Up: func(tx *gorm.DB) error {
			return tx.Migrator().CreateTable(&note{})
		}}},
		ExportSubject: exportSubject,
		EraseSubject:  eraseSubject,
	})
}

func addNote(w http.ResponseWriter, r *http.Request) {
	pid, err := strconv.ParseUint(r.FormValue("pupil_id"), 10, 64)
	if err != nil || pid == 0 {
		http.Error(w, "pupil_id", http.StatusBadRequest)
		return
	}
	n := note{PupilID: pid, Body: r.FormValue("body")}
	if err := sdk.Tenant(r.Context()).Create(&n).Error; err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(n)
}

// broken reports whether the test asked the call to fail.
func broken(ctx context.Context, what string) bool {
	_, err := os.Stat(filepath.Join(sdk.DataDir(ctx), "fail-"+what))
	return err == nil
}

func exportSubject(ctx context.Context, s sdk.Subject) ([]sdk.File, error) {
	if broken(ctx, "export") {
		return nil, errors.New("notes storage is unavailable")
	}
	if s.PupilID == 0 {
		return nil, nil
	}
	var ns []note
	if err := sdk.Tenant(ctx).Where("pupil_id = ?", s.PupilID).Order("id").Find(&ns).Error; err != nil {
		return nil, err
	}
	if len(ns) == 0 {
		return nil, nil
	}
	b, err := json.MarshalIndent(ns, "", "  ")
	if err != nil {
		return nil, err
	}
	return []sdk.File{{Name: "notes.json", ContentType: "application/json", Content: b},
		// A hostile name must not escape the plugin's folder of the archive.
		{Name: "../../escape.txt", ContentType: "text/plain", Content: []byte("contained")}}, nil
}

func eraseSubject(ctx context.Context, s sdk.Subject) (int64, int64, error) {
	if broken(ctx, "erase") {
		return 0, 0, errors.New("notes storage is unavailable")
	}
	if s.PupilID == 0 {
		return 0, 0, nil
	}
	res := sdk.Tenant(ctx).Where("pupil_id = ?", s.PupilID).Delete(&note{})
	return res.RowsAffected, 0, res.Error
}
