package scaffold

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/mod/modfile"
)

// directDeps are the modules the scaffolded code imports itself, besides the SDK.
var directDeps = map[string]bool{"gorm.io/gorm": true}

// readMod parses dir/go.mod.
func readMod(dir string) (*modfile.File, error) {
	path := filepath.Join(dir, "go.mod")
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	f, err := modfile.Parse(path, b, nil)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	if f.Module == nil {
		return nil, fmt.Errorf("%s has no module line", path)
	}
	return f, nil
}

// modFiles writes the new project's go.mod and, from a local SDK, its go.sum.
// With a local SDK the project requires the SDK and, at the SDK's versions,
// every module the SDK requires, and replaces the SDK by the local
// directory: its module graph is then the one the SDK is built and tested
// with, and it builds offline. With a published version it requires the
// SDK alone (then run `go mod tidy`).
func modFiles(opts Options) (gomod, gosum []byte, err error) {
	out := &modfile.File{}
	if err := out.AddModuleStmt(opts.Module); err != nil {
		return nil, nil, err
	}
	if opts.SDKPath == "" {
		if err := out.AddGoStmt("1.26"); err != nil {
			return nil, nil, err
		}
		out.AddNewRequire(SDKModule, opts.SDKVersion, false)
		gomod, err = out.Format()
		return gomod, nil, err
	}
	sdkDir, err := filepath.Abs(opts.SDKPath)
	if err != nil {
		return nil, nil, err
	}
	sdk, err := readMod(sdkDir)
	if err != nil {
		return nil, nil, fmt.Errorf("the SDK at %s: %w", sdkDir, err)
	}
	if sdk.Module.Mod.Path != SDKModule {
		return nil, nil, fmt.Errorf("%s is module %s, not the Upwards SDK (%s)", sdkDir, sdk.Module.Mod.Path, SDKModule)
	}
	goVersion := "1.26"
	if sdk.Go != nil {
		goVersion = sdk.Go.Version
	}
	if err := out.AddGoStmt(goVersion); err != nil {
		return nil, nil, err
	}
	out.AddNewRequire(SDKModule, opts.SDKVersion, false)
	for _, r := range sdk.Require {
		out.AddNewRequire(r.Mod.Path, r.Mod.Version, !directDeps[r.Mod.Path])
	}
	out.SetRequireSeparateIndirect(out.Require)
	if err := out.AddReplace(SDKModule, "", sdkDir, ""); err != nil {
		return nil, nil, err
	}
	out.Cleanup()
	if gomod, err = out.Format(); err != nil {
		return nil, nil, err
	}
	gosum, err = os.ReadFile(filepath.Join(sdkDir, "go.sum"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("read the SDK's go.sum: %w", err)
	}
	return gomod, gosum, nil
}

// LocateCheckout returns the directory at or above start that holds the
// Upwards SDK module (plugins/sdk/go.mod, module SDKModule), or "" when
// there is none: the local Upwards checkout a new plugin builds against.
func LocateCheckout(start string) string {
	dir, err := filepath.Abs(start)
	if err != nil {
		return ""
	}
	for {
		if m, err := readMod(filepath.Join(dir, SDKDir)); err == nil && m.Module.Mod.Path == SDKModule {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
