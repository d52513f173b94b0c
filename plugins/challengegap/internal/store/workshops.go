package store

import (
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm/clause"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
)

// Workshops lists a cluster's six workshops in order.
func (s *Store) Workshops(clusterID uint64) ([]Workshop, error) {
	var ws []Workshop
	if err := s.q().Where("cluster_id = ?", clusterID).Order("number").Find(&ws).Error; err != nil {
		return nil, fmt.Errorf("workshops of cluster %d: %w", clusterID, err)
	}
	return ws, nil
}

// Workshop returns workshop id.
func (s *Store) Workshop(id uint64) (*Workshop, error) {
	var w Workshop
	if err := s.first(&w, id); err != nil {
		return nil, fmt.Errorf("workshop %d: %w", id, err)
	}
	return &w, nil
}

// UpdateWorkshop sets a workshop's date (YYYY-MM-DD, or empty: not yet
// fixed), venue and notes.
func (s *Store) UpdateWorkshop(id uint64, heldOn, venue, notes string) (*Workshop, error) {
	w, err := s.Workshop(id)
	if err != nil {
		return nil, err
	}
	if heldOn != "" {
		if _, err := rules.ParseDate(heldOn); err != nil {
			return nil, invalid("held_on", "%s", err.Error())
		}
	}
	if venue, err = text("venue", venue, 200, false); err != nil {
		return nil, err
	}
	if notes, err = text("notes", notes, 4000, false); err != nil {
		return nil, err
	}
	w.HeldOn, w.Venue, w.Notes = heldOn, venue, notes
	err = s.q().Model(&Workshop{}).Where("id = ?", id).Updates(map[string]any{"held_on": heldOn, "venue": venue, "notes": notes}).Error
	if err != nil {
		return nil, fmt.Errorf("update workshop %d: %w", id, err)
	}
	return w, nil
}

// SetAttendance records, for every team member of the cluster's accepted
// schools in the cluster's year, whether they came to the workshop: those
// in present came, the others did not. A member id outside the cluster is
// refused.
func (s *Store) SetAttendance(workshopID uint64, present []uint64) error {
	return s.Tx(func(tx *Store) error {
		w, err := tx.Workshop(workshopID)
		if err != nil {
			return err
		}
		members, err := tx.ClusterMembers(w.ClusterID)
		if err != nil {
			return err
		}
		known := map[uint64]bool{}
		for _, m := range members {
			known[m.ID] = true
		}
		for _, id := range present {
			if !known[id] {
				return invalid("present", "a person ticked is not on a team of this cluster")
			}
		}
		if len(members) == 0 {
			return nil
		}
		rows := make([]Attendance, len(members))
		for i, m := range members {
			rows[i] = Attendance{TenantID: s.tenant, WorkshopID: workshopID, MemberID: m.ID, Present: slices.Contains(present, m.ID)}
		}
		return tx.db.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "tenant_id"}, {Name: "workshop_id"}, {Name: "member_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"present"}),
		}).Create(&rows).Error
	})
}

// Attendance returns, by team member, whether they came to the workshop
// (members without a record are absent from the map).
func (s *Store) Attendance(workshopID uint64) (map[uint64]bool, error) {
	var rows []Attendance
	if err := s.q().Where("workshop_id = ?", workshopID).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("attendance of workshop %d: %w", workshopID, err)
	}
	out := make(map[uint64]bool, len(rows))
	for _, r := range rows {
		out[r.MemberID] = r.Present
	}
	return out, nil
}

// ClusterMembers lists the team members of the cluster's accepted schools
// in the cluster's year.
func (s *Store) ClusterMembers(clusterID uint64) ([]TeamMember, error) {
	c, err := s.Cluster(clusterID)
	if err != nil {
		return nil, err
	}
	schools, err := s.AcceptedSchools(clusterID)
	if err != nil {
		return nil, err
	}
	return s.MembersOf(c.YearID, schools...)
}

