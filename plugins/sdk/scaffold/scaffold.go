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

// DefaultUpwardsModule is the module path of Upwards.
const DefaultUpwardsModule = "github.com/challengepartners/upwards"

// Options say what to write.
type Options struct {
	// Name is the plugin id: 2-32 lower-case letters and digits, starting
	// with a letter.
	Name string
	// Module is the new project's Go module path (default: Name).
	Module string
	// UpwardsModule is the module path of Upwards (default DefaultUpwardsModule).
	UpwardsModule string
	// UpwardsPath is a local Upwards checkout: go.mod requires what it
	// requires and replaces Upwards by it, and its go.sum is copied, so the
	// project builds offline from the module cache.
	UpwardsPath string
	// UpwardsVersion is the Upwards version to require (default v0.0.0,
	// which needs UpwardsPath). Without UpwardsPath, run `go mod tidy` in
	// the new project.
	UpwardsVersion string
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
	Name, Title, UpwardsPath string
	Replace                  bool
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
	if opts.UpwardsModule == "" {
		opts.UpwardsModule = DefaultUpwardsModule
	}
	if opts.UpwardsVersion == "" {
		opts.UpwardsVersion = "v0.0.0"
	}
	if opts.UpwardsPath == "" && opts.UpwardsVersion == "v0.0.0" {
		return errors.New("give the path of a local Upwards checkout (UpwardsPath, --upwards-path) or a published Upwards version")
	}
	if err := emptyDir(dir); err != nil {
		return err
	}
	gomod, gosum, err := modFiles(opts)
	if err != nil {
		return err
	}
	d := data{Name: opts.Name, Title: strings.ToUpper(opts.Name[:1]) + opts.Name[1:], UpwardsPath: opts.UpwardsPath, Replace: opts.UpwardsPath != ""}
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

// directDeps are the modules the scaffolded code imports itself.
var directDeps = map[string]bool{"gorm.io/gorm": true}

// modFiles writes go.mod and, from a local checkout, go.sum.
func modFiles(opts Options) (gomod, gosum []byte, err error) {
	var b strings.Builder
	fmt.Fprintf(&b, "module %s\n\n", opts.Module)
	if opts.UpwardsPath == "" {
		fmt.Fprintf(&b, "go 1.26\n\nrequire %s %s\n", opts.UpwardsModule, opts.UpwardsVersion)
		return []byte(b.String()), nil, nil
	}
	path, err := filepath.Abs(opts.UpwardsPath)
	if err != nil {
		return nil, nil, err
	}
	m, err := readMod(path)
	if err != nil {
		return nil, nil, err
	}
	if m.module != opts.UpwardsModule {
		return nil, nil, fmt.Errorf("%s is module %s, not %s", path, m.module, opts.UpwardsModule)
	}
	goLine := m.goLine
	if goLine == "" {
		goLine = "1.26"
	}
	fmt.Fprintf(&b, "go %s\n\nrequire %s %s\n\n", goLine, opts.UpwardsModule, opts.UpwardsVersion)
	// Upwards' own requirements, at its versions: the module graph of the
	// new project is then the one Upwards is built and tested with.
	b.WriteString("require (\n")
	for _, r := range m.requires {
		comment := " // indirect"
		if directDeps[r.path] {
			comment = ""
		}
		fmt.Fprintf(&b, "\t%s %s%s\n", r.path, r.version, comment)
	}
	b.WriteString(")\n\n")
	fmt.Fprintf(&b, "replace %s => %s\n", opts.UpwardsModule, path)
	for _, r := range m.replaces {
		fmt.Fprintf(&b, "\nreplace %s\n", r)
	}
	gosum, err = os.ReadFile(filepath.Join(path, "go.sum"))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("read the Upwards go.sum: %w", err)
	}
	return []byte(b.String()), gosum, nil
}
