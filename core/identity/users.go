package identity

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit"
)

// CreateUser adds a user to tenantID. The email is trimmed and lowercased;
// a duplicate within the tenant is ErrConflict, invalid input a *ValidationError.
func (s *Service) CreateUser(ctx context.Context, tenantID uint, email, name, password string, operator bool) (User, error) {
	email = normalizeEmail(email)
	name = strings.TrimSpace(name)
	if err := validateEmail(email); err != nil {
		return User{}, err
	}
	if err := validateName(name); err != nil {
		return User{}, err
	}
	if err := validatePassword(password, email, name); err != nil {
		return User{}, err
	}
	hash, err := HashPassword(password, s.opts.Argon)
	if err != nil {
		return User{}, fmt.Errorf("create user: %w", err)
	}
	now := s.now()
	u := User{TenantID: tenantID, Email: email, Name: name, PasswordHash: hash, IsOperator: operator, CreatedAt: now, UpdatedAt: now}
	err = s.db.For(ctx, tenantID).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&u).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{TenantID: tenantID, Action: "user.create", EntityType: "user",
			EntityID: idString(u.ID), After: u.view()})
	})
	switch {
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return User{}, fmt.Errorf("create user: %w", ErrConflict)
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return User{}, fmt.Errorf("create user: tenant %d: %w", tenantID, ErrNotFound)
	case err != nil:
		return User{}, fmt.Errorf("create user: %w", err)
	}
	return u, nil
}

// GetUser returns user id of tenantID (a user of another tenant is ErrNotFound).
func (s *Service) GetUser(ctx context.Context, tenantID, id uint) (User, error) {
	u, err := s.getUser(s.db.For(ctx, tenantID), tenantID, id)
	if err != nil {
		return User{}, fmt.Errorf("get user %d: %w", id, err)
	}
	return u, nil
}

func (s *Service) getUser(q *gorm.DB, tenantID, id uint) (User, error) {
	var u User
	err := q.Where("tenant_id = ? AND id = ?", tenantID, id).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, ErrNotFound
	}
	return u, err
}

// UserByEmail returns the user of tenantID with email (compared trimmed and lowercased).
func (s *Service) UserByEmail(ctx context.Context, tenantID uint, email string) (User, error) {
	var u User
	err := s.db.For(ctx, tenantID).Where("tenant_id = ? AND email = ?", tenantID, normalizeEmail(email)).Take(&u).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return User{}, fmt.Errorf("user by email: %w", ErrNotFound)
	}
	if err != nil {
		return User{}, fmt.Errorf("user by email: %w", err)
	}
	return u, nil
}

// ListUsers returns one page of tenantID's users ordered by email, and the
// total matching. q, if not empty, matches a part of the email or the name,
// case-insensitively. limit defaults to 50 and is at most 500.
func (s *Service) ListUsers(ctx context.Context, tenantID uint, q string, limit, offset int) ([]User, int64, error) {
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	offset = max(offset, 0)
	query := s.db.For(ctx, tenantID).Model(&User{}).Where("tenant_id = ?", tenantID)
	if q = strings.TrimSpace(q); q != "" {
		p := "%" + escapeLike(strings.ToLower(q)) + "%"
		query = query.Where(`(LOWER(email) LIKE ? ESCAPE '\' OR LOWER(name) LIKE ? ESCAPE '\')`, p, p)
	}
	var total int64
	if err := query.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count users: %w", err)
	}
	out := []User{}
	if err := query.Order("email, id").Limit(limit).Offset(offset).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("list users: %w", err)
	}
	return out, total, nil
}

// UpdateUser sets the user's name and whether it is disabled. Disabling ends
// all of the user's sessions and is audited as "user.disable"; any other
// change as "user.update". An unchanged user is neither written nor audited.
func (s *Service) UpdateUser(ctx context.Context, tenantID, id uint, name string, disabled bool) (User, error) {
	name = strings.TrimSpace(name)
	if err := validateName(name); err != nil {
		return User{}, err
	}
	var u User
	err := s.db.For(ctx, tenantID).Transaction(func(tx *gorm.DB) error {
		var err error
		if u, err = s.getUser(s.forUpdate(tx), tenantID, id); err != nil {
			return err
		}
		before := u.view()
		now := s.now()
		action := "user.update"
		changed := false
		if name != u.Name {
			u.Name, changed = name, true
		}
		switch {
		case disabled && u.DisabledAt == nil:
			u.DisabledAt, changed, action = &now, true, "user.disable"
		case !disabled && u.DisabledAt != nil:
			u.DisabledAt, changed = nil, true
		}
		if !changed {
			return nil
		}
		u.UpdatedAt = now
		if err := tx.Model(&User{}).Where("id = ?", u.ID).
			Updates(map[string]any{"name": u.Name, "disabled_at": u.DisabledAt, "updated_at": now}).Error; err != nil {
			return err
		}
		if action == "user.disable" {
			if err := tx.Where("user_id = ?", u.ID).Delete(&Session{}).Error; err != nil {
				return fmt.Errorf("end sessions: %w", err)
			}
		}
		return audit.Record(ctx, tx, audit.Change{TenantID: tenantID, Action: action, EntityType: "user",
			EntityID: idString(u.ID), Before: before, After: u.view()})
	})
	if err != nil {
		return User{}, fmt.Errorf("update user %d: %w", id, err)
	}
	return u, nil
}

// ChangePassword checks oldPassword, sets newPassword, ends every other
// session of the user (all but the one whose cookie token is keepToken; pass
// "" to end them all) and revokes all of the user's API tokens.
func (s *Service) ChangePassword(ctx context.Context, tenantID, userID uint, oldPassword, newPassword, keepToken string) error {
	u, err := s.GetUser(ctx, tenantID, userID)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	if u.Disabled() {
		return fmt.Errorf("change password: %w", ErrDisabled)
	}
	ok, err := VerifyPassword(u.PasswordHash, oldPassword)
	if err != nil {
		return fmt.Errorf("change password of user %d: %w", userID, err)
	}
	if !ok {
		return fmt.Errorf("change password: %w", ErrBadCredentials)
	}
	if err := validatePassword(newPassword, u.Email, u.Name); err != nil {
		return err
	}
	hash, err := HashPassword(newPassword, s.opts.Argon)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	keep := ""
	if keepToken != "" {
		keep = hashToken(keepToken)
	}
	err = s.db.For(ctx, tenantID).Transaction(func(tx *gorm.DB) error {
		now := s.now()
		res := tx.Model(&User{}).Where("id = ? AND tenant_id = ? AND password_hash = ?", u.ID, tenantID, u.PasswordHash).
			Updates(map[string]any{"password_hash": hash, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			// Changed or deleted meanwhile: the old password checked is stale.
			return ErrBadCredentials
		}
		if err := tx.Where("user_id = ? AND id <> ?", u.ID, keep).Delete(&Session{}).Error; err != nil {
			return fmt.Errorf("end other sessions: %w", err)
		}
		if err := revokeUserTokens(tx, u.ID, now); err != nil {
			return err
		}
		before := u.view()
		u.UpdatedAt = now
		return audit.Record(ctx, tx, audit.Change{TenantID: tenantID, Action: "user.password_change", EntityType: "user",
			EntityID: idString(u.ID), Before: before, After: u.view()})
	})
	if err != nil {
		return fmt.Errorf("change password of user %d: %w", userID, err)
	}
	return nil
}
