// Package identity manages who can sign in to Upwards: users (one tenant each,
// identified by a lowercased email), argon2id password hashes, server-side
// login sessions, API tokens and login rate limiting.
//
// Passwords must pass the zxcvbn strength estimator (strength.go). A
// forgotten password is reset with a one-time, one-hour link (reset.go); a
// TOTP second factor, sealed at rest, can be required of a tenant's
// administrators and operators (totp.go); API tokens expire and carry a
// scope and API areas (tokenscope.go).
//
// Everything lives in the core database, never in a node's memory, so any
// node of a scaled-out install can serve any request: a session created on one
// node is honoured by every other, and the rate limiter counts the failures
// seen by all of them. Secrets are stored only as hashes: sessions.id is the
// SHA-256 of the cookie token, api_tokens.token_hash the SHA-256 of the
// bearer token, and likewise reset tokens and recovery codes. Every change
// to a user or token is audited in the same transaction, with a redacted
// view of the user that never holds the hash.
//
// A session or token knows its tenant; callers must check it against the
// tenant the request was resolved to.
package identity
