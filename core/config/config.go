// Package config holds Upwards' one typed configuration: every setting has a
// default, an UPWARDS_* environment variable and a command-line flag, and the
// whole is validated before anything starts.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/challengepartners/upwards/core/sealed"
)

// Config is the whole runtime configuration of an upwards process.
type Config struct {
	// DatabaseURL is "sqlite:PATH" (the embedded default) or "postgres://…".
	// Unset, it is sqlite:DATA_DIR/upwards.db: the database lives beside the
	// pupil key that seals its UPNs.
	DatabaseURL string
	// DatabaseInDataDir reports that DatabaseURL was not set, so it is the
	// default file in DataDir.
	DatabaseInDataDir bool
	// RedisURL is "embedded" (an in-process Redis-compatible server) or "redis://…".
	RedisURL string
	// Listen is the HTTP listen address of `serve`.
	Listen string
	// BaseURL is how users reach this install; it decides whether cookies
	// are Secure. Unset, it is http:// and the listen address (127.0.0.1 for
	// an address that names no host).
	BaseURL string
	// DataDir holds the SQLite file, the pupil key, the mail log and plugin data in the embedded default.
	DataDir string
	// LogLevel is debug, info, warn or error.
	LogLevel string
	// LogFormat is json or text.
	LogFormat string
	// SessionTTL is how long an idle login session lives.
	SessionTTL time.Duration
	// SMTPURL is "smtp://user:pass@host:port"; empty writes mail to DataDir/mail.log.
	SMTPURL string
	// MailFrom is the sender address of outgoing mail.
	MailFrom string
	// Worker runs the job worker and scheduler inside `serve`.
	Worker bool
	// WorkerConcurrency is how many jobs one worker runs at once.
	WorkerConcurrency int
	// DefaultTenant is the slug of the tenant used when the host name matches none.
	DefaultTenant string
	// MigrateOnStart runs pending migrations when `serve` starts.
	MigrateOnStart bool
	// LoginLimit is how many failed logins an account or address may make per LoginWindow.
	LoginLimit int
	// LoginWindow is the window of the login rate limit.
	LoginWindow time.Duration
	// PupilKey is the base64 (or hex) 32-byte master key that seals pupil
	// identifiers. Empty: DataDir/pupil.key, created on first use, which only
	// the single-node embedded default may rely on.
	PupilKey string
	// PluginHealthInterval is how often each running plugin's health is checked.
	PluginHealthInterval time.Duration
	// PluginCallTimeout bounds one page request to a plugin.
	PluginCallTimeout time.Duration
	// PluginPanelTimeout bounds the wait for a plugin's contributions to
	// the home and school pages (school panels, to-dos, figures).
	PluginPanelTimeout time.Duration
	// PluginPanelCache is the longest a plugin's contributions, and a
	// person's places on the home page, are reused for the same viewer and
	// page while nothing in the tenant changes (after another person's
	// change a contribution is shown once more while the plugin is asked
	// afresh); 0 turns the reuse off.
	PluginPanelCache time.Duration
	// PluginBackoffMin and PluginBackoffMax bound the wait before restarting
	// a crashed plugin (doubling with each recent failure).
	PluginBackoffMin, PluginBackoffMax time.Duration
	// PluginBreakerFailures failures of a plugin within a minute open its
	// circuit: no restart is tried for 30s.
	PluginBreakerFailures int
}

// Setting describes one configuration setting for flags, docs and errors.
type Setting struct {
	Name    string // flag name, e.g. "database-url"
	Env     string // environment variable, e.g. "UPWARDS_DATABASE_URL"
	Default string
	Usage   string
}

