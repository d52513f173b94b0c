package identity

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zitadel/oidc/v3/pkg/client/rp"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"golang.org/x/oauth2"
	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/audit"
)

// oidcLoginState is a sign-in between the redirect to the provider and its
// return (table oidc_login_states). ID is the SHA-256 (hex) of the state.
type oidcLoginState struct {
	ID           string `gorm:"primaryKey"`
	TenantID     uint
	ProviderID   uint
	Nonce        string
	CodeVerifier string
	RedirectURI  string `gorm:"column:redirect_uri"`
	Next         string
	CreatedAt    time.Time
	ExpiresAt    time.Time
}

func (oidcLoginState) TableName() string { return "oidc_login_states" }

// Why an OpenID Connect sign-in is refused; OIDCRefusal.Reason holds one.
const (
	RefuseState      = "state"      // unknown, used or expired sign-in (or another browser's)
	RefuseProvider   = "provider"   // the provider answered with an error, or could not be reached
	RefuseToken      = "token"      // the ID token failed verification: signature, issuer, audience, expiry, nonce
	RefuseUnverified = "unverified" // the provider does not vouch for the email address
	RefuseDomain     = "domain"     // the email's domain is not allowed for this provider
	RefuseDisabled   = "disabled"   // the matching user is disabled in Upwards
	RefuseNoAccount  = "no_account" // no user has the email, and the provider does not allow sign-up
)

// OIDCRefusal is why a sign-in through a provider was refused. Match it with
// errors.As; it also matches ErrBadCredentials (or ErrDisabled).
type OIDCRefusal struct {
	Reason string
	Email  string // the address the provider vouched for, when known
	Detail string // what the library said, for the audit log (no token contents)
}

func (r *OIDCRefusal) Error() string {
	if r.Detail != "" {
		return "sign-in refused (" + r.Reason + "): " + r.Detail
	}
	return "sign-in refused (" + r.Reason + ")"
}

// Unwrap lets errors.Is find ErrDisabled or ErrBadCredentials.
func (r *OIDCRefusal) Unwrap() error {
	if r.Reason == RefuseDisabled {
		return ErrDisabled
	}
	return ErrBadCredentials
}

// OIDCSignIn is the outcome of a successful sign-in.
type OIDCSignIn struct {
	Token   string // the session cookie token
	Session Session
	User    User
	Created bool   // the account was made by this sign-in
	Next    string // where the sign-in was started to go
}

var oidcScopes = []string{oidc.ScopeOpenID, oidc.ScopeEmail, oidc.ScopeProfile}

// relyingParty discovers p's endpoints and keys and returns a relying party
// for redirectURI whose ID token verifier expects nonce (none when empty).
func (o *OIDC) relyingParty(ctx context.Context, p OIDCProvider, redirectURI, nonce string) (rp.RelyingParty, error) {
	secret, err := o.secret(p)
	if err != nil {
		return nil, err
	}
	opts := []rp.Option{rp.WithHTTPClient(o.opts.HTTPClient), rp.WithSigningAlgsFromDiscovery()}
	if nonce != "" {
		opts = append(opts, rp.WithVerifierOpts(rp.WithNonce(func(context.Context) string { return nonce })))
	}
	party, err := rp.NewRelyingPartyOIDC(ctx, p.Issuer, p.ClientID, secret, redirectURI, oidcScopes, opts...)
	if err != nil {
		return nil, fmt.Errorf("provider %q at %s: %w", p.Name, p.Issuer, err)
	}
	return party, nil
}

