package storage

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Schema version 14: passwords, a second factor and scoped API tokens
// (core/identity).
//
//   - password_resets: one row per "forgot password" request, known address
//     or not (so the rate limits count both); a known address's row holds the
//     SHA-256 of its one-time link token, its expiry and when it was used.
//   - user_totp: a user's TOTP secret, sealed (core/sealed), when it was
//     confirmed, and the last time step accepted (a code is refused again).
//   - user_recovery_codes: the SHA-256 of each one-time recovery code.
//   - second_factor_attempts: each code tried, for rate limiting.
//   - sessions.pending: "" for a full session, "second_factor" while the
//     code is awaited after the password, "enrol" while a user the tenant
//     requires to have a second factor has yet to set one up.
//   - api_tokens.scope ("read" or "write"; existing tokens keep "write") and
//     api_tokens.areas (comma-separated API areas; "" for all).
//   - tenants.require_second_factor: administrators and operators must use
//     a second factor.
type (
	v14PasswordReset struct {
		ID        uint      `gorm:"primaryKey"`
		TenantID  uint      `gorm:"not null"`
		Tenant    v1Tenant  `gorm:"constraint:OnDelete:CASCADE"`
		UserID    *uint     `gorm:"index"`
		User      *v1User   `gorm:"constraint:OnDelete:CASCADE"`
		Email     string    `gorm:"size:254;not null;index:idx_password_resets_email,priority:1"`
		IP        string    `gorm:"column:ip;size:64;not null;default:'';index:idx_password_resets_ip,priority:1"`
		TokenHash *string   `gorm:"size:64;uniqueIndex"`
		CreatedAt time.Time `gorm:"not null;index:idx_password_resets_email,priority:2;index:idx_password_resets_ip,priority:2"`
		ExpiresAt *time.Time
		UsedAt    *time.Time
	}
	v14UserTOTP struct {
		UserID      uint   `gorm:"primaryKey;autoIncrement:false"`
		User        v1User `gorm:"constraint:OnDelete:CASCADE"`
		TenantID    uint   `gorm:"not null;index"`
		Secret      []byte `gorm:"not null"`
		ConfirmedAt *time.Time
		LastStep    int64     `gorm:"not null;default:0"`
		CreatedAt   time.Time `gorm:"not null"`
		UpdatedAt   time.Time `gorm:"not null"`
	}
	v14RecoveryCode struct {
		ID        uint      `gorm:"primaryKey"`
		UserID    uint      `gorm:"not null;index"`
		User      v1User    `gorm:"constraint:OnDelete:CASCADE"`
		TenantID  uint      `gorm:"not null"`
		CodeHash  string    `gorm:"size:64;not null;uniqueIndex"`
		CreatedAt time.Time `gorm:"not null"`
		UsedAt    *time.Time
	}
	v14SecondFactorAttempt struct {
		ID        uint      `gorm:"primaryKey"`
		UserID    uint      `gorm:"not null;index:idx_second_factor_attempts_user,priority:1"`
		User      v1User    `gorm:"constraint:OnDelete:CASCADE"`
		TenantID  uint      `gorm:"not null"`
		Success   bool      `gorm:"not null"`
		CreatedAt time.Time `gorm:"not null;index:idx_second_factor_attempts_user,priority:2"`
	}
	v14Session struct {
		Pending string `gorm:"size:16;not null;default:''"`
	}
	v14APIToken struct {
		Scope string `gorm:"size:8;not null;default:'write'"`
		Areas string `gorm:"size:200;not null;default:''"`
	}
	v14Tenant struct {
		RequireSecondFactor bool `gorm:"not null;default:false"`
	}
)

func (v14PasswordReset) TableName() string       { return "password_resets" }
func (v14UserTOTP) TableName() string            { return "user_totp" }
func (v14RecoveryCode) TableName() string        { return "user_recovery_codes" }
func (v14SecondFactorAttempt) TableName() string { return "second_factor_attempts" }
func (v14Session) TableName() string             { return "sessions" }
func (v14APIToken) TableName() string            { return "api_tokens" }
func (v14Tenant) TableName() string              { return "tenants" }

type v14Column struct {
	model any
	field string
	name  string
}

var v14Columns = []v14Column{
	{&v14Session{}, "Pending", "sessions.pending"},
	{&v14APIToken{}, "Scope", "api_tokens.scope"},
	{&v14APIToken{}, "Areas", "api_tokens.areas"},
	{&v14Tenant{}, "RequireSecondFactor", "tenants.require_second_factor"},
}

var v14Tables = []any{&v14PasswordReset{}, &v14UserTOTP{}, &v14RecoveryCode{}, &v14SecondFactorAttempt{}}

func v14Up(tx *gorm.DB, d Dialect) error {
	for _, t := range v14Tables {
		if err := tx.Migrator().CreateTable(t); err != nil {
			return fmt.Errorf("create %T: %w", t, err)
		}
	}
	for _, c := range v14Columns {
		if err := tx.Migrator().AddColumn(c.model, c.field); err != nil {
			return fmt.Errorf("add %s: %w", c.name, err)
		}
	}
	// The new tables hold tenant_id: under row-level security like every
	// other tenant table since version 12.
	return GuardTenantTables(tx, d)
}

func v14Down(tx *gorm.DB, _ Dialect) error {
	for i := len(v14Columns) - 1; i >= 0; i-- {
		c := v14Columns[i]
		if err := tx.Migrator().DropColumn(c.model, c.field); err != nil {
			return fmt.Errorf("drop %s: %w", c.name, err)
		}
	}
	for i := len(v14Tables) - 1; i >= 0; i-- {
		if err := tx.Migrator().DropTable(v14Tables[i]); err != nil {
			return fmt.Errorf("drop %T: %w", v14Tables[i], err)
		}
	}
	return nil
}
