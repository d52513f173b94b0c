package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/validation"
)

const (
	tokenBytes  = 32
	tokenLen    = 43 // base64url (unpadded) length of 32 bytes
	maxEmailLen = 254
	maxNameLen  = 200
)

// randomToken returns n random bytes as unpadded base64url.
func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// hashToken is what the database keeps of a secret token: hex(sha256(token)).
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// isBase64URL reports whether s is exactly a tokenBytes-long base64url token.
func isBase64URL(s string) bool {
	if len(s) != tokenLen {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

// normalizeEmail is the form emails are stored and looked up in.
func normalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// validateEmail accepts a bare address (no display name) as net/mail parses it.
func validateEmail(email string) error {
	if email == "" {
		return invalid("email", "is required")
	}
	if len(email) > maxEmailLen {
		return invalid("email", fmt.Sprintf("must be at most %d characters", maxEmailLen))
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Name != "" || a.Address != email {
		return invalid("email", "is not a valid email address")
	}
	return nil
}

func validateName(name string) error {
	if name == "" {
		return invalid("name", "is required")
	}
	if utf8.RuneCountInString(name) > maxNameLen {
		return invalid("name", fmt.Sprintf("must be at most %d characters", maxNameLen))
	}
	if p := validation.NameProblem(name); p != "" {
		return invalid("name", p)
	}
	return nil
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// escapeLike escapes LIKE wildcards for use with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func idString(id uint) string { return strconv.FormatUint(uint64(id), 10) }

// forUpdate locks the selected rows on PostgreSQL; SQLite transactions here
// already hold the write lock (_txlock=immediate).
func (s *Service) forUpdate(tx *gorm.DB) *gorm.DB {
	if s.db.Dialect == storage.Postgres {
		return tx.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return tx
}
