package store

import (
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// NewsInput is the form of a news item.
type NewsInput struct{ Title, Body, PublishedOn string }

// AddNews adds an item of the partnership's news for the weekly digest.
func (s *Store) AddNews(in NewsInput, by uint64, at time.Time) (*News, error) {
	var errs Errors
	n := News{TenantID: s.tenant, Title: text(&errs, "title", in.Title, 200, true), Body: text(&errs, "body", in.Body, 8000, true),
		PublishedOn: date(&errs, "published_on", in.PublishedOn, true), CreatedBy: by, CreatedAt: at}
	if len(errs) > 0 {
		return nil, errs
	}
	if err := s.create(&n, "the news"); err != nil {
		return nil, err
	}
	return &n, nil
}

// NewsBetween returns the news published from (inclusive) to (exclusive), newest first.
func (s *Store) NewsBetween(from, to string) ([]News, error) {
	var ns []News
	if err := s.q().Where("published_on >= ? AND published_on < ?", from, to).Order("published_on DESC, id DESC").Find(&ns).Error; err != nil {
		return nil, fmt.Errorf("news: %w", err)
	}
	return ns, nil
}

// LatestNews returns the latest n items.
func (s *Store) LatestNews(n int) ([]News, error) {
	var ns []News
	if err := s.q().Order("published_on DESC, id DESC").Limit(n).Find(&ns).Error; err != nil {
		return nil, fmt.Errorf("news: %w", err)
	}
	return ns, nil
}

// Sent reports whether a job sent mail kind about ref to person.
func (s *Store) Sent(kind string, ref, person uint64) (bool, error) {
	var x Sent
	err := s.q().Where("kind = ? AND ref_id = ? AND person_id = ?", kind, ref, person).Take(&x).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sent %s %d: %w", kind, ref, err)
	}
	return true, nil
}

// SentSet returns, for mail kind, which (ref, person) pairs were sent.
func (s *Store) SentSet(kind string) (map[[2]uint64]bool, error) {
	var xs []Sent
	if err := s.q().Where("kind = ?", kind).Find(&xs).Error; err != nil {
		return nil, fmt.Errorf("sent %s: %w", kind, err)
	}
	out := make(map[[2]uint64]bool, len(xs))
	for _, x := range xs {
		out[[2]uint64{x.RefID, x.PersonID}] = true
	}
	return out, nil
}

// MarkSent records mail sent (pairs of ref and person); a pair recorded
// before is left as it is.
func (s *Store) MarkSent(kind string, pairs [][2]uint64, at time.Time) error {
	if len(pairs) == 0 {
		return nil
	}
	rows := make([]Sent, len(pairs))
	for i, p := range pairs {
		rows[i] = Sent{TenantID: s.tenant, Kind: kind, RefID: p[0], PersonID: p[1], SentAt: at}
	}
	if err := s.db.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(&rows, 500).Error; err != nil {
		return fmt.Errorf("record %s mail: %w", kind, err)
	}
	return nil
}
