// Package prodtest holds the production-shape tests: the built `upwards`
// binary and the four programme plugins, run as separate processes the way
// an install runs them — two `upwards serve` nodes and one `upwards worker`
// on the real PostgreSQL and Redis — and the faults they must survive
// (a plugin, a node or the worker killed with SIGKILL). It has no
// non-test code; internal/canary is the small plugin its upgrade test swaps.
package prodtest
