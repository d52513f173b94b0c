package store

import (
	"fmt"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
)

// A school that leaves its cluster after its baseline is withdrawn (issue
// 13): its place is kept with the date and the reason, so its history
// (team, cohort, snapshots, trials) stays; from that date it is out of the
// cluster's figures (the cluster's pages count accepted schools only) and
// its own figures stop at its last snapshot before the date.

type participantV11 struct {
	WithdrawnOn     string `gorm:"size:10;not null;default:''"`
	WithdrawnReason string `gorm:"size:1000;not null;default:''"`
}

func (participantV11) TableName() string { return "participants" }

// migrate11 records when and why a school withdrew from its cluster.
func migrate11(tx *gorm.DB) error {
	for _, col := range []string{"WithdrawnOn", "WithdrawnReason"} {
		if err := tx.Migrator().AddColumn(&participantV11{}, col); err != nil {
			return fmt.Errorf("add participants.%s: %w", col, err)
		}
	}
	return nil
}

// Withdrawal is a school's withdrawal from its cluster.
type Withdrawal struct {
	ClusterID, SchoolID uint64
	On, Reason          string
}

// WithdrawSchool marks an accepted school that took its baseline as
// withdrawn from the cluster on the date (in the programme year, not before
// its baseline), with the reason. Before its baseline a school is taken out
// instead (RemoveSchool). Refused while it is the facilitation school or
// in a trio.
func (s *Store) WithdrawSchool(clusterID, schoolID uint64, on, reason string) (*Participant, error) {
	reason, err := text("reason", reason, 1000, true)
	if err != nil {
		return nil, err
	}
	if _, err := rules.ParseDate(on); err != nil {
		return nil, invalid("withdrawn_on", "%s", err.Error())
	}
	var out *Participant
	err = s.Tx(func(tx *Store) error {
		c, err := tx.Cluster(clusterID)
		if err != nil {
			return err
		}
		p, err := tx.Place(clusterID, schoolID)
		if err != nil {
			return err
		}
		sns, err := tx.Snapshots(c.YearID, schoolID)
		if err != nil {
			return err
		}
		if len(sns) == 0 {
			return invalid("withdrawn_on", "the school has taken no baseline: take it out of the cluster instead")
		}
		y, err := tx.Year(c.YearID)
		if err != nil {
			return err
		}
		if on < sns[0].TakenOn || on > y.EndsOn {
			return invalid("withdrawn_on", "%s is not between the school's baseline (%s) and the end of %s (%s)",
				ShowDate(on), ShowDate(sns[0].TakenOn), y.Label, ShowDate(y.EndsOn))
		}
		if why, err := tx.leaveBlocker(c, schoolID); err != nil {
			return err
		} else if why != "" {
			return conflict("%s", why)
		}
		res := tx.q().Model(&Participant{}).Where("id = ? AND status = ?", p.ID, StatusAccepted).
			Updates(map[string]any{"status": StatusWithdrawn, "withdrawn_on": on, "withdrawn_reason": reason})
		if res.Error != nil {
			return fmt.Errorf("withdraw school %d: %w", schoolID, res.Error)
		}
		if res.RowsAffected == 0 {
			return conflict("the school has already left the cluster")
		}
		p.Status, p.WithdrawnOn, p.WithdrawnReason = StatusWithdrawn, on, reason
		out = p
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("withdraw school: %w", err)
	}
	return out, nil
}

// WithdrawnOn returns the date the school withdrew from its cluster of the
// year, or "" when it did not.
func (s *Store) WithdrawnOn(yearID, schoolID uint64) (string, error) {
	var p Participant
	err := s.q().Select("withdrawn_on").Where("year_id = ? AND school_id = ? AND status = ?", yearID, schoolID, StatusWithdrawn).
		Limit(1).Find(&p).Error
	if err != nil {
		return "", fmt.Errorf("withdrawal of school %d: %w", schoolID, err)
	}
	return p.WithdrawnOn, nil
}

// WithdrawnSchools lists the schools withdrawn from the cluster.
func (s *Store) WithdrawnSchools(clusterID uint64) ([]uint64, error) {
	var ids []uint64
	err := s.q().Model(&Participant{}).Where("cluster_id = ? AND status = ?", clusterID, StatusWithdrawn).Order("school_id").Pluck("school_id", &ids).Error
	if err != nil {
		return nil, fmt.Errorf("schools withdrawn from cluster %d: %w", clusterID, err)
	}
	return ids, nil
}

// refuseWithdrawn refuses a school that withdrew from a cluster of the year
// a place in any cluster of that year: its history stays where it was.
func (s *Store) refuseWithdrawn(yearID, schoolID uint64) error {
	on, err := s.WithdrawnOn(yearID, schoolID)
	if err != nil {
		return err
	}
	if on != "" {
		return conflict("the school withdrew from its cluster on %s: it takes part again next programme year", ShowDate(on))
	}
	return nil
}