// AddResource shares a resource at a workshop: a title and, optionally, an
// http(s) link.
func (s *Store) AddResource(workshopID uint64, title, link string) (*Resource, error) {
	title, err := text("title", title, 200, true)
	if err != nil {
		return nil, err
	}
	if link, err = checkLink(link); err != nil {
		return nil, err
	}
	if _, err := s.Workshop(workshopID); err != nil {
		return nil, err
	}
	r := &Resource{TenantID: s.tenant, WorkshopID: workshopID, Title: title, URL: link}
	if err := s.create(r, "the resource"); err != nil {
		return nil, fmt.Errorf("add resource: %w", err)
	}
	return r, nil
}

// Resources lists a workshop's resources, oldest first.
func (s *Store) Resources(workshopID uint64) ([]Resource, error) {
	var rs []Resource
	if err := s.q().Where("workshop_id = ?", workshopID).Order("id").Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("resources of workshop %d: %w", workshopID, err)
	}
	return rs, nil
}

// AddVisit records a programme lead's visit to a school.
func (s *Store) AddVisit(v Visit) (*Visit, error) {
	if _, err := rules.ParseDate(v.VisitedOn); err != nil {
		return nil, invalid("visited_on", "%s", err.Error())
	}
	notes, err := text("notes", v.Notes, 8000, false)
	if err != nil {
		return nil, err
	}
	name, err := text("visitor", v.VisitorName, 200, true)
	if err != nil {
		return nil, err
	}
	v.ID, v.TenantID, v.Notes, v.VisitorName = 0, s.tenant, notes, name
	if _, err := s.Year(v.YearID); err != nil {
		return nil, err
	}
	if err := s.create(&v, "the visit"); err != nil {
		return nil, fmt.Errorf("add visit: %w", err)
	}
	return &v, nil
}

// Visits lists the visits to a school in a year, latest first.
func (s *Store) Visits(yearID, schoolID uint64) ([]Visit, error) {
	var vs []Visit
	if err := s.q().Where("year_id = ? AND school_id = ?", yearID, schoolID).Order("visited_on DESC, id DESC").Find(&vs).Error; err != nil {
		return nil, fmt.Errorf("visits to school %d: %w", schoolID, err)
	}
	return vs, nil
}

// Visit returns visit id.
func (s *Store) Visit(id uint64) (*Visit, error) {
	var v Visit
	if err := s.first(&v, id); err != nil {
		return nil, fmt.Errorf("visit %d: %w", id, err)
	}
	return &v, nil
}

// AddAction records an action agreed at a visit, with an optional due date.
func (s *Store) AddAction(visitID uint64, textIn, dueOn string) (*Action, error) {
	t, err := text("text", textIn, 1000, true)
	if err != nil {
		return nil, err
	}
	if dueOn != "" {
		if _, err := rules.ParseDate(dueOn); err != nil {
			return nil, invalid("due_on", "%s", err.Error())
		}
	}
	if _, err := s.Visit(visitID); err != nil {
		return nil, err
	}
	a := &Action{TenantID: s.tenant, VisitID: visitID, Text: t, DueOn: dueOn}
	if err := s.create(a, "the action"); err != nil {
		return nil, fmt.Errorf("add action: %w", err)
	}
	return a, nil
}

// SetActionDone marks an action of the visit done or not.
func (s *Store) SetActionDone(visitID, actionID uint64, done bool) error {
	res := s.q().Model(&Action{}).Where("id = ? AND visit_id = ?", actionID, visitID).Update("done", done)
	if res.Error != nil {
		return fmt.Errorf("update action %d: %w", actionID, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("action %d: %w", actionID, ErrNotFound)
	}
	return nil
}

// Actions lists the actions agreed at visits, by visit, oldest first.
func (s *Store) Actions(visitIDs ...uint64) (map[uint64][]Action, error) {
	out := map[uint64][]Action{}
	if len(visitIDs) == 0 {
		return out, nil
	}
	var as []Action
	if err := s.q().Where("visit_id IN ?", visitIDs).Order("id").Find(&as).Error; err != nil {
		return nil, fmt.Errorf("actions: %w", err)
	}
	for _, a := range as {
		out[a.VisitID] = append(out[a.VisitID], a)
	}
	return out, nil
}

// now is the time recorded on decisions.
func now() time.Time { return time.Now().UTC() }
