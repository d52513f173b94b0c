package plugintest

import (
	"net/url"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Option changes how Run and Start treat the plugin.
type Option func(*config)

type config struct {
	fixture     *Fixture
	storage     *pluginv1.Storage
	noPupils    bool
	noMigrate   bool
	jobPayloads map[string][]byte
	paths       map[string]string
	forms       map[string]url.Values
	skipRoutes  map[string]bool
}

func newConfig(opts []Option) *config {
	c := &config{jobPayloads: map[string][]byte{}, paths: map[string]string{}, forms: map[string]url.Values{}, skipRoutes: map[string]bool{}}
	for _, o := range opts {
		o(c)
	}
	if c.fixture == nil {
		c.fixture = DefaultFixture()
	}
	return c
}

// WithFixture makes the test Host answer from f instead of DefaultFixture.
func WithFixture(f *Fixture) Option { return func(c *config) { c.fixture = f } }

// WithStorage hands the plugin this storage instead of a SQLite file in a
// temporary directory, e.g. driver "postgres" with a URL whose search_path
// is an empty schema.
func WithStorage(driver, dsn, schema string) Option {
	return func(c *config) { c.storage = &pluginv1.Storage{Driver: driver, Dsn: dsn, Schema: schema} }
}

// WithoutPupils makes GetPupils answer UNIMPLEMENTED, as cores before pupil
// records did, to check the plugin copes with such a core.
func WithoutPupils() Option { return func(c *config) { c.noPupils = true } }

// WithJobPayload is the payload Run gives job (default "{}").
func WithJobPayload(job string, payload []byte) Option {
	return func(c *config) { c.jobPayloads[job] = payload }
}

// WithPath is the concrete path Run requests for the manifest route
// (method, pattern), e.g. WithPath("GET", "/reviews/:id", "/reviews/7").
// By default a route's unit parameter is a school of the fixture and any
// other parameter "1".
func WithPath(method, route, path string) Option {
	return func(c *config) { c.paths[method+" "+route] = path }
}

// WithForm is the form Run posts to the manifest route (method, pattern);
// by default an empty form carrying only the CSRF token.
func WithForm(method, route string, form url.Values) Option {
	return func(c *config) { c.forms[method+" "+route] = form }
}

// SkipRoute leaves the manifest route (method, pattern) out of Run's
// request checks, e.g. a route that needs data no fixture provides. Its
// permission is still checked.
func SkipRoute(method, route string) Option {
	return func(c *config) { c.skipRoutes[method+" "+route] = true }
}
