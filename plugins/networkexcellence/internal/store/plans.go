package store

import (
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Plan statuses and activity statuses.
const (
	PlanDraft  = "draft"
	PlanAgreed = "agreed"
)

// ActivityStatuses are an activity's states, in order.
var ActivityStatuses = []string{"planned", "in_progress", "done", "dropped"}

// ActivityStatusLabel names an activity's status.
func ActivityStatusLabel(s string) string {
	switch s {
	case "planned":
		return "Planned"
	case "in_progress":
		return "In progress"
	case "done":
		return "Done"
	case "dropped":
		return "Dropped"
	}
	return s
}

// HubPlan is a hub's plan with its priorities and activities.
type HubPlan struct {
	Plan       *Plan // nil before anyone wrote one
	Priorities []Priority
	Activities []Activity
}

// SpentPence is the spend recorded against the plan's activities.
func (p HubPlan) SpentPence() int64 {
	var n int64
	for _, a := range p.Activities {
		n += a.SpendPence
	}
	return n
}

// PlanOf returns a hub's plan for a year (Plan nil when none yet).
func (s *Store) PlanOf(yearID, hubID uint64) (HubPlan, error) {
	var out HubPlan
	var p Plan
	err := s.q().Where("year_id = ? AND hub_id = ?", yearID, hubID).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return out, nil
	}
	if err != nil {
		return out, fmt.Errorf("plan of hub %d: %w", hubID, err)
	}
	out.Plan = &p
	if err := s.q().Where("plan_id = ?", p.ID).Order("position, id").Find(&out.Priorities).Error; err != nil {
		return out, fmt.Errorf("priorities of plan %d: %w", p.ID, err)
	}
	if err := s.q().Where("plan_id = ?", p.ID).Order("due_on, id").Find(&out.Activities).Error; err != nil {
		return out, fmt.Errorf("activities of plan %d: %w", p.ID, err)
	}
	return out, nil
}

// plan returns the hub's plan for the year, creating a draft.
func (s *Store) plan(yearID, hubID, by uint64, at time.Time) (*Plan, error) {
	var p Plan
	err := s.q().Where("year_id = ? AND hub_id = ?", yearID, hubID).Take(&p).Error
	if err == nil {
		return &p, nil
	}
	if !errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, fmt.Errorf("plan of hub %d: %w", hubID, err)
	}
	p = Plan{TenantID: s.tenant, YearID: yearID, HubID: hubID, Status: PlanDraft, UpdatedBy: by, CreatedAt: at, UpdatedAt: at}
	if err := s.create(&p, "the hub's plan"); err != nil {
		return nil, err
	}
	return &p, nil
}

// FundingInput is the funding form.
type FundingInput struct {
	Pot, CreditPool, Status, Notes string
}

// SaveFunding sets a hub plan's funding (the pot returned from membership
// fees, the part of it shared as credits by pupils on roll), status and
// notes. It returns the plan before and after.
func (s *Store) SaveFunding(yearID, hubID uint64, in FundingInput, by uint64, at time.Time) (before, after *Plan, err error) {
	var errs Errors
	pot := pounds(&errs, "pot", in.Pot)
	pool := pounds(&errs, "credit_pool", in.CreditPool)
	status := oneOf(&errs, "status", in.Status, PlanDraft, PlanAgreed)
	notes := text(&errs, "notes", in.Notes, 4000, false)
	if pool > pot && !errs.Has("credit_pool") && !errs.Has("pot") {
		errs.Add("credit_pool", "The credits cannot be more than the pot they come from")
	}
	if len(errs) > 0 {
		return nil, nil, errs
	}
	p, err := s.plan(yearID, hubID, by, at)
	if err != nil {
		return nil, nil, err
	}
	b := *p
	p.PotPence, p.CreditPoolPence, p.Status, p.Notes, p.UpdatedBy, p.UpdatedAt = pot, pool, status, notes, by, at
	if err := s.q().Model(&Plan{}).Where("id = ?", p.ID).Updates(map[string]any{"pot_pence": pot, "credit_pool_pence": pool,
		"status": status, "notes": notes, "updated_by": by, "updated_at": at}).Error; err != nil {
		return nil, nil, fmt.Errorf("save funding of plan %d: %w", p.ID, err)
	}
	return &b, p, nil
}

// PriorityInput is the form of a priority.
type PriorityInput struct{ Title, Description string }

// AddPriority adds a shared priority at the end of the hub's plan.
func (s *Store) AddPriority(yearID, hubID uint64, in PriorityInput, by uint64, at time.Time) (*Priority, error) {
	var errs Errors
	title := text(&errs, "title", in.Title, 200, true)
	desc := text(&errs, "description", in.Description, 4000, false)
	if len(errs) > 0 {
		return nil, errs
	}
	p, err := s.plan(yearID, hubID, by, at)
	if err != nil {
		return nil, err
	}
	var n int64
	if err := s.q().Model(&Priority{}).Where("plan_id = ?", p.ID).Count(&n).Error; err != nil {
		return nil, fmt.Errorf("count priorities: %w", err)
	}
	if n >= 12 {
		return nil, Invalid("title", "A plan has at most 12 priorities: remove one first")
	}
	pr := Priority{TenantID: s.tenant, PlanID: p.ID, Position: int(n) + 1, Title: title, Description: desc}
	if err := s.create(&pr, "the priority"); err != nil {
		return nil, err
	}
	return &pr, s.touch(p.ID, by, at)
}

