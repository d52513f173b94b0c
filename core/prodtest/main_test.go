package prodtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// programmes are the four programme plugins, each a module under plugins/.
var programmes = []string{"challengegap", "networkexcellence", "eal", "gettingahead"}

// Binaries built once by TestMain and shared by every test.
var (
	binDir     string // upwards and the four programme plugins
	upwardsBin string
	canaryV1   string // canary at version 1.0.0
	canaryV2   string // canary at version 2.0.0 (the upgrade)
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "upwards-prodtest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := 1
	if err := build(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
	} else {
		code = m.Run()
	}
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// build builds upwards, the programme plugins and both canary builds into dir.
func build(dir string) error {
	repo, err := filepath.Abs("../..")
	if err != nil {
		return err
	}
	binDir, upwardsBin = dir, filepath.Join(dir, "upwards")
	canaryV1, canaryV2 = filepath.Join(dir, "v1", "canary"), filepath.Join(dir, "v2", "canary")
	pkgs := []string{}
	for _, id := range programmes {
		pkgs = append(pkgs, "./plugins/"+id)
	}
	steps := [][]string{
		{"go", "build", "-o", upwardsBin, "./core/cmd/upwards"},
		append([]string{"go", "build", "-o", dir + "/"}, pkgs...),
		{"go", "build", "-o", canaryV1, "-ldflags", "-X main.version=1.0.0", "./core/prodtest/internal/canary"},
		{"go", "build", "-o", canaryV2, "-ldflags", "-X main.version=2.0.0", "./core/prodtest/internal/canary"},
	}
	for i, args := range steps {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir = repo
		cmd.Env = os.Environ()
		if i > 0 {
			cmd.Env = append(cmd.Env, "CGO_ENABLED=0") // plugins are static, as make build makes them
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%v: %v\n%s", args, err, out)
		}
	}
	return nil
}
