package identity

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// refreshEvery is how stale last_seen_at (and an API token's last_used_at)
// may get before a request writes it again.
const refreshEvery = time.Minute

// newSession makes a session for u and the cookie token naming it.
func (s *Service) newSession(u User, ip, userAgent string, now time.Time) (string, Session, error) {
	token, err := randomToken(tokenBytes)
	if err != nil {
		return "", Session{}, err
	}
	csrf, err := randomToken(tokenBytes)
	if err != nil {
		return "", Session{}, err
	}
	return token, Session{
		ID: hashToken(token), UserID: u.ID, TenantID: u.TenantID, CSRFToken: csrf,
		IP: ip, UserAgent: userAgent, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.opts.SessionTTL),
	}, nil
}

// SessionByToken returns the live session named by the cookie token and its
// user, extending the session's life (written at most once a minute). An
// unknown or expired token is ErrNotFound; a disabled user's session is an
// error matching both ErrNotFound and ErrDisabled.
func (s *Service) SessionByToken(ctx context.Context, token string) (Session, User, error) {
	if !isBase64URL(token) {
		return Session{}, User{}, fmt.Errorf("session: %w", ErrNotFound)
	}
	db := s.db.WithContext(ctx)
	now := s.now()
	var sess Session
	err := db.Where("id = ? AND expires_at > ?", hashToken(token), now).Take(&sess).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Session{}, User{}, fmt.Errorf("session: %w", ErrNotFound)
	}
	if err != nil {
		return Session{}, User{}, fmt.Errorf("load session: %w", err)
	}
	u, err := s.getUser(db, sess.TenantID, sess.UserID)
	if err != nil {
		return Session{}, User{}, fmt.Errorf("session user: %w", err)
	}
	if u.Disabled() {
		return Session{}, User{}, fmt.Errorf("session: %w", errGoneDisabled)
	}
	if now.Sub(sess.LastSeenAt) >= refreshEvery {
		exp := now.Add(s.opts.SessionTTL)
		// Conditional, so concurrent requests on several nodes write once.
		err := db.Model(&Session{}).Where("id = ? AND last_seen_at <= ?", sess.ID, now.Add(-refreshEvery)).
			Updates(map[string]any{"last_seen_at": now, "expires_at": exp}).Error
		if err != nil {
			return Session{}, User{}, fmt.Errorf("refresh session: %w", err)
		}
		sess.LastSeenAt, sess.ExpiresAt = now, exp
	}
	return sess, u, nil
}

// Logout ends the session named by the cookie token. Ending an unknown
// session is not an error.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	if err := s.db.WithContext(ctx).Where("id = ?", hashToken(token)).Delete(&Session{}).Error; err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	return nil
}

// PurgeExpired deletes expired sessions, and login attempts, password reset
// requests and second-factor attempts older than 30 days, returning how many rows went. Run it periodically (a scheduled job).
func (s *Service) PurgeExpired(ctx context.Context) (int64, error) {
	now := s.now()
	db := s.db.WithContext(ctx)
	res := db.Where("expires_at <= ?", now).Delete(&Session{})
	if res.Error != nil {
		return 0, fmt.Errorf("purge sessions: %w", res.Error)
	}
	n := res.RowsAffected
	res = db.Where("created_at < ?", now.Add(-30*24*time.Hour)).Delete(&loginAttempt{})
	if res.Error == nil {
		n += res.RowsAffected
		res = db.Where("created_at < ?", now.Add(-30*24*time.Hour)).Delete(&passwordReset{})
	}
	if res.Error == nil {
		n += res.RowsAffected
		res = db.Where("created_at < ?", now.Add(-30*24*time.Hour)).Delete(&secondFactorAttempt{})
	}
	if res.Error != nil {
		return n, fmt.Errorf("purge attempts: %w", res.Error)
	}
	return n + res.RowsAffected, nil
}
