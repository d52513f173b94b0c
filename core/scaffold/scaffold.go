package scaffold

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/template"
)

// SDKModule is the module path of the Upwards plugin SDK, the one module a
// plugin requires.
const SDKModule = "github.com/challengepartners/upwards/plugins/sdk"

// SDKDir is where the SDK module lives in an Upwards checkout.
const SDKDir = "plugins/sdk"

// Options say what to write.
type Options struct {
	// Name is the plugin id: 2-32 lower-case letters and digits, starting
	// with a letter.
	Name string
	// Module is the new project's Go module path (default: Name).
	Module string
	// SDKPath is a local copy of the SDK module (an Upwards checkout's
	// plugins/sdk): go.mod requires what the SDK requires and replaces the
	// SDK by it, and its go.sum is copied, so the project builds offline.
	SDKPath string
	// SDKVersion is the SDK version to require (default v0.0.0, which
	// needs SDKPath). Without SDKPath, run `go mod tidy` in the new project.
	SDKVersion string
}

//go:embed templates/*.tmpl
var templates embed.FS

var (
	namePattern   = regexp.MustCompile(`^[a-z][a-z0-9]{1,31}$`)
	modulePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._~/-]*$`)
)

// files maps each template to the file it writes.
var files = map[string]string{
	"main.go.tmpl":      "main.go",
	"main_test.go.tmpl": "main_test.go",
	"README.md.tmpl":    "README.md",
	"gitignore.tmpl":    ".gitignore",
}

// data is what the templates see.
type data struct {
	Name, Title, SDKPath string
}

// Write writes a new plugin project into dir, which must be empty or absent.
func Write(dir string, opts Options) error {
	if !namePattern.MatchString(opts.Name) {
		return fmt.Errorf("plugin name %q must be 2-32 lower-case letters and digits, starting with a letter (it is the manifest id)", opts.Name)
	}
	if opts.Module == "" {
		opts.Module = opts.Name
	}
	if !modulePattern.MatchString(opts.Module) || strings.Contains(opts.Module, "..") || strings.HasSuffix(opts.Module, "/") {
		return fmt.Errorf("module path %q is not a Go module path such as example.org/upwards-%s", opts.Module, opts.Name)
	}
	if opts.SDKVersion == "" {
		opts.SDKVersion = "v0.0.0"
	}
	if opts.SDKPath == "" && opts.SDKVersion == "v0.0.0" {
		return errors.New("give the path of a local Upwards checkout (--upwards-path) or a published SDK version (--sdk-version)")
	}
	if err := emptyDir(dir); err != nil {
		return err
	}
	gomod, gosum, err := modFiles(opts)
	if err != nil {
		return err
	}
	d := data{Name: opts.Name, Title: strings.ToUpper(opts.Name[:1]) + opts.Name[1:], SDKPath: opts.SDKPath}
	out := map[string][]byte{"go.mod": gomod}
	if gosum != nil {
		out["go.sum"] = gosum
	}
	for tmpl, name := range files {
		b, err := render(tmpl, d)
		if err != nil {
			return err
		}
		out[name] = b
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	for name, b := range out {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
	}
	return nil
}

// emptyDir refuses a directory that holds anything.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("read %s: %w", dir, err)
	case len(entries) > 0:
		return fmt.Errorf("%s is not empty: the scaffold writes into a new or empty directory only", dir)
	}
	return nil
}

func render(name string, d data) ([]byte, error) {
	src, err := templates.ReadFile("templates/" + name)
	if err != nil {
		return nil, err
	}
	t, err := template.New(name).Delims("[[", "]]").Parse(string(src))
	if err != nil {
		return nil, fmt.Errorf("scaffold template %s: %w", name, err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, d); err != nil {
		return nil, fmt.Errorf("scaffold template %s: %w", name, err)
	}
	return buf.Bytes(), nil
}
