// Command store is a raw test plugin with its own storage: SQLite or
// PostgreSQL as the core configures it. Built with -X main.failMigrate=1 its
// migration fails halfway (inside a transaction, as the SDK runs them).
package main

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/glebarez/sqlite"
	"github.com/hashicorp/go-plugin"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/challengepartners/upwards/core/pluginhost/internal/testplugins/tp"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

var (
	version     = "1.0.0"
	failMigrate = ""
)

func manifest() *pluginv1.Manifest {
	schema := int32(1)
	if failMigrate != "" {
		schema = 2
	}
	return &pluginv1.Manifest{
		Id: "store", Name: "Store", Version: version, Protocol: 1, StorageSchemaVersion: schema,
		Routes: []*pluginv1.RouteDecl{
			{Method: "GET", Path: "/", Permission: "authenticated", Scope: pluginv1.RouteScope_ROUTE_SCOPE_ANYWHERE},
			{Method: "GET", Path: "/core", Permission: "authenticated", Scope: pluginv1.RouteScope_ROUTE_SCOPE_ANYWHERE},
		},
	}
}

type note struct {
	ID   uint `gorm:"primaryKey"`
	Body string
}

type server struct {
	pluginv1.UnimplementedPluginServiceServer
	mu     sync.Mutex
	db     *gorm.DB
	driver string
	schema string
}

func (s *server) GetManifest(context.Context, *pluginv1.GetManifestRequest) (*pluginv1.GetManifestResponse, error) {
	return &pluginv1.GetManifestResponse{Manifest: manifest()}, nil
}

func (s *server) Configure(_ context.Context, req *pluginv1.ConfigureRequest) (*pluginv1.ConfigureResponse, error) {
	st := req.GetStorage()
	cfg := &gorm.Config{Logger: logger.Discard}
	var db *gorm.DB
	var err error
	switch st.GetDriver() {
	case "sqlite":
		db, err = gorm.Open(sqlite.Open("file:"+st.GetDsn()+"?_pragma=busy_timeout(5000)"), cfg)
	case "postgres":
		db, err = gorm.Open(postgres.Open(st.GetDsn()), cfg)
	default:
		err = fmt.Errorf("unknown driver %q", st.GetDriver())
	}
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.db, s.driver, s.schema = db, st.GetDriver(), st.GetSchema()
	s.mu.Unlock()
	return &pluginv1.ConfigureResponse{}, nil
}

func (s *server) Migrate(context.Context, *pluginv1.MigrateRequest) (*pluginv1.MigrateResponse, error) {
	s.mu.Lock()
	db := s.db
	s.mu.Unlock()
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Migrator().AutoMigrate(&note{}); err != nil {
			return err
		}
		if failMigrate != "" {
			if err := tx.Exec("CREATE TABLE half_done (id integer)").Error; err != nil {
				return err
			}
			return errors.New("migration 2 of store: column 'body' cannot become a number")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &pluginv1.MigrateResponse{FromVersion: 0, ToVersion: manifest().GetStorageSchemaVersion()}, nil
}

func (s *server) CheckHealth(context.Context, *pluginv1.CheckHealthRequest) (*pluginv1.CheckHealthResponse, error) {
	return &pluginv1.CheckHealthResponse{Status: pluginv1.HealthStatus_HEALTH_STATUS_OK}, nil
}

func (s *server) HandleHTTP(_ context.Context, req *pluginv1.HandleHTTPRequest) (*pluginv1.HandleHTTPResponse, error) {
	s.mu.Lock()
	db := s.db
	s.mu.Unlock()
	switch req.GetRoute() {
	case "/":
		if err := db.Create(&note{Body: "hello"}).Error; err != nil {
			return nil, err
		}
		var n int64
		if err := db.Model(&note{}).Count(&n).Error; err != nil {
			return nil, err
		}
		var half int64
		_ = db.Raw("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = 'half_done'").Scan(&half).Error
		return tp.JSON(map[string]any{"notes": n, "driver": s.driver, "schema": s.schema}), nil
	case "/core":
		// Try to read the core's tables through the plugin's own connection.
		var n int64
		err := db.Raw("SELECT COUNT(*) FROM public.users").Scan(&n).Error
		if s.driver == "sqlite" {
			err = db.Raw("SELECT COUNT(*) FROM users").Scan(&n).Error
		}
		msg := "read"
		if err != nil {
			msg = err.Error()
		}
		return tp.JSON(map[string]any{"users": n, "error": msg}), nil
	}
	return tp.Text(404, "no"), nil
}

func main() {
	tp.Serve(func(*plugin.GRPCBroker) pluginv1.PluginServiceServer { return &server{} })
}
