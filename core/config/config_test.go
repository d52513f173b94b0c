package config

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaultsAreEmbedded(t *testing.T) {
	c := Defaults()
	if c.DatabaseURL != "sqlite:var/upwards.db" || !c.EmbeddedRedis() || c.Listen != "127.0.0.1:8080" {
		t.Fatalf("defaults not embedded: %+v", c)
	}
	if c.Postgres() || c.SecureCookies() {
		t.Fatalf("default must be sqlite over http: %+v", c)
	}
}

func TestEnvironmentAndFlagsOverride(t *testing.T) {
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	RegisterFlags(fs)
	if err := fs.Parse([]string{"--listen", "0.0.0.0:9000"}); err != nil {
		t.Fatal(err)
	}
	c, err := Load(fs, env(map[string]string{
		"UPWARDS_LISTEN":       "127.0.0.1:1",
		"UPWARDS_DATABASE_URL": "postgres://postgres@127.0.0.1:5432/upwards",
		"UPWARDS_SESSION_TTL":  "2h",
		"UPWARDS_BASE_URL":     "https://upwards.example.org",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "0.0.0.0:9000" {
		t.Errorf("flag must win over env, got %s", c.Listen)
	}
	if !c.Postgres() || c.SessionTTL != 2*time.Hour || !c.SecureCookies() {
		t.Errorf("env not applied: %+v", c)
	}
}

func TestBadValuesNameTheSetting(t *testing.T) {
	cases := map[string]string{
		"UPWARDS_DATABASE_URL":            "mysql://x",
		"UPWARDS_REDIS_URL":               "localhost:6379",
		"UPWARDS_LISTEN":                  "8080",
		"UPWARDS_SESSION_TTL":             "forever",
		"UPWARDS_WORKER":                  "sometimes",
		"UPWARDS_WORKER_CONCURRENCY":      "0",
		"UPWARDS_LOG_LEVEL":               "loud",
		"UPWARDS_SMTP_URL":                "http://mail",
		"UPWARDS_PLUGIN_CALL_TIMEOUT":     "10ms",
		"UPWARDS_PLUGIN_HEALTH_INTERVAL":  "often",
		"UPWARDS_PLUGIN_BREAKER_FAILURES": "0",
	}
	for k, v := range cases {
		_, err := Load(nil, env(map[string]string{k: v}))
		if err == nil {
			t.Errorf("%s=%s accepted", k, v)
			continue
		}
		if !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: error does not name the setting: %v", k, v, err)
		}
	}
}

// The plugin runtime's settings parse, and a back-off whose maximum is
// below its minimum is refused naming the setting.
func TestPluginRuntimeSettings(t *testing.T) {
	c, err := Load(nil, env(map[string]string{"UPWARDS_PLUGIN_BACKOFF_MIN": "1s", "UPWARDS_PLUGIN_BACKOFF_MAX": "1m",
		"UPWARDS_PLUGIN_CALL_TIMEOUT": "5s", "UPWARDS_PLUGIN_HEALTH_INTERVAL": "2s", "UPWARDS_PLUGIN_BREAKER_FAILURES": "3"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.PluginBackoffMin != time.Second || c.PluginBackoffMax != time.Minute || c.PluginCallTimeout != 5*time.Second ||
		c.PluginHealthInterval != 2*time.Second || c.PluginBreakerFailures != 3 {
		t.Fatalf("plugin settings not applied: %+v", c)
	}
	d := Defaults()
	if d.PluginBackoffMin != 100*time.Millisecond || d.PluginBackoffMax != 30*time.Second || d.PluginCallTimeout != 30*time.Second ||
		d.PluginHealthInterval != 10*time.Second || d.PluginBreakerFailures != 5 {
		t.Fatalf("plugin defaults: %+v", d)
	}
	_, err = Load(nil, env(map[string]string{"UPWARDS_PLUGIN_BACKOFF_MIN": "10s", "UPWARDS_PLUGIN_BACKOFF_MAX": "1s"}))
	if err == nil || !strings.Contains(err.Error(), "UPWARDS_PLUGIN_BACKOFF_MAX") {
		t.Fatalf("max below min: %v", err)
	}
}

// The README's configuration table names every setting.
func TestREADMEListsEverySetting(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range Settings() {
		if !strings.Contains(string(b), "`"+s.Env+"`") || !strings.Contains(string(b), "`--"+s.Name+"`") {
			t.Errorf("README.md's configuration table lacks %s / --%s", s.Env, s.Name)
		}
	}
}

// Unset, the base URL and the database follow the listen address and the
// data directory; set, they are kept.
func TestBaseURLAndDatabaseFollowListenAndDataDir(t *testing.T) {
	cases := []struct {
		env         map[string]string
		base, db    string
		dbInDataDir bool
	}{
		{map[string]string{}, "http://127.0.0.1:8080", "sqlite:var/upwards.db", true},
		{map[string]string{"UPWARDS_LISTEN": "127.0.0.1:9123"}, "http://127.0.0.1:9123", "sqlite:var/upwards.db", true},
		{map[string]string{"UPWARDS_LISTEN": "0.0.0.0:9000"}, "http://127.0.0.1:9000", "sqlite:var/upwards.db", true},
		{map[string]string{"UPWARDS_LISTEN": ":9001"}, "http://127.0.0.1:9001", "sqlite:var/upwards.db", true},
		{map[string]string{"UPWARDS_LISTEN": "[::]:9002", "UPWARDS_DATA_DIR": "/srv/upwards"}, "http://127.0.0.1:9002", "sqlite:/srv/upwards/upwards.db", true},
		{map[string]string{"UPWARDS_LISTEN": "localhost:9003", "UPWARDS_BASE_URL": "https://upwards.example.org"}, "https://upwards.example.org", "sqlite:var/upwards.db", true},
		{map[string]string{"UPWARDS_DATA_DIR": "data", "UPWARDS_DATABASE_URL": "sqlite:var/upwards.db"}, "http://127.0.0.1:8080", "sqlite:var/upwards.db", false},
	}
	for _, tc := range cases {
		c, err := Load(nil, env(tc.env))
		if err != nil {
			t.Fatalf("%v: %v", tc.env, err)
		}
		if c.BaseURL != tc.base || c.DatabaseURL != tc.db || c.DatabaseInDataDir != tc.dbInDataDir {
			t.Errorf("%v: base %s, database %s (in data dir %v)", tc.env, c.BaseURL, c.DatabaseURL, c.DatabaseInDataDir)
		}
	}
	if _, err := Load(nil, env(map[string]string{"UPWARDS_LISTEN": "nope"})); err == nil || strings.Contains(err.Error(), "base-url") {
		t.Errorf("a bad listen address: %v", err)
	}
}
