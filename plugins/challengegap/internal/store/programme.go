package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
)

// CreateYear adds the programme year label ("2017-18"), running from
// 1 September to 31 August.
func (s *Store) CreateYear(label string) (*Year, error) {
	first, err := rules.ParseAcademicYear(label)
	if err != nil {
		return nil, invalid("label", "%s", err.Error())
	}
	y := &Year{TenantID: s.tenant, Label: label, StartsOn: fmt.Sprintf("%d-09-01", first), EndsOn: fmt.Sprintf("%d-08-31", first+1)}
	var n int64
	if err := s.q().Model(&Year{}).Where("label = ?", label).Count(&n).Error; err != nil {
		return nil, fmt.Errorf("check year %s: %w", label, err)
	}
	if n > 0 {
		return nil, conflict("the programme year %s already exists", label)
	}
	if err := s.create(y, "the programme year "+label); err != nil {
		return nil, fmt.Errorf("create year %s: %w", label, err)
	}
	return y, nil
}

// Years lists the programme years, latest first.
func (s *Store) Years() ([]Year, error) {
	var ys []Year
	if err := s.q().Order("label DESC").Find(&ys).Error; err != nil {
		return nil, fmt.Errorf("list years: %w", err)
	}
	return ys, nil
}

// Year returns the programme year id.
func (s *Store) Year(id uint64) (*Year, error) {
	var y Year
	if err := s.first(&y, id); err != nil {
		return nil, fmt.Errorf("year %d: %w", id, err)
	}
	return &y, nil
}

// UpsertSchools records schools as last read from the Host (by UnitID).
func (s *Store) UpsertSchools(schools []School) error {
	if len(schools) == 0 {
		return nil
	}
	now := time.Now().UTC()
	rows := make([]School, len(schools))
	for i, sc := range schools {
		sc.ID, sc.TenantID, sc.UpdatedAt = 0, s.tenant, now
		rows[i] = sc
	}
	err := s.db.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "tenant_id"}, {Name: "unit_id"}},
		DoUpdates: clause.AssignmentColumns([]string{"name", "urn", "phase", "updated_at"}),
	}).Create(&rows).Error
	if err != nil {
		return fmt.Errorf("record %d schools: %w", len(rows), err)
	}
	return nil
}

// Schools returns the recorded schools with these unit ids (all when none
// is given), by unit id.
func (s *Store) Schools(unitIDs ...uint64) (map[uint64]School, error) {
	q := s.q()
	if len(unitIDs) > 0 {
		q = q.Where("unit_id IN ?", unitIDs)
	}
	var rows []School
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("load schools: %w", err)
	}
	out := make(map[uint64]School, len(rows))
	for _, r := range rows {
		out[r.UnitID] = r
	}
	return out, nil
}

// CreateCluster adds the core cluster unitID to the programme year, with
// its six workshops.
func (s *Store) CreateCluster(yearID, unitID uint64, name string) (*Cluster, error) {
	name, err := text("name", name, 200, true)
	if err != nil {
		return nil, err
	}
	if unitID == 0 {
		return nil, invalid("unit", "choose one of the tenant's clusters")
	}
	c := &Cluster{TenantID: s.tenant, YearID: yearID, UnitID: unitID, Name: name}
	err = s.Tx(func(tx *Store) error {
		if _, err := tx.Year(yearID); err != nil {
			return err
		}
		var n int64
		if err := tx.q().Model(&Cluster{}).Where("year_id = ? AND unit_id = ?", yearID, unitID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return conflict("%s is already a cluster of this programme year", name)
		}
		if err := tx.create(c, "the cluster"); err != nil {
			return err
		}
		ws := make([]Workshop, len(rules.Workshops))
		for i, w := range rules.Workshops {
			ws[i] = Workshop{TenantID: s.tenant, ClusterID: c.ID, Number: w.Number}
		}
		return tx.db.Create(&ws).Error
	})
	if err != nil {
		return nil, fmt.Errorf("create cluster: %w", err)
	}
	return c, nil
}

// Clusters lists the clusters of a programme year (0: every year) by name.
func (s *Store) Clusters(yearID uint64) ([]Cluster, error) {
	q := s.q()
	if yearID != 0 {
		q = q.Where("year_id = ?", yearID)
	}
	var cs []Cluster
	if err := q.Order("name, id").Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("list clusters: %w", err)
	}
	return cs, nil
}

// Cluster returns cluster id.
func (s *Store) Cluster(id uint64) (*Cluster, error) {
	var c Cluster
	if err := s.first(&c, id); err != nil {
		return nil, fmt.Errorf("cluster %d: %w", id, err)
	}
	return &c, nil
}

