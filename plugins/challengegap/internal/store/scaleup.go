package store

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
)

// ScaleUp is the reach of a strategy a school decided to scale up: the
// year groups and classes it has reached so far.
type ScaleUp struct {
	ID         uint64    `gorm:"primaryKey" json:"-"`
	TenantID   uint64    `gorm:"not null" json:"-"`
	TrialID    uint64    `gorm:"not null" json:"trial_id"`
	YearGroups string    `gorm:"size:64;not null;default:''" json:"year_groups"` // "3,4,5"
	Classes    string    `gorm:"size:1000;not null;default:''" json:"classes"`
	UpdatedBy  uint64    `gorm:"not null;default:0" json:"updated_by"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// TableName is the table of scale-up plans.
func (ScaleUp) TableName() string { return "scaleups" }

// Groups returns the year groups reached, in order.
func (p *ScaleUp) Groups() []int {
	if p == nil {
		return nil
	}
	out, _ := parseYearGroups(p.YearGroups)
	return out
}

// ScaleUpStep is one step of a scale-up plan: what, who, by when, done.
type ScaleUpStep struct {
	ID        uint64     `gorm:"primaryKey" json:"id"`
	TenantID  uint64     `gorm:"not null" json:"-"`
	TrialID   uint64     `gorm:"not null" json:"trial_id"`
	What      string     `gorm:"size:1000;not null" json:"what"`
	Who       string     `gorm:"size:200;not null;default:''" json:"who"`
	DueOn     string     `gorm:"size:10;not null;default:''" json:"due_on"`
	DoneAt    *time.Time `json:"done_at"`
	CreatedBy uint64     `gorm:"not null;default:0" json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
}

// TableName is the table of scale-up steps.
func (ScaleUpStep) TableName() string { return "scaleup_steps" }

// Done reports whether the step is done.
func (s ScaleUpStep) Done() bool { return s.DoneAt != nil }

