package plugintest

import "testing"

// Run starts the plugin binary at binaryPath against a TestHost and checks
// the contract, one subtest per check:
//
//   - manifest: it passes the core's validation (contract.ValidateManifest);
//   - migrate: Migrate takes fresh storage to storage_schema_version, and a
//     second Migrate changes nothing;
//   - routes_guarded: every route declares a permission and a scope, and a
//     UNIT route names its unit parameter (the core enforces them before the
//     plugin sees a request);
//   - routes_answer: every route answers below 500 for an actor holding every
//     permission (and an "authenticated" route also for one holding none),
//     and a route without parameters is routed by the handler (not 404);
//   - jobs: every job runs with payload "{}" (see WithJobPayload), and an
//     undeclared job is refused with NOT_FOUND;
//   - health: CheckHealth answers OK.
func Run(t *testing.T, binaryPath string, opts ...Option) {
	t.Helper()
	opts = append(opts, func(c *config) { c.noMigrate = true })
	cfg := newConfig(opts)
	h := launch(t, binaryPath, cfg)
	for _, c := range checks {
		ok := t.Run(c.name, func(t *testing.T) {
			for _, p := range c.fn(h) {
				t.Error(p)
			}
		})
		if !ok && c.name == "migrate" && h.FirstMigrate == nil {
			t.Fatal("plugintest: the remaining checks need migrated storage")
		}
	}
}
