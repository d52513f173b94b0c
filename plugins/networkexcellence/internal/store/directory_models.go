package store

import "time"

// Term is one term of the tenant's taxonomy.
type Term struct {
	ID        uint64    `json:"id"`
	TenantID  uint64    `json:"-"`
	Key       string    `json:"key"`
	Kind      string    `json:"kind"`
	Label     string    `json:"label"`
	CreatedAt time.Time `json:"-"`
}

// States of an Area of Excellence.
const (
	AoEPutForward = "put_forward"
	AoEAccredited = "accredited"
	AoEDeclined   = "declined"
)

// AoE is an Area of Excellence of a school: put forward in a QA Review
// report (or by the central team), accredited by the central team with its
// evidence and taxonomy terms, due for review after a set number of years.
type AoE struct {
	ID           uint64    `json:"id"`
	TenantID     uint64    `json:"-"`
	SchoolID     uint64    `json:"school_id"`
	ReportItemID *uint64   `json:"report_item_id"`
	Title        string    `json:"title"`
	Description  string    `json:"description"`
	Evidence     string    `json:"evidence"`
	State        string    `json:"state"`
	AccreditedOn string    `json:"accredited_on"`
	ReviewDue    string    `json:"review_due"`
	DecidedBy    uint64    `json:"decided_by"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// TableName is the AoE table.
func (AoE) TableName() string { return "aoes" }

// AoETerm tags an AoE with a term.
type AoETerm struct {
	ID       uint64 `json:"-"`
	TenantID uint64 `json:"-"`
	AoEID    uint64 `gorm:"column:aoe_id" json:"aoe_id"`
	TermID   uint64 `json:"term_id"`
}

// TableName is the AoE terms table.
func (AoETerm) TableName() string { return "aoe_terms" }

// HubNeed is one of a hub's common priorities, as a taxonomy term.
type HubNeed struct {
	ID       uint64 `json:"-"`
	TenantID uint64 `json:"-"`
	HubID    uint64 `json:"hub_id"`
	TermID   uint64 `json:"term_id"`
}

// Profile is what the Directory shows of a school beyond the core's facts:
// its town, postcode, region, Ofsted grade, contact, a headline figure,
// and its place (from the postcode table, or the demo).
type Profile struct {
	ID        uint64    `json:"-"`
	TenantID  uint64    `json:"-"`
	SchoolID  uint64    `json:"school_id"`
	Town      string    `json:"town"`
	Postcode  string    `json:"postcode"`
	Region    string    `json:"region"`
	Ofsted    string    `json:"ofsted"`
	ContactID uint64    `json:"contact_id"`
	Headline  string    `json:"headline"`
	Latitude  *float64  `json:"latitude"`
	Longitude *float64  `json:"longitude"`
	UpdatedAt time.Time `json:"-"`
}

// Connect is a "connect" message sent through the Directory, logged.
type Connect struct {
	ID         uint64    `json:"id"`
	TenantID   uint64    `json:"-"`
	ToSchoolID uint64    `json:"to_school_id"`
	FromPerson uint64    `json:"from_person"`
	ToPerson   uint64    `json:"to_person"`
	Subject    string    `json:"subject"`
	Message    string    `json:"message"`
	CreatedAt  time.Time `json:"created_at"`
}

// Kinds of day.
const (
	KindLDD     = "ldd"
	KindMeeting = "meeting"
	KindEvent   = "event"
)

// Day is a day on offer: a Leadership Development Day a school hosts, a
// hub's meeting, or a partnership event; all booked by the same rules
// (internal/booking).
type Day struct {
	ID          uint64    `json:"id"`
	TenantID    uint64    `json:"-"`
	Kind        string    `json:"kind"`
	SchoolID    uint64    `json:"school_id"`
	HubID       uint64    `json:"hub_id"`
	Date        string    `json:"date"`
	ClosesOn    string    `json:"closes_on"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Capacity    int       `json:"capacity"`
	PricePence  int64     `json:"price_pence"`
	MemberPence int64     `json:"member_pence"`
	Notes       string    `json:"notes"`
	Cancelled   bool      `json:"cancelled"`
	CreatedBy   uint64    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// PerPair reports whether the day is booked by pairs of leaders (an LDD).
func (d *Day) PerPair() bool { return d.Kind == KindLDD }

// DayTerm tags a day with a term.
type DayTerm struct {
	ID       uint64 `json:"-"`
	TenantID uint64 `json:"-"`
	DayID    uint64 `json:"day_id"`
	TermID   uint64 `json:"term_id"`
}

// Booking is a school's booking of a day: a pair of leaders (an LDD) or
// one person.
type Booking struct {
	ID          uint64     `json:"id"`
	TenantID    uint64     `json:"-"`
	DayID       uint64     `json:"day_id"`
	SchoolID    uint64     `json:"school_id"`
	Person1     uint64     `json:"person_1"`
	Person2     uint64     `json:"person_2"`
	Name1       string     `json:"name_1"`
	Name2       string     `json:"name_2"`
	State       string     `json:"state"`
	Position    int        `json:"position"`
	Attended1   bool       `json:"attended_1"`
	Attended2   bool       `json:"attended_2"`
	PricePence  int64      `json:"price_pence"`
	BookedBy    uint64     `json:"booked_by"`
	CreatedAt   time.Time  `json:"created_at"`
	CancelledAt *time.Time `json:"cancelled_at"`
}

// People are the booking's people (one or two).
func (b *Booking) People() []uint64 {
	if b.Person2 == 0 {
		return []uint64{b.Person1}
	}
	return []uint64{b.Person1, b.Person2}
}

// Rating is an attendee's rating of a day, 1 to 10.
type Rating struct {
	ID        uint64    `json:"id"`
	TenantID  uint64    `json:"-"`
	DayID     uint64    `json:"day_id"`
	PersonID  uint64    `json:"person_id"`
	Score     int       `json:"score"`
	Comment   string    `json:"comment"`
	CreatedAt time.Time `json:"created_at"`
}
