package store

import (
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/sdk"
)

// directoryMigrations are the School Support Directory part's steps
// (issue 15): versions 50–99 only, so that the two parts of the plugin never
// number a step alike.
var directoryMigrations = []sdk.Migration{
	{Version: 50, Name: "the taxonomy, Areas of Excellence, hub needs, school profiles and connect messages", Up: migrate50},
	{Version: 51, Name: "days on offer (Leadership Development Days, hub meetings, events), bookings and ratings", Up: migrate51},
	{Version: 52, Name: "indexes for the Directory's fingerprint (latest change of each table, per tenant)", Up: migrate52},
	{Version: 53, Name: "the Directory's change count (directory_changes), kept by triggers on the tables it is built from", Up: migrate53},
}

type termV50 struct {
	ID        uint64    `gorm:"primaryKey"`
	TenantID  uint64    `gorm:"not null;uniqueIndex:ux_terms_key,priority:1"`
	Key       string    `gorm:"size:40;not null;uniqueIndex:ux_terms_key,priority:2"`
	Kind      string    `gorm:"size:16;not null"` // phase, subject, theme
	Label     string    `gorm:"size:100;not null"`
	CreatedAt time.Time `gorm:"not null"`
}

func (termV50) TableName() string { return "terms" }

type aoeV50 struct {
	ID           uint64    `gorm:"primaryKey"`
	TenantID     uint64    `gorm:"not null;index:ix_aoes_school,priority:1;uniqueIndex:ux_aoes_item,priority:1"`
	SchoolID     uint64    `gorm:"not null;index:ix_aoes_school,priority:2"`
	ReportItemID *uint64   `gorm:"uniqueIndex:ux_aoes_item,priority:2"` // the report item that put it forward
	Title        string    `gorm:"size:200;not null"`
	Description  string    `gorm:"size:4000;not null;default:''"`
	Evidence     string    `gorm:"size:4000;not null;default:''"`
	State        string    `gorm:"size:16;not null"` // put_forward, accredited, declined
	AccreditedOn string    `gorm:"size:10;not null;default:''"`
	ReviewDue    string    `gorm:"size:10;not null;default:''"`
	DecidedBy    uint64    `gorm:"not null;default:0"`
	CreatedAt    time.Time `gorm:"not null"`
	UpdatedAt    time.Time `gorm:"not null"`
}

func (aoeV50) TableName() string { return "aoes" }

type aoeTermV50 struct {
	ID       uint64 `gorm:"primaryKey"`
	TenantID uint64 `gorm:"not null;uniqueIndex:ux_aoe_terms,priority:1"`
	AoEID    uint64 `gorm:"column:aoe_id;not null;uniqueIndex:ux_aoe_terms,priority:2"`
	TermID   uint64 `gorm:"not null;uniqueIndex:ux_aoe_terms,priority:3"`
}

func (aoeTermV50) TableName() string { return "aoe_terms" }

type hubNeedV50 struct {
	ID       uint64 `gorm:"primaryKey"`
	TenantID uint64 `gorm:"not null;uniqueIndex:ux_hub_needs,priority:1"`
	HubID    uint64 `gorm:"not null;uniqueIndex:ux_hub_needs,priority:2"`
	TermID   uint64 `gorm:"not null;uniqueIndex:ux_hub_needs,priority:3"`
}

func (hubNeedV50) TableName() string { return "hub_needs" }

type profileV50 struct {
	ID        uint64 `gorm:"primaryKey"`
	TenantID  uint64 `gorm:"not null;uniqueIndex:ux_profiles_school,priority:1"`
	SchoolID  uint64 `gorm:"not null;uniqueIndex:ux_profiles_school,priority:2"`
	Town      string `gorm:"size:100;not null;default:''"`
	Postcode  string `gorm:"size:8;not null;default:''"`
	Region    string `gorm:"size:40;not null;default:''"`
	Ofsted    string `gorm:"size:24;not null;default:''"`
	ContactID uint64 `gorm:"not null;default:0"`
	Headline  string `gorm:"size:500;not null;default:''"`
	Latitude  *float64
	Longitude *float64
	UpdatedAt time.Time `gorm:"not null"`
}

func (profileV50) TableName() string { return "profiles" }

