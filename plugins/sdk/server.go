package sdk

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"sync"

	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// server implements PluginService for one Plugin.
type server struct {
	pluginv1.UnimplementedPluginServiceServer
	p      *Plugin
	broker *plugin.GRPCBroker
	log    *slog.Logger

	mu       sync.RWMutex
	host     pluginv1.HostServiceClient
	hostConn *grpc.ClientConn
	db       *gorm.DB
	dataDir  string
	outbox   *outbox
	// stopStatistics ends the hourly refresh of db's statistics.
	stopStatistics chan struct{}
	// outboxTiming is how the background audit delivery paces itself (tests shorten it).
	outboxTiming outboxTiming
}

// NewServer returns the PluginService of p; broker reaches the core's Host
// (go-plugin hands it to the plugin). Serve uses it; it is exported for tests.
func NewServer(p *Plugin, broker *plugin.GRPCBroker) pluginv1.PluginServiceServer {
	return newServer(p, broker)
}

func newServer(p *Plugin, broker *plugin.GRPCBroker) *server {
	return &server{p: p, broker: broker, log: newLogger(os.Stderr), outboxTiming: defaultOutboxTiming}
}

// manifest is p.Manifest with protocol and storage version filled in, and
// the routes of a Router handler when it lists none, and min_core_version
// raised to contract.CoreVersionRoles when it declares roles.
func (s *server) manifest() *pluginv1.Manifest {
	m, _ := proto.Clone(s.p.Manifest).(*pluginv1.Manifest)
	if m == nil {
		return nil
	}
	if rt, ok := s.p.Handler.(*Router); ok && len(m.Routes) == 0 {
		m.Routes = rt.Decls()
	}
	if m.Protocol == 0 {
		m.Protocol = contract.ProtocolV1
	}
	if m.StorageSchemaVersion == 0 {
		m.StorageSchemaVersion = int32(latest(s.p.Migrations))
	}
	contract.RaiseMinCoreVersion(m)
	return m
}

func (s *server) GetManifest(context.Context, *pluginv1.GetManifestRequest) (*pluginv1.GetManifestResponse, error) {
	m := s.manifest()
	if m == nil {
		return nil, status.Error(codes.FailedPrecondition, "the plugin has no manifest")
	}
	if err := checkRoutes(s.p); err != nil {
		return nil, status.Error(codes.FailedPrecondition, err.Error())
	}
	if err := checkExtensions(s.p); err != nil {
		return nil, status.Error(codes.FailedPrecondition, err.Error())
	}
	return &pluginv1.GetManifestResponse{Manifest: m}, nil
}

func (s *server) Configure(ctx context.Context, req *pluginv1.ConfigureRequest) (*pluginv1.ConfigureResponse, error) {
	if s.broker == nil {
		return nil, status.Error(codes.FailedPrecondition, "no go-plugin broker to reach the Host")
	}
	conn, err := s.broker.DialWithOptions(req.GetHostBrokerId(), contract.DialOptions()...)
	if err != nil {
		return nil, status.Errorf(codes.Unavailable, "dial the Host on broker id %d: %v", req.GetHostBrokerId(), err)
	}
	db, err := openStorage(ctx, req.GetStorage(), s.log)
	if err != nil {
		_ = conn.Close()
		return nil, status.Error(codes.FailedPrecondition, err.Error())
	}
	s.configure(pluginv1.NewHostServiceClient(conn), conn, db, req.GetDataDir())
	s.log.Info("configured", "driver", req.GetStorage().GetDriver(), "core_version", req.GetCoreVersion())
	return &pluginv1.ConfigureResponse{}, nil
}

