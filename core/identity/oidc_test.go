package identity_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/sealed"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

func newOIDC(t *testing.T, d storage.Dialect) (*identity.OIDC, *storage.DB, *sealed.Box) {
	t.Helper()
	db := storagetest.Open(t, d)
	key, _ := sealed.ParseKey(sealed.NewKey())
	box, err := sealed.New(key)
	if err != nil {
		t.Fatal(err)
	}
	return identity.NewOIDC(identity.NewService(db, testOptions(newClock())), box, identity.OIDCOptions{}), db, box
}

func goodProvider() identity.OIDCProviderInput {
	return identity.OIDCProviderInput{Name: "Microsoft", Issuer: "https://login.microsoftonline.com/0000/v2.0/",
		ClientID: "app-id", ClientSecret: "the secret", AllowedDomains: "School.org.uk, trust.org.uk\nschool.org.uk"}
}

// A provider is refused, naming the field, for each kind of bad input, and
// nothing is stored; a good one keeps its secret sealed and is audited.
func TestCreateOIDCProviderValidatesAndSealsTheSecret(t *testing.T) {
	for _, d := range storagetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			o, db, box := newOIDC(t, d)
			ctx := context.Background()
			a, b := newTenant(t, db, "a"), newTenant(t, db, "b")
			bad := []struct {
				field string
				edit  func(*identity.OIDCProviderInput)
			}{
				{"name", func(in *identity.OIDCProviderInput) { in.Name = " " }},
				{"name", func(in *identity.OIDCProviderInput) { in.Name = "Micro\u202Esoft" }},
				{"issuer", func(in *identity.OIDCProviderInput) { in.Issuer = "" }},
				{"issuer", func(in *identity.OIDCProviderInput) { in.Issuer = "http://login.example.com" }},
				{"issuer", func(in *identity.OIDCProviderInput) { in.Issuer = "https://login.example.com/?x=1" }},
				{"issuer", func(in *identity.OIDCProviderInput) { in.Issuer = "login.example.com" }},
				{"client_id", func(in *identity.OIDCProviderInput) { in.ClientID = "" }},
				{"client_id", func(in *identity.OIDCProviderInput) { in.ClientID = "a b" }},
				{"client_secret", func(in *identity.OIDCProviderInput) { in.ClientSecret = "  " }},
				{"allowed_domains", func(in *identity.OIDCProviderInput) { in.AllowedDomains = "" }},
				{"allowed_domains", func(in *identity.OIDCProviderInput) { in.AllowedDomains = "school.org.uk localhost" }},
				{"allowed_domains", func(in *identity.OIDCProviderInput) { in.AllowedDomains = "*.school.org.uk" }},
			}
			for _, tc := range bad {
				in := goodProvider()
				tc.edit(&in)
				_, err := o.CreateProvider(ctx, a, in)
				wantValidation(t, err, tc.field)
			}
			if ps, _ := o.ListProviders(ctx, a); len(ps) != 0 {
				t.Fatalf("refused input stored %d providers", len(ps))
			}

			p, err := o.CreateProvider(ctx, a, goodProvider())
			if err != nil {
				t.Fatal(err)
			}
			if p.Issuer != "https://login.microsoftonline.com/0000/v2.0" || p.AllowedDomains != "school.org.uk trust.org.uk" || p.AllowSignup {
				t.Fatalf("stored %+v", p)
			}
			var raw []byte
			if err := db.Raw("SELECT client_secret FROM oidc_providers WHERE id = ?", p.ID).Row().Scan(&raw); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(raw), "the secret") {
				t.Fatal("the client secret is stored in clear")
			}
			if s, err := box.Open(raw, "oidc.client_secret"); err != nil || s != "the secret" {
				t.Fatalf("the sealed secret opens to %q, %v", s, err)
			}
			if _, err := o.CreateProvider(ctx, a, goodProvider()); !errors.Is(err, identity.ErrConflict) {
				t.Fatalf("a second provider of one name: %v", err)
			}
			if _, err := o.CreateProvider(ctx, b, goodProvider()); err != nil {
				t.Fatalf("another tenant may use the name: %v", err)
			}
			evs, _, err := audit.List(ctx, db.DB, a, audit.Filter{Action: "oidc_provider.create"})
			if err != nil || len(evs) != 1 || strings.Contains(evs[0].After, "the secret") {
				t.Fatalf("audit of the creation: %+v %v", evs, err)
			}

			// Tenant isolation: B cannot see or delete A's provider.
			if _, err := o.Provider(ctx, b, p.ID); !errors.Is(err, identity.ErrNotFound) {
				t.Fatalf("tenant B reads A's provider: %v", err)
			}
			if err := o.DeleteProvider(ctx, b, p.ID); !errors.Is(err, identity.ErrNotFound) {
				t.Fatalf("tenant B deletes A's provider: %v", err)
			}
			if _, _, err := o.Begin(ctx, b, p.ID, "https://b.example/login/oidc/callback", "/"); !errors.Is(err, identity.ErrNotFound) {
				t.Fatalf("tenant B starts a sign-in with A's provider: %v", err)
			}
			if err := o.DeleteProvider(ctx, a, p.ID); err != nil {
				t.Fatal(err)
			}
			if ps, _ := o.ListProviders(ctx, a); len(ps) != 0 {
				t.Fatal("deleted provider still listed")
			}
			if evs, _, _ := audit.List(ctx, db.DB, a, audit.Filter{Action: "oidc_provider.delete"}); len(evs) != 1 {
				t.Fatalf("deletion audited %d times", len(evs))
			}
		})
	}
}

// A return naming no sign-in this install started is refused and audited
// against the tenant it reached.
func TestFinishUnknownStateIsRefused(t *testing.T) {
	o, db, _ := newOIDC(t, storage.SQLite)
	ctx := context.Background()
	a := newTenant(t, db, "a")
	for _, state := range []string{"", "short", strings.Repeat("A", 43)} {
		_, err := o.Finish(ctx, identity.FinishInput{State: state, TenantID: a, Code: "x"})
		var r *identity.OIDCRefusal
		if !errors.As(err, &r) || r.Reason != identity.RefuseState || !errors.Is(err, identity.ErrBadCredentials) {
			t.Fatalf("state %q: %v", state, err)
		}
	}
	evs, _, err := audit.List(ctx, db.DB, a, audit.Filter{Action: "user.login_oidc_refused"})
	if err != nil || len(evs) != 3 || !strings.Contains(evs[0].After, `"reason":"state"`) {
		t.Fatalf("refusals audited: %+v %v", evs, err)
	}
}
