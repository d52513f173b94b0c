package identity

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit"
)

// Login checks email and password for tenantID and opens a session. It
// returns the cookie token (give it to the client; it is not stored), the
// session and the user.
//
// Every attempt is recorded in login_attempts, so the limit holds across
// nodes. Before the password is looked at, the attempt is refused with
// ErrRateLimited if the email (within the tenant) already has LoginLimit
// failures in LoginWindow since its last successful login, or the address
// already has IPLoginLimit failures in LoginWindow. An unknown email costs
// the same password hashing as a wrong password and yields the same
// ErrBadCredentials. A disabled user with the right password gets ErrDisabled.
// The session may owe a step (Session.Pending): the second factor, or
// setting one up when the tenant requires it (see VerifySecondFactor).
func (s *Service) Login(ctx context.Context, tenantID uint, email, password, ip, userAgent string) (string, Session, User, error) {
	email = truncate(normalizeEmail(email), maxEmailLen)
	ip = truncate(ip, 64)
	userAgent = truncate(userAgent, 300)
	now := s.now()

	// Record first, as a failure until proven otherwise, so concurrent
	// guesses see each other and cannot slip past the limit together.
	att := loginAttempt{TenantID: tenantID, Email: email, IP: ip, CreatedAt: now}
	if err := s.db.WithContext(ctx).Create(&att).Error; err != nil {
		return "", Session{}, User{}, fmt.Errorf("login: record attempt: %w", err)
	}
	limited, err := s.rateLimited(ctx, att)
	if err != nil {
		return "", Session{}, User{}, fmt.Errorf("login: %w", err)
	}
	if limited {
		return "", Session{}, User{}, fmt.Errorf("login: %w", ErrRateLimited)
	}

	var u User
	err = s.db.WithContext(ctx).Where("tenant_id = ? AND email = ?", tenantID, email).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		_, _ = VerifyPassword(s.dummy(), password)
		return "", Session{}, User{}, fmt.Errorf("login: %w", ErrBadCredentials)
	}
	if err != nil {
		return "", Session{}, User{}, fmt.Errorf("login: load user: %w", err)
	}
	ok, err := VerifyPassword(u.PasswordHash, password)
	if err != nil {
		return "", Session{}, User{}, fmt.Errorf("login: user %d: %w", u.ID, err)
	}
	if !ok {
		return "", Session{}, User{}, fmt.Errorf("login: %w", ErrBadCredentials)
	}
	if u.Disabled() {
		return "", Session{}, User{}, fmt.Errorf("login: %w", ErrDisabled)
	}

	var rehash string
	if needsRehash(u.PasswordHash, s.opts.Argon) {
		// Upgrade the stored costs while the password is at hand.
		if rehash, err = HashPassword(password, s.opts.Argon); err != nil {
			return "", Session{}, User{}, fmt.Errorf("login: %w", err)
		}
	}
	token, sess, err := s.newSession(u, ip, userAgent, now)
	if err != nil {
		return "", Session{}, User{}, fmt.Errorf("login: %w", err)
	}
	if sess.Pending, err = s.pendingStep(ctx, u); err != nil {
		return "", Session{}, User{}, fmt.Errorf("login: %w", err)
	}
	actor := audit.ActorFrom(ctx)
	uid := u.ID
	actor.UserID, actor.Label = &uid, u.Email
	if actor.IP == "" {
		actor.IP = ip
	}
	actx := audit.WithActor(ctx, actor)
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(&loginAttempt{}).Where("id = ?", att.ID).Update("success", true).Error; err != nil {
			return fmt.Errorf("record success: %w", err)
		}
		cols := map[string]any{"last_login_at": now}
		if rehash != "" {
			cols["password_hash"] = rehash
		}
		// UpdateColumns: signing in is not an edit, updated_at stays.
		if err := tx.Model(&User{}).Where("id = ?", u.ID).UpdateColumns(cols).Error; err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		if err := tx.Create(&sess).Error; err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		u.LastLoginAt = &now
		if rehash != "" {
			u.PasswordHash = rehash
		}
		return audit.Record(actx, tx, audit.Change{TenantID: tenantID, Action: "user.login", EntityType: "user",
			EntityID: idString(u.ID), After: u.view()})
	})
	if err != nil {
		return "", Session{}, User{}, fmt.Errorf("login of user %d: %w", u.ID, err)
	}
	return token, sess, u, nil
}

// rateLimited counts the failures other than att that lock att out.
func (s *Service) rateLimited(ctx context.Context, att loginAttempt) (bool, error) {
	db := s.db.WithContext(ctx)
	since := att.CreatedAt.Add(-s.opts.LoginWindow)
	limit := int64(s.opts.LoginLimit)

	var lastOK int64
	if err := db.Model(&loginAttempt{}).Select("COALESCE(MAX(id), 0)").
		Where("tenant_id = ? AND email = ? AND success = ?", att.TenantID, att.Email, true).
		Scan(&lastOK).Error; err != nil {
		return false, fmt.Errorf("last successful login: %w", err)
	}
	var n int64
	if err := db.Model(&loginAttempt{}).
		Where("tenant_id = ? AND email = ? AND success = ? AND id > ? AND id <> ? AND created_at > ?",
			att.TenantID, att.Email, false, lastOK, att.ID, since).
		Count(&n).Error; err != nil {
		return false, fmt.Errorf("count failures of account: %w", err)
	}
	if n >= limit {
		return true, nil
	}
	if att.IP == "" {
		return false, nil
	}
	if err := db.Model(&loginAttempt{}).
		Where("ip = ? AND success = ? AND id <> ? AND created_at > ?", att.IP, false, att.ID, since).
		Count(&n).Error; err != nil {
		return false, fmt.Errorf("count failures of address: %w", err)
	}
	return n >= int64(s.opts.IPLoginLimit), nil
}
