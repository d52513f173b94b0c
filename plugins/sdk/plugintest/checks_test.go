package plugintest

import (
	"strings"
	"testing"
)

// want fails unless some problem contains each phrase.
func want(t *testing.T, problems []string, phrases ...string) {
	t.Helper()
	for _, p := range phrases {
		found := false
		for _, got := range problems {
			found = found || strings.Contains(got, p)
		}
		if !found {
			t.Errorf("no problem says %q; got:\n  %s", p, strings.Join(problems, "\n  "))
		}
	}
}

func TestChecksSayWhatIsWrongAndWhatToDo(t *testing.T) {
	h := launch(t, brokenBin, newConfig([]Option{func(c *config) { c.noMigrate = true }}))
	want(t, checkManifest(h),
		`grants unknown role "wizard"`,
		"route GET /open declares no permission",
		`bad cron expression "every monday"`,
		"route GET /units/:id: unit scope needs unit_param",
		"(the core refuses to install it)")
	if p := checkMigrate(h); len(p) != 0 {
		t.Errorf("migrate: %v", p)
	}
	want(t, checkRoutesGuarded(h),
		"route GET /open declares no permission",
		"route GET /units/:id has scope UNIT but no unit_param")
	want(t, checkRoutesAnswer(h),
		"GET /fail (as an actor holding every permission, path /fail) answered 500: database is on fire",
		`GET /unrouted answered 404 although the manifest declares it: does the handler route it? (declare it once with sdk.Router; with http.ServeMux: "GET /unrouted")`,
		"GET /empty (as a signed-in person holding no role) answered an empty page")
	want(t, checkJobs(h),
		"job fails failed as the tenant's system actor (user 0, as its schedule runs it) with payload {}: rpc error: code = Unknown desc = job fails: cannot reach the exam board",
		`job missing failed as an actor holding every permission with payload {}: rpc error: code = NotFound desc = plugin broken has no job "missing" (add "missing" to Plugin.Jobs)`)
	want(t, checkHealth(h), "CheckHealth answered HEALTH_STATUS_ERROR (the cache is gone)")
	want(t, checkExtensions(h),
		`extension school_panel: the core would drop unit 10, line 1: link "https://evil.example/" must be a path below the plugin's base`,
		"extension school_panel: the core would drop a panel for unit 987654, which was not asked for",
		`extension todos: the core would drop the to-do "No link at all" has no link`,
		`extension todos: the core would drop the to-do "Open the admin page": link "/nowhere" matches no GET route of the manifest`,
		"extension figures failed: rpc error: code = Unknown desc = figures: the figures table is locked")
}

func TestMigrateCheckCatchesAStorageVersionNoMigrationReaches(t *testing.T) {
	t.Setenv("BROKEN_STORAGE", "mismatch")
	h := launch(t, brokenBin, newConfig([]Option{func(c *config) { c.noMigrate = true }}))
	want(t, checkMigrate(h), "Migrate on fresh storage failed", "storage_schema_version is 2 but the highest migration is 1: make them agree")
}

func TestCheckOptionsChangeWhatIsRequested(t *testing.T) {
	h := launch(t, brokenBin, newConfig([]Option{
		func(c *config) { c.noMigrate = true },
		SkipRoute("GET", "/fail"), SkipRoute("GET", "/unrouted"), SkipRoute("GET", "/empty"),
	}))
	if p := checkRoutesAnswer(h); len(p) != 0 {
		t.Fatalf("skipped routes were checked: %v", p)
	}
}

func TestRunPassesAWellBehavedPlugin(t *testing.T) {
	Run(t, helloBin, WithoutPupils(), WithJobPayload("digest", []byte(`{"week":1}`)))
}
