package storage

import (
	"fmt"
	"time"

	"gorm.io/gorm"
)

// CoreMigrations is the core schema's history, oldest first. Each migration
// defines its own snapshot of the tables it creates, so later changes to the
// domain packages' models never rewrite history.
func CoreMigrations() []Migration {
	return []Migration{
		{Version: 1, Name: "core_schema", Up: v1Up, Down: v1Down},
		{Version: 2, Name: "audit_append_only", Up: v2Up, Down: v2Down},
		{Version: 3, Name: "plugin_registry", Up: v3Up, Down: v3Down},
		{Version: 4, Name: "pupils", Up: v4Up, Down: v4Down},
		{Version: 5, Name: "audit_chain", Up: v5Up, Down: v5Down},
		{Version: 6, Name: "pupil_imports", Up: v6Up, Down: v6Down},
		{Version: 7, Name: "subject_requests", Up: v7Up, Down: v7Down},
		{Version: 8, Name: "short_upn_hashes", Up: v8Up, Down: v8Down},
		{Version: 9, Name: "plugin_audit_keys", Up: v9Up, Down: v9Down},
		{Version: 10, Name: "plugin_upgrades", Up: v10Up, Down: v10Down},
		{Version: 11, Name: "oidc_sign_in", Up: v11Up, Down: v11Down},
		{Version: 12, Name: "row_security", Up: v12Up, Down: v12Down},
		{Version: 13, Name: "least_privilege", Up: v13Up, Down: v13Down},
		{Version: 14, Name: "passwords_second_factor_token_scopes", Up: v14Up, Down: v14Down},
		{Version: 15, Name: "archived_units", Up: v15Up, Down: v15Down},
	}
}