// Recruiting lists the clusters open for recruitment, latest year first.
func (s *Store) Recruiting() ([]Cluster, error) {
	var cs []Cluster
	if err := s.q().Where("recruiting = ?", true).Order("year_id DESC, name").Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("list recruiting clusters: %w", err)
	}
	return cs, nil
}

// ClustersLedBy lists the clusters whose cluster lead or programme lead is person.
func (s *Store) ClustersLedBy(personID uint64) ([]Cluster, error) {
	if personID == 0 {
		return nil, nil
	}
	var cs []Cluster
	err := s.q().Where("lead_person_id = ? OR programme_lead_person_id = ?", personID, personID).Order("year_id DESC, name").Find(&cs).Error
	if err != nil {
		return nil, fmt.Errorf("clusters led by %d: %w", personID, err)
	}
	return cs, nil
}

// Leads are who runs a cluster.
type Leads struct {
	FacilitationSchoolID  uint64
	LeadPersonID          uint64
	LeadName              string
	ProgrammeLeadPersonID uint64
	ProgrammeLeadName     string
}

// SetLeads records the cluster's facilitation school (an accepted school of
// the cluster, or 0), its cluster lead and its programme lead (0: none).
func (s *Store) SetLeads(clusterID uint64, l Leads) (*Cluster, error) {
	var out *Cluster
	err := s.Tx(func(tx *Store) error {
		c, err := tx.Cluster(clusterID)
		if err != nil {
			return err
		}
		if l.FacilitationSchoolID != 0 {
			p, err := tx.participant(clusterID, l.FacilitationSchoolID)
			if err != nil || p.Status != StatusAccepted {
				return invalid("facilitation_school", "choose one of the cluster's accepted schools")
			}
		}
		if l.LeadPersonID == 0 {
			l.LeadName = ""
		}
		if l.ProgrammeLeadPersonID == 0 {
			l.ProgrammeLeadName = ""
		}
		c.FacilitationSchoolID, c.LeadPersonID, c.LeadName = l.FacilitationSchoolID, l.LeadPersonID, l.LeadName
		c.ProgrammeLeadPersonID, c.ProgrammeLeadName = l.ProgrammeLeadPersonID, l.ProgrammeLeadName
		err = tx.q().Model(&Cluster{}).Where("id = ?", clusterID).Updates(map[string]any{
			"facilitation_school_id": c.FacilitationSchoolID, "lead_person_id": c.LeadPersonID, "lead_name": c.LeadName,
			"programme_lead_person_id": c.ProgrammeLeadPersonID, "programme_lead_name": c.ProgrammeLeadName,
			"updated_at": time.Now().UTC(),
		}).Error
		out = c
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("set leads of cluster %d: %w", clusterID, err)
	}
	return out, nil
}

// SetRecruiting opens or closes the cluster for recruitment.
func (s *Store) SetRecruiting(clusterID uint64, open bool) error {
	res := s.q().Model(&Cluster{}).Where("id = ?", clusterID).Updates(map[string]any{"recruiting": open, "updated_at": time.Now().UTC()})
	if res.Error != nil {
		return fmt.Errorf("set recruiting of cluster %d: %w", clusterID, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("cluster %d: %w", clusterID, ErrNotFound)
	}
	return nil
}

func (s *Store) participant(clusterID, schoolID uint64) (*Participant, error) {
	var p Participant
	err := s.q().Where("cluster_id = ? AND school_id = ?", clusterID, schoolID).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// acceptedElsewhere returns the cluster of the year that accepted the
// school, other than clusterID, or nil.
func (s *Store) acceptedElsewhere(yearID, schoolID, clusterID uint64) (*Participant, error) {
	var ps []Participant
	err := s.q().Where("year_id = ? AND school_id = ? AND status = ? AND cluster_id <> ?", yearID, schoolID, StatusAccepted, clusterID).Limit(1).Find(&ps).Error
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	return &ps[0], nil
}

// ExpressInterest records that a school wants to join a cluster open for
// recruitment. A school accepted by another cluster of the year, or whose
// interest is pending or accepted here, is refused; a declined school may
// ask again.
func (s *Store) ExpressInterest(clusterID, schoolID, by uint64, message string) (*Participant, error) {
	message, err := text("message", message, 1000, false)
	if err != nil {
		return nil, err
	}
	var out *Participant
	err = s.Tx(func(tx *Store) error {
		c, err := tx.Cluster(clusterID)
		if err != nil {
			return err
		}
		if !c.Recruiting {
			return conflict("%s is not recruiting", c.Name)
		}
		if other, err := tx.acceptedElsewhere(c.YearID, schoolID, clusterID); err != nil {
			return err
		} else if other != nil {
			return conflict("the school already takes part in another cluster this programme year")
		}
		if err := tx.refuseWithdrawn(c.YearID, schoolID); err != nil {
			return err
		}
		p, err := tx.participant(clusterID, schoolID)
		switch {
		case errors.Is(err, ErrNotFound):
			p = &Participant{TenantID: s.tenant, YearID: c.YearID, ClusterID: clusterID, SchoolID: schoolID,
				Status: StatusInterested, Message: message, RequestedBy: by}
			out = p
			return tx.create(p, "the school's interest")
		case err != nil:
			return err
		case p.Status == StatusInterested:
			return conflict("the school's interest in %s is already waiting for the cluster lead", c.Name)
		case p.Status == StatusAccepted:
			return conflict("the school already takes part in %s", c.Name)
		}
		p.Status, p.Message, p.RequestedBy, p.DecidedBy, p.DecidedAt, p.Note = StatusInterested, message, by, 0, nil, ""
		out = p
		return tx.q().Model(&Participant{}).Where("id = ?", p.ID).Updates(map[string]any{
			"status": p.Status, "message": p.Message, "requested_by": by, "decided_by": 0, "decided_at": nil, "note": ""}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("express interest: %w", err)
	}
	return out, nil
}

// Decide accepts or declines a school's pending interest in its cluster.
func (s *Store) Decide(clusterID, participantID uint64, accept bool, by uint64, note string) (*Participant, error) {
	note, err := text("note", note, 1000, false)
	if err != nil {
		return nil, err
	}
	var out *Participant
	err = s.Tx(func(tx *Store) error {
		var p Participant
		if err := tx.first(&p, participantID); err != nil {
			return err
		}
		if p.ClusterID != clusterID {
			return ErrNotFound
		}
		if p.Status != StatusInterested {
			return conflict("this request was already %s", p.Status)
		}
		status := StatusDeclined
		if accept {
			status = StatusAccepted
			if other, err := tx.acceptedElsewhere(p.YearID, p.SchoolID, clusterID); err != nil {
				return err
			} else if other != nil {
				return conflict("the school already takes part in another cluster this programme year")
			}
		}
		now := time.Now().UTC()
		p.Status, p.DecidedBy, p.DecidedAt, p.Note = status, by, &now, note
		out = &p
		return tx.q().Model(&Participant{}).Where("id = ? AND status = ?", p.ID, StatusInterested).Updates(map[string]any{
			"status": status, "decided_by": by, "decided_at": now, "note": note}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("decide on participant %d: %w", participantID, err)
	}
	return out, nil
}

// AddSchool makes a school an accepted participant of the cluster directly
// (a cluster set up with schools already agreed), unless another cluster of
// the year has it. Adding a school already accepted here changes nothing.
func (s *Store) AddSchool(clusterID, schoolID, by uint64) (*Participant, error) {
	var out *Participant
	err := s.Tx(func(tx *Store) error {
		c, err := tx.Cluster(clusterID)
		if err != nil {
			return err
		}
		if other, err := tx.acceptedElsewhere(c.YearID, schoolID, clusterID); err != nil {
			return err
		} else if other != nil {
			return conflict("the school already takes part in another cluster this programme year")
		}
		now := time.Now().UTC()
		if err := tx.refuseWithdrawn(c.YearID, schoolID); err != nil {
			return err
		}
		p, err := tx.participant(clusterID, schoolID)
		switch {
		case errors.Is(err, ErrNotFound):
			p = &Participant{TenantID: s.tenant, YearID: c.YearID, ClusterID: clusterID, SchoolID: schoolID,
				Status: StatusAccepted, RequestedBy: by, DecidedBy: by, DecidedAt: &now}
			out = p
			return tx.create(p, "the school's place")
		case err != nil:
			return err
		case p.Status == StatusAccepted:
			out = p
			return nil
		}
		p.Status, p.DecidedBy, p.DecidedAt = StatusAccepted, by, &now
		out = p
		return tx.q().Model(&Participant{}).Where("id = ?", p.ID).Updates(map[string]any{"status": StatusAccepted, "decided_by": by, "decided_at": now}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("add school %d to cluster %d: %w", schoolID, clusterID, err)
	}
	return out, nil
}

// Participants lists a cluster's schools and requests, oldest first.
func (s *Store) Participants(clusterID uint64) ([]Participant, error) {
	var ps []Participant
	if err := s.q().Where("cluster_id = ?", clusterID).Order("id").Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("participants of cluster %d: %w", clusterID, err)
	}
	return ps, nil
}

// Participations lists a school's places and requests in every cluster,
// latest year first.
func (s *Store) Participations(schoolID uint64) ([]Participant, error) {
	var ps []Participant
	if err := s.q().Where("school_id = ?", schoolID).Order("year_id DESC, id").Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("participations of school %d: %w", schoolID, err)
	}
	return ps, nil
}

// AcceptedSchools returns the unit ids of a cluster's accepted schools.
func (s *Store) AcceptedSchools(clusterID uint64) ([]uint64, error) {
	var ids []uint64
	err := s.q().Model(&Participant{}).Where("cluster_id = ? AND status = ?", clusterID, StatusAccepted).Order("school_id").Pluck("school_id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("schools of cluster %d: %w", clusterID, err)
	}
	return ids, nil
}

// CreateTrio groups three accepted schools of the cluster: a lead and two
// accelerators, none of them already in a trio of the cluster.
func (s *Store) CreateTrio(clusterID uint64, name string, lead, acc1, acc2 uint64) (*Trio, error) {
	name, ids, err := trioInput(name, lead, acc1, acc2)
	if err != nil {
		return nil, err
	}
	t := &Trio{TenantID: s.tenant, ClusterID: clusterID, Name: name, LeadSchoolID: lead, AcceleratorOneID: acc1, AcceleratorTwoID: acc2}
	err = s.Tx(func(tx *Store) error {
		if _, err := tx.Cluster(clusterID); err != nil {
			return err
		}
		if err := tx.checkTrioSchools(clusterID, 0, ids); err != nil {
			return err
		}
		return tx.create(t, "the trio")
	})
	if err != nil {
		return nil, fmt.Errorf("create trio: %w", err)
	}
	return t, nil
}

// trioInput checks a trio's name and its three schools as given: one lead
// and two accelerators, all different.
func trioInput(name string, lead, acc1, acc2 uint64) (string, []uint64, error) {
	name, err := text("name", name, 200, true)
	if err != nil {
		return "", nil, err
	}
	if lead == 0 || acc1 == 0 || acc2 == 0 || lead == acc1 || lead == acc2 || acc1 == acc2 {
		return "", nil, invalid("schools", "a trio is three different schools: one lead and two accelerators")
	}
	return name, []uint64{lead, acc1, acc2}, nil
}

// checkTrioSchools checks, inside a transaction, that a trio's schools are
// accepted schools of the cluster and in none of its other trios (except is
// the trio being changed, 0 for a new one).
func (s *Store) checkTrioSchools(clusterID, except uint64, ids []uint64) error {
	accepted, err := s.AcceptedSchools(clusterID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !slices.Contains(accepted, id) {
			return invalid("schools", "every school of a trio must be an accepted school of the cluster")
		}
	}
	trios, err := s.Trios(clusterID)
	if err != nil {
		return err
	}
	for _, other := range trios {
		if other.ID == except {
			continue
		}
		for _, id := range ids {
			if slices.Contains(other.Schools(), id) {
				return invalid("schools", "a school is already in the trio %s", other.Name)
			}
		}
	}
	return nil
}

// Trios lists a cluster's trios.
func (s *Store) Trios(clusterID uint64) ([]Trio, error) {
	var ts []Trio
	if err := s.q().Where("cluster_id = ?", clusterID).Order("name, id").Find(&ts).Error; err != nil {
		return nil, fmt.Errorf("trios of cluster %d: %w", clusterID, err)
	}
	return ts, nil
}

// DeleteTrio removes a trio of the cluster.
func (s *Store) DeleteTrio(clusterID, trioID uint64) (*Trio, error) {
	var t Trio
	if err := s.first(&t, trioID); err != nil || t.ClusterID != clusterID {
		return nil, fmt.Errorf("trio %d: %w", trioID, ErrNotFound)
	}
	if err := s.q().Where("id = ?", trioID).Delete(&Trio{}).Error; err != nil {
		return nil, fmt.Errorf("delete trio %d: %w", trioID, err)
	}
	return &t, nil
}

// SchoolFromHost is the plugin's record of a school the Host returned.
func SchoolFromHost(s *pluginv1.School) School {
	phase := ""
	if s.GetPhase() != pluginv1.Phase_PHASE_UNSPECIFIED {
		phase = strings.ToLower(strings.TrimPrefix(s.GetPhase().String(), "PHASE_"))
	}
	return School{UnitID: s.GetId(), Name: s.GetName(), URN: s.GetUrn(), Phase: phase}
}

// ParticipantsOfYear lists every participant of the year's clusters, by cluster.
func (s *Store) ParticipantsOfYear(yearID uint64) (map[uint64][]Participant, error) {
	var ps []Participant
	if err := s.q().Where("year_id = ?", yearID).Order("id").Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("participants of year %d: %w", yearID, err)
	}
	out := map[uint64][]Participant{}
	for _, p := range ps {
		out[p.ClusterID] = append(out[p.ClusterID], p)
	}
	return out, nil
}
