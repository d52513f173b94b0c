package store

import "fmt"

// PersonRecords is everything the plugin holds about one person.
type PersonRecords struct {
	TeamMemberships []TeamMember `json:"team_memberships"`
	ClustersLed     []Cluster    `json:"clusters_led"`
	VisitsMade      []Visit      `json:"visits_made"`
	// The person's answers to staff surveys.
	SurveyResponses []SurveyResponse `json:"survey_responses"`
	SurveyAnswers   []SurveyAnswer   `json:"survey_answers"`
}

// PersonRecords gathers what the plugin holds about person, for a subject-access request.
func (s *Store) PersonRecords(personID uint64) (*PersonRecords, error) {
	out := &PersonRecords{TeamMemberships: []TeamMember{}, ClustersLed: []Cluster{}, VisitsMade: []Visit{},
		SurveyResponses: []SurveyResponse{}, SurveyAnswers: []SurveyAnswer{}}
	if err := s.q().Where("person_id = ?", personID).Order("id").Find(&out.TeamMemberships).Error; err != nil {
		return nil, fmt.Errorf("export team memberships: %w", err)
	}
	if err := s.q().Where("lead_person_id = ? OR programme_lead_person_id = ?", personID, personID).Order("id").Find(&out.ClustersLed).Error; err != nil {
		return nil, fmt.Errorf("export clusters led: %w", err)
	}
	if err := s.q().Where("visitor_person_id = ?", personID).Order("id").Find(&out.VisitsMade).Error; err != nil {
		return nil, fmt.Errorf("export visits: %w", err)
	}
	if err := s.q().Where("person_id = ?", personID).Order("id").Find(&out.SurveyResponses).Error; err != nil {
		return nil, fmt.Errorf("export survey responses: %w", err)
	}
	if len(out.SurveyResponses) > 0 {
		ids := make([]uint64, len(out.SurveyResponses))
		for i, r := range out.SurveyResponses {
			ids[i] = r.ID
		}
		if err := s.q().Where("response_id IN ?", ids).Order("id").Find(&out.SurveyAnswers).Error; err != nil {
			return nil, fmt.Errorf("export survey answers: %w", err)
		}
	}
	return out, nil
}

// ErasedName replaces the name of an erased person in records kept for the school.
const ErasedName = "(erased)"

// ErasePerson removes person's team memberships (and their attendance) and
// survey answers (the survey's results lose them), and
// anonymises the clusters they led and the visits they made, which stay as
// the school's and cluster's records. It returns the counts.
func (s *Store) ErasePerson(personID uint64) (erased, anonymised int64, err error) {
	err = s.Tx(func(tx *Store) error {
		var ids []uint64
		if err := tx.q().Model(&TeamMember{}).Where("person_id = ?", personID).Pluck("id", &ids).Error; err != nil {
			return err
		}
		if len(ids) > 0 {
			res := tx.q().Where("member_id IN ?", ids).Delete(&Attendance{})
			if res.Error != nil {
				return res.Error
			}
			erased += res.RowsAffected
			res = tx.q().Where("id IN ?", ids).Delete(&TeamMember{})
			if res.Error != nil {
				return res.Error
			}
			erased += res.RowsAffected
		}
		var rids []uint64
		if err := tx.q().Model(&SurveyResponse{}).Where("person_id = ?", personID).Pluck("id", &rids).Error; err != nil {
			return err
		}
		if len(rids) > 0 {
			res := tx.q().Where("response_id IN ?", rids).Delete(&SurveyAnswer{})
			if res.Error != nil {
				return res.Error
			}
			erased += res.RowsAffected
			res = tx.q().Where("id IN ?", rids).Delete(&SurveyResponse{})
			if res.Error != nil {
				return res.Error
			}
			erased += res.RowsAffected
		}
		res := tx.q().Model(&Cluster{}).Where("lead_person_id = ?", personID).Updates(map[string]any{"lead_person_id": 0, "lead_name": ""})
		if res.Error != nil {
			return res.Error
		}
		anonymised += res.RowsAffected
		res = tx.q().Model(&Cluster{}).Where("programme_lead_person_id = ?", personID).Updates(map[string]any{"programme_lead_person_id": 0, "programme_lead_name": ""})
		if res.Error != nil {
			return res.Error
		}
		anonymised += res.RowsAffected
		res = tx.q().Model(&Visit{}).Where("visitor_person_id = ?", personID).Updates(map[string]any{"visitor_person_id": 0, "visitor_name": ErasedName})
		if res.Error != nil {
			return res.Error
		}
		anonymised += res.RowsAffected
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("erase person: %w", err)
	}
	return erased, anonymised, nil
}
