package identity

import (
	"context"
	"fmt"
	"strings"
)

// UserQuery narrows ListUsersWhere.
type UserQuery struct {
	// Text matches an email or name containing it (case-insensitive for ASCII).
	Text string
	// IDs, if not nil, keeps these users only (an empty, non-nil slice
	// matches nothing): e.g. the holders of a role (authz.Enforcer.Holders).
	IDs []uint
	// Limit is the page size (default 50, at most 500); Offset skips rows.
	Limit, Offset int
}

// ListUsersWhere returns one page of the tenant's users matching q, by
// email, and how many match in all.
func (s *Service) ListUsersWhere(ctx context.Context, tenantID uint, q UserQuery) ([]User, int64, error) {
	out := []User{}
	if q.IDs != nil && len(q.IDs) == 0 {
		return out, 0, nil
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	query := s.db.For(ctx, tenantID).Model(&User{}).Where("tenant_id = ?", tenantID)
	if text := strings.TrimSpace(q.Text); text != "" {
		p := "%" + escapeLike(strings.ToLower(text)) + "%"
		query = query.Where(`(LOWER(email) LIKE ? ESCAPE '\' OR LOWER(name) LIKE ? ESCAPE '\')`, p, p)
	}
	if q.IDs != nil {
		query = query.Where("id IN ?", q.IDs)
	}
	var total int64
	if err := query.Count(&total).Error; err != nil {
		return nil, 0, fmt.Errorf("count users: %w", err)
	}
	if err := query.Order("email, id").Limit(limit).Offset(max(q.Offset, 0)).Find(&out).Error; err != nil {
		return nil, 0, fmt.Errorf("list users: %w", err)
	}
	return out, total, nil
}
