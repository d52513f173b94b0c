// Package scaffold writes a new, standalone plugin project: a Go module
// with a manifest, a page, a form, a job on a schedule, a migration and a
// contract test (plugintest.Run), which builds and passes as written.
// `upwards plugin new` calls Write.
package scaffold