// Settings lists every setting in the order the README's table shows them.
func Settings() []Setting {
	return []Setting{
		{"database-url", "UPWARDS_DATABASE_URL", "", "database: sqlite:PATH (embedded) or postgres://user@host:5432/db; empty: sqlite:DATA_DIR/upwards.db"},
		{"redis-url", "UPWARDS_REDIS_URL", "embedded", "job queue Redis: embedded (in-process) or redis://host:6379/0"},
		{"listen", "UPWARDS_LISTEN", "127.0.0.1:8080", "HTTP listen address"},
		{"base-url", "UPWARDS_BASE_URL", "", "public URL of the install; https:// makes cookies Secure; empty: http://LISTEN"},
		{"data-dir", "UPWARDS_DATA_DIR", "var", "directory for the SQLite database, the pupil key, the mail log and plugin data"},
		{"log-level", "UPWARDS_LOG_LEVEL", "info", "debug, info, warn or error"},
		{"log-format", "UPWARDS_LOG_FORMAT", "json", "json or text"},
		{"session-ttl", "UPWARDS_SESSION_TTL", "12h", "idle lifetime of a login session (Go duration)"},
		{"smtp-url", "UPWARDS_SMTP_URL", "", "smtp://user:pass@host:587 to send mail; empty writes DATA_DIR/mail.log"},
		{"mail-from", "UPWARDS_MAIL_FROM", "upwards@localhost", "sender address of outgoing mail"},
		{"worker", "UPWARDS_WORKER", "true", "run the job worker and scheduler inside serve"},
		{"worker-concurrency", "UPWARDS_WORKER_CONCURRENCY", "4", "jobs one worker runs at once"},
		{"default-tenant", "UPWARDS_DEFAULT_TENANT", "", "tenant slug used when no host name matches (empty: the only tenant, if there is one)"},
		{"migrate-on-start", "UPWARDS_MIGRATE_ON_START", "true", "apply pending migrations when serve starts"},
		{"login-limit", "UPWARDS_LOGIN_LIMIT", "5", "failed logins allowed per account and per address in one window"},
		{"login-window", "UPWARDS_LOGIN_WINDOW", "15m", "window of the login rate limit"},
		{"pupil-key", "UPWARDS_PUPIL_KEY", "", "32-byte key (base64) sealing pupil identifiers; empty: DATA_DIR/pupil.key (embedded SQLite only)"},
		{"plugin-health-interval", "UPWARDS_PLUGIN_HEALTH_INTERVAL", "10s", "how often each running plugin's health is checked"},
		{"plugin-call-timeout", "UPWARDS_PLUGIN_CALL_TIMEOUT", "30s", "longest wait for a plugin to answer one page request"},
		{"plugin-panel-timeout", "UPWARDS_PLUGIN_PANEL_TIMEOUT", "400ms", "longest wait for a plugin's panels, to-dos and figures on the home and school pages (then shown as unavailable)"},
		{"plugin-panel-cache", "UPWARDS_PLUGIN_PANEL_CACHE", "2m", "longest a plugin's panels, to-dos and figures, and a person's places on the home page, are reused for the same person while nothing in the tenant changes (another's change shows from the visit after the first; 0: ask every time)"},
		{"plugin-backoff-min", "UPWARDS_PLUGIN_BACKOFF_MIN", "100ms", "first wait before restarting a crashed plugin (doubles per recent failure)"},
		{"plugin-backoff-max", "UPWARDS_PLUGIN_BACKOFF_MAX", "30s", "longest wait before restarting a crashed plugin"},
		{"plugin-breaker-failures", "UPWARDS_PLUGIN_BREAKER_FAILURES", "5", "crashes or failed starts of a plugin within a minute that stop restarts for 30s"},
	}
}

// RegisterFlags adds every setting as a persistent flag on fs.
func RegisterFlags(fs *pflag.FlagSet) {
	for _, s := range Settings() {
		fs.String(s.Name, s.Default, s.Usage+" ["+s.Env+"]")
	}
}

// Load builds a Config from flags (when set explicitly), then the environment,
// then defaults, and validates it. An error names the offending setting.
func Load(fs *pflag.FlagSet, getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	raw := map[string]string{}
	for _, s := range Settings() {
		v := s.Default
		if e := getenv(s.Env); e != "" {
			v = e
		}
		if fs != nil {
			if f := fs.Lookup(s.Name); f != nil && f.Changed {
				v = f.Value.String()
			}
		}
		raw[s.Name] = strings.TrimSpace(v)
	}
	return parse(raw)
}

// Defaults returns the validated default configuration.
func Defaults() Config {
	c, err := Load(nil, func(string) string { return "" })
	if err != nil {
		panic(fmt.Sprintf("config defaults are invalid: %v", err))
	}
	return c
}

