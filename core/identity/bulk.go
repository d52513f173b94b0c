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
	err = s.db.For(ctx, tenantID).Transaction(func(tx *gorm.DB) error { return insertUsers(ctx, tx, tenantID, out, hash) })
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

// insertUsers inserts and audits users (validated) with password hash hash, in tx.
func insertUsers(ctx context.Context, tx *gorm.DB, tenantID uint, users []User, hash string) error {
	for i := range users {
		users[i].PasswordHash = hash
		if err := tx.Create(&users[i]).Error; err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, audit.Change{TenantID: tenantID, Action: "user.create", EntityType: "user",
			EntityID: idString(users[i].ID), After: users[i].view()}); err != nil {
			return err
		}
	}
	return nil
}

// CreateUsersIn creates the accounts as CreateUsers does, inside the
// caller's transaction tx, so they commit or roll back with the caller's
// other writes (the staff import grants their roles in the same
// transaction). Each account is validated first: the first invalid one is a
// *ValidationError and nothing is written; an email taken is ErrConflict.
func (s *Service) CreateUsersIn(ctx context.Context, tx *gorm.DB, tenantID uint, users []NewUser, password string) ([]User, error) {
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
		out = append(out, User{TenantID: tenantID, Email: email, Name: name, CreatedAt: now, UpdatedAt: now})
	}
	// One password for all (the demo's, or an import's random one): checked
	// once, without any one user's name and email.
	if err := validatePassword(password, "", ""); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	hash, err := HashPassword(password, s.opts.Argon)
	if err != nil {
		return nil, fmt.Errorf("create users: %w", err)
	}
	err = insertUsers(ctx, tx, tenantID, out, hash)
	switch {
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return nil, fmt.Errorf("create users: %w", ErrConflict)
	case err != nil:
		return nil, fmt.Errorf("create users: %w", err)
	}
	return out, nil
}

// EmailsTaken returns which of emails (normalised as accounts store them)
// another user of the tenant already has.
func (s *Service) EmailsTaken(ctx context.Context, tenantID uint, emails []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(emails) == 0 {
		return out, nil
	}
	norm := make([]string, len(emails))
	for i, e := range emails {
		norm[i] = normalizeEmail(e)
	}
	var taken []string
	if err := s.db.For(ctx, tenantID).Model(&User{}).Where("tenant_id = ? AND email IN ?", tenantID, norm).Pluck("email", &taken).Error; err != nil {
		return nil, fmt.Errorf("look up emails: %w", err)
	}
	for _, e := range taken {
		out[e] = true
	}
	return out, nil
}

// NormalizeEmail is an email as accounts store it (trimmed, lower case).
func NormalizeEmail(email string) string { return normalizeEmail(email) }

// CheckNewUser validates an account's email and name as CreateUser does,
// without writing: a *ValidationError on "email" or "name", or nil.
func CheckNewUser(email, name string) error {
	if err := validateEmail(normalizeEmail(email)); err != nil {
		return err
	}
	return validateName(strings.TrimSpace(name))
}