// configure installs the Host client and storage, closing earlier ones.
// Migrate starts delivering the storage's audit outbox in the background.
func (s *server) configure(host pluginv1.HostServiceClient, conn *grpc.ClientConn, db *gorm.DB, dataDir string) {
	var ob *outbox
	if host != nil && db != nil {
		ob = newOutbox(db, host, s.log.With("component", "audit_outbox"), s.outboxTiming)
	}
	var stop chan struct{}
	if db != nil && db.Dialector.Name() == "sqlite" {
		stop = make(chan struct{})
		go refreshStatisticsEvery(db, statisticsInterval, s.log, stop)
	}
	s.mu.Lock()
	oldConn, oldDB, oldOutbox, oldStop := s.hostConn, s.db, s.outbox, s.stopStatistics
	s.host, s.hostConn, s.db, s.dataDir, s.outbox, s.stopStatistics = host, conn, db, dataDir, ob, stop
	s.mu.Unlock()
	if oldStop != nil {
		close(oldStop)
	}
	if oldOutbox != nil {
		oldOutbox.close()
	}
	if oldConn != nil {
		_ = oldConn.Close()
	}
	if oldDB != nil && oldDB != db {
		closeStorage(oldDB)
	}
}

// state is the context state of a call for actor; it fails before Configure.
func (s *server) state(actor *pluginv1.Actor) (*callState, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.host == nil || s.db == nil {
		return nil, status.Error(codes.FailedPrecondition, "the plugin is not configured yet (Configure first)")
	}
	if actor == nil {
		actor = &pluginv1.Actor{}
	}
	return &callState{actor: actor, host: NewHost(s.host, actor.GetToken()), db: s.db, log: s.log, dataDir: s.dataDir,
		pluginID: s.p.Manifest.GetId()}, nil
}

// bind puts st's storage on a connection of its own carrying the tenant
// the call acts for, which PostgreSQL's row-level security reads (package
// rowsecurity). The caller runs release when the call is done, before
// afterCall.
func (s *server) bind(ctx context.Context, st *callState) (release func(), err error) {
	db, release, err := bindTenant(ctx, st.db, st.actor.GetTenantId(), false)
	if err != nil {
		return nil, status.Error(codes.Unavailable, err.Error())
	}
	st.db = db
	return release, nil
}

// close stops the background audit delivery and the statistics' refresh
// (when the process ends).
func (s *server) close() {
	s.mu.Lock()
	ob, stop := s.outbox, s.stopStatistics
	s.outbox, s.stopStatistics = nil, nil
	s.mu.Unlock()
	if stop != nil {
		close(stop)
	}
	if ob != nil {
		ob.close()
	}
}

// afterCall delivers the audit entries the call wrote (AuditTx) before the
// call answers the core, so that the user normally sees a page whose change
// is already in the core's audit log. What it cannot deliver now the
// background delivery sends later.
func (s *server) afterCall(ctx context.Context, st *callState) {
	if st == nil || !st.audited.Load() {
		return
	}
	s.mu.RLock()
	ob := s.outbox
	s.mu.RUnlock()
	if ob != nil {
		ob.flush(ctx, st.actor.GetTenantId())
	}
}

func (s *server) storage() *gorm.DB {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.db
}

func (s *server) Migrate(ctx context.Context, _ *pluginv1.MigrateRequest) (*pluginv1.MigrateResponse, error) {
	db := s.storage()
	if db == nil {
		return nil, status.Error(codes.FailedPrecondition, "the plugin is not configured yet (Configure first)")
	}
	want := int(s.manifest().GetStorageSchemaVersion())
	if top := latest(s.p.Migrations); want != top {
		return nil, status.Errorf(codes.FailedPrecondition,
			"the manifest's storage_schema_version is %d but the highest migration is %d: make them agree", want, top)
	}
	if _, _, err := migrate(ctx, db, sdkMigrationsTable, sdkMigrations); err != nil {
		s.log.Error("the SDK's storage migration failed", "error", err.Error())
		return nil, status.Error(codes.Aborted, "the SDK's own tables: "+err.Error())
	}
	s.mu.RLock()
	if s.outbox != nil && s.db == db {
		s.outbox.start() // the outbox table exists now
	}
	s.mu.RUnlock()
	// Migrations act for every tenant: row-level security lets them.
	mdb, release, err := bindTenant(ctx, db, 0, true)
	if err != nil {
		return nil, status.Error(codes.Unavailable, err.Error())
	}
	defer release()
	from, to, err := migrate(ctx, mdb, pluginMigrationsTable, s.p.Migrations)
	if err != nil {
		s.log.Error("storage migration failed", "error", err.Error())
		return nil, status.Error(codes.Aborted, err.Error())
	}
	if s.p.AfterMigrate != nil {
		if err := unscoped(mdb).Transaction(s.p.AfterMigrate); err != nil {
			s.log.Error("after the storage migration", "error", err.Error())
			return nil, status.Error(codes.Aborted, "after the migrations: "+err.Error())
		}
	}
	if from != to {
		s.log.Info("storage migrated", "from", from, "to", to)
	}
	refreshStatisticsLogged(ctx, db, s.log) // new tables and indexes have none
	return &pluginv1.MigrateResponse{FromVersion: int32(from), ToVersion: int32(to)}, nil
}

