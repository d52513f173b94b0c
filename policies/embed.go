// Package policies holds Upwards' Casbin model and the core role→permission
// policy, embedded in the binary so core/authz needs no files at run time.
// The design and the file formats are described in docs/authz.md.
package policies

import (
	"embed"
	"io/fs"
)

// File names inside Files().
const (
	ModelFile      = "model.conf"
	CorePolicyFile = "core_policy.csv"
)

//go:embed model.conf core_policy.csv
var files embed.FS

//go:embed model.conf
var model string

//go:embed core_policy.csv
var corePolicy string

// Files returns the embedded files (ModelFile, CorePolicyFile), e.g. for an
// operator command that prints them.
func Files() fs.FS { return files }

// Model returns the text of model.conf, the Casbin model.
func Model() string { return model }

// CorePolicy returns the text of core_policy.csv: one Casbin policy line per
// row ("g, <role>, <permission>, *"), with "#" comments and blank lines.
func CorePolicy() string { return corePolicy }
