package store

import (
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/rules"
)

// Cohort is one year of the programme in one region, tied to the core's
// cohort unit whose managers run it.
type Cohort struct {
	ID       uint64 `gorm:"primaryKey"`
	TenantID uint64
	// UnitID is the core's org unit (a cohort unit) the programme manager's
	// role is granted at.
	UnitID    uint64
	StartYear int    // the school year's first calendar year: 2017 for 2017-18
	Name      string // "Getting Ahead London 2017-18"
	Region    string // data, not code: "London"
	// ExpectedHours is the coaching each pair is expected to log in the year.
	ExpectedHours    int
	ApplicationsOpen bool
	CreatedAt        time.Time
}

// TableName is the cohorts table.
func (Cohort) TableName() string { return "cohorts" }

// YearLabel is the cohort's school year, "2017-18".
func (c Cohort) YearLabel() string { return rules.YearLabel(c.StartYear) }

// CohortInput is a cohort as a form gives it.
type CohortInput struct {
	UnitID           uint64
	StartYear        int
	Name, Region     string
	ExpectedHours    int
	ApplicationsOpen bool
}

func (in CohortInput) check() (CohortInput, error) {
	var v Invalid
	if in.UnitID == 0 {
		v.add("unit", "Choose the cohort unit whose programme managers run it")
	}
	if in.StartYear < 2000 || in.StartYear > 2100 {
		v.add("start_year", "Give the year the school year starts in, e.g. 2017 for 2017-18")
	}
	in.Name = text(&v, "name", in.Name, 200, true)
	in.Region = text(&v, "region", in.Region, 100, true)
	if in.ExpectedHours < 1 || in.ExpectedHours > 100 {
		v.add("expected_hours", "Give the hours of coaching each pair is expected to have in the year, from 1 to 100")
	}
	return in, v.orNil()
}

// CreateCohort adds a cohort. A unit has at most one cohort per school year.
func (s *Store) CreateCohort(in CohortInput) (Cohort, error) {
	in, err := in.check()
	if err != nil {
		return Cohort{}, err
	}
	c := Cohort{TenantID: s.tenant, UnitID: in.UnitID, StartYear: in.StartYear, Name: in.Name, Region: in.Region,
		ExpectedHours: in.ExpectedHours, ApplicationsOpen: in.ApplicationsOpen, CreatedAt: s.now}
	err = s.change("cohort.create", "cohort", func(tx *Store) (uint64, any, any, error) {
		err := tx.create(&c, fmt.Sprintf("the unit has a cohort for %s already: open it instead", rules.YearLabel(in.StartYear)))
		return c.ID, nil, c, err
	})
	return c, err
}

// UpdateCohort changes a cohort's name, region, expected hours and whether
// it takes applications; its unit and year stay.
func (s *Store) UpdateCohort(id uint64, in CohortInput) (Cohort, error) {
	before, err := s.Cohort(id)
	if err != nil {
		return Cohort{}, err
	}
	in.UnitID, in.StartYear = before.UnitID, before.StartYear
	if in, err = in.check(); err != nil {
		return Cohort{}, err
	}
	after := before
	after.Name, after.Region, after.ExpectedHours, after.ApplicationsOpen = in.Name, in.Region, in.ExpectedHours, in.ApplicationsOpen
	err = s.change("cohort.update", "cohort", func(tx *Store) (uint64, any, any, error) {
		err := tx.q(&Cohort{}).Where("id = ?", id).Updates(map[string]any{"name": after.Name, "region": after.Region,
			"expected_hours": after.ExpectedHours, "applications_open": after.ApplicationsOpen}).Error
		return id, before, after, err
	})
	return after, err
}

// Cohort returns one cohort.
func (s *Store) Cohort(id uint64) (Cohort, error) {
	var c Cohort
	return c, s.first(&c, id, "cohort")
}

// Cohorts lists the tenant's cohorts, the latest year first.
func (s *Store) Cohorts() ([]Cohort, error) {
	var cs []Cohort
	return cs, s.q(&Cohort{}).Order("start_year DESC, name, id").Find(&cs).Error
}

// CohortsByID loads cohorts by id into a map.
func (s *Store) CohortsByID(idList []uint64) (map[uint64]Cohort, error) {
	return byID(s, idList, func(x Cohort) uint64 { return x.ID })
}

// checkEmail keeps an optional e-mail address well formed.
func checkEmail(v *Invalid, field, s string) string {
	s = text(v, field, s, 254, false)
	if s == "" {
		return s
	}
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s || !strings.Contains(s, "@") {
		v.add(field, "Give an e-mail address such as name@school.org.uk")
	}
	return s
}