func (s *server) RunJob(ctx context.Context, req *pluginv1.RunJobRequest) (*pluginv1.RunJobResponse, error) {
	fn, ok := s.p.Jobs[req.GetJob()]
	if !ok || fn == nil {
		return nil, status.Errorf(codes.NotFound, "plugin %s has no job %q", s.p.Manifest.GetId(), req.GetJob())
	}
	st, err := s.state(req.GetActor())
	if err != nil {
		return nil, err
	}
	release, err := s.bind(ctx, st)
	if err != nil {
		return nil, err
	}
	st.attempt = max(int(req.GetAttempt()), 1)
	err = s.guard("job "+req.GetJob(), func() error { return fn(withState(ctx, st), req.GetPayload()) })
	release()
	s.afterCall(ctx, st)
	// A job is where rows come in bulk (a demo_seed, an import): the
	// planner's statistics should know of them before the next page.
	refreshStatisticsLogged(ctx, s.storage(), s.log)
	if err != nil {
		s.log.Warn("job failed", "job", req.GetJob(), "attempt", st.attempt, "permanent", IsPermanent(err),
			"request_id", req.GetActor().GetRequestId(), "error", err.Error())
		if IsPermanent(err) {
			return nil, status.Errorf(codes.FailedPrecondition, "job %s: %v", req.GetJob(), err)
		}
		return nil, status.Errorf(codes.Unknown, "job %s: %v", req.GetJob(), err)
	}
	return &pluginv1.RunJobResponse{}, nil
}

// guard runs fn, turning a panic into an error (the stack goes to the log).
func (s *server) guard(what string, fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic", "in", what, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("%s panicked: %v", what, r)
		}
	}()
	return fn()
}

func (s *server) CheckHealth(ctx context.Context, _ *pluginv1.CheckHealthRequest) (*pluginv1.CheckHealthResponse, error) {
	db := s.storage()
	if db == nil {
		return &pluginv1.CheckHealthResponse{Status: pluginv1.HealthStatus_HEALTH_STATUS_DEGRADED, Message: "waiting for Configure"}, nil
	}
	sqlDB, err := db.DB()
	if err == nil {
		err = sqlDB.PingContext(ctx)
	}
	if err != nil {
		return &pluginv1.CheckHealthResponse{Status: pluginv1.HealthStatus_HEALTH_STATUS_ERROR, Message: "storage: " + err.Error()}, nil
	}
	if s.p.Health != nil {
		st, _ := s.state(nil)
		hctx := ctx
		if st != nil {
			release, err := s.bind(ctx, st)
			if err != nil {
				return &pluginv1.CheckHealthResponse{Status: pluginv1.HealthStatus_HEALTH_STATUS_ERROR, Message: err.Error()}, nil
			}
			defer release()
			hctx = withState(ctx, st)
		}
		if err := s.guard("health", func() error { return s.p.Health(hctx) }); err != nil {
			code := pluginv1.HealthStatus_HEALTH_STATUS_ERROR
			if isDegraded(err) {
				code = pluginv1.HealthStatus_HEALTH_STATUS_DEGRADED
			}
			return &pluginv1.CheckHealthResponse{Status: code, Message: err.Error()}, nil
		}
	}
	return &pluginv1.CheckHealthResponse{Status: pluginv1.HealthStatus_HEALTH_STATUS_OK}, nil
}

