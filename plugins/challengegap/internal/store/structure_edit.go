package store

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
)

// Corrections to the programme's structure: editing and deleting programme
// years and clusters, taking a school out of its cluster or moving it to
// another, and changing a trio. The rules (README, "Correcting mistakes"):
//
//   - A programme year is deleted only while nothing depends on it; its
//     label is corrected only until a school takes a baseline in it.
//   - A cluster is deleted only while its schools have no programme data in
//     its year and its workshops no attendance or resources; its places,
//     requests, trios and six workshops go with it.
//   - A school leaves its cluster only before its baseline in that year,
//     and never while it is in a trio or is the facilitation school; after
//     the baseline it can still move to another cluster of the same year,
//     taking its data with it (a school's team, cohort, snapshots and
//     trials belong to the school and the year, not to the cluster).

// Dependent is a kind of record that depends on another, and how many.
type Dependent struct {
	N         int64
	One, Many string // "cluster", "clusters"
}

func (d Dependent) String() string {
	if d.N == 1 {
		return "1 " + d.One
	}
	return strconv.FormatInt(d.N, 10) + " " + d.Many
}

// Dependents lists what still depends on a record (kinds with none left out).
type Dependents []Dependent

// Any reports whether anything depends on the record.
func (ds Dependents) Any() bool { return len(ds) > 0 }

// String reads "2 clusters, 5 team members and 1 target cohort".
func (ds Dependents) String() string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.String()
	}
	switch len(parts) {
	case 0:
		return "nothing"
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// dependentCount is one query counting the rows of model matching where.
type dependentCount struct {
	model     any
	one, many string
	where     string
	args      []any
}

// countDependents runs the counts and keeps the kinds with rows.
func (s *Store) countDependents(counts []dependentCount) (Dependents, error) {
	var out Dependents
	for _, c := range counts {
		var n int64
		if err := s.q().Model(c.model).Where(c.where, c.args...).Count(&n).Error; err != nil {
			return nil, fmt.Errorf("count %s: %w", c.many, err)
		}
		if n > 0 {
			out = append(out, Dependent{N: n, One: c.one, Many: c.many})
		}
	}
	return out, nil
}

// UpdateYear corrects a programme year's label (and so its dates). It is
// refused once a school has taken a baseline in the year: the year's
// snapshots are dated within it.
func (s *Store) UpdateYear(id uint64, label string) (before, after *Year, err error) {
	label = strings.TrimSpace(label)
	first, perr := rules.ParseAcademicYear(label)
	if perr != nil {
		return nil, nil, invalid("label", "%s", perr.Error())
	}
	err = s.Tx(func(tx *Store) error {
		y, err := tx.Year(id)
		if err != nil {
			return err
		}
		before = y
		a := *y
		a.Label, a.StartsOn, a.EndsOn = label, fmt.Sprintf("%d-09-01", first), fmt.Sprintf("%d-08-31", first+1)
		after = &a
		if label == y.Label {
			return nil
		}
		n, err := tx.YearSnapshots(id)
		if err != nil {
			return err
		}
		if n > 0 {
			return conflict("schools have taken their baseline in %s (%d %s): the year's dates can no longer change", y.Label, n, plural(n, "snapshot", "snapshots"))
		}
		if err := tx.q().Model(&Year{}).Where("label = ? AND id <> ?", label, id).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return conflict("the programme year %s already exists", label)
		}
		return tx.q().Model(&Year{}).Where("id = ?", id).Updates(map[string]any{"label": a.Label, "starts_on": a.StartsOn, "ends_on": a.EndsOn}).Error
	})
	if err != nil {
		return nil, nil, fmt.Errorf("update year %d: %w", id, err)
	}
	return before, after, nil
}

// YearSnapshots counts the snapshots taken in a programme year (its label
// is fixed from the first).
func (s *Store) YearSnapshots(id uint64) (int64, error) {
	var n int64
	if err := s.q().Model(&Snapshot{}).Where("year_id = ?", id).Count(&n).Error; err != nil {
		return 0, fmt.Errorf("snapshots of year %d: %w", id, err)
	}
	return n, nil
}

