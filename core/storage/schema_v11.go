package storage

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Schema version 11: sign-in with OpenID Connect (core/identity).
// oidc_providers holds each tenant's identity providers (Microsoft Entra ID,
// Google, ...); the client secret is sealed (AES-256-GCM under the install's
// key), never stored in clear. oidc_login_states holds a sign-in between the
// redirect to the provider and its return: the hash of the state (the raw
// value lives only in the browser's cookie and the provider's redirect), the
// nonce and the PKCE verifier. Each row is used once and lives minutes.
type (
	v11OIDCProvider struct {
		ID       uint     `gorm:"primaryKey"`
		TenantID uint     `gorm:"not null;uniqueIndex:idx_oidc_providers_tenant_name,priority:1"`
		Tenant   v1Tenant `gorm:"constraint:OnDelete:CASCADE"`
		Name     string   `gorm:"size:100;not null;uniqueIndex:idx_oidc_providers_tenant_name,priority:2"`
		Issuer   string   `gorm:"size:500;not null"`
		ClientID string   `gorm:"size:255;not null"`
		// ClientSecret is sealed with context "oidc.client_secret".
		ClientSecret []byte `gorm:"not null"`
		// AllowedDomains is a space-separated list of lowercased email domains.
		AllowedDomains string `gorm:"type:text;not null;default:''"`
		AllowSignup    bool   `gorm:"not null;default:false"`
		CreatedAt      time.Time
		UpdatedAt      time.Time
	}
	v11OIDCLoginState struct {
		ID           string          `gorm:"primaryKey;size:64"` // sha256 hex of the state
		TenantID     uint            `gorm:"not null;index"`
		Tenant       v1Tenant        `gorm:"constraint:OnDelete:CASCADE"`
		ProviderID   uint            `gorm:"not null;index"`
		Provider     v11OIDCProvider `gorm:"constraint:OnDelete:CASCADE"`
		Nonce        string          `gorm:"size:64;not null"`
		CodeVerifier string          `gorm:"size:128;not null"`
		RedirectURI  string          `gorm:"size:500;not null"`
		Next         string          `gorm:"size:2000;not null;default:'/'"`
		CreatedAt    time.Time       `gorm:"not null"`
		ExpiresAt    time.Time       `gorm:"not null;index"`
	}
)

func (v11OIDCProvider) TableName() string   { return "oidc_providers" }
func (v11OIDCLoginState) TableName() string { return "oidc_login_states" }

func v11Up(tx *gorm.DB, _ Dialect) error {
	if err := tx.Migrator().CreateTable(&v11OIDCProvider{}); err != nil {
		return fmt.Errorf("create oidc_providers: %w", err)
	}
	if err := tx.Migrator().CreateTable(&v11OIDCLoginState{}); err != nil {
		return fmt.Errorf("create oidc_login_states: %w", err)
	}
	return nil
}

func v11Down(tx *gorm.DB, _ Dialect) error {
	if err := tx.Migrator().DropTable(&v11OIDCLoginState{}); err != nil {
		return fmt.Errorf("drop oidc_login_states: %w", err)
	}
	if err := tx.Migrator().DropTable(&v11OIDCProvider{}); err != nil {
		return fmt.Errorf("drop oidc_providers: %w", err)
	}
	return nil
}
