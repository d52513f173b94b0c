package store

import (
	"fmt"

	"gorm.io/gorm/clause"
)

// Bulk writes of the Directory part for the demo: records as they are
// (checked by the caller), in batches. Pages never use them.

// InsertAoE records an AoE with its terms.
func (s *Store) InsertAoE(a *AoE, terms []uint64) error {
	a.TenantID = s.tenant
	if err := s.db.Create(a).Error; err != nil {
		return fmt.Errorf("insert area of excellence: %w", err)
	}
	return s.tagAoE(a.ID, terms)
}

// InsertDay records a day with its terms.
func (s *Store) InsertDay(d *Day, terms []uint64) error {
	d.TenantID = s.tenant
	if err := s.db.Create(d).Error; err != nil {
		return fmt.Errorf("insert day: %w", err)
	}
	for _, t := range terms {
		if err := s.db.Create(&DayTerm{TenantID: s.tenant, DayID: d.ID, TermID: t}).Error; err != nil {
			return fmt.Errorf("tag day %d: %w", d.ID, err)
		}
	}
	return nil
}

// InsertBookings records bookings.
func (s *Store) InsertBookings(bs []Booking) error {
	if len(bs) == 0 {
		return nil
	}
	for i := range bs {
		bs[i].TenantID = s.tenant
	}
	if err := s.db.CreateInBatches(&bs, 500).Error; err != nil {
		return fmt.Errorf("insert bookings: %w", err)
	}
	return nil
}

// InsertRatings records ratings.
func (s *Store) InsertRatings(rs []Rating) error {
	if len(rs) == 0 {
		return nil
	}
	for i := range rs {
		rs[i].TenantID = s.tenant
	}
	if err := s.db.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&rs, 500).Error; err != nil {
		return fmt.Errorf("insert ratings: %w", err)
	}
	return nil
}

// InsertProfiles records profiles (one a school), replacing those there.
func (s *Store) InsertProfiles(ps []Profile) error {
	if len(ps) == 0 {
		return nil
	}
	for i := range ps {
		ps[i].TenantID = s.tenant
	}
	err := s.db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "tenant_id"}, {Name: "school_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"town", "region", "ofsted", "latitude", "longitude", "updated_at"})}).CreateInBatches(&ps, 500).Error
	if err != nil {
		return fmt.Errorf("insert profiles: %w", err)
	}
	return nil
}

// InsertHubNeeds records hubs' priorities.
func (s *Store) InsertHubNeeds(ns []HubNeed) error {
	if len(ns) == 0 {
		return nil
	}
	for i := range ns {
		ns[i].TenantID = s.tenant
	}
	if err := s.db.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&ns, 500).Error; err != nil {
		return fmt.Errorf("insert hub needs: %w", err)
	}
	return nil
}
