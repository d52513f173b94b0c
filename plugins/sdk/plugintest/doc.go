// Package plugintest checks a plugin binary against the contract, the way
// the core will run it: Run starts the binary with go-plugin, serves it an
// in-process test Host over fixture data (one tenant, a trust, a hub, three
// schools, four people, a few pupils), gives it SQLite storage in a
// temporary directory, and checks in subtests that its manifest is valid,
// that Migrate works and is idempotent, that every route answers and is
// guarded by a permission, that every job runs and that it reports healthy.
// Each failure says what to change.
//
// Start gives the same running plugin to an author's own tests: call its
// pages (Get, Post, Request, answering a Response), jobs, events and
// subject-rights calls (ExportSubject, EraseSubject) as a chosen actor (As,
// AsRole, AllPermissions, NoGrants, System), on the real clock or one the
// test sets and moves (SetClock, AdvanceClock), and inspect what it asked
// of the Host.
//
// The package imports nothing from the core; the core's role and permission
// names are copied here (a test keeps them in step).
package plugintest
