// Package pluginhost is the core's plugin runtime: the registry of installed
// programme plugins (tables plugins and plugin_tenants), the launcher and
// supervisor of their go-plugin processes, the Host service each process
// calls back, the actor tokens that tie every Host call to one request or
// job, the HTTP proxy under /p/{plugin}, the asynq handlers of the plugins'
// jobs and schedules, and the operators' page /admin/plugins.
//
// Trust model. A plugin is installed by an operator; its binary's SHA-256 is
// recorded and go-plugin refuses to launch a file whose checksum differs. A
// plugin process starts with a minimal environment (never the core's
// database URL), gets its own storage (a SQLite file, or a PostgreSQL schema
// owned by its own role) and reaches core data only through the Host
// service, which answers within the tenant and reach of the actor token the
// core minted for the request or job being served. Mail it sends goes only
// to people within that reach or to addresses its manifest declares. Its
// audit entries come from an outbox in its own storage (DeliverAudit): each
// carries the audit seal of the call that made it (an HMAC under a key
// derived from the pupil key), which lets the plugin record entries in the
// name of the actor it was given, and of no one else.
//
// Processes are per node: each node launches the plugins its requests and
// jobs need, lazily, and restarts a crashed process with exponential
// back-off behind a circuit breaker, so one failing plugin never affects
// another or the core. A process never outlives its node: on Linux the
// kernel kills it with the node (PR_SET_PDEATHSIG), and the SDK exits a
// plugin whose parent is gone. An upgraded plugin is swapped blue/green: the
// new build starts beside the old, takes every new call, and the old process
// stops once the calls it was serving end (drain.go).
package pluginhost
