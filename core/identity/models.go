package identity

import "time"

// User is a person who can sign in to one tenant (table users).
type User struct {
	ID           uint       `gorm:"primaryKey" json:"id"`
	TenantID     uint       `json:"tenant_id"`
	Email        string     `json:"email"`
	Name         string     `json:"name"`
	PasswordHash string     `json:"-"`
	IsOperator   bool       `json:"is_operator"`
	DisabledAt   *time.Time `json:"disabled_at,omitempty"`
	LastLoginAt  *time.Time `json:"last_login_at,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// TableName maps User onto the core schema.
func (User) TableName() string { return "users" }

// Disabled reports whether the user may no longer sign in.
func (u User) Disabled() bool { return u.DisabledAt != nil }

// userView is the redacted user that audit entries hold: never the hash.
type userView struct {
	ID          uint       `json:"id"`
	Email       string     `json:"email"`
	Name        string     `json:"name"`
	IsOperator  bool       `json:"is_operator"`
	DisabledAt  *time.Time `json:"disabled_at,omitempty"`
	LastLoginAt *time.Time `json:"last_login_at,omitempty"`
}

func (u User) view() userView {
	return userView{ID: u.ID, Email: u.Email, Name: u.Name, IsOperator: u.IsOperator, DisabledAt: u.DisabledAt, LastLoginAt: u.LastLoginAt}
}

// Session is a server-side login session (table sessions). ID is the SHA-256
// (hex) of the cookie token, which itself is never stored.
type Session struct {
	ID         string    `gorm:"primaryKey" json:"-"`
	UserID     uint      `json:"user_id"`
	TenantID   uint      `json:"tenant_id"`
	CSRFToken  string    `gorm:"column:csrf_token" json:"-"`
	IP         string    `gorm:"column:ip" json:"ip"`
	UserAgent  string    `json:"user_agent"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	// Pending is "" for a full session, or the step still owed before the
	// session may do anything: PendingSecondFactor or PendingEnrol.
	Pending string `json:"pending,omitempty"`
}

// TableName maps Session onto the core schema.
func (Session) TableName() string { return "sessions" }

// APIToken is a bearer token for the JSON API (table api_tokens). Only the
// token's SHA-256 (hex) and its first characters (Prefix, to recognise it) are kept.
type APIToken struct {
	ID         uint       `gorm:"primaryKey" json:"id"`
	TenantID   uint       `json:"tenant_id"`
	UserID     uint       `json:"user_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	TokenHash  string     `json:"-"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	// Scope is TokenRead or TokenWrite.
	Scope string `json:"scope"`
	// Areas lists the API areas the token may use, comma-separated; "" (a
	// token made before scopes existed) means every area.
	Areas string `json:"areas"`
}

// TableName maps APIToken onto the core schema.
func (APIToken) TableName() string { return "api_tokens" }

// Active reports whether the token is neither revoked nor expired at now.
func (t APIToken) Active(now time.Time) bool {
	return t.RevokedAt == nil && (t.ExpiresAt == nil || now.Before(*t.ExpiresAt))
}

// loginAttempt is one login try (table login_attempts), kept for rate limiting.
type loginAttempt struct {
	ID        uint `gorm:"primaryKey"`
	TenantID  uint
	Email     string
	IP        string `gorm:"column:ip"`
	Success   bool
	CreatedAt time.Time
}

func (loginAttempt) TableName() string { return "login_attempts" }
