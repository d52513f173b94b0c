package sdk

import (
	"context"
	"io"
	"net"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// testManifest is a small valid manifest for server tests.
func testManifest() *pluginv1.Manifest {
	return &pluginv1.Manifest{
		Id: "demo", Name: "Demo", Version: "1.0.0",
		Permissions: []*pluginv1.PermissionDecl{{Name: "demo.thing.read", DefaultRoles: []string{"teacher"}}},
		Routes:      []*pluginv1.RouteDecl{{Method: "GET", Path: "/", Permission: "demo.thing.read", Scope: pluginv1.RouteScope_ROUTE_SCOPE_ANYWHERE}},
		Jobs:        []*pluginv1.JobDecl{{Name: "work"}},
	}
}

// openTest opens the storage of dialect d for the SDK.
func openTest(t *testing.T, d string) *gorm.DB {
	t.Helper()
	db, err := openStorage(context.Background(), plugintest.NewStorage(t, d), newLogger(io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { closeStorage(db) })
	return db
}

// eachDialect runs fn on SQLite and PostgreSQL.
func eachDialect(t *testing.T, fn func(t *testing.T, d string)) {
	plugintest.EachDialect(t, fn)
}

// hostClient serves host over loopback gRPC and returns a client of it.
func hostClient(t *testing.T, host pluginv1.HostServiceServer) (pluginv1.HostServiceClient, *grpc.ClientConn) {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := grpc.NewServer()
	pluginv1.RegisterHostServiceServer(gs, host)
	go func() { _ = gs.Serve(lis) }()
	t.Cleanup(gs.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	return pluginv1.NewHostServiceClient(conn), conn
}

// testServer is a configured server for p on SQLite with a TestHost.
func testServer(t *testing.T, p *Plugin) (*server, *plugintest.TestHost) {
	t.Helper()
	if p.Manifest == nil {
		p.Manifest = testManifest()
	}
	host := plugintest.NewTestHost(plugintest.DefaultFixture(), p.Manifest)
	c, conn := hostClient(t, host)
	s := newServer(p, nil)
	s.log = newLogger(io.Discard)
	s.configure(c, conn, openTest(t, "sqlite"), t.TempDir())
	t.Cleanup(func() { s.configure(nil, nil, nil, "") })
	return s, host
}

// ctxFor is the context of a call for tenant (and a fresh Host token).
func ctxFor(t *testing.T, s *server, host *plugintest.TestHost, tenant, user uint64) context.Context {
	t.Helper()
	tok := ""
	if host != nil {
		tok = host.Mint(user, false)
	}
	st, err := s.state(&pluginv1.Actor{Token: tok, TenantId: tenant, UserId: user})
	if err != nil {
		t.Fatal(err)
	}
	return withState(t.Context(), st)
}
