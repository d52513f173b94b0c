package store

import "time"

// Year is a membership year of the programme, September to August, with
// its school weeks (1..Weeks, holidays left out).
type Year struct {
	ID        uint64    `json:"id"`
	TenantID  uint64    `json:"-"`
	Label     string    `json:"label"`     // "2025-26"
	StartsOn  string    `json:"starts_on"` // YYYY-MM-DD, 1 September
	EndsOn    string    `json:"ends_on"`   // YYYY-MM-DD, 31 August
	CreatedAt time.Time `json:"created_at"`
}

// SchoolWeek is one school week of a year: its number, Monday and term.
type SchoolWeek struct {
	ID       uint64 `json:"-"`
	TenantID uint64 `json:"-"`
	YearID   uint64 `json:"year_id"`
	Week     int    `json:"week"`
	StartsOn string `json:"starts_on"`
	Term     int    `json:"term"`
}

// Hub is the plugin's copy of a core hub unit's name.
type Hub struct {
	ID        uint64    `json:"-"`
	TenantID  uint64    `json:"-"`
	UnitID    uint64    `json:"unit_id"`
	Name      string    `json:"name"`
	UpdatedAt time.Time `json:"-"`
}

// Member is a school's membership of the network in a year, with the
// plugin's copy of the core's facts about it (name, URN, phase, roll, hub
// and trust), refreshed by the sync job, so pages need no Host call to name
// a school the actor cannot otherwise see.
type Member struct {
	ID           uint64    `json:"id"`
	TenantID     uint64    `json:"-"`
	YearID       uint64    `json:"year_id"`
	SchoolID     uint64    `json:"school_id"`
	HubID        uint64    `json:"hub_id"`
	TrustID      uint64    `json:"trust_id"`
	Name         string    `json:"name"`
	URN          string    `json:"urn"`
	Phase        string    `json:"phase"`
	PupilsOnRoll int       `json:"pupils_on_roll"`
	Latitude     *float64  `json:"latitude,omitempty"`
	Longitude    *float64  `json:"longitude,omitempty"`
	CreatedAt    time.Time `json:"-"`
	UpdatedAt    time.Time `json:"-"`
}