// Begin starts a sign-in with provider providerID of tenantID that returns
// to redirectURI and then goes to next (a path the caller has checked). It
// returns the provider's authorization URL to send the browser to, and the
// state, which the caller must also bind to the browser (a cookie) and
// compare on return. The request carries a fresh nonce and a PKCE S256
// challenge; the verifier stays in the database.
func (o *OIDC) Begin(ctx context.Context, tenantID, providerID uint, redirectURI, next string) (authURL, state string, err error) {
	p, err := o.Provider(ctx, tenantID, providerID)
	if err != nil {
		return "", "", err
	}
	if state, err = randomToken(tokenBytes); err != nil {
		return "", "", err
	}
	nonce, err := randomToken(tokenBytes)
	if err != nil {
		return "", "", err
	}
	verifier := oauth2.GenerateVerifier()
	party, err := o.relyingParty(ctx, p, redirectURI, "")
	if err != nil {
		return "", "", err
	}
	now := o.svc.now()
	row := oidcLoginState{ID: hashToken(state), TenantID: tenantID, ProviderID: p.ID, Nonce: nonce, CodeVerifier: verifier,
		RedirectURI: redirectURI, Next: next, CreatedAt: now, ExpiresAt: now.Add(o.opts.StateTTL)}
	err = o.svc.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		// Sign-ins abandoned at the provider go here rather than on a schedule.
		if err := tx.Where("expires_at <= ?", now).Delete(&oidcLoginState{}).Error; err != nil {
			return fmt.Errorf("purge abandoned sign-ins: %w", err)
		}
		return tx.Create(&row).Error
	})
	if err != nil {
		return "", "", fmt.Errorf("begin sign-in with provider %d: %w", p.ID, err)
	}
	authURL = rp.AuthURL(state, party, rp.WithCodeChallenge(oauth2.S256ChallengeFromVerifier(verifier)),
		rp.AuthURLOpt(rp.WithURLParam("nonce", nonce)))
	return authURL, state, nil
}

// FinishInput is what came back from the provider.
type FinishInput struct {
	State string
	// TenantID is the tenant the return reached, which an unknown state is
	// audited against (a known state names its own tenant).
	TenantID uint
	// Code is the authorization code; empty when the provider sent an error.
	Code string
	// ProviderError is the provider's error and description, if any.
	ProviderError string
	IP, UserAgent string
}

// Finish completes the sign-in named by in.State (once: the state is spent
// whatever the outcome). It exchanges the code (with the PKCE verifier),
// verifies the ID token (signature, issuer, audience, expiry, nonce) with
// the relying-party library, and matches the verified email to a user of
// the tenant. It refuses, with an *OIDCRefusal, an email the provider does
// not vouch for, outside the provider's allowed domains, of a disabled user,
// or with no account when the provider does not allow sign-up; with sign-up
// allowed it creates the account with no roles. Every sign-in and every
// refusal is audited.
func (o *OIDC) Finish(ctx context.Context, in FinishInput) (OIDCSignIn, error) {
	st, p, err := o.takeState(ctx, in.State)
	var r *OIDCRefusal
	if errors.As(err, &r) && p.ID == 0 && in.TenantID != 0 {
		return OIDCSignIn{}, o.auditRefusal(ctx, OIDCProvider{TenantID: in.TenantID}, in.IP, r)
	}
	if err != nil {
		return OIDCSignIn{}, err
	}
	refuse := func(r *OIDCRefusal) (OIDCSignIn, error) {
		return OIDCSignIn{}, o.auditRefusal(ctx, p, in.IP, r)
	}
	if in.ProviderError != "" || in.Code == "" {
		return refuse(&OIDCRefusal{Reason: RefuseProvider, Detail: truncate(in.ProviderError, 300)})
	}
	party, err := o.relyingParty(ctx, p, st.RedirectURI, st.Nonce)
	if err != nil {
		return refuse(&OIDCRefusal{Reason: RefuseProvider, Detail: truncate(err.Error(), 300)})
	}
	tokens, err := rp.CodeExchange[*oidc.IDTokenClaims](ctx, in.Code, party, rp.WithCodeVerifier(st.CodeVerifier))
	if err != nil {
		reason := RefuseToken
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			reason = RefuseProvider
		}
		return refuse(&OIDCRefusal{Reason: reason, Detail: truncate(err.Error(), 300)})
	}
	claims := tokens.IDTokenClaims
	email, verified := claims.Email, emailVerified(claims.EmailVerified, claims.Claims)
	name := strings.TrimSpace(claims.Name)
	if email == "" {
		// Some providers put the email only in the userinfo answer.
		info, err := rp.Userinfo[*oidc.UserInfo](ctx, tokens.AccessToken, tokens.TokenType, claims.Subject, party)
		if err != nil {
			return refuse(&OIDCRefusal{Reason: RefuseProvider, Detail: truncate("userinfo: "+err.Error(), 300)})
		}
		email, verified = info.Email, emailVerified(info.EmailVerified, info.Claims)
		if name == "" {
			name = strings.TrimSpace(info.Name)
		}
	}
	email = truncate(normalizeEmail(email), maxEmailLen)
	switch {
	case email == "" || validateEmail(email) != nil:
		return refuse(&OIDCRefusal{Reason: RefuseUnverified, Detail: "the provider sent no usable email address"})
	case !verified:
		return refuse(&OIDCRefusal{Reason: RefuseUnverified, Email: email})
	case !p.allows(email):
		return refuse(&OIDCRefusal{Reason: RefuseDomain, Email: email})
	}
	return o.signIn(ctx, p, st, email, name, in)
}

