package identity

import (
	"context"
	"sync"
	"time"

	"github.com/challengepartners/upwards/core/sealed"
	"github.com/challengepartners/upwards/core/storage"
)

// Params are argon2id cost parameters: Memory in KiB, Time iterations, Threads lanes.
type Params struct {
	Memory  uint32
	Time    uint32
	Threads uint8
}

// DefaultParams are the argon2id costs new hashes use in production.
func DefaultParams() Params { return Params{Memory: 64 * 1024, Time: 2, Threads: 2} }

// Options tune a Service. Zero fields take their DefaultOptions value.
type Options struct {
	// SessionTTL is how long a session lives after its last use (sliding).
	SessionTTL time.Duration
	// LoginLimit is how many failed logins an account, or an address, may
	// have within LoginWindow; beyond it logins are refused with ErrRateLimited.
	// A user's wrong second-factor codes are limited the same way.
	LoginLimit int
	// IPLoginLimit is how many failed logins one address may have within
	// LoginWindow, across accounts. A school's staff often share one public
	// address, so it defaults to four times LoginLimit.
	IPLoginLimit int
	// LoginWindow is the period failures are counted over.
	LoginWindow time.Duration
	// Now is the clock (tests pass a fake one).
	Now func() time.Time
	// Argon are the costs of new password hashes; verification reads the
	// costs stored with each hash.
	Argon Params
	// Sealer seals TOTP secrets at rest; without one no second factor can
	// be set up or checked.
	Sealer *sealed.Box
	// Issuer names the install in authenticator apps (default "Upwards").
	Issuer string
	// IsAdministrator reports whether a user administers their tenant, for
	// the tenant setting that requires a second factor of administrators
	// and operators; nil: only operators count.
	IsAdministrator func(ctx context.Context, tenantID, userID uint) (bool, error)
	// ResetTTL is how long a password reset link works (default 1 hour).
	ResetTTL time.Duration
	// ResetLimit is how many reset requests one address, and ResetIPLimit
	// how many one IP address, may make per ResetWindow (defaults 3, 10, 1 hour).
	ResetLimit, ResetIPLimit int
	ResetWindow              time.Duration
}

// DefaultOptions are the production settings: 12h sessions, 5 failures per 15 minutes.
func DefaultOptions() Options {
	return Options{
		SessionTTL:  12 * time.Hour,
		LoginLimit:  5,
		LoginWindow: 15 * time.Minute,
		Now:         time.Now,
		Argon:       DefaultParams(),
	}
}

// Service is the identity store over the core database. It is safe for
// concurrent use and keeps no state that other nodes need to see.
type Service struct {
	db   *storage.DB
	opts Options

	dummyOnce sync.Once
	dummyHash string
}

// NewService returns a Service on db. Zero option fields take their defaults.
func NewService(db *storage.DB, opts Options) *Service {
	d := DefaultOptions()
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = d.SessionTTL
	}
	if opts.LoginLimit <= 0 {
		opts.LoginLimit = d.LoginLimit
	}
	if opts.IPLoginLimit <= 0 {
		opts.IPLoginLimit = 4 * opts.LoginLimit
	}
	if opts.LoginWindow <= 0 {
		opts.LoginWindow = d.LoginWindow
	}
	if opts.Now == nil {
		opts.Now = d.Now
	}
	if opts.Argon == (Params{}) {
		opts.Argon = d.Argon
	}
	if opts.Issuer == "" {
		opts.Issuer = "Upwards"
	}
	if opts.ResetTTL <= 0 {
		opts.ResetTTL = time.Hour
	}
	if opts.ResetLimit <= 0 {
		opts.ResetLimit = 3
	}
	if opts.ResetIPLimit <= 0 {
		opts.ResetIPLimit = 10
	}
	if opts.ResetWindow <= 0 {
		opts.ResetWindow = time.Hour
	}
	return &Service{db: db, opts: opts}
}

// now is the service clock in UTC at the database's microsecond precision,
// so times compare the same in Go, SQLite and PostgreSQL.
func (s *Service) now() time.Time {
	return s.opts.Now().UTC().Truncate(time.Microsecond)
}

// dummy is a hash of a random password with the service's costs, verified
// against when an email is unknown so that the answer takes as long as a
// wrong password for a real account.
func (s *Service) dummy() string {
	s.dummyOnce.Do(func() {
		pw, err := randomToken(24)
		if err == nil {
			s.dummyHash, err = HashPassword(pw, s.opts.Argon)
		}
		if err != nil {
			s.dummyHash = ""
		}
	})
	return s.dummyHash
}
