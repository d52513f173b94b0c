package app

import (
	"context"
	"fmt"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/sealed"
	"github.com/challengepartners/upwards/core/storage"
)

// totpKeyLabel derives the key sealing users' TOTP secrets from the master key.
const totpKeyLabel = "upwards identity totp v1"

// newIdentity builds the identity service: TOTP secrets are sealed under a
// key derived from the install's master key, and a user counts as an
// administrator (for the tenant's second-factor requirement) if they may
// grant roles or change the tenant's settings anywhere in it.
func newIdentity(a *App, db *storage.DB, master []byte) (*identity.Service, error) {
	key, err := sealed.DeriveKey(master, totpKeyLabel)
	if err != nil {
		return nil, fmt.Errorf("totp key: %w", err)
	}
	box, err := sealed.New(key)
	if err != nil {
		return nil, fmt.Errorf("totp box: %w", err)
	}
	cfg := a.Config
	o := identity.DefaultOptions()
	o.SessionTTL, o.LoginLimit, o.LoginWindow = cfg.SessionTTL, cfg.LoginLimit, cfg.LoginWindow
	o.Sealer = box
	o.IsAdministrator = func(ctx context.Context, tenantID, userID uint) (bool, error) {
		if a.Authz == nil {
			return false, fmt.Errorf("permissions not loaded")
		}
		for _, p := range []string{authz.PermRoleGrant, authz.PermTenantWrite} {
			ok, err := a.Authz.CanSomewhere(ctx, tenantID, userID, p)
			if err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	}
	return identity.NewService(db, o), nil
}