func (s *server) OnEvent(ctx context.Context, req *pluginv1.OnEventRequest) (*pluginv1.OnEventResponse, error) {
	if s.p.OnEvent == nil {
		return &pluginv1.OnEventResponse{}, nil
	}
	st, err := s.state(req.GetActor())
	if err != nil {
		return nil, err
	}
	release, err := s.bind(ctx, st)
	if err != nil {
		return nil, err
	}
	ev := Event{Type: req.GetType(), UnitID: req.GetUnitId()}
	err = s.guard("event "+ev.Type, func() error { return s.p.OnEvent(withState(ctx, st), ev) })
	release()
	s.afterCall(ctx, st)
	if err != nil {
		s.log.Warn("event handler failed", "event", ev.Type, "error", err.Error())
		return nil, status.Errorf(codes.Unknown, "event %s: %v", ev.Type, err)
	}
	return &pluginv1.OnEventResponse{}, nil
}

func subjectOf(s *pluginv1.Subject) (Subject, error) {
	out := Subject{PupilID: s.GetPupilId(), PersonID: s.GetPersonId()}
	if (out.PupilID == 0) == (out.PersonID == 0) {
		return out, status.Error(codes.InvalidArgument, "a subject is exactly one pupil id or person id")
	}
	return out, nil
}

func (s *server) ExportSubject(ctx context.Context, req *pluginv1.ExportSubjectRequest) (*pluginv1.ExportSubjectResponse, error) {
	subj, err := subjectOf(req.GetSubject())
	if err != nil {
		return nil, err
	}
	if s.p.ExportSubject == nil {
		return &pluginv1.ExportSubjectResponse{}, nil
	}
	st, err := s.state(req.GetActor())
	if err != nil {
		return nil, err
	}
	release, err := s.bind(ctx, st)
	if err != nil {
		return nil, err
	}
	var files []File
	err = s.guard("export", func() (err error) {
		files, err = s.p.ExportSubject(withState(ctx, st), subj)
		return err
	})
	release()
	s.afterCall(ctx, st)
	if err != nil {
		s.log.Warn("subject export failed", "error", err.Error())
		return nil, status.Errorf(codes.Unknown, "export: %v", err)
	}
	out := &pluginv1.ExportSubjectResponse{}
	for _, f := range files {
		out.Files = append(out.Files, &pluginv1.ExportFile{Name: f.Name, ContentType: f.ContentType, Content: f.Content})
	}
	return out, nil
}

func (s *server) EraseSubject(ctx context.Context, req *pluginv1.EraseSubjectRequest) (*pluginv1.EraseSubjectResponse, error) {
	subj, err := subjectOf(req.GetSubject())
	if err != nil {
		return nil, err
	}
	if s.p.EraseSubject == nil {
		return &pluginv1.EraseSubjectResponse{}, nil
	}
	st, err := s.state(req.GetActor())
	if err != nil {
		return nil, err
	}
	release, err := s.bind(ctx, st)
	if err != nil {
		return nil, err
	}
	var erased, anonymised int64
	err = s.guard("erase", func() (err error) {
		erased, anonymised, err = s.p.EraseSubject(withState(ctx, st), subj)
		return err
	})
	release()
	s.afterCall(ctx, st)
	if err != nil {
		s.log.Warn("subject erasure failed", "error", err.Error())
		return nil, status.Errorf(codes.Unknown, "erase: %v", err)
	}
	return &pluginv1.EraseSubjectResponse{Erased: erased, Anonymised: anonymised}, nil
}