// parseYearGroups reads "3, 4,5" or "3 4 5" (year groups -1 to 14: -1
// nursery, 0 reception), sorted and without repeats.
func parseYearGroups(s string) ([]int, error) {
	var out []int
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		f = strings.TrimPrefix(strings.TrimPrefix(f, "Y"), "y")
		n, err := strconv.Atoi(f)
		if err != nil || n < -1 || n > 14 {
			return nil, fmt.Errorf("%q is not a year group (-1 to 14)", f)
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, nil
}

// scaledUpTrial returns the school's trial, which must be decided "scale up".
func (s *Store) scaledUpTrial(schoolID, trialID uint64) (*Trial, error) {
	t, err := s.Trial(schoolID, trialID)
	if err != nil {
		return nil, err
	}
	if rules.Decision(t.Decision) != rules.DecisionScaleUp {
		return nil, invalid("decision", "a scale-up plan is for a strategy the school decided to scale up")
	}
	return t, nil
}

// SetReach records the year groups ("3,4,5") and classes a scaled-up
// strategy has reached.
func (s *Store) SetReach(schoolID, trialID uint64, yearGroups, classes string, by uint64) (*ScaleUp, error) {
	groups, err := parseYearGroups(yearGroups)
	if err != nil {
		return nil, invalid("year_groups", "%s", err.Error())
	}
	if classes, err = text("classes", classes, 1000, false); err != nil {
		return nil, err
	}
	strs := make([]string, len(groups))
	for i, g := range groups {
		strs[i] = strconv.Itoa(g)
	}
	p := &ScaleUp{TenantID: s.tenant, TrialID: trialID, YearGroups: strings.Join(strs, ","), Classes: classes, UpdatedBy: by, UpdatedAt: now()}
	err = s.Tx(func(tx *Store) error {
		if _, err := tx.scaledUpTrial(schoolID, trialID); err != nil {
			return err
		}
		var old ScaleUp
		err := tx.q().Where("trial_id = ?", trialID).Take(&old).Error
		if err == nil {
			p.ID = old.ID
			return tx.db.Save(p).Error
		}
		return tx.create(p, "the scale-up plan")
	})
	if err != nil {
		return nil, fmt.Errorf("set reach of trial %d: %w", trialID, err)
	}
	return p, nil
}

// AddStep adds a step to a scaled-up strategy's plan.
func (s *Store) AddStep(schoolID, trialID uint64, what, who, dueOn string, by uint64) (*ScaleUpStep, error) {
	what, err := text("what", what, 1000, true)
	if err != nil {
		return nil, err
	}
	if who, err = text("who", who, 200, false); err != nil {
		return nil, err
	}
	if dueOn != "" {
		if _, err := rules.ParseDate(dueOn); err != nil {
			return nil, invalid("due_on", "%s", err.Error())
		}
	}
	st := &ScaleUpStep{TenantID: s.tenant, TrialID: trialID, What: what, Who: who, DueOn: dueOn, CreatedBy: by, CreatedAt: now()}
	err = s.Tx(func(tx *Store) error {
		if _, err := tx.scaledUpTrial(schoolID, trialID); err != nil {
			return err
		}
		return tx.create(st, "the step")
	})
	if err != nil {
		return nil, fmt.Errorf("add step to trial %d: %w", trialID, err)
	}
	return st, nil
}

// SetStepDone marks a step done or open again.
func (s *Store) SetStepDone(schoolID, trialID, stepID uint64, done bool) (*ScaleUpStep, error) {
	if _, err := s.Trial(schoolID, trialID); err != nil {
		return nil, err
	}
	var st ScaleUpStep
	if err := s.first(&st, stepID); err != nil || st.TrialID != trialID {
		return nil, fmt.Errorf("step %d: %w", stepID, ErrNotFound)
	}
	st.DoneAt = nil
	if done {
		at := now()
		st.DoneAt = &at
	}
	if err := s.q().Model(&ScaleUpStep{}).Where("id = ?", stepID).Update("done_at", st.DoneAt).Error; err != nil {
		return nil, fmt.Errorf("mark step %d: %w", stepID, err)
	}
	return &st, nil
}

// Plan is a scaled-up strategy's plan: its reach and steps.
type Plan struct {
	Reach *ScaleUp // nil: no reach recorded yet
	Steps []ScaleUpStep
}

// DoneSteps counts the steps done.
func (p Plan) DoneSteps() int {
	n := 0
	for _, s := range p.Steps {
		if s.Done() {
			n++
		}
	}
	return n
}

// Plans returns the scale-up plans of trials, by trial (steps by due date,
// undated last, then in the order added).
func (s *Store) Plans(trialIDs ...uint64) (map[uint64]*Plan, error) {
	out := map[uint64]*Plan{}
	if len(trialIDs) == 0 {
		return out, nil
	}
	for _, id := range trialIDs {
		out[id] = &Plan{}
	}
	var reach []ScaleUp
	if err := s.q().Where("trial_id IN ?", trialIDs).Find(&reach).Error; err != nil {
		return nil, fmt.Errorf("scale-up reach: %w", err)
	}
	for i := range reach {
		out[reach[i].TrialID].Reach = &reach[i]
	}
	var steps []ScaleUpStep
	if err := s.q().Where("trial_id IN ?", trialIDs).Order("id").Find(&steps).Error; err != nil {
		return nil, fmt.Errorf("scale-up steps: %w", err)
	}
	slices.SortStableFunc(steps, func(a, b ScaleUpStep) int {
		switch {
		case a.DueOn == b.DueOn:
			return 0
		case a.DueOn == "":
			return 1
		case b.DueOn == "":
			return -1
		}
		return strings.Compare(a.DueOn, b.DueOn)
	})
	for _, st := range steps {
		out[st.TrialID].Steps = append(out[st.TrialID].Steps, st)
	}
	return out, nil
}
