package tenancy

import (
	"time"
)

// Tenant is an organisation that owns an install's data (table tenants).
type Tenant struct {
	ID        uint      `gorm:"primaryKey" json:"id"`
	Slug      string    `json:"slug"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// TableName maps Tenant onto the core schema.
func (Tenant) TableName() string { return "tenants" }

// Unit is one org unit of a tenant (table org_units). The school fields (URN,
// Phase, OfstedGrade, PupilsOnRoll, Latitude, Longitude) are set only on
// schools.
type Unit struct {
	ID           uint        `gorm:"primaryKey" json:"id"`
	TenantID     uint        `json:"tenant_id"`
	Kind         Kind        `json:"kind"`
	Name         string      `json:"name"`
	URN          *string     `gorm:"column:urn" json:"urn,omitempty"`
	Phase        Phase       `json:"phase,omitempty"`
	OfstedGrade  OfstedGrade `json:"ofsted_grade,omitempty"`
	PupilsOnRoll *int        `json:"pupils_on_roll,omitempty"`
	Latitude     *float64    `json:"latitude,omitempty"`
	Longitude    *float64    `json:"longitude,omitempty"`
	// ArchivedAt is when the unit was archived (see Service.ArchiveUnit);
	// nil while it is not.
	ArchivedAt *time.Time `json:"archived_at,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// TableName maps Unit onto the core schema.
func (Unit) TableName() string { return "org_units" }

// IsRoot reports whether u is its tenant's root unit.
func (u Unit) IsRoot() bool { return u.Kind == KindTenant }

// URNString is the unit's URN, or "" if it has none.
func (u Unit) URNString() string {
	if u.URN == nil {
		return ""
	}
	return *u.URN
}

// Edge is one parent→child link between two units of a tenant (table org_edges).
type Edge struct {
	ID        uint      `gorm:"primaryKey" json:"id"`
	TenantID  uint      `json:"tenant_id"`
	ParentID  uint      `json:"parent_id"`
	ChildID   uint      `json:"child_id"`
	CreatedAt time.Time `json:"created_at"`
}

// TableName maps Edge onto the core schema.
func (Edge) TableName() string { return "org_edges" }

// tenantHost maps a host name to its tenant (table tenant_hosts).
type tenantHost struct {
	Host      string    `gorm:"primaryKey" json:"host"`
	TenantID  uint      `json:"tenant_id"`
	CreatedAt time.Time `json:"created_at"`
}

func (tenantHost) TableName() string { return "tenant_hosts" }

// tenantSetting is one key/value setting of a tenant (table tenant_settings).
type tenantSetting struct {
	TenantID  uint      `gorm:"primaryKey;autoIncrement:false" json:"tenant_id"`
	Key       string    `gorm:"primaryKey" json:"key"`
	Value     string    `json:"value"`
	UpdatedAt time.Time `json:"updated_at"`
}

func (tenantSetting) TableName() string { return "tenant_settings" }

// Audit vocabulary.
const (
	entityTenant  = "tenant"
	entityUnit    = "org_unit"
	entityEdge    = "org_edge"
	entitySetting = "tenant_setting"
)