// Plan is a hub's action plan for a year, with its funding.
type Plan struct {
	ID              uint64    `json:"id"`
	TenantID        uint64    `json:"-"`
	YearID          uint64    `json:"year_id"`
	HubID           uint64    `json:"hub_id"`
	Status          string    `json:"status"`
	PotPence        int64     `json:"pot_pence"`
	CreditPoolPence int64     `json:"credit_pool_pence"`
	Notes           string    `json:"notes"`
	UpdatedBy       uint64    `json:"updated_by"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// Priority is one of a hub plan's shared priorities.
type Priority struct {
	ID          uint64 `json:"id"`
	TenantID    uint64 `json:"-"`
	PlanID      uint64 `json:"plan_id"`
	Position    int    `json:"position"`
	Title       string `json:"title"`
	Description string `json:"description"`
}

// Activity is an activity of a hub plan against one of its priorities.
type Activity struct {
	ID         uint64    `json:"id"`
	TenantID   uint64    `json:"-"`
	PlanID     uint64    `json:"plan_id"`
	PriorityID uint64    `json:"priority_id"`
	Title      string    `json:"title"`
	Owner      string    `json:"owner"`
	DueOn      string    `json:"due_on"`
	Status     string    `json:"status"`
	SpendPence int64     `json:"spend_pence"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// Reviewer is one person on the reviewer register.
type Reviewer struct {
	ID                uint64    `json:"id"`
	TenantID          uint64    `json:"-"`
	PersonID          uint64    `json:"person_id"`
	Name              string    `json:"name"`
	SchoolID          uint64    `json:"school_id"`
	Lead              bool      `json:"lead"`
	OfstedExperienced bool      `json:"ofsted_experienced"`
	Advanced          bool      `json:"advanced"`
	AccreditedOn      string    `json:"accredited_on"`
	MaxReviews        int       `json:"max_reviews"`
	Active            bool      `json:"active"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
}

// Training is a reviewer training session.
type Training struct {
	ID        uint64    `json:"id"`
	TenantID  uint64    `json:"-"`
	HeldOn    string    `json:"held_on"`
	Kind      string    `json:"kind"`
	Venue     string    `json:"venue"`
	Capacity  int       `json:"capacity"`
	CreatedAt time.Time `json:"created_at"`
}

// Attendance is a reviewer booked on a training session, and whether they attended.
type Attendance struct {
	ID         uint64 `json:"id"`
	TenantID   uint64 `json:"-"`
	TrainingID uint64 `json:"training_id"`
	ReviewerID uint64 `json:"reviewer_id"`
	Attended   bool   `json:"attended"`
}

// TableName is the attendance table.
func (Attendance) TableName() string { return "attendance" }

// UnavailableWeek is a school week of a year a reviewer cannot review in.
type UnavailableWeek struct {
	ID         uint64 `json:"-"`
	TenantID   uint64 `json:"-"`
	YearID     uint64 `json:"year_id"`
	ReviewerID uint64 `json:"reviewer_id"`
	Week       int    `json:"week"`
}

// Review is a member school's QA Review in a year.
type Review struct {
	ID              uint64     `json:"id"`
	TenantID        uint64     `json:"-"`
	YearID          uint64     `json:"year_id"`
	SchoolID        uint64     `json:"school_id"`
	HubID           uint64     `json:"hub_id"`
	TrustID         uint64     `json:"trust_id"`
	Week            int        `json:"week"`
	StartsOn        string     `json:"starts_on"`
	Days            int        `json:"days"`
	TeamSize        int        `json:"team_size"`
	NeedsLead       bool       `json:"needs_lead"`
	Cancelled       bool       `json:"cancelled"`
	SelfEvaluation  string     `json:"self_evaluation"`
	SelfEvaluatedAt *time.Time `json:"self_evaluated_at"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// Seat is a reviewer on a review's published team.
type Seat struct {
	ID          uint64     `json:"id"`
	TenantID    uint64     `json:"-"`
	ReviewID    uint64     `json:"review_id"`
	ReviewerID  uint64     `json:"reviewer_id"`
	Seat        string     `json:"seat"`
	RunID       uint64     `json:"run_id"`
	Withdrawn   bool       `json:"withdrawn"`
	WithdrawWhy string     `json:"withdraw_why"`
	WithdrawnAt *time.Time `json:"withdrawn_at"`
	CreatedAt   time.Time  `json:"created_at"`
}

// Report is a review's report and where it stands.
type Report struct {
	ID          uint64     `json:"id"`
	TenantID    uint64     `json:"-"`
	ReviewID    uint64     `json:"review_id"`
	State       string     `json:"state"`
	Summary     string     `json:"summary"`
	ReturnNote  string     `json:"return_note"`
	SubmittedAt *time.Time `json:"submitted_at"`
	SubmittedBy uint64     `json:"submitted_by"`
	AgreedAt    *time.Time `json:"agreed_at"`
	AgreedBy    uint64     `json:"agreed_by"`
	PublishedAt *time.Time `json:"published_at"`
	PublishedBy uint64     `json:"published_by"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// ReportItem is one What Went Well, Even Better If or Area of Excellence of a report.
type ReportItem struct {
	ID         uint64 `json:"id"`
	TenantID   uint64 `json:"-"`
	ReportID   uint64 `json:"report_id"`
	Kind       string `json:"kind"`
	Position   int    `json:"position"`
	Theme      string `json:"theme"`
	Title      string `json:"title"`
	Text       string `json:"text"`
	PutForward bool   `json:"put_forward"`
}

// EBIProgress is a report's judgement of progress on one of last year's EBIs.
type EBIProgress struct {
	ID          uint64 `json:"id"`
	TenantID    uint64 `json:"-"`
	ReportID    uint64 `json:"report_id"`
	PriorItemID uint64 `json:"prior_item_id"`
	Judgement   string `json:"judgement"`
	Comment     string `json:"comment"`
}

// TableName is the EBI progress table.
func (EBIProgress) TableName() string { return "ebi_progress" }

// Feedback is one person's feedback on a review.
type Feedback struct {
	ID         uint64    `json:"id"`
	TenantID   uint64    `json:"-"`
	ReviewID   uint64    `json:"review_id"`
	PersonID   uint64    `json:"person_id"`
	Role       string    `json:"role"`
	ReviewerID uint64    `json:"reviewer_id"`
	Overall    int       `json:"overall"`
	CPD        int       `json:"cpd"`
	Comment    string    `json:"comment"`
	CreatedAt  time.Time `json:"created_at"`
}

// TableName is the feedback table.
func (Feedback) TableName() string { return "feedback" }

// Run is one allocation run: a proposal until published.
type Run struct {
	ID          uint64     `json:"id"`
	TenantID    uint64     `json:"-"`
	YearID      uint64     `json:"year_id"`
	Term        int        `json:"term"`
	State       string     `json:"state"`
	Seats       int        `json:"seats"`
	Filled      int        `json:"filled"`
	Cost        int64      `json:"cost"`
	Kept        int        `json:"kept"`
	Changed     int        `json:"changed"`
	Shortfall   string     `json:"shortfall"`
	Millis      int64      `json:"millis"`
	Reason      string     `json:"reason"`
	CreatedBy   uint64     `json:"created_by"`
	PublishedAt *time.Time `json:"published_at"`
	PublishedBy uint64     `json:"published_by"`
	CreatedAt   time.Time  `json:"created_at"`
}

// RunSeat is one seat of a run's proposal with its explanation.
type RunSeat struct {
	ID         uint64 `json:"-"`
	TenantID   uint64 `json:"-"`
	RunID      uint64 `json:"run_id"`
	ReviewID   uint64 `json:"review_id"`
	ReviewerID uint64 `json:"reviewer_id"`
	Seat       string `json:"seat"`
	Cost       int64  `json:"cost"`
	Parts      string `json:"parts"`
	Pinned     bool   `json:"pinned"`
	Kept       bool   `json:"kept"`
	Eligible   int    `json:"eligible"`
}

// RunUnfilled is a seat kind of a review a run left empty, and why.
type RunUnfilled struct {
	ID       uint64 `json:"-"`
	TenantID uint64 `json:"-"`
	RunID    uint64 `json:"run_id"`
	ReviewID uint64 `json:"review_id"`
	Seat     string `json:"seat"`
	Count    int    `json:"count"`
	Why      string `json:"why"`
}

// TableName is the unfilled seats table.
func (RunUnfilled) TableName() string { return "run_unfilled" }

// Pin is the central team's decision on a (review, reviewer) pair: pinned
// to a seat, or forbidden.
type Pin struct {
	ID         uint64    `json:"id"`
	TenantID   uint64    `json:"-"`
	ReviewID   uint64    `json:"review_id"`
	ReviewerID uint64    `json:"reviewer_id"`
	Kind       string    `json:"kind"`
	Seat       string    `json:"seat"`
	Why        string    `json:"why"`
	CreatedBy  uint64    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// News is an item of the partnership's news for the weekly digest.
type News struct {
	ID          uint64    `json:"id"`
	TenantID    uint64    `json:"-"`
	Title       string    `json:"title"`
	Body        string    `json:"body"`
	PublishedOn string    `json:"published_on"`
	CreatedBy   uint64    `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// TableName is the news table.
func (News) TableName() string { return "news" }

// Sent records a mail a job sent, so that a job run twice sends it once.
type Sent struct {
	ID       uint64    `json:"-"`
	TenantID uint64    `json:"-"`
	Kind     string    `json:"kind"`
	RefID    uint64    `json:"ref_id"`
	PersonID uint64    `json:"person_id"`
	SentAt   time.Time `json:"sent_at"`
}

// TableName is the sent mail table.
func (Sent) TableName() string { return "sent" }