type connectV50 struct {
	ID         uint64    `gorm:"primaryKey"`
	TenantID   uint64    `gorm:"not null;index:ix_connects_school,priority:1"`
	ToSchoolID uint64    `gorm:"not null;index:ix_connects_school,priority:2"`
	FromPerson uint64    `gorm:"not null"`
	ToPerson   uint64    `gorm:"not null"`
	Subject    string    `gorm:"size:200;not null"`
	Message    string    `gorm:"size:4000;not null"`
	CreatedAt  time.Time `gorm:"not null"`
}

func (connectV50) TableName() string { return "connects" }

func migrate50(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&termV50{}, &aoeV50{}, &aoeTermV50{}, &hubNeedV50{}, &profileV50{}, &connectV50{})
}

type dayV51 struct {
	ID          uint64    `gorm:"primaryKey"`
	TenantID    uint64    `gorm:"not null;index:ix_days_date,priority:1"`
	Kind        string    `gorm:"size:16;not null"`   // ldd, meeting, event
	SchoolID    uint64    `gorm:"not null;default:0"` // the host school (an LDD)
	HubID       uint64    `gorm:"not null;default:0"` // the hub (a meeting)
	Date        string    `gorm:"size:10;not null;index:ix_days_date,priority:2"`
	ClosesOn    string    `gorm:"size:10;not null;default:''"`
	Title       string    `gorm:"size:200;not null"`
	Description string    `gorm:"size:4000;not null;default:''"` // what visitors will see; a meeting's agenda
	Capacity    int       `gorm:"not null"`
	PricePence  int64     `gorm:"not null;default:0"`
	MemberPence int64     `gorm:"not null;default:0"`
	Notes       string    `gorm:"size:8000;not null;default:''"` // a meeting's notes and actions
	Cancelled   bool      `gorm:"not null;default:false"`
	CreatedBy   uint64    `gorm:"not null;default:0"`
	CreatedAt   time.Time `gorm:"not null"`
	UpdatedAt   time.Time `gorm:"not null"`
}

func (dayV51) TableName() string { return "days" }

type dayTermV51 struct {
	ID       uint64 `gorm:"primaryKey"`
	TenantID uint64 `gorm:"not null;uniqueIndex:ux_day_terms,priority:1"`
	DayID    uint64 `gorm:"not null;uniqueIndex:ux_day_terms,priority:2"`
	TermID   uint64 `gorm:"not null;uniqueIndex:ux_day_terms,priority:3"`
}

func (dayTermV51) TableName() string { return "day_terms" }

type bookingV51 struct {
	ID          uint64    `gorm:"primaryKey"`
	TenantID    uint64    `gorm:"not null;index:ix_bookings_day,priority:1"`
	DayID       uint64    `gorm:"not null;index:ix_bookings_day,priority:2"`
	SchoolID    uint64    `gorm:"not null"`
	Person1     uint64    `gorm:"not null"`
	Person2     uint64    `gorm:"not null;default:0"`
	Name1       string    `gorm:"size:200;not null"`
	Name2       string    `gorm:"size:200;not null;default:''"`
	State       string    `gorm:"size:16;not null"`
	Position    int       `gorm:"not null"`
	Attended1   bool      `gorm:"not null;default:false"`
	Attended2   bool      `gorm:"not null;default:false"`
	PricePence  int64     `gorm:"not null;default:0"`
	BookedBy    uint64    `gorm:"not null;default:0"`
	CreatedAt   time.Time `gorm:"not null"`
	CancelledAt *time.Time
}

func (bookingV51) TableName() string { return "bookings" }

type ratingV51 struct {
	ID        uint64    `gorm:"primaryKey"`
	TenantID  uint64    `gorm:"not null;uniqueIndex:ux_ratings,priority:1"`
	DayID     uint64    `gorm:"not null;uniqueIndex:ux_ratings,priority:2"`
	PersonID  uint64    `gorm:"not null;uniqueIndex:ux_ratings,priority:3"`
	Score     int       `gorm:"not null"`
	Comment   string    `gorm:"size:2000;not null;default:''"`
	CreatedAt time.Time `gorm:"not null"`
}

func (ratingV51) TableName() string { return "ratings" }

func migrate51(tx *gorm.DB) error {
	return tx.Migrator().CreateTable(&dayV51{}, &dayTermV51{}, &bookingV51{}, &ratingV51{})
}
