package identity

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Token scopes: what an API token may do.
const (
	// TokenRead allows only safe requests (GET, HEAD).
	TokenRead = "read"
	// TokenWrite allows every request its user's permissions allow.
	TokenWrite = "write"
)

// Token lifetimes.
const (
	// DefaultTokenTTL is how long a token lives when no lifetime is asked for.
	DefaultTokenTTL = 90 * 24 * time.Hour
	// MaxTokenTTL is the longest a token may live.
	MaxTokenTTL = 365 * 24 * time.Hour
)

// TokenSpec describes a token to create.
type TokenSpec struct {
	Name string
	// TTL is the token's life; 0 is DefaultTokenTTL.
	TTL time.Duration
	// Scope is TokenRead or TokenWrite.
	Scope string
	// Areas are the API areas (e.g. "units", "pupils") the token may use;
	// empty is every area. The web layer checks them against its routes.
	Areas []string
}

// tokenAreas validates areas and joins them, sorted and without repeats.
func tokenAreas(areas []string) (string, error) {
	out := make([]string, 0, len(areas))
	for _, a := range areas {
		a = strings.TrimSpace(a)
		if a == "" || len(a) > 32 || strings.Trim(a, "abcdefghijklmnopqrstuvwxyz-") != "" {
			return "", invalid("areas", fmt.Sprintf("%q is not an API area", a))
		}
		out = append(out, a)
	}
	slices.Sort(out)
	joined := strings.Join(slices.Compact(out), ",")
	if len(joined) > 200 {
		return "", invalid("areas", "too many areas")
	}
	return joined, nil
}

// AreaList returns the areas the token may use; nil means every area.
func (t APIToken) AreaList() []string {
	if t.Areas == "" {
		return nil
	}
	return strings.Split(t.Areas, ",")
}

// AllowsArea reports whether the token may use the API area.
func (t APIToken) AllowsArea(area string) bool {
	return t.Areas == "" || slices.Contains(t.AreaList(), area)
}

// ReadOnly reports whether the token may only read.
func (t APIToken) ReadOnly() bool { return t.Scope == TokenRead }

// revokeUserTokens revokes every live API token of the user, in tx: a
// password change or reset must not leave a token minted under the old one.
func revokeUserTokens(tx *gorm.DB, userID uint, now time.Time) error {
	err := tx.Model(&APIToken{}).Where("user_id = ? AND revoked_at IS NULL", userID).Update("revoked_at", now).Error
	if err != nil {
		return fmt.Errorf("revoke api tokens of user %d: %w", userID, err)
	}
	return nil
}