func parse(raw map[string]string) (Config, error) {
	var errs []error
	bad := func(name, format string, args ...any) {
		env := ""
		for _, s := range Settings() {
			if s.Name == name {
				env = s.Env
			}
		}
		errs = append(errs, fmt.Errorf("setting %s (%s): %s", name, env, fmt.Sprintf(format, args...)))
	}
	c := Config{
		DatabaseURL:   raw["database-url"],
		RedisURL:      raw["redis-url"],
		Listen:        raw["listen"],
		BaseURL:       raw["base-url"],
		DataDir:       raw["data-dir"],
		LogLevel:      strings.ToLower(raw["log-level"]),
		LogFormat:     strings.ToLower(raw["log-format"]),
		SMTPURL:       raw["smtp-url"],
		MailFrom:      raw["mail-from"],
		DefaultTenant: raw["default-tenant"],
		PupilKey:      raw["pupil-key"],
	}
	if c.DatabaseURL == "" && c.DataDir != "" {
		c.DatabaseURL, c.DatabaseInDataDir = "sqlite:"+filepath.Join(c.DataDir, DatabaseFile), true
	}
	if !strings.HasPrefix(c.DatabaseURL, "sqlite:") && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		bad("database-url", "%q must start with sqlite: or postgres://", c.DatabaseURL)
	} else if c.DatabaseURL == "sqlite:" {
		bad("database-url", "sqlite: needs a file path, e.g. sqlite:var/upwards.db (or leave it empty for DATA_DIR/upwards.db)")
	}
	if c.RedisURL != "embedded" {
		if u, err := url.Parse(c.RedisURL); err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
			bad("redis-url", "%q must be embedded or redis://host:port[/db]", c.RedisURL)
		}
	}
	if host, port, err := net.SplitHostPort(c.Listen); err != nil {
		bad("listen", "%q is not host:port: %v", c.Listen, err)
	} else if c.BaseURL == "" {
		if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
			host = "127.0.0.1"
		}
		c.BaseURL = "http://" + net.JoinHostPort(host, port)
	}
	if u, err := url.Parse(c.BaseURL); c.BaseURL != "" && (err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "") {
		bad("base-url", "%q must be an http:// or https:// URL", c.BaseURL)
	}
	if c.DataDir == "" {
		bad("data-dir", "must not be empty")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("log-level", "%q must be debug, info, warn or error", c.LogLevel)
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		bad("log-format", "%q must be json or text", c.LogFormat)
	}
	dur := func(name string, min time.Duration) time.Duration {
		d, err := time.ParseDuration(raw[name])
		if err != nil {
			bad(name, "%q is not a duration such as 15m or 12h", raw[name])
			return 0
		}
		if d < min {
			bad(name, "%s is shorter than the minimum %s", d, min)
		}
		return d
	}
	c.SessionTTL = dur("session-ttl", time.Minute)
	c.LoginWindow = dur("login-window", time.Second)
	c.PluginHealthInterval = dur("plugin-health-interval", 100*time.Millisecond)
	c.PluginCallTimeout = dur("plugin-call-timeout", time.Second)
	c.PluginPanelTimeout = dur("plugin-panel-timeout", 10*time.Millisecond)
	c.PluginPanelCache = dur("plugin-panel-cache", 0)
	c.PluginBackoffMin = dur("plugin-backoff-min", 10*time.Millisecond)
	c.PluginBackoffMax = dur("plugin-backoff-max", 10*time.Millisecond)
	if c.PluginBackoffMin > 0 && c.PluginBackoffMax > 0 && c.PluginBackoffMax < c.PluginBackoffMin {
		bad("plugin-backoff-max", "%s is shorter than plugin-backoff-min %s", c.PluginBackoffMax, c.PluginBackoffMin)
	}
	boolean := func(name string) bool {
		b, err := strconv.ParseBool(raw[name])
		if err != nil {
			bad(name, "%q is not true or false", raw[name])
		}
		return b
	}
	c.Worker = boolean("worker")
	c.MigrateOnStart = boolean("migrate-on-start")
	integer := func(name string, min, max int) int {
		n, err := strconv.Atoi(raw[name])
		if err != nil || n < min || n > max {
			bad(name, "%q must be a whole number from %d to %d", raw[name], min, max)
		}
		return n
	}
	c.WorkerConcurrency = integer("worker-concurrency", 1, 256)
	c.LoginLimit = integer("login-limit", 1, 1000)
	c.PluginBreakerFailures = integer("plugin-breaker-failures", 1, 1000)
	if c.SMTPURL != "" {
		if u, err := url.Parse(c.SMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
			bad("smtp-url", "%q must be smtp://[user:pass@]host:port", c.SMTPURL)
		}
	}
	if c.PupilKey != "" {
		if _, err := sealed.ParseKey(c.PupilKey); err != nil {
			bad("pupil-key", "%v", err) // never echo the key itself
		}
	}
	if !strings.Contains(c.MailFrom, "@") {
		bad("mail-from", "%q is not an email address", c.MailFrom)
	}
	if err := errors.Join(errs...); err != nil {
		return Config{}, fmt.Errorf("invalid configuration:\n%w", err)
	}
	return c, nil
}

// DatabaseFile is the name of the default SQLite database in DataDir.
const DatabaseFile = "upwards.db"

// SecureCookies reports whether session cookies must carry the Secure flag.
func (c Config) SecureCookies() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// EmbeddedRedis reports whether the in-process Redis-compatible server is used.
func (c Config) EmbeddedRedis() bool { return c.RedisURL == "embedded" }

// Postgres reports whether the database is PostgreSQL.
func (c Config) Postgres() bool { return strings.HasPrefix(c.DatabaseURL, "postgres") }

// PupilKeyFile is where the embedded default keeps its generated pupil key.
func (c Config) PupilKeyFile() string { return filepath.Join(c.DataDir, "pupil.key") }

// LoadPupilKey returns the master key that seals pupil identifiers: the
// configured one, or on SQLite the key file in DataDir (created on first
// use). PostgreSQL installs run several nodes, which must share one key, so
// there it must be configured.
func (c Config) LoadPupilKey() ([]byte, error) {
	if c.PupilKey != "" {
		k, err := sealed.ParseKey(c.PupilKey)
		if err != nil {
			return nil, fmt.Errorf("setting pupil-key (UPWARDS_PUPIL_KEY): %w", err)
		}
		return k, nil
	}
	if c.Postgres() {
		return nil, errors.New("setting pupil-key (UPWARDS_PUPIL_KEY) is required with PostgreSQL: every node must seal pupil identifiers with one key (make one with: head -c32 /dev/urandom | base64)")
	}
	return sealed.LoadOrCreateKeyFile(c.PupilKeyFile())
}
