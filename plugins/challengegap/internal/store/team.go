package store

import (
	"errors"
	"fmt"
	"slices"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
)

// checkMember checks a team member to be added (AddMember, AddMembers): a
// person with a name, a valid role, a subject for a teacher and a type for a
// para-professional; it clears the subject and type of the other roles.
func checkMember(m TeamMember) (TeamMember, error) {
	name, err := text("person", m.Name, 200, true)
	if err != nil {
		return m, err
	}
	m.Name = name
	role := rules.Role(m.Role)
	switch {
	case m.PersonID == 0:
		return m, invalid("person", "choose a member of the school's staff")
	case !role.Valid():
		return m, invalid("role", "choose leader, teacher or para-professional")
	case role == rules.RoleTeacher && !rules.Subject(m.Subject).Valid():
		return m, invalid("subject", "choose the subject the teacher teaches")
	case role == rules.RolePara && !rules.ParaType(m.ParaType).Valid():
		return m, invalid("para_type", "choose the kind of para-professional")
	}
	if role != rules.RoleTeacher {
		m.Subject = ""
	}
	if role != rules.RolePara {
		m.ParaType = ""
	}
	return m, nil
}

// AddMember adds a person to a school's team for a programme year. A
// teacher needs a subject and a para-professional a type; other roles carry
// neither.
func (s *Store) AddMember(m TeamMember) (*TeamMember, error) {
	m, err := checkMember(m)
	if err != nil {
		return nil, err
	}
	m.ID, m.TenantID = 0, s.tenant
	err = s.Tx(func(tx *Store) error {
		if _, err := tx.Year(m.YearID); err != nil {
			return err
		}
		if ok, err := tx.IsMember(m.YearID, m.SchoolID, m.PersonID); err != nil {
			return err
		} else if ok {
			return conflict("%s is already on the team", m.Name)
		}
		return tx.create(&m, "the team member")
	})
	if err != nil {
		return nil, fmt.Errorf("add team member: %w", err)
	}
	return &m, nil
}

// Members lists a school's team for a year: leaders, teachers, then
// para-professionals, each by name.
func (s *Store) Members(yearID, schoolID uint64) ([]TeamMember, error) {
	return s.MembersOf(yearID, schoolID)
}

// MembersOf lists the teams of several schools for a year, ordered like Members.
func (s *Store) MembersOf(yearID uint64, schoolIDs ...uint64) ([]TeamMember, error) {
	if len(schoolIDs) == 0 {
		return nil, nil
	}
	var ms []TeamMember
	if err := s.q().Where("year_id = ? AND school_id IN ?", yearID, schoolIDs).Order("school_id, name, id").Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("team members: %w", err)
	}
	order := func(r string) int { return slices.Index(rules.Roles, rules.Role(r)) }
	slices.SortStableFunc(ms, func(a, b TeamMember) int {
		if a.SchoolID != b.SchoolID {
			return cmpU(a.SchoolID, b.SchoolID)
		}
		return order(a.Role) - order(b.Role)
	})
	return ms, nil
}

func cmpU(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Member returns team member id of the school.
func (s *Store) Member(schoolID, memberID uint64) (*TeamMember, error) {
	var m TeamMember
	if err := s.first(&m, memberID); err != nil || m.SchoolID != schoolID {
		return nil, fmt.Errorf("team member %d: %w", memberID, ErrNotFound)
	}
	return &m, nil
}

// RemoveMember takes a member off the school's team (and their workshop attendance).
func (s *Store) RemoveMember(schoolID, memberID uint64) (*TeamMember, error) {
	m, err := s.Member(schoolID, memberID)
	if err != nil {
		return nil, err
	}
	err = s.Tx(func(tx *Store) error {
		if err := tx.q().Where("member_id = ?", memberID).Delete(&Attendance{}).Error; err != nil {
			return err
		}
		return tx.q().Where("id = ?", memberID).Delete(&TeamMember{}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("remove team member %d: %w", memberID, err)
	}
	return m, nil
}

// IsMember reports whether person is on the school's team in the year.
func (s *Store) IsMember(yearID, schoolID, personID uint64) (bool, error) {
	if personID == 0 {
		return false, nil
	}
	var n int64
	err := s.q().Model(&TeamMember{}).Where("year_id = ? AND school_id = ? AND person_id = ?", yearID, schoolID, personID).Count(&n).Error
	if err != nil {
		return false, fmt.Errorf("check team membership: %w", err)
	}
	return n > 0, nil
}

// MemberOf lists the teams (school and year) person is on.
func (s *Store) MemberOf(personID uint64) ([]TeamMember, error) {
	var ms []TeamMember
	if err := s.q().Where("person_id = ?", personID).Order("year_id DESC, school_id").Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("teams of person %d: %w", personID, err)
	}
	return ms, nil
}

// CheckTeam applies the phase rules to members.
func CheckTeam(phase string, members []TeamMember) []rules.Violation {
	ms := make([]rules.Member, len(members))
	for i, m := range members {
		ms[i] = rules.Member{Role: rules.Role(m.Role), Subject: rules.Subject(m.Subject), ParaType: rules.ParaType(m.ParaType)}
	}
	return rules.CheckTeam(phase, ms)
}

// ClusterOfSchool returns the cluster that accepted the school in the year, or ErrNotFound.
func (s *Store) ClusterOfSchool(yearID, schoolID uint64) (*Cluster, error) {
	var ps []Participant
	if err := s.q().Where("year_id = ? AND school_id = ? AND status = ?", yearID, schoolID, StatusAccepted).Limit(1).Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("cluster of school %d: %w", schoolID, err)
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("cluster of school %d: %w", schoolID, ErrNotFound)
	}
	c, err := s.Cluster(ps[0].ClusterID)
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("cluster of school %d: %w", schoolID, ErrNotFound)
	}
	return c, err
}

// TeamPersonIDs lists the people on any team, for refreshing their names.
func (s *Store) TeamPersonIDs() ([]uint64, error) {
	var ids []uint64
	if err := s.q().Model(&TeamMember{}).Distinct("person_id").Order("person_id").Pluck("person_id", &ids).Error; err != nil {
		return nil, fmt.Errorf("team people: %w", err)
	}
	return ids, nil
}

// RenameMembers records people's current names (by person id) on their team memberships.
func (s *Store) RenameMembers(names map[uint64]string) error {
	return s.Tx(func(tx *Store) error {
		for id, name := range names {
			name, err := text("person", name, 200, true)
			if err != nil {
				continue // keep the last good name
			}
			if err := tx.q().Model(&TeamMember{}).Where("person_id = ? AND name <> ?", id, name).Update("name", name).Error; err != nil {
				return fmt.Errorf("rename team member %d: %w", id, err)
			}
		}
		return nil
	})
}
