package app_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/Masterminds/semver/v3"

	"github.com/challengepartners/upwards/core/app"
)

// A plain build's version is BaseVersion-dev: a semantic version.
func TestDefaultVersionIsASemver(t *testing.T) {
	v, err := semver.StrictNewVersion(app.Version)
	if err != nil {
		t.Fatalf("Version %q: %v", app.Version, err)
	}
	if v.Prerelease() != "dev" || strings.Split(app.Version, "-")[0] != app.BaseVersion {
		t.Fatalf("Version %q, want %s-dev", app.Version, app.BaseVersion)
	}
}

// scripts/version.sh (what `make build` sets) gives BaseVersion-dev+hash on
// an untagged commit, the tag's version on a tagged one, and marks
// uncommitted changes; each is a semantic version.
func TestVersionScriptGivesASemverForEveryKindOfBuild(t *testing.T) {
	repo := t.TempDir()
	for _, f := range []string{"scripts/version.sh", "core/app/app.go"} {
		b, err := os.ReadFile(filepath.Join("..", "..", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(repo, filepath.Dir(f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(repo, f), b, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	sh := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.org",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.org", "GIT_CONFIG_GLOBAL=/dev/null",
			"GIT_CEILING_DIRECTORIES="+filepath.Dir(repo))
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	version := func(want string) {
		t.Helper()
		got := sh("sh", "scripts/version.sh")
		if !regexp.MustCompile("^" + want + "$").MatchString(got) {
			t.Errorf("version %q, want %s", got, want)
		}
		if _, err := semver.StrictNewVersion(got); err != nil {
			t.Errorf("version %q is not a semantic version: %v", got, err)
		}
	}
	base := regexp.QuoteMeta(app.BaseVersion)
	version(base + `-dev`) // no repository yet: a source tarball
	sh("git", "init", "-q")
	sh("git", "add", ".")
	sh("git", "commit", "-q", "-m", "first")
	hash := sh("git", "rev-parse", "--short", "HEAD")
	version(base + `-dev\+` + hash)
	if err := os.WriteFile(filepath.Join(repo, "core/app/app.go"), []byte("package app\n\nconst BaseVersion = \""+app.BaseVersion+"\"\n// edited\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	version(base + `-dev\+` + hash + `\.dirty`)
	sh("git", "commit", "-q", "-am", "second")
	sh("git", "tag", "v9.8.7")
	version(`9\.8\.7`)
	sh("git", "tag", "not-a-release")
	version(`9\.8\.7`)
}