// emailVerified reads whether the provider vouches for the email: the
// standard email_verified claim, or Microsoft Entra ID's optional xms_edov
// claim (the email's domain is verified by the organisation that owns it),
// which Entra sends instead.
func emailVerified(std oidc.Bool, extra map[string]any) bool {
	if std {
		return true
	}
	switch v := extra["xms_edov"].(type) {
	case bool:
		return v
	case string:
		return v == "true" || v == "1"
	case float64:
		return v == 1
	}
	return false
}

// takeState spends the sign-in named by state and loads its provider.
func (o *OIDC) takeState(ctx context.Context, state string) (oidcLoginState, OIDCProvider, error) {
	if !isBase64URL(state) {
		return oidcLoginState{}, OIDCProvider{}, &OIDCRefusal{Reason: RefuseState}
	}
	var st oidcLoginState
	var p OIDCProvider
	err := o.svc.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := o.svc.forUpdate(tx).Where("id = ?", hashToken(state)).Take(&st).Error
		if err != nil {
			return err
		}
		res := tx.Where("id = ?", st.ID).Delete(&oidcLoginState{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return gorm.ErrRecordNotFound // spent meanwhile by a concurrent return
		}
		return tx.Where("tenant_id = ? AND id = ?", st.TenantID, st.ProviderID).Take(&p).Error
	})
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return oidcLoginState{}, OIDCProvider{}, &OIDCRefusal{Reason: RefuseState}
	}
	if err != nil {
		return oidcLoginState{}, OIDCProvider{}, fmt.Errorf("take sign-in state: %w", err)
	}
	if !o.svc.now().Before(st.ExpiresAt) {
		return oidcLoginState{}, p, o.auditRefusal(ctx, p, "", &OIDCRefusal{Reason: RefuseState, Detail: "the sign-in took too long"})
	}
	return st, p, nil
}

// signIn matches email to a user of the provider's tenant (or makes one
// when sign-up is allowed) and opens a session, audited in one transaction.
func (o *OIDC) signIn(ctx context.Context, p OIDCProvider, st oidcLoginState, email, name string, in FinishInput) (OIDCSignIn, error) {
	s := o.svc
	now := s.now()
	var out OIDCSignIn
	var refusal *OIDCRefusal
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var u User
		err := tx.Where("tenant_id = ? AND email = ?", p.TenantID, email).Take(&u).Error
		switch {
		case errors.Is(err, gorm.ErrRecordNotFound) && !p.AllowSignup:
			refusal = &OIDCRefusal{Reason: RefuseNoAccount, Email: email}
			return nil
		case errors.Is(err, gorm.ErrRecordNotFound):
			if u, err = o.signUp(ctx, tx, p, email, name, now); err != nil {
				return err
			}
			out.Created = true
		case err != nil:
			return fmt.Errorf("load user: %w", err)
		case u.Disabled():
			refusal = &OIDCRefusal{Reason: RefuseDisabled, Email: email}
			return nil
		}
		token, sess, err := s.newSession(u, truncate(in.IP, 64), truncate(in.UserAgent, 300), now)
		if err != nil {
			return err
		}
		// The provider proved the email, not the second factor Upwards
		// asks of this user: the session owes it as after a password.
		if sess.Pending, err = s.pendingStep(ctx, u); err != nil {
			return fmt.Errorf("second factor: %w", err)
		}
		// UpdateColumns: signing in is not an edit, updated_at stays.
		if err := tx.Model(&User{}).Where("id = ?", u.ID).UpdateColumn("last_login_at", now).Error; err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		if err := tx.Create(&sess).Error; err != nil {
			return fmt.Errorf("create session: %w", err)
		}
		u.LastLoginAt = &now
		out.Token, out.Session, out.User, out.Next = token, sess, u, st.Next
		return audit.Record(userActor(ctx, u, in.IP), tx, audit.Change{TenantID: p.TenantID, Action: "user.login_oidc", EntityType: "user",
			EntityID: idString(u.ID), After: oidcLoginView{User: u.view(), ProviderID: p.ID, Provider: p.Name}})
	})
	if err != nil {
		return OIDCSignIn{}, fmt.Errorf("sign-in with provider %d: %w", p.ID, err)
	}
	if refusal != nil {
		return OIDCSignIn{}, o.auditRefusal(ctx, p, in.IP, refusal)
	}
	return out, nil
}

