package identity

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/sealed"
	"github.com/challengepartners/upwards/core/validation"
)

// secretContext binds a sealed client secret to its column.
const secretContext = "oidc.client_secret"

// OIDCProvider is an OpenID Connect identity provider a tenant's staff sign
// in with (table oidc_providers): Microsoft Entra ID, Google, or any other
// provider that publishes a discovery document at its issuer.
type OIDCProvider struct {
	ID       uint   `gorm:"primaryKey" json:"id"`
	TenantID uint   `json:"tenant_id"`
	Name     string `json:"name"`
	Issuer   string `json:"issuer"`
	ClientID string `json:"client_id"`
	// ClientSecret is sealed (see sealed.Box); Secret opens it.
	ClientSecret []byte `json:"-"`
	// AllowedDomains are the email domains that may sign in, space-separated.
	AllowedDomains string `json:"allowed_domains"`
	// AllowSignup lets a person with no account yet create one (with no roles).
	AllowSignup bool      `json:"allow_signup"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// TableName maps OIDCProvider onto the core schema.
func (OIDCProvider) TableName() string { return "oidc_providers" }

// Domains lists the allowed email domains.
func (p OIDCProvider) Domains() []string { return strings.Fields(p.AllowedDomains) }

// allows reports whether email's domain is one of the allowed domains.
func (p OIDCProvider) allows(email string) bool {
	at := strings.LastIndexByte(email, '@')
	if at < 0 {
		return false
	}
	domain := email[at+1:]
	for _, d := range p.Domains() {
		if domain == d {
			return true
		}
	}
	return false
}

// OIDCProviderInput is what an administrator types to add a provider.
type OIDCProviderInput struct {
	Name, Issuer, ClientID, ClientSecret string
	// AllowedDomains: one or more email domains, separated by spaces, commas or new lines.
	AllowedDomains string
	AllowSignup    bool
}

// OIDCOptions tune OIDC. Zero fields take their defaults.
type OIDCOptions struct {
	// HTTPClient talks to the providers (discovery, keys, token, userinfo);
	// default: a client with a 15-second timeout.
	HTTPClient *http.Client
	// StateTTL is how long a sign-in may take at the provider; default 10 minutes.
	StateTTL time.Duration
}

// OIDC signs users in through their tenant's OpenID Connect providers, as a
// relying party built on github.com/zitadel/oidc/v3 (an OpenID-certified
// implementation). It keeps no state in memory: a sign-in in flight lives in
// oidc_login_states, so the return from the provider may reach any node.
type OIDC struct {
	svc  *Service
	box  *sealed.Box
	opts OIDCOptions
}

// NewOIDC returns the OpenID Connect sign-in over svc's database, sealing
// client secrets with box.
func NewOIDC(svc *Service, box *sealed.Box, opts OIDCOptions) *OIDC {
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 15 * time.Second}
	}
	if opts.StateTTL <= 0 {
		opts.StateTTL = 10 * time.Minute
	}
	return &OIDC{svc: svc, box: box, opts: opts}
}

// providerView is what audit entries hold of a provider: never the secret.
type providerView struct {
	ID             uint   `json:"id"`
	Name           string `json:"name"`
	Issuer         string `json:"issuer"`
	ClientID       string `json:"client_id"`
	AllowedDomains string `json:"allowed_domains"`
	AllowSignup    bool   `json:"allow_signup"`
}

func (p OIDCProvider) view() providerView {
	return providerView{ID: p.ID, Name: p.Name, Issuer: p.Issuer, ClientID: p.ClientID, AllowedDomains: p.AllowedDomains, AllowSignup: p.AllowSignup}
}

// CreateProvider adds a provider to tenantID. Invalid input is a
// *ValidationError naming the field; a second provider of the same name in
// the tenant is ErrConflict.
func (o *OIDC) CreateProvider(ctx context.Context, tenantID uint, in OIDCProviderInput) (OIDCProvider, error) {
	p, err := o.validate(in)
	if err != nil {
		return OIDCProvider{}, err
	}
	now := o.svc.now()
	p.TenantID, p.CreatedAt, p.UpdatedAt = tenantID, now, now
	err = o.svc.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(&p).Error; err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Change{TenantID: tenantID, Action: "oidc_provider.create", EntityType: "oidc_provider",
			EntityID: idString(p.ID), After: p.view()})
	})
	switch {
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return OIDCProvider{}, fmt.Errorf("create provider %q: %w", p.Name, ErrConflict)
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return OIDCProvider{}, fmt.Errorf("create provider: tenant %d: %w", tenantID, ErrNotFound)
	case err != nil:
		return OIDCProvider{}, fmt.Errorf("create provider %q: %w", p.Name, err)
	}
	return p, nil
}

// validate checks in and builds the provider it describes, secret sealed.
func (o *OIDC) validate(in OIDCProviderInput) (OIDCProvider, error) {
	name := strings.TrimSpace(in.Name)
	switch {
	case name == "":
		return OIDCProvider{}, invalid("name", "is required (it is shown on the button: “Sign in with …”)")
	case utf8.RuneCountInString(name) > 100:
		return OIDCProvider{}, invalid("name", "must be at most 100 characters")
	}
	if p := validation.NameProblem(name); p != "" {
		return OIDCProvider{}, invalid("name", p)
	}
	issuer := strings.TrimRight(strings.TrimSpace(in.Issuer), "/")
	if err := validateIssuer(issuer); err != nil {
		return OIDCProvider{}, err
	}
	clientID := strings.TrimSpace(in.ClientID)
	switch {
	case clientID == "":
		return OIDCProvider{}, invalid("client_id", "is required")
	case len(clientID) > 255 || strings.ContainsAny(clientID, " \t\r\n"):
		return OIDCProvider{}, invalid("client_id", "must be at most 255 characters, without spaces")
	}
	secret := strings.TrimSpace(in.ClientSecret)
	switch {
	case secret == "":
		return OIDCProvider{}, invalid("client_secret", "is required")
	case len(secret) > 1000:
		return OIDCProvider{}, invalid("client_secret", "must be at most 1000 characters")
	}
	domains, err := parseDomains(in.AllowedDomains)
	if err != nil {
		return OIDCProvider{}, err
	}
	return OIDCProvider{Name: name, Issuer: issuer, ClientID: clientID, ClientSecret: o.box.Seal(secret, secretContext),
		AllowedDomains: strings.Join(domains, " "), AllowSignup: in.AllowSignup}, nil
}

// validateIssuer accepts an https URL without query or fragment; plain http
// only for a provider on this machine (a loopback address or localhost).
func validateIssuer(issuer string) error {
	if issuer == "" {
		return invalid("issuer", "is required (for example https://login.microsoftonline.com/<tenant id>/v2.0 or https://accounts.google.com)")
	}
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" || len(issuer) > 500 {
		return invalid("issuer", "must be the provider's issuer URL, such as https://accounts.google.com")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if h := u.Hostname(); h == "localhost" || net.ParseIP(h).IsLoopback() {
			return nil
		}
	}
	return invalid("issuer", "must start with https://")
}

// parseDomains reads a list of email domains separated by spaces, commas,
// semicolons or line breaks: at least one, each a lowercased host name with a dot.
func parseDomains(s string) ([]string, error) {
	fields := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ' ' || r == ',' || r == ';' || r == '\n' || r == '\r' || r == '\t'
	})
	if len(fields) == 0 {
		return nil, invalid("allowed_domains", "is required: name the email domains of your staff, such as school.org.uk")
	}
	seen := map[string]bool{}
	var out []string
	for _, d := range fields {
		d = strings.TrimPrefix(d, "@")
		if !validDomain(d) {
			return nil, invalid("allowed_domains", fmt.Sprintf("%q is not an email domain (write it like school.org.uk)", d))
		}
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out, nil
}

func validDomain(d string) bool {
	if len(d) > 253 || !strings.Contains(d, ".") {
		return false
	}
	for _, label := range strings.Split(d, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// ListProviders returns tenantID's providers by name.
func (o *OIDC) ListProviders(ctx context.Context, tenantID uint) ([]OIDCProvider, error) {
	var ps []OIDCProvider
	if err := o.svc.db.WithContext(ctx).Where("tenant_id = ?", tenantID).Order("name, id").Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("list providers of tenant %d: %w", tenantID, err)
	}
	return ps, nil
}

// Provider returns provider id of tenantID (another tenant's is ErrNotFound).
func (o *OIDC) Provider(ctx context.Context, tenantID, id uint) (OIDCProvider, error) {
	var p OIDCProvider
	err := o.svc.db.WithContext(ctx).Where("tenant_id = ? AND id = ?", tenantID, id).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return OIDCProvider{}, fmt.Errorf("provider %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return OIDCProvider{}, fmt.Errorf("load provider %d: %w", id, err)
	}
	return p, nil
}

// DeleteProvider removes provider id of tenantID, and the sign-ins in flight
// through it. Users who signed in with it keep their accounts.
func (o *OIDC) DeleteProvider(ctx context.Context, tenantID, id uint) error {
	return o.svc.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var p OIDCProvider
		err := o.svc.forUpdate(tx).Where("tenant_id = ? AND id = ?", tenantID, id).Take(&p).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return fmt.Errorf("delete provider %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("delete provider %d: %w", id, err)
		}
		if err := tx.Where("provider_id = ?", p.ID).Delete(&oidcLoginState{}).Error; err != nil {
			return fmt.Errorf("delete sign-ins of provider %d: %w", id, err)
		}
		if err := tx.Delete(&p).Error; err != nil {
			return fmt.Errorf("delete provider %d: %w", id, err)
		}
		return audit.Record(ctx, tx, audit.Change{TenantID: tenantID, Action: "oidc_provider.delete", EntityType: "oidc_provider",
			EntityID: idString(p.ID), Before: p.view()})
	})
}

// secret opens p's client secret.
func (o *OIDC) secret(p OIDCProvider) (string, error) {
	s, err := o.box.Open(p.ClientSecret, secretContext)
	if err != nil {
		return "", fmt.Errorf("client secret of provider %d: %w", p.ID, err)
	}
	return s, nil
}