// YearDependents lists what keeps a programme year from being deleted.
func (s *Store) YearDependents(id uint64) (Dependents, error) {
	y := "year_id = ?"
	return s.countDependents([]dependentCount{
		{&Cluster{}, "cluster", "clusters", y, []any{id}},
		{&TeamMember{}, "team member", "team members", y, []any{id}},
		{&Cohort{}, "target cohort", "target cohorts", y, []any{id}},
		{&Snapshot{}, "snapshot", "snapshots", y, []any{id}},
		{&Trial{}, "strategy trialled", "strategies trialled", y, []any{id}},
		{&Visit{}, "visit", "visits", y, []any{id}},
		{&SurveyRound{}, "survey round", "survey rounds", y, []any{id}},
		{&CaseStudy{}, "case study", "case studies", y, []any{id}},
	})
}

// DeleteYear deletes a programme year on which nothing depends (the
// bookkeeping of reminders and newsletters sent in it goes with it). A
// year with records is refused, naming them.
func (s *Store) DeleteYear(id uint64) (*Year, error) {
	var out *Year
	err := s.Tx(func(tx *Store) error {
		y, err := tx.Year(id)
		if err != nil {
			return err
		}
		deps, err := tx.YearDependents(id)
		if err != nil {
			return err
		}
		if deps.Any() {
			return conflict("the programme year %s still has %s: delete those first", y.Label, deps)
		}
		for _, m := range []any{&Reminder{}, &Newsletter{}} {
			if err := tx.q().Where("year_id = ?", id).Delete(m).Error; err != nil {
				return err
			}
		}
		out = y
		return tx.q().Where("id = ?", id).Delete(&Year{}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("delete year %d: %w", id, err)
	}
	return out, nil
}

// RenameCluster corrects a cluster's name.
func (s *Store) RenameCluster(id uint64, name string) (before, after *Cluster, err error) {
	name, err = text("name", name, 200, true)
	if err != nil {
		return nil, nil, err
	}
	err = s.Tx(func(tx *Store) error {
		c, err := tx.Cluster(id)
		if err != nil {
			return err
		}
		before = c
		a := *c
		a.Name, a.UpdatedAt = name, now()
		after = &a
		return tx.q().Model(&Cluster{}).Where("id = ?", id).Updates(map[string]any{"name": name, "updated_at": a.UpdatedAt}).Error
	})
	if err != nil {
		return nil, nil, fmt.Errorf("rename cluster %d: %w", id, err)
	}
	return before, after, nil
}

// ClusterDependents lists what keeps a cluster from being deleted: the
// programme data of its accepted schools in its year, and its workshops'
// attendance and resources.
func (s *Store) ClusterDependents(id uint64) (Dependents, error) {
	c, err := s.Cluster(id)
	if err != nil {
		return nil, err
	}
	schools, err := s.AcceptedSchools(id)
	if err != nil {
		return nil, err
	}
	var workshops []uint64
	if err := s.q().Model(&Workshop{}).Where("cluster_id = ?", id).Pluck("id", &workshops).Error; err != nil {
		return nil, fmt.Errorf("workshops of cluster %d: %w", id, err)
	}
	var counts []dependentCount
	if len(schools) > 0 {
		ys := "year_id = ? AND school_id IN ?"
		args := []any{c.YearID, schools}
		var rounds []uint64
		if err := s.q().Model(&SurveyRound{}).Where("year_id = ?", c.YearID).Pluck("id", &rounds).Error; err != nil {
			return nil, fmt.Errorf("survey rounds of year %d: %w", c.YearID, err)
		}
		counts = append(counts,
			dependentCount{&TeamMember{}, "team member", "team members", ys, args},
			dependentCount{&Cohort{}, "target cohort", "target cohorts", ys, args},
			dependentCount{&Snapshot{}, "snapshot", "snapshots", ys, args},
			dependentCount{&Trial{}, "strategy trialled", "strategies trialled", ys, args},
			dependentCount{&Visit{}, "visit", "visits", ys, args},
			dependentCount{&CaseStudy{}, "case study", "case studies", ys, args})
		if len(rounds) > 0 {
			counts = append(counts, dependentCount{&SurveyResponse{}, "survey answer", "survey answers", "round_id IN ? AND school_id IN ?", []any{rounds, schools}})
		}
	}
	if len(workshops) > 0 {
		counts = append(counts,
			dependentCount{&Attendance{}, "person ticked present at a workshop", "people ticked present at workshops", "workshop_id IN ? AND present = ?", []any{workshops, true}},
			dependentCount{&Resource{}, "workshop resource", "workshop resources", "workshop_id IN ?", []any{workshops}})
	}
	return s.countDependents(counts)
}

// ClusterDeletion is what deleting a cluster removed.
type ClusterDeletion struct {
	Cluster      Cluster       `json:"cluster"`
	Participants []Participant `json:"participants"`
	Trios        []Trio        `json:"trios"`
	Workshops    []Workshop    `json:"workshops"`
}

// DeleteCluster deletes a cluster created by mistake: with its school
// places and requests, trios and six workshops. It is refused while its
// schools have programme data in its year (move or remove them first) or
// its workshops have attendance or resources.
func (s *Store) DeleteCluster(id uint64) (*ClusterDeletion, error) {
	out := &ClusterDeletion{}
	err := s.Tx(func(tx *Store) error {
		c, err := tx.Cluster(id)
		if err != nil {
			return err
		}
		deps, err := tx.ClusterDependents(id)
		if err != nil {
			return err
		}
		if deps.Any() {
			return conflict("%s still has %s: move or remove its schools, and clear its workshops' attendance and resources, before deleting it", c.Name, deps)
		}
		out.Cluster = *c
		if out.Participants, err = tx.Participants(id); err != nil {
			return err
		}
		if out.Trios, err = tx.Trios(id); err != nil {
			return err
		}
		if out.Workshops, err = tx.Workshops(id); err != nil {
			return err
		}
		if len(out.Workshops) > 0 {
			ids := make([]uint64, len(out.Workshops))
			for i, w := range out.Workshops {
				ids[i] = w.ID
			}
			// Only rows of people marked absent are left (present ones refuse the delete).
			if err := tx.q().Where("workshop_id IN ?", ids).Delete(&Attendance{}).Error; err != nil {
				return err
			}
		}
		for _, m := range []any{&Participant{}, &Trio{}, &Workshop{}} {
			if err := tx.q().Where("cluster_id = ?", id).Delete(m).Error; err != nil {
				return err
			}
		}
		return tx.q().Where("id = ?", id).Delete(&Cluster{}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("delete cluster %d: %w", id, err)
	}
	return out, nil
}

// Place returns the accepted place of school in the cluster, or ErrNotFound.
func (s *Store) Place(clusterID, schoolID uint64) (*Participant, error) {
	p, err := s.participant(clusterID, schoolID)
	if err != nil {
		return nil, fmt.Errorf("school %d in cluster %d: %w", schoolID, clusterID, err)
	}
	if p.Status != StatusAccepted {
		return nil, fmt.Errorf("school %d in cluster %d: %w", schoolID, clusterID, ErrNotFound)
	}
	return p, nil
}

// MoveBlocker says why the school cannot move out of the cluster as it is
// (in a trio, or its facilitation school), or "" when it can.
func (s *Store) MoveBlocker(clusterID, schoolID uint64) (string, error) {
	c, err := s.Cluster(clusterID)
	if err != nil {
		return "", err
	}
	if _, err := s.Place(clusterID, schoolID); err != nil {
		return "", err
	}
	return s.leaveBlocker(c, schoolID)
}

// leaveBlocker says why the school cannot leave the cluster c as it is
// (in a trio, or its facilitation school), or "".
func (s *Store) leaveBlocker(c *Cluster, schoolID uint64) (string, error) {
	if c.FacilitationSchoolID == schoolID {
		return "the school is the cluster's facilitation school: name another (or none) first", nil
	}
	trios, err := s.Trios(c.ID)
	if err != nil {
		return "", err
	}
	for _, t := range trios {
		if slices.Contains(t.Schools(), schoolID) {
			return fmt.Sprintf("the school is in the trio %s: change the trio or dissolve it first", t.Name), nil
		}
	}
	return "", nil
}

// RemovalBlocker says why the school cannot be taken out of the cluster,
// or "" when it can.
func (s *Store) RemovalBlocker(clusterID, schoolID uint64) (string, error) {
	c, err := s.Cluster(clusterID)
	if err != nil {
		return "", err
	}
	if _, err := s.Place(clusterID, schoolID); err != nil {
		return "", err
	}
	co, err := s.CohortOf(c.YearID, schoolID, false)
	if err != nil {
		return "", err
	}
	if co.Frozen() {
		return fmt.Sprintf("the school took its baseline on %s: its data count in the cluster's results. Move it to another cluster of the year instead", co.FrozenAt.Format(time.DateOnly)), nil
	}
	return s.leaveBlocker(c, schoolID)
}

// RemoveSchool takes an accepted school out of its cluster: its place is
// deleted, while its team, cohort, trials and visits of the year stay with
// the school. Refused after its baseline, and while it is in a trio or is
// the facilitation school.
func (s *Store) RemoveSchool(clusterID, schoolID uint64) (*Participant, error) {
	var out *Participant
	err := s.Tx(func(tx *Store) error {
		why, err := tx.RemovalBlocker(clusterID, schoolID)
		if err != nil {
			return err
		}
		if why != "" {
			return conflict("%s", why)
		}
		if out, err = tx.Place(clusterID, schoolID); err != nil {
			return err
		}
		return tx.q().Where("id = ?", out.ID).Delete(&Participant{}).Error
	})
	if err != nil {
		return nil, fmt.Errorf("remove school %d from cluster %d: %w", schoolID, clusterID, err)
	}
	return out, nil
}

// MoveSchool moves an accepted school to another cluster of the same
// programme year, at any time: its team, cohort, snapshots and trials
// belong to the school and the year, so they count in the new cluster from
// then on. Refused while it is in a trio or is the facilitation school of
// the cluster it leaves. A request of the school to the new cluster is
// replaced by the place; who accepted it and when are kept (the audit
// records the move).
func (s *Store) MoveSchool(clusterID, schoolID, toClusterID uint64) (before, after *Participant, err error) {
	if toClusterID == 0 || toClusterID == clusterID {
		return nil, nil, invalid("cluster", "choose another cluster of the programme year")
	}
	err = s.Tx(func(tx *Store) error {
		c, err := tx.Cluster(clusterID)
		if err != nil {
			return err
		}
		p, err := tx.Place(clusterID, schoolID)
		if err != nil {
			return err
		}
		to, err := tx.Cluster(toClusterID)
		if errors.Is(err, ErrNotFound) || (err == nil && to.YearID != c.YearID) {
			return invalid("cluster", "choose another cluster of the programme year")
		}
		if err != nil {
			return err
		}
		if why, err := tx.leaveBlocker(c, schoolID); err != nil {
			return err
		} else if why != "" {
			return conflict("%s", why)
		}
		if err := tx.q().Where("cluster_id = ? AND school_id = ?", toClusterID, schoolID).Delete(&Participant{}).Error; err != nil {
			return err
		}
		before = p
		a := *p
		a.ClusterID = toClusterID
		after = &a
		return tx.q().Model(&Participant{}).Where("id = ?", p.ID).Update("cluster_id", toClusterID).Error
	})
	if err != nil {
		return nil, nil, fmt.Errorf("move school %d from cluster %d: %w", schoolID, clusterID, err)
	}
	return before, after, nil
}

// Trio returns trio id of the cluster.
func (s *Store) Trio(clusterID, trioID uint64) (*Trio, error) {
	var t Trio
	if err := s.first(&t, trioID); err != nil || t.ClusterID != clusterID {
		return nil, fmt.Errorf("trio %d: %w", trioID, ErrNotFound)
	}
	return &t, nil
}

// UpdateTrio renames a trio or changes its schools (to take a school out
// of a trio, put another in its place): three different accepted schools
// of the cluster, none in another of its trios.
func (s *Store) UpdateTrio(clusterID, trioID uint64, name string, lead, acc1, acc2 uint64) (before, after *Trio, err error) {
	name, ids, err := trioInput(name, lead, acc1, acc2)
	if err != nil {
		return nil, nil, err
	}
	err = s.Tx(func(tx *Store) error {
		t, err := tx.Trio(clusterID, trioID)
		if err != nil {
			return err
		}
		if err := tx.checkTrioSchools(clusterID, trioID, ids); err != nil {
			return err
		}
		before = t
		a := *t
		a.Name, a.LeadSchoolID, a.AcceleratorOneID, a.AcceleratorTwoID = name, lead, acc1, acc2
		after = &a
		return tx.q().Model(&Trio{}).Where("id = ?", trioID).Updates(map[string]any{
			"name": name, "lead_school_id": lead, "accelerator_one_id": acc1, "accelerator_two_id": acc2}).Error
	})
	if err != nil {
		return nil, nil, fmt.Errorf("update trio %d: %w", trioID, err)
	}
	return before, after, nil
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