// signUp creates email's account in tx, with no roles and an unusable
// random password (the person signs in through the provider, or resets it).
func (o *OIDC) signUp(ctx context.Context, tx *gorm.DB, p OIDCProvider, email, name string, now time.Time) (User, error) {
	if validateName(name) != nil {
		name = email[:strings.LastIndexByte(email, '@')]
	}
	pw, err := randomToken(tokenBytes)
	if err != nil {
		return User{}, err
	}
	hash, err := HashPassword(pw, o.svc.opts.Argon)
	if err != nil {
		return User{}, fmt.Errorf("sign up: %w", err)
	}
	u := User{TenantID: p.TenantID, Email: email, Name: name, PasswordHash: hash, CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&u).Error; err != nil {
		return User{}, fmt.Errorf("sign up %s: %w", email, err)
	}
	err = audit.Record(userActor(ctx, u, ""), tx, audit.Change{TenantID: p.TenantID, Action: "user.create", EntityType: "user",
		EntityID: idString(u.ID), After: oidcLoginView{User: u.view(), ProviderID: p.ID, Provider: p.Name}})
	if err != nil {
		return User{}, err
	}
	return u, nil
}

// oidcLoginView is what the audit log keeps of a sign-in through a provider.
type oidcLoginView struct {
	User       userView `json:"user"`
	ProviderID uint     `json:"provider_id"`
	Provider   string   `json:"provider"`
}

// refusalView is what the audit log keeps of a refused sign-in.
type refusalView struct {
	Reason   string `json:"reason"`
	Email    string `json:"email,omitempty"`
	Detail   string `json:"detail,omitempty"`
	Provider string `json:"provider"`
}

// auditRefusal records r against provider p and returns r.
func (o *OIDC) auditRefusal(ctx context.Context, p OIDCProvider, ip string, r *OIDCRefusal) error {
	actor := audit.ActorFrom(ctx)
	if actor.IP == "" {
		actor.IP = ip
	}
	if r.Email != "" {
		actor.Label = r.Email
	}
	entity := ""
	if p.ID != 0 {
		entity = idString(p.ID)
	}
	err := audit.Record(audit.WithActor(ctx, actor), o.svc.db.WithContext(ctx), audit.Change{TenantID: p.TenantID,
		Action: "user.login_oidc_refused", EntityType: "oidc_provider", EntityID: entity,
		After: refusalView{Reason: r.Reason, Email: r.Email, Detail: r.Detail, Provider: p.Name}})
	if err != nil {
		return fmt.Errorf("audit refused sign-in: %w (refused: %w)", err, r)
	}
	return r
}

// userActor is ctx with u as the actor.
func userActor(ctx context.Context, u User, ip string) context.Context {
	actor := audit.ActorFrom(ctx)
	uid := u.ID
	actor.UserID, actor.Label = &uid, u.Email
	if actor.IP == "" {
		actor.IP = ip
	}
	return audit.WithActor(ctx, actor)
}
