package identity

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/validation"
)

// APITokenPrefix starts every API token, so leaked tokens are recognisable.
const APITokenPrefix = "upw_"

const maxTokenNameLen = 100

// CreateAPIToken issues a read-write bearer token for every API area, valid
// for ttl (0: DefaultTokenTTL). See CreateScopedAPIToken.
func (s *Service) CreateAPIToken(ctx context.Context, tenantID, userID uint, name string, ttl time.Duration) (string, APIToken, error) {
	return s.CreateScopedAPIToken(ctx, tenantID, userID, TokenSpec{Name: name, TTL: ttl, Scope: TokenWrite})
}

// CreateScopedAPIToken issues a bearer token for a user of tenantID as spec
// says. Every token expires (at most MaxTokenTTL after it is made). The
// token is returned once and only its hash is kept.
func (s *Service) CreateScopedAPIToken(ctx context.Context, tenantID, userID uint, spec TokenSpec) (string, APIToken, error) {
	name := strings.TrimSpace(spec.Name)
	ttl := spec.TTL
	if ttl == 0 {
		ttl = DefaultTokenTTL
	}
	switch {
	case name == "":
		return "", APIToken{}, invalid("name", "is required")
	case utf8.RuneCountInString(name) > maxTokenNameLen:
		return "", APIToken{}, invalid("name", fmt.Sprintf("must be at most %d characters", maxTokenNameLen))
	case validation.NameProblem(name) != "":
		return "", APIToken{}, invalid("name", validation.NameProblem(name))
	case ttl < 0:
		return "", APIToken{}, invalid("ttl", "must not be negative")
	case ttl > MaxTokenTTL:
		return "", APIToken{}, invalid("ttl", "must be at most 365 days")
	case spec.Scope != TokenRead && spec.Scope != TokenWrite:
		return "", APIToken{}, invalid("scope", "must be read or write")
	}
	areas, err := tokenAreas(spec.Areas)
	if err != nil {
		return "", APIToken{}, err
	}
	secret, err := randomToken(tokenBytes)
	if err != nil {
		return "", APIToken{}, fmt.Errorf("create api token: %w", err)
	}
	token := APITokenPrefix + secret
	now := s.now()
	exp := now.Add(ttl)
	t := APIToken{TenantID: tenantID, UserID: userID, Name: name, Prefix: secret[:8], TokenHash: hashToken(token),
		CreatedAt: now, ExpiresAt: &exp, Scope: spec.Scope, Areas: areas}
	err = s.db.For(ctx, tenantID).Transaction(func(tx *gorm.DB) error {
		u, err := s.getUser(tx, tenantID, userID)
		if err != nil {
			return fmt.Errorf("user %d: %w", userID, err)
		}
		if u.Disabled() {
			return ErrDisabled
		}
		if err := tx.Create(&t).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{TenantID: tenantID, Action: "apitoken.create", EntityType: "api_token",
			EntityID: idString(t.ID), After: t})
	})
	if err != nil {
		return "", APIToken{}, fmt.Errorf("create api token: %w", err)
	}
	return token, t, nil
}

// UserByAPIToken returns the user a bearer token acts for and the token.
// An unknown, revoked or expired token is ErrNotFound; a disabled user's
// token an error matching both ErrNotFound and ErrDisabled. last_used_at is
// written at most once a minute.
func (s *Service) UserByAPIToken(ctx context.Context, token string) (User, APIToken, error) {
	secret, ok := strings.CutPrefix(token, APITokenPrefix)
	if !ok || !isBase64URL(secret) {
		return User{}, APIToken{}, fmt.Errorf("api token: %w", ErrNotFound)
	}
	db := s.db.WithContext(ctx)
	now := s.now()
	var t APIToken
	err := db.Where("token_hash = ?", hashToken(token)).Take(&t).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && !t.Active(now)) {
		return User{}, APIToken{}, fmt.Errorf("api token: %w", ErrNotFound)
	}
	if err != nil {
		return User{}, APIToken{}, fmt.Errorf("load api token: %w", err)
	}
	u, err := s.getUser(db, t.TenantID, t.UserID)
	if err != nil {
		return User{}, APIToken{}, fmt.Errorf("api token user: %w", err)
	}
	if u.Disabled() {
		return User{}, APIToken{}, fmt.Errorf("api token: %w", errGoneDisabled)
	}
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= refreshEvery {
		err := db.Model(&APIToken{}).
			Where("id = ? AND (last_used_at IS NULL OR last_used_at <= ?)", t.ID, now.Add(-refreshEvery)).
			Update("last_used_at", now).Error
		if err != nil {
			return User{}, APIToken{}, fmt.Errorf("touch api token %d: %w", t.ID, err)
		}
		t.LastUsedAt = &now
	}
	return u, t, nil
}

// ListAPITokens returns the user's tokens, revoked and expired ones
// included, oldest first.
func (s *Service) ListAPITokens(ctx context.Context, tenantID, userID uint) ([]APIToken, error) {
	out := []APIToken{}
	err := s.db.For(ctx, tenantID).Where("tenant_id = ? AND user_id = ?", tenantID, userID).Order("id").Find(&out).Error
	if err != nil {
		return nil, fmt.Errorf("list api tokens of user %d: %w", userID, err)
	}
	return out, nil
}

// RevokeAPIToken revokes a token of the user. Revoking a revoked token is a
// no-op; a token of another user or tenant is ErrNotFound.
func (s *Service) RevokeAPIToken(ctx context.Context, tenantID, userID, tokenID uint) error {
	err := s.db.For(ctx, tenantID).Transaction(func(tx *gorm.DB) error {
		var t APIToken
		err := s.forUpdate(tx).Where("id = ? AND tenant_id = ? AND user_id = ?", tokenID, tenantID, userID).Take(&t).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if t.RevokedAt != nil {
			return nil
		}
		before := t
		now := s.now()
		t.RevokedAt = &now
		if err := tx.Model(&APIToken{}).Where("id = ?", t.ID).Update("revoked_at", now).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{TenantID: tenantID, Action: "apitoken.revoke", EntityType: "api_token",
			EntityID: idString(t.ID), Before: before, After: t})
	})
	if err != nil {
		return fmt.Errorf("revoke api token %d: %w", tokenID, err)
	}
	return nil
}