// Schema snapshot of version 1. Table names are the contract with the domain
// packages (tenancy, identity, authz, audit, jobs), which map their own models
// onto them.
type (
	v1Tenant struct {
		ID        uint   `gorm:"primaryKey"`
		Slug      string `gorm:"size:63;not null;uniqueIndex"`
		Name      string `gorm:"size:200;not null"`
		CreatedAt time.Time
		UpdatedAt time.Time
	}
	v1TenantHost struct {
		Host      string `gorm:"primaryKey;size:253"`
		TenantID  uint   `gorm:"not null;index"`
		Tenant    v1Tenant
		CreatedAt time.Time
	}
	v1TenantSetting struct {
		TenantID  uint   `gorm:"primaryKey;autoIncrement:false"`
		Key       string `gorm:"primaryKey;size:100"`
		Value     string `gorm:"type:text;not null"`
		Tenant    v1Tenant
		UpdatedAt time.Time
	}
	v1OrgUnit struct {
		ID           uint     `gorm:"primaryKey"`
		TenantID     uint     `gorm:"not null;index:idx_org_units_tenant_kind,priority:1;uniqueIndex:idx_org_units_tenant_urn,priority:1"`
		Tenant       v1Tenant `gorm:"constraint:OnDelete:CASCADE"`
		Kind         string   `gorm:"size:32;not null;index:idx_org_units_tenant_kind,priority:2"`
		Name         string   `gorm:"size:200;not null;index"`
		URN          *string  `gorm:"column:urn;size:6;uniqueIndex:idx_org_units_tenant_urn,priority:2"`
		Phase        string   `gorm:"size:32;not null;default:''"`
		OfstedGrade  string   `gorm:"size:32;not null;default:''"`
		PupilsOnRoll *int
		Latitude     *float64
		Longitude    *float64
		CreatedAt    time.Time
		UpdatedAt    time.Time
	}
	v1OrgEdge struct {
		ID        uint      `gorm:"primaryKey"`
		TenantID  uint      `gorm:"not null;index"`
		Tenant    v1Tenant  `gorm:"constraint:OnDelete:CASCADE"`
		ParentID  uint      `gorm:"not null;uniqueIndex:idx_org_edges_pair,priority:1"`
		Parent    v1OrgUnit `gorm:"constraint:OnDelete:CASCADE"`
		ChildID   uint      `gorm:"not null;uniqueIndex:idx_org_edges_pair,priority:2;index"`
		Child     v1OrgUnit `gorm:"constraint:OnDelete:CASCADE"`
		CreatedAt time.Time
	}
	v1User struct {
		ID           uint     `gorm:"primaryKey"`
		TenantID     uint     `gorm:"not null;uniqueIndex:idx_users_tenant_email,priority:1"`
		Tenant       v1Tenant `gorm:"constraint:OnDelete:CASCADE"`
		Email        string   `gorm:"size:254;not null;uniqueIndex:idx_users_tenant_email,priority:2"`
		Name         string   `gorm:"size:200;not null"`
		PasswordHash string   `gorm:"size:200;not null"`
		IsOperator   bool     `gorm:"not null;default:false"`
		DisabledAt   *time.Time
		LastLoginAt  *time.Time
		CreatedAt    time.Time
		UpdatedAt    time.Time
	}
	v1Session struct {
		ID         string `gorm:"primaryKey;size:64"` // sha256 hex of the cookie token
		UserID     uint   `gorm:"not null;index"`
		User       v1User `gorm:"constraint:OnDelete:CASCADE"`
		TenantID   uint   `gorm:"not null;index"`
		CSRFToken  string `gorm:"column:csrf_token;size:64;not null"`
		IP         string `gorm:"size:64;not null;default:''"`
		UserAgent  string `gorm:"size:300;not null;default:''"`
		CreatedAt  time.Time
		LastSeenAt time.Time
		ExpiresAt  time.Time `gorm:"not null;index"`
	}
	v1APIToken struct {
		ID         uint   `gorm:"primaryKey"`
		TenantID   uint   `gorm:"not null;index"`
		UserID     uint   `gorm:"not null;index"`
		User       v1User `gorm:"constraint:OnDelete:CASCADE"`
		Name       string `gorm:"size:100;not null"`
		Prefix     string `gorm:"size:16;not null"`
		TokenHash  string `gorm:"size:64;not null;uniqueIndex"`
		CreatedAt  time.Time
		LastUsedAt *time.Time
		ExpiresAt  *time.Time
		RevokedAt  *time.Time
	}
	v1LoginAttempt struct {
		ID        uint      `gorm:"primaryKey"`
		TenantID  uint      `gorm:"not null"`
		Email     string    `gorm:"size:254;not null;index:idx_login_attempts_email,priority:1"`
		IP        string    `gorm:"size:64;not null;index:idx_login_attempts_ip,priority:1"`
		Success   bool      `gorm:"not null"`
		CreatedAt time.Time `gorm:"index:idx_login_attempts_email,priority:2;index:idx_login_attempts_ip,priority:2"`
	}
	v1RoleGrant struct {
		ID        uint      `gorm:"primaryKey"`
		TenantID  uint      `gorm:"not null;index"`
		UserID    uint      `gorm:"not null;uniqueIndex:idx_role_grants_unique,priority:1"`
		User      v1User    `gorm:"constraint:OnDelete:CASCADE"`
		Role      string    `gorm:"size:64;not null;uniqueIndex:idx_role_grants_unique,priority:2"`
		UnitID    uint      `gorm:"not null;uniqueIndex:idx_role_grants_unique,priority:3;index"`
		Unit      v1OrgUnit `gorm:"constraint:OnDelete:CASCADE"`
		CreatedBy *uint
		CreatedAt time.Time
	}
	v1AuditEvent struct {
		ID          uint      `gorm:"primaryKey"`
		TenantID    uint      `gorm:"not null;index:idx_audit_tenant_time,priority:1"`
		ActorUserID *uint     `gorm:"index"`
		ActorLabel  string    `gorm:"size:254;not null;default:''"`
		Action      string    `gorm:"size:100;not null;index"`
		EntityType  string    `gorm:"size:64;not null;default:''"`
		EntityID    string    `gorm:"size:64;not null;default:''"`
		Before      string    `gorm:"type:text;not null;default:''"`
		After       string    `gorm:"type:text;not null;default:''"`
		RequestID   string    `gorm:"size:64;not null;default:''"`
		IP          string    `gorm:"size:64;not null;default:''"`
		CreatedAt   time.Time `gorm:"not null;index:idx_audit_tenant_time,priority:2"`
	}
	v1OutboxMail struct {
		ID        uint   `gorm:"primaryKey"`
		TenantID  uint   `gorm:"not null;index"`
		ToAddr    string `gorm:"size:254;not null"`
		Subject   string `gorm:"size:300;not null"`
		Body      string `gorm:"type:text;not null"`
		Status    string `gorm:"size:16;not null;index"` // pending, sent, failed
		Attempts  int    `gorm:"not null;default:0"`
		LastError string `gorm:"type:text;not null;default:''"`
		CreatedAt time.Time
		SentAt    *time.Time
	}
	v1Revision struct {
		Key   string `gorm:"primaryKey;size:64"`
		Value int64  `gorm:"not null;default:0"`
	}
)

func (v1Tenant) TableName() string        { return "tenants" }
func (v1TenantHost) TableName() string    { return "tenant_hosts" }
func (v1TenantSetting) TableName() string { return "tenant_settings" }
func (v1OrgUnit) TableName() string       { return "org_units" }
func (v1OrgEdge) TableName() string       { return "org_edges" }
func (v1User) TableName() string          { return "users" }
func (v1Session) TableName() string       { return "sessions" }
func (v1APIToken) TableName() string      { return "api_tokens" }
func (v1LoginAttempt) TableName() string  { return "login_attempts" }
func (v1RoleGrant) TableName() string     { return "role_grants" }
func (v1AuditEvent) TableName() string    { return "audit_events" }
func (v1OutboxMail) TableName() string    { return "outbox_mail" }
func (v1Revision) TableName() string      { return "revisions" }

