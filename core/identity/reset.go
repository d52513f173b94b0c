package identity

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit"
)

// passwordReset is one "forgot password" request (table password_resets).
// A request for an unknown or disabled address has no user and no token but
// is kept all the same, so that the rate limits count it.
type passwordReset struct {
	ID        uint `gorm:"primaryKey"`
	TenantID  uint
	UserID    *uint
	Email     string
	IP        string `gorm:"column:ip"`
	TokenHash *string
	CreatedAt time.Time
	ExpiresAt *time.Time
	UsedAt    *time.Time
}

func (passwordReset) TableName() string { return "password_resets" }

// ResetDeliverer sends the reset link for token to u, queuing its mail in
// tx so that the request and its mail are written together or not at all.
type ResetDeliverer func(ctx context.Context, tx *gorm.DB, u User, token string) error

// RequestPasswordReset records a reset request for email in tenantID from
// ip. If the address belongs to an enabled user, a one-time token (valid
// for ResetTTL; only its hash is kept) is made and handed to deliver in the
// same transaction. Whether the address is known is never returned: the
// caller must answer the same either way. ErrRateLimited when the address
// has had ResetLimit requests, or the IP ResetIPLimit, within ResetWindow.
func (s *Service) RequestPasswordReset(ctx context.Context, tenantID uint, email, ip string, deliver ResetDeliverer) error {
	email = truncate(normalizeEmail(email), maxEmailLen)
	ip = truncate(ip, 64)
	if err := validateEmail(email); err != nil {
		return err
	}
	now := s.now()
	since := now.Add(-s.opts.ResetWindow)
	db := s.db.WithContext(ctx)
	var byEmail, byIP int64
	if err := db.Model(&passwordReset{}).Where("tenant_id = ? AND email = ? AND created_at > ?", tenantID, email, since).
		Count(&byEmail).Error; err != nil {
		return fmt.Errorf("password reset: count requests: %w", err)
	}
	if ip != "" {
		if err := db.Model(&passwordReset{}).Where("ip = ? AND created_at > ?", ip, since).Count(&byIP).Error; err != nil {
			return fmt.Errorf("password reset: count requests: %w", err)
		}
	}
	if byEmail >= int64(s.opts.ResetLimit) || byIP >= int64(s.opts.ResetIPLimit) {
		return fmt.Errorf("password reset: %w", ErrRateLimited)
	}
	row := passwordReset{TenantID: tenantID, Email: email, IP: ip, CreatedAt: now}
	var u User
	err := db.Where("tenant_id = ? AND email = ?", tenantID, email).Take(&u).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
	case err != nil:
		return fmt.Errorf("password reset: load user: %w", err)
	}
	known := err == nil && !u.Disabled()
	token, err := randomToken(tokenBytes)
	if err != nil {
		return fmt.Errorf("password reset: %w", err)
	}
	if known {
		h, exp := hashToken(token), now.Add(s.opts.ResetTTL)
		uid := u.ID
		row.UserID, row.TokenHash, row.ExpiresAt = &uid, &h, &exp
	}
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		if !known {
			return nil
		}
		if err := deliver(ctx, tx, u, token); err != nil {
			return fmt.Errorf("deliver: %w", err)
		}
		return audit.Record(ctx, tx, audit.Change{TenantID: tenantID, Action: "user.password_reset_request", EntityType: "user",
			EntityID: idString(u.ID), After: map[string]any{"expires_at": row.ExpiresAt}})
	})
	if err != nil {
		return fmt.Errorf("password reset request: %w", err)
	}
	return nil
}

