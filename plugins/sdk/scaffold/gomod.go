package scaffold

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// modFile is what the scaffold needs of a go.mod.
type modFile struct {
	module   string
	goLine   string
	requires []require
	replaces []string // "old [v] => new [v]", targets made absolute
}

type require struct{ path, version string }

// readMod parses dir/go.mod: module, go, require and replace directives.
func readMod(dir string) (*modFile, error) {
	b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return nil, fmt.Errorf("read the Upwards go.mod: %w", err)
	}
	m := &modFile{}
	block := ""
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, "//"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" {
			continue
		}
		if block != "" {
			if line == ")" {
				block = ""
				continue
			}
			m.directive(block, line, dir)
			continue
		}
		verb, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		if rest == "(" {
			block = verb
			continue
		}
		m.directive(verb, rest, dir)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read the Upwards go.mod: %w", err)
	}
	if m.module == "" {
		return nil, fmt.Errorf("%s has no module line", filepath.Join(dir, "go.mod"))
	}
	return m, nil
}

func (m *modFile) directive(verb, args, dir string) {
	f := strings.Fields(args)
	switch verb {
	case "module":
		if len(f) > 0 {
			m.module = strings.Trim(f[0], `"`)
		}
	case "go":
		if len(f) > 0 {
			m.goLine = f[0]
		}
	case "require":
		if len(f) >= 2 {
			m.requires = append(m.requires, require{f[0], f[1]})
		}
	case "replace":
		old, target, ok := strings.Cut(args, "=>")
		if !ok {
			return
		}
		tf := strings.Fields(target)
		if len(tf) == 1 && (strings.HasPrefix(tf[0], "./") || strings.HasPrefix(tf[0], "../")) {
			tf[0] = filepath.Join(dir, tf[0])
		}
		m.replaces = append(m.replaces, strings.TrimSpace(old)+" => "+strings.Join(tf, " "))
	}
}

// LocateCheckout returns the directory at or above start whose go.mod
// declares module, or "" when there is none: the local Upwards checkout a
// new plugin builds against.
func LocateCheckout(start, module string) string {
	dir, err := filepath.Abs(start)
	if err != nil {
		return ""
	}
	for {
		if m, err := readMod(dir); err == nil && m.module == module {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}