func v1Tables() []any {
	return []any{
		&v1Tenant{}, &v1TenantHost{}, &v1TenantSetting{}, &v1OrgUnit{}, &v1OrgEdge{},
		&v1User{}, &v1Session{}, &v1APIToken{}, &v1LoginAttempt{}, &v1RoleGrant{},
		&v1AuditEvent{}, &v1OutboxMail{}, &v1Revision{},
	}
}

func v1Up(tx *gorm.DB, _ Dialect) error {
	for _, t := range v1Tables() {
		if err := tx.Migrator().CreateTable(t); err != nil {
			return fmt.Errorf("create %T: %w", t, err)
		}
	}
	return nil
}

func v1Down(tx *gorm.DB, _ Dialect) error {
	ts := v1Tables()
	for i := len(ts) - 1; i >= 0; i-- {
		if err := tx.Migrator().DropTable(ts[i]); err != nil {
			return fmt.Errorf("drop %T: %w", ts[i], err)
		}
	}
	return nil
}

// v2 makes the audit log append-only in the database itself: an UPDATE or
// DELETE of an audit row fails whatever code issues it.
func v2Up(tx *gorm.DB, d Dialect) error {
	var stmts []string
	if d == Postgres {
		stmts = []string{
			`CREATE OR REPLACE FUNCTION upwards_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$ LANGUAGE plpgsql`,
			`CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
FOR EACH ROW EXECUTE FUNCTION upwards_append_only()`,
		}
	} else {
		stmts = []string{
			`CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`,
			`CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END`,
		}
	}
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("audit append-only trigger: %w", err)
		}
	}
	return nil
}

func v2Down(tx *gorm.DB, d Dialect) error {
	var stmts []string
	if d == Postgres {
		stmts = []string{
			`DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events`,
			`DROP FUNCTION IF EXISTS upwards_append_only()`,
		}
	} else {
		stmts = []string{
			`DROP TRIGGER IF EXISTS audit_events_no_update`,
			`DROP TRIGGER IF EXISTS audit_events_no_delete`,
		}
	}
	for _, s := range stmts {
		if err := tx.Exec(s).Error; err != nil {
			return fmt.Errorf("drop audit trigger: %w", err)
		}
	}
	return nil
}

// Schema snapshot of version 3: the plugin registry (core/pluginhost).
type (
	v3Plugin struct {
		ID           string `gorm:"primaryKey;size:32"`
		Name         string `gorm:"size:200;not null"`
		Version      string `gorm:"size:64;not null"`
		Protocol     int    `gorm:"not null"`
		BinaryPath   string `gorm:"type:text;not null"`
		SHA256       string `gorm:"column:sha256;size:64;not null"`
		ManifestJSON string `gorm:"type:text;not null"`
		State        string `gorm:"size:16;not null"` // installed, failed
		LastError    string `gorm:"type:text;not null;default:''"`
		// DBPassword is the password of the plugin's own PostgreSQL role (empty on SQLite).
		DBPassword  string    `gorm:"column:db_password;size:64;not null;default:''"`
		InstalledAt time.Time `gorm:"not null"`
		UpdatedAt   time.Time `gorm:"not null"`
	}
	v3PluginTenant struct {
		PluginID  string    `gorm:"primaryKey;size:32"`
		Plugin    v3Plugin  `gorm:"constraint:OnDelete:CASCADE"`
		TenantID  uint      `gorm:"primaryKey;autoIncrement:false;index"`
		Tenant    v1Tenant  `gorm:"constraint:OnDelete:CASCADE"`
		EnabledAt time.Time `gorm:"not null"`
	}
)

func (v3Plugin) TableName() string       { return "plugins" }
func (v3PluginTenant) TableName() string { return "plugin_tenants" }

func v3Up(tx *gorm.DB, _ Dialect) error {
	for _, t := range []any{&v3Plugin{}, &v3PluginTenant{}} {
		if err := tx.Migrator().CreateTable(t); err != nil {
			return fmt.Errorf("create %T: %w", t, err)
		}
	}
	return nil
}

func v3Down(tx *gorm.DB, _ Dialect) error {
	for _, t := range []any{&v3PluginTenant{}, &v3Plugin{}} {
		if err := tx.Migrator().DropTable(t); err != nil {
			return fmt.Errorf("drop %T: %w", t, err)
		}
	}
	return nil
}
