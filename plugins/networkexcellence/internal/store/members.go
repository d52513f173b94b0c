package store

import (
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Members returns a year's member schools by name.
func (s *Store) Members(yearID uint64) ([]Member, error) {
	var ms []Member
	if err := s.q().Where("year_id = ?", yearID).Order("name, school_id").Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("members of year %d: %w", yearID, err)
	}
	return ms, nil
}

// MembersWhere returns a year's members in a hub (hubID ≠ 0), a trust
// (trustID ≠ 0) or among schools, by name.
func (s *Store) MembersWhere(yearID, hubID, trustID uint64, schools ...uint64) ([]Member, error) {
	q := s.q().Where("year_id = ?", yearID)
	if hubID != 0 {
		q = q.Where("hub_id = ?", hubID)
	}
	if trustID != 0 {
		q = q.Where("trust_id = ?", trustID)
	}
	if len(schools) > 0 {
		q = q.Where("school_id IN ?", schools)
	}
	var ms []Member
	if err := q.Order("name, school_id").Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("members of year %d: %w", yearID, err)
	}
	return ms, nil
}

// Member returns a school's membership of a year, or ErrNotFound.
func (s *Store) Member(yearID, schoolID uint64) (*Member, error) {
	var m Member
	err := s.q().Where("year_id = ? AND school_id = ?", yearID, schoolID).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("school %d in year %d: %w", schoolID, yearID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load member %d: %w", schoolID, err)
	}
	return &m, nil
}

// SchoolsEver returns the latest membership record of each of these schools
// in any year (for naming schools of past reviews), by school id.
func (s *Store) SchoolsEver(schools []uint64) (map[uint64]Member, error) {
	out := map[uint64]Member{}
	if len(schools) == 0 {
		return out, nil
	}
	var ms []Member
	if err := s.q().Where("school_id IN ?", schools).Order("year_id").Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("schools: %w", err)
	}
	for _, m := range ms {
		out[m.SchoolID] = m
	}
	return out, nil
}

// SaveMembers adds schools to a year's membership or refreshes the facts
// the plugin keeps about them (name, URN, phase, roll, hub, trust;
// coordinates when given), matching on the school.
func (s *Store) SaveMembers(yearID uint64, ms []Member, at time.Time) error {
	if len(ms) == 0 {
		return nil
	}
	for i := range ms {
		ms[i].ID, ms[i].TenantID, ms[i].YearID, ms[i].CreatedAt, ms[i].UpdatedAt = 0, s.tenant, yearID, at, at
	}
	cols := []string{"hub_id", "trust_id", "name", "urn", "phase", "pupils_on_roll", "updated_at"}
	err := s.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "tenant_id"}, {Name: "year_id"}, {Name: "school_id"}},
		DoUpdates: clause.AssignmentColumns(cols)}).CreateInBatches(&ms, 200).Error
	if err != nil {
		return fmt.Errorf("save members of year %d: %w", yearID, err)
	}
	return nil
}

// SetCoordinates records where each school is, by school id, in every year.
func (s *Store) SetCoordinates(coords map[uint64][2]float64) error {
	for school, c := range coords {
		lat, lng := c[0], c[1]
		if err := s.q().Model(&Member{}).Where("school_id = ?", school).Updates(map[string]any{"latitude": lat, "longitude": lng}).Error; err != nil {
			return fmt.Errorf("coordinates of school %d: %w", school, err)
		}
	}
	return nil
}

// RemoveMember takes a school out of a year's membership. A school with a
// review that year keeps its membership: cancel the review first.
func (s *Store) RemoveMember(yearID, schoolID uint64) (*Member, error) {
	m, err := s.Member(yearID, schoolID)
	if err != nil {
		return nil, err
	}
	var n int64
	if err := s.q().Model(&Review{}).Where("year_id = ? AND school_id = ? AND cancelled = ?", yearID, schoolID, false).Count(&n).Error; err != nil {
		return nil, fmt.Errorf("reviews of member %d: %w", schoolID, err)
	}
	if n > 0 {
		return nil, conflict("%s has a review this year: cancel it before ending the membership", m.Name)
	}
	if err := s.q().Where("id = ?", m.ID).Delete(&Member{}).Error; err != nil {
		return nil, fmt.Errorf("remove member %d: %w", schoolID, err)
	}
	return m, nil
}

// Hubs returns the plugin's copy of the hubs' names, by unit id.
func (s *Store) Hubs() (map[uint64]string, error) {
	var hs []Hub
	if err := s.q().Find(&hs).Error; err != nil {
		return nil, fmt.Errorf("hubs: %w", err)
	}
	out := make(map[uint64]string, len(hs))
	for _, h := range hs {
		out[h.UnitID] = h.Name
	}
	return out, nil
}

// SaveHubs records the hubs' names by unit id.
func (s *Store) SaveHubs(names map[uint64]string, at time.Time) error {
	if len(names) == 0 {
		return nil
	}
	rows := make([]Hub, 0, len(names))
	for id, name := range names {
		rows = append(rows, Hub{TenantID: s.tenant, UnitID: id, Name: name, UpdatedAt: at})
	}
	err := s.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "tenant_id"}, {Name: "unit_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"name", "updated_at"})}).Create(&rows).Error
	if err != nil {
		return fmt.Errorf("save hubs: %w", err)
	}
	return nil
}