// DeletePriority removes a priority of the hub's plan that no activity is against.
func (s *Store) DeletePriority(yearID, hubID, id, by uint64, at time.Time) (*Priority, error) {
	pr, p, err := s.priority(yearID, hubID, id)
	if err != nil {
		return nil, err
	}
	var n int64
	if err := s.q().Model(&Activity{}).Where("priority_id = ?", id).Count(&n).Error; err != nil {
		return nil, fmt.Errorf("activities of priority %d: %w", id, err)
	}
	if n > 0 {
		return nil, conflict("%d %s against this priority: delete or move them first", n, plural(int(n), "activity is", "activities are"))
	}
	if err := s.q().Where("id = ?", id).Delete(&Priority{}).Error; err != nil {
		return nil, fmt.Errorf("delete priority %d: %w", id, err)
	}
	return pr, s.touch(p.ID, by, at)
}

func (s *Store) priority(yearID, hubID, id uint64) (*Priority, *Plan, error) {
	var pr Priority
	if err := s.first(&pr, id, "priority"); err != nil {
		return nil, nil, err
	}
	var p Plan
	if err := s.first(&p, pr.PlanID, "plan"); err != nil {
		return nil, nil, err
	}
	if p.YearID != yearID || p.HubID != hubID {
		return nil, nil, fmt.Errorf("priority %d of hub %d: %w", id, hubID, ErrNotFound)
	}
	return &pr, &p, nil
}

// ActivityInput is the form of an activity.
type ActivityInput struct {
	Priority                           uint64
	Title, Owner, DueOn, Status, Spend string
}

func (s *Store) checkActivity(plan *Plan, in ActivityInput) (Activity, error) {
	var errs Errors
	a := Activity{Title: text(&errs, "title", in.Title, 200, true), Owner: text(&errs, "owner", in.Owner, 200, false),
		DueOn: date(&errs, "due_on", in.DueOn, false), Status: oneOf(&errs, "status", in.Status, ActivityStatuses...),
		SpendPence: pounds(&errs, "spend", in.Spend), PriorityID: in.Priority}
	var pr Priority
	if in.Priority == 0 || s.first(&pr, in.Priority, "priority") != nil || pr.PlanID != plan.ID {
		errs.Add("priority", "Choose one of the plan's priorities")
	}
	return a, errs.OrNil()
}

// AddActivity adds an activity against one of the plan's priorities.
func (s *Store) AddActivity(yearID, hubID uint64, in ActivityInput, by uint64, at time.Time) (*Activity, error) {
	p, err := s.plan(yearID, hubID, by, at)
	if err != nil {
		return nil, err
	}
	a, err := s.checkActivity(p, in)
	if err != nil {
		return nil, err
	}
	a.TenantID, a.PlanID, a.CreatedAt, a.UpdatedAt = s.tenant, p.ID, at, at
	if err := s.create(&a, "the activity"); err != nil {
		return nil, err
	}
	return &a, s.touch(p.ID, by, at)
}

// UpdateActivity changes an activity of the hub's plan; it returns it
// before and after.
func (s *Store) UpdateActivity(yearID, hubID, id uint64, in ActivityInput, by uint64, at time.Time) (before, after *Activity, err error) {
	var a Activity
	if err := s.first(&a, id, "activity"); err != nil {
		return nil, nil, err
	}
	var p Plan
	if err := s.first(&p, a.PlanID, "plan"); err != nil || p.YearID != yearID || p.HubID != hubID {
		return nil, nil, fmt.Errorf("activity %d of hub %d: %w", id, hubID, ErrNotFound)
	}
	n, err := s.checkActivity(&p, in)
	if err != nil {
		return nil, nil, err
	}
	b := a
	a.PriorityID, a.Title, a.Owner, a.DueOn, a.Status, a.SpendPence, a.UpdatedAt = n.PriorityID, n.Title, n.Owner, n.DueOn, n.Status, n.SpendPence, at
	if err := s.q().Model(&Activity{}).Where("id = ?", id).Updates(map[string]any{"priority_id": a.PriorityID, "title": a.Title,
		"owner": a.Owner, "due_on": a.DueOn, "status": a.Status, "spend_pence": a.SpendPence, "updated_at": at}).Error; err != nil {
		return nil, nil, fmt.Errorf("update activity %d: %w", id, err)
	}
	return &b, &a, s.touch(p.ID, by, at)
}

func (s *Store) touch(planID, by uint64, at time.Time) error {
	if err := s.q().Model(&Plan{}).Where("id = ?", planID).Updates(map[string]any{"updated_by": by, "updated_at": at}).Error; err != nil {
		return fmt.Errorf("touch plan %d: %w", planID, err)
	}
	return nil
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
