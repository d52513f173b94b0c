// Package research helps a plugin export data for a research project
// without identifying pupils: it replaces identifiers by keyed pseudonyms
// and writes, beside the CSV data file, a data dictionary describing every
// column. It imports nothing from the core.
//
// Pseudonyms. A Pseudonymiser holds a key derived with HKDF-SHA-256 from a
// secret and the research project's id, and maps an identifier to the
// HMAC-SHA-256 of (domain, identifier) under that key, truncated to 128
// bits and written as 32 hex digits. The same pupil gets the same pseudonym
// in every file of one project, so the files join; two projects get
// unrelated pseudonyms for the same pupil, so their files do not. Without the
// secret a pseudonym cannot be reversed or recomputed (unlike a bare hash of
// an id, which anyone can recompute over all ids). Keep the secret out of
// the export and out of logs; whoever holds it and the original ids can
// re-identify the data. The domain ("pupil", "school") keeps pupil 5 and
// school 5 apart.
//
// Data files. A Dataset declares its columns (name, type, description,
// allowed values, whether pseudonymised); Create writes NAME.csv and the
// dictionary NAME.dictionary.csv and NAME.dictionary.md beside it, and the
// Writer refuses a row whose columns are not exactly those declared or whose
// values do not fit, naming the column but never the value.
package research

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strings"
)

// MinSecretLen is the shortest project secret accepted, in bytes.
const MinSecretLen = 32

// keyInfo separates these keys from any other use of the same secret.
const keyInfo = "upwards research pseudonym v1\x00"

// Pseudonymiser maps identifiers to pseudonyms for one research project.
// It is safe for concurrent use.
type Pseudonymiser struct {
	project string
	key     []byte
}

// NewPseudonymiser derives the project's key from secret (at least
// MinSecretLen random bytes, kept by the operator) and projectID.
func NewPseudonymiser(secret []byte, projectID string) (*Pseudonymiser, error) {
	if len(secret) < MinSecretLen {
		return nil, fmt.Errorf("research: the project secret must be at least %d bytes, got %d", MinSecretLen, len(secret))
	}
	projectID = strings.TrimSpace(projectID)
	if projectID == "" {
		return nil, errors.New("research: a project id is required")
	}
	key, err := hkdf.Key(sha256.New, secret, nil, keyInfo+projectID, sha256.Size)
	if err != nil {
		return nil, fmt.Errorf("research: derive the key of project %q: %w", projectID, err)
	}
	return &Pseudonymiser{project: projectID, key: key}, nil
}

// Project is the research project the pseudonyms belong to.
func (p *Pseudonymiser) Project() string { return p.project }

// Pseudonym returns the pseudonym of id in domain (e.g. "pupil"): 32
// lowercase hex digits, the same for the same (domain, id) in this project.
func (p *Pseudonymiser) Pseudonym(domain, id string) string {
	var mac hash.Hash = hmac.New(sha256.New, p.key)
	// Length-prefix the domain so that ("ab", "c") and ("a", "bc") differ.
	fmt.Fprintf(mac, "%d:%s", len(domain), domain)
	mac.Write([]byte(id))
	return hex.EncodeToString(mac.Sum(nil)[:16])
}
