package identity

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit"
)

// NewUser is one account of CreateUsers.
type NewUser struct {
	Email, Name string
}

// CreateUsers creates generated accounts that share one password, hashing
// it once (an argon2id hash costs tens of milliseconds; the demo install
// makes hundreds of staff accounts). Every account is validated and audited
// as by CreateUser; all are created or none. Meant for generated accounts
// (the demo), whose shared password makes a shared hash no weaker.
func (s *Service) CreateUsers(ctx context.Context, tenantID uint, users []NewUser, password string) ([]User, error) {
	out := make([]User, 0, len(users))
	now := s.now()
	for _, nu := range users {
		email, name := normalizeEmail(nu.Email), strings.TrimSpace(nu.Name)
		if err := validateEmail(email); err != nil {
			return nil, err
		}
		if err := validateName(name); err != nil {
			return nil, err
		}
		if err := validatePassword(password, email, name); err != nil {
			return nil, err
		}
		out = append(out, User{TenantID: tenantID, Email: email, Name: name, CreatedAt: now, UpdatedAt: now})
	}
	if len(out) == 0 {
		return out, nil
	}
	hash, err := HashPassword(password, s.opts.Argon)
	if err != nil {
		return nil, fmt.Errorf("create users: %w", err)
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for i := range out {
			out[i].PasswordHash = hash
			if err := tx.Create(&out[i]).Error; err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, audit.Change{TenantID: tenantID, Action: "user.create", EntityType: "user",
				EntityID: idString(out[i].ID), After: out[i].view()}); err != nil {
				return err
			}
		}
		return nil
	})
	switch {
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return nil, fmt.Errorf("create users: %w", ErrConflict)
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return nil, fmt.Errorf("create users: tenant %d: %w", tenantID, ErrNotFound)
	case err != nil:
		return nil, fmt.Errorf("create users: %w", err)
	}
	return out, nil
}
