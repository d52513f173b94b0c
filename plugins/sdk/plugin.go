package sdk

import (
	"context"
	"net/http"

	"gorm.io/gorm"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Plugin is everything a plugin is made of. Only Manifest is required.
type Plugin struct {
	// Manifest declares the plugin. Protocol is filled in when zero, and
	// StorageSchemaVersion too (the highest migration version); when it
	// declares Roles, MinCoreVersion is raised to contract.CoreVersionRoles
	// if it is lower or empty (older cores do not know roles).
	Manifest *pluginv1.Manifest
	// Handler answers every route of the manifest. The request's URL path
	// is the path below the plugin's base ("/", "/schools/42"), its context
	// carries the actor, the Host and the storage, and r.PathValue returns
	// the parameters of the manifest route that matched (":unit" → "unit").
	// A *Router declares each route once: when Handler is one and
	// Manifest.Routes is empty, the manifest's routes are the router's.
	Handler http.Handler
	// Jobs maps the name of each job of the manifest to its function.
	Jobs map[string]JobFunc
	// Migrations bring the plugin's storage to StorageSchemaVersion, in order.
	Migrations []Migration
	// AfterMigrate, when set, runs in a transaction (unscoped, for every
	// tenant) after every Migrate, whether or not a step ran; it must be
	// idempotent. rowsecurity.Enable is the one to give: it guards the
	// plugin's tables with PostgreSQL row-level security keyed on the tenant.
	AfterMigrate func(tx *gorm.DB) error
	// OnEvent receives the core events the manifest subscribes to.
	OnEvent func(ctx context.Context, ev Event) error
	// ExportSubject returns everything the plugin holds about a data subject.
	ExportSubject func(ctx context.Context, s Subject) ([]File, error)
	// EraseSubject removes or anonymises everything the plugin holds about
	// a data subject and says how many records it erased and anonymised.
	EraseSubject func(ctx context.Context, s Subject) (erased, anonymised int64, err error)
	// SchoolPanels, Todos and Figures answer the extension points of the
	// core's pages that the manifest declares (Manifest.Extensions): set
	// exactly the ones it declares. See SchoolPanel, Todo and Figure.
	SchoolPanels func(ctx context.Context, unitIDs []uint64) ([]SchoolPanel, error)
	Todos        func(ctx context.Context) ([]Todo, error)
	Figures      func(ctx context.Context) ([]Figure, error)
	// Health reports whether the plugin can serve; the SDK pings its
	// storage first. Return Degraded(err) for a partial outage.
	Health func(ctx context.Context) error
}

// JobFunc runs one job. The context carries the actor (user 0 for a job run
// for the tenant by a schedule), the Host and the storage. An error makes the
// core retry the job, unless it is Permanent(err).
type JobFunc func(ctx context.Context, payload []byte) error

// Migration is one step of the plugin's storage. Up runs in a transaction,
// together with the bookkeeping row, so a failing step leaves the storage as
// it was. Up is given an unscoped handle: it may touch every tenant's rows.
type Migration struct {
	// Version numbers the step: positive, unique, applied in increasing order.
	Version int
	// Name says what the step does, e.g. "create greetings".
	Name string
	Up   func(tx *gorm.DB) error
}

// Event is a core event the plugin subscribed to in its manifest.
type Event struct {
	// Type is one of contract.Events: "tenant.enabled", "tenant.disabled",
	// "school.changed", "orgunit.changed", "unit.archived" (a unit, e.g. a
	// school that left, is archived: kept with its history, no new work)
	// or "unit.unarchived".
	Type string
	// UnitID is the org unit the event is about, or 0.
	UnitID uint64
}

// Subject is the data subject of a subject-rights request: exactly one of
// PupilID and PersonID is set.
type Subject struct {
	PupilID  uint64
	PersonID uint64
}

// File is one file of a subject export.
type File struct {
	Name        string
	ContentType string
	Content     []byte
}
