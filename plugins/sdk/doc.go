// Package sdk is what a programme plugin imports to run under the Upwards
// core. A plugin is a Go binary whose main calls Serve with a Plugin: its
// manifest, an http.Handler for its pages and API, its jobs, its storage
// migrations and, optionally, event and subject-rights handlers. The SDK
// speaks the contract (package pluginv1, over go-plugin's gRPC transport) so
// that the plugin never sees it.
//
// Inside a request, job or event the context carries who the call acts for
// (ActorFrom), a Host client bound to that actor (HostFrom) and the plugin's
// storage: Tenant returns a *gorm.DB scoped to the actor's tenant, and a
// query on a table with a tenant_id column made any other way fails, naming
// the table. Unscoped is the explicit escape hatch for maintenance.
//
// The manifest names the core's roles by constant (RoleTenantAdmin, …) in
// its permissions' default grants, and may declare roles of the plugin's own
// (PluginRole), which tenant admins grant where the tenant enables the plugin.
//
// Pages are ordinary handlers: Page (or Render) writes an HTML fragment that
// the core wraps in its shell; any other response (JSON, a redirect, a CSV
// file) passes through as it is. Forms carry CSRFField, and links are built
// with URL, since the plugin lives under /p/{id}. A Router declares each
// route once (method, path, permission, scope, handler): it serves them and
// the manifest's routes are derived from it. A HandlerFunc returns its error
// (ErrNotFound, ErrForbidden, *HTTPError) and the SDK answers it.
//
// The time of a call is Now(ctx), never time.Now: a test host may set it, so
// that a test can move the plugin to "the date has passed". Dates people see
// are Europe/London's (Today, London).
//
// The SDK imports nothing from the core: a plugin builds outside the Upwards
// repository against this module alone (github.com/challengepartners/upwards/plugins/sdk,
// which holds this package, the contract in proto/ and contract/, plugintest,
// suppress and research).
package sdk