// IssueResetToken makes a one-time reset token for the user without any
// rate limit or mail: for the operator's command line. The caller shows it.
func (s *Service) IssueResetToken(ctx context.Context, tenantID, userID uint) (string, time.Time, error) {
	u, err := s.GetUser(ctx, tenantID, userID)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("issue reset token: %w", err)
	}
	if u.Disabled() {
		return "", time.Time{}, fmt.Errorf("issue reset token: %w", ErrDisabled)
	}
	token, err := randomToken(tokenBytes)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("issue reset token: %w", err)
	}
	now := s.now()
	h, exp, uid := hashToken(token), now.Add(s.opts.ResetTTL), u.ID
	row := passwordReset{TenantID: tenantID, UserID: &uid, Email: u.Email, TokenHash: &h, CreatedAt: now, ExpiresAt: &exp}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{TenantID: tenantID, Action: "user.password_reset_issue", EntityType: "user",
			EntityID: idString(u.ID), After: map[string]any{"expires_at": exp}})
	})
	if err != nil {
		return "", time.Time{}, fmt.Errorf("issue reset token for user %d: %w", u.ID, err)
	}
	return token, exp, nil
}

// CheckResetToken returns the user a live (unused, unexpired) reset token
// belongs to, or ErrNotFound.
func (s *Service) CheckResetToken(ctx context.Context, token string) (User, error) {
	r, err := s.liveReset(s.db.WithContext(ctx), token)
	if err != nil {
		return User{}, fmt.Errorf("reset token: %w", err)
	}
	u, err := s.getUser(s.db.WithContext(ctx), r.TenantID, *r.UserID)
	if err != nil {
		return User{}, fmt.Errorf("reset token: %w", err)
	}
	return u, nil
}

func (s *Service) liveReset(q *gorm.DB, token string) (passwordReset, error) {
	if !isBase64URL(token) {
		return passwordReset{}, ErrNotFound
	}
	var r passwordReset
	err := q.Where("token_hash = ? AND used_at IS NULL AND expires_at > ? AND user_id IS NOT NULL", hashToken(token), s.now()).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return passwordReset{}, ErrNotFound
	}
	return r, err
}

// ResetPassword sets a new password with a reset token, which then works no
// more (nor does any other outstanding token of the user). Every session of
// the user ends and every API token is revoked. The new password must pass
// the same checks as any other.
func (s *Service) ResetPassword(ctx context.Context, token, newPassword string) (User, error) {
	u, err := s.CheckResetToken(ctx, token)
	if err != nil {
		return User{}, fmt.Errorf("reset password: %w", err)
	}
	if u.Disabled() {
		return User{}, fmt.Errorf("reset password: %w", ErrDisabled)
	}
	if err := validatePassword(newPassword, u.Email, u.Name); err != nil {
		return User{}, err
	}
	hash, err := HashPassword(newPassword, s.opts.Argon)
	if err != nil {
		return User{}, fmt.Errorf("reset password: %w", err)
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		// Conditional: of two uses of one token, one wins.
		res := tx.Model(&passwordReset{}).Where("token_hash = ? AND used_at IS NULL AND expires_at > ?", hashToken(token), now).
			Update("used_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrNotFound
		}
		if err := tx.Model(&passwordReset{}).Where("user_id = ? AND used_at IS NULL AND token_hash IS NOT NULL", u.ID).
			Update("used_at", now).Error; err != nil {
			return fmt.Errorf("spend other reset tokens: %w", err)
		}
		if err := tx.Model(&User{}).Where("id = ?", u.ID).Updates(map[string]any{"password_hash": hash, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", u.ID).Delete(&Session{}).Error; err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		if err := revokeUserTokens(tx, u.ID, now); err != nil {
			return err
		}
		before := u.view()
		u.UpdatedAt = now
		return audit.Record(ctx, tx, audit.Change{TenantID: u.TenantID, Action: "user.password_reset", EntityType: "user",
			EntityID: idString(u.ID), Before: before, After: u.view()})
	})
	if err != nil {
		return User{}, fmt.Errorf("reset password of user %d: %w", u.ID, err)
	}
	return u, nil
}

// SetPassword sets the user's password without the old one (an operator's
// command line), ending every session and revoking every API token.
func (s *Service) SetPassword(ctx context.Context, tenantID, userID uint, newPassword string) error {
	token, _, err := s.IssueResetToken(ctx, tenantID, userID)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if _, err := s.ResetPassword(ctx, token, newPassword); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return nil
}
