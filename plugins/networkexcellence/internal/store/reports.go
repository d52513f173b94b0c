package store

import (
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
)

// ReportOf returns a review's report, or nil before the team starts it.
func (s *Store) ReportOf(reviewID uint64) (*Report, error) {
	var r Report
	err := s.q().Where("review_id = ?", reviewID).Take(&r).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("report of review %d: %w", reviewID, err)
	}
	return &r, nil
}

// ReportsOf returns the reports of these reviews, by review id.
func (s *Store) ReportsOf(reviewIDs []uint64) (map[uint64]Report, error) {
	out := map[uint64]Report{}
	for start := 0; start < len(reviewIDs); start += 1000 {
		var rs []Report
		if err := s.q().Where("review_id IN ?", reviewIDs[start:min(len(reviewIDs), start+1000)]).Find(&rs).Error; err != nil {
			return nil, fmt.Errorf("reports: %w", err)
		}
		for _, r := range rs {
			out[r.ReviewID] = r
		}
	}
	return out, nil
}

// ItemsOf returns the items of these reports, by report, in order.
func (s *Store) ItemsOf(reportIDs []uint64) (map[uint64][]ReportItem, error) {
	out := map[uint64][]ReportItem{}
	for start := 0; start < len(reportIDs); start += 1000 {
		var is []ReportItem
		if err := s.q().Where("report_id IN ?", reportIDs[start:min(len(reportIDs), start+1000)]).Order("report_id, kind, position, id").Find(&is).Error; err != nil {
			return nil, fmt.Errorf("report items: %w", err)
		}
		for _, i := range is {
			out[i.ReportID] = append(out[i.ReportID], i)
		}
	}
	return out, nil
}

// Progress returns a report's judgements on last year's EBIs, by the EBI's item id.
func (s *Store) Progress(reportID uint64) (map[uint64]EBIProgress, error) {
	var ps []EBIProgress
	if err := s.q().Where("report_id = ?", reportID).Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("progress of report %d: %w", reportID, err)
	}
	out := map[uint64]EBIProgress{}
	for _, p := range ps {
		out[p.PriorItemID] = p
	}
	return out, nil
}

// CarriedForward returns the EBIs of the school's last published report
// before this review: what the team checks progress against.
func (s *Store) CarriedForward(rv *Review) ([]ReportItem, error) {
	var prior Review
	err := s.q().Where("school_id = ? AND starts_on < ? AND cancelled = ? AND id IN (?)", rv.SchoolID, rv.StartsOn, false,
		s.q().Model(&Report{}).Select("review_id").Where("state = ?", rules.Published)).Order("starts_on DESC").Take(&prior).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("the review before %d: %w", rv.ID, err)
	}
	rep, err := s.ReportOf(prior.ID)
	if err != nil || rep == nil {
		return nil, err
	}
	var is []ReportItem
	if err := s.q().Where("report_id = ? AND kind = ?", rep.ID, rules.EBI).Order("position, id").Find(&is).Error; err != nil {
		return nil, fmt.Errorf("EBIs of report %d: %w", rep.ID, err)
	}
	return is, nil
}

// draft returns the review's report, starting a draft when there is none,
// and refuses any other state: only a draft changes.
func (s *Store) draft(reviewID uint64, at time.Time) (*Report, error) {
	r, err := s.ReportOf(reviewID)
	if err != nil {
		return nil, err
	}
	if r == nil {
		r = &Report{TenantID: s.tenant, ReviewID: reviewID, State: rules.Draft, CreatedAt: at, UpdatedAt: at}
		if err := s.create(r, "the report"); err != nil {
			return nil, err
		}
		return r, nil
	}
	if _, err := rules.Next(r.State, rules.ActEdit); err != nil {
		return nil, conflict("%s", err.Error())
	}
	return r, nil
}

// ItemInput is the form of a report item.
type ItemInput struct {
	Kind, Theme, Title, Text, PutForward string
}

// AddItem adds a What Went Well, Even Better If or Area of Excellence to
// the review's draft report.
func (s *Store) AddItem(reviewID uint64, in ItemInput, at time.Time) (*ReportItem, error) {
	var errs Errors
	it := ReportItem{Kind: oneOf(&errs, "kind", in.Kind, rules.WWW, rules.EBI, rules.AoE), Text: text(&errs, "text", in.Text, 4000, true)}
	if rules.ThemeLabel(in.Theme) == "" {
		errs.Add("theme", "Choose the theme it is about")
	}
	it.Theme = in.Theme
	if it.Kind == rules.AoE {
		it.Title = text(&errs, "title", in.Title, 200, true)
		it.PutForward = checked(in.PutForward)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	r, err := s.draft(reviewID, at)
	if err != nil {
		return nil, err
	}
	var n int64
	if err := s.q().Model(&ReportItem{}).Where("report_id = ? AND kind = ?", r.ID, it.Kind).Count(&n).Error; err != nil {
		return nil, fmt.Errorf("count items: %w", err)
	}
	if n >= 20 {
		return nil, conflict("a report has at most 20 of each kind: merge some")
	}
	it.TenantID, it.ReportID, it.Position = s.tenant, r.ID, int(n)+1
	if err := s.create(&it, "the item"); err != nil {
		return nil, err
	}
	return &it, s.touchReport(r.ID, at)
}

// DeleteItem removes an item of the review's draft report.
func (s *Store) DeleteItem(reviewID, itemID uint64, at time.Time) (*ReportItem, error) {
	r, err := s.draft(reviewID, at)
	if err != nil {
		return nil, err
	}
	var it ReportItem
	if err := s.first(&it, itemID, "report item"); err != nil {
		return nil, err
	}
	if it.ReportID != r.ID {
		return nil, fmt.Errorf("item %d of review %d: %w", itemID, reviewID, ErrNotFound)
	}
	if err := s.q().Where("id = ?", itemID).Delete(&ReportItem{}).Error; err != nil {
		return nil, fmt.Errorf("delete item %d: %w", itemID, err)
	}
	return &it, s.touchReport(r.ID, at)
}

// ProgressInput is a judgement of one of last year's EBIs.
type ProgressInput struct {
	Judgement, Comment string
}

// SaveDraft saves the draft's summary and its judgements of last year's
// EBIs (by the EBI's item id; only EBIs carried forward to this review).
func (s *Store) SaveDraft(reviewID uint64, summary string, progress map[uint64]ProgressInput, at time.Time) (before, after *Report, err error) {
	rv, err := s.Review(reviewID)
	if err != nil {
		return nil, nil, err
	}
	carried, err := s.CarriedForward(rv)
	if err != nil {
		return nil, nil, err
	}
	var errs Errors
	summary = text(&errs, "summary", summary, 8000, false)
	allowed := map[uint64]bool{}
	for _, c := range carried {
		allowed[c.ID] = true
	}
	type judged struct {
		id uint64
		p  ProgressInput
	}
	var rows []judged
	for id, p := range progress {
		field := fmt.Sprintf("progress_%d", id)
		if !allowed[id] {
			errs.Add(field, "Judge only last year's Even Better Ifs")
			continue
		}
		if p.Judgement == "" {
			continue
		}
		p.Judgement = oneOf(&errs, field, p.Judgement, rules.Judgements...)
		p.Comment = text(&errs, "comment_"+fmt.Sprint(id), p.Comment, 2000, false)
		rows = append(rows, judged{id, p})
	}
	if len(errs) > 0 {
		return nil, nil, errs
	}
	r, err := s.draft(reviewID, at)
	if err != nil {
		return nil, nil, err
	}
	b := *r
	if err := s.q().Model(&Report{}).Where("id = ?", r.ID).Updates(map[string]any{"summary": summary, "updated_at": at}).Error; err != nil {
		return nil, nil, fmt.Errorf("save report %d: %w", r.ID, err)
	}
	if err := s.q().Where("report_id = ?", r.ID).Delete(&EBIProgress{}).Error; err != nil {
		return nil, nil, fmt.Errorf("clear progress of report %d: %w", r.ID, err)
	}
	for _, j := range rows {
		p := EBIProgress{TenantID: s.tenant, ReportID: r.ID, PriorItemID: j.id, Judgement: j.p.Judgement, Comment: j.p.Comment}
		if err := s.create(&p, "the judgement"); err != nil {
			return nil, nil, err
		}
	}
	r.Summary, r.UpdatedAt = summary, at
	return &b, r, nil
}

// Transition moves the review's report on by act (rules.Next): submit (the
// lead, when rules.CheckSubmit finds nothing missing), agree or return
// (the host head; a return says why), publish (the central team). It
// returns the report before and after.
func (s *Store) Transition(reviewID uint64, act string, by uint64, note string, at time.Time) (before, after *Report, err error) {
	r, err := s.ReportOf(reviewID)
	if err != nil {
		return nil, nil, err
	}
	if r == nil {
		return nil, nil, conflict("the team has not started the report")
	}
	next, err := rules.Next(r.State, act)
	if err != nil {
		return nil, nil, conflict("%s", err.Error())
	}
	b := *r
	upd := map[string]any{"state": next, "updated_at": at}
	switch act {
	case rules.ActSubmit:
		if err := s.checkSubmit(r); err != nil {
			return nil, nil, err
		}
		upd["submitted_at"], upd["submitted_by"], upd["return_note"] = at, by, ""
		r.SubmittedAt, r.SubmittedBy, r.ReturnNote = &at, by, ""
	case rules.ActAgree:
		upd["agreed_at"], upd["agreed_by"] = at, by
		r.AgreedAt, r.AgreedBy = &at, by
	case rules.ActReturn:
		var errs Errors
		note = text(&errs, "note", note, 2000, true)
		if len(errs) > 0 {
			return nil, nil, errs
		}
		upd["return_note"] = note
		r.ReturnNote = note
	case rules.ActPublish:
		upd["published_at"], upd["published_by"] = at, by
		r.PublishedAt, r.PublishedBy = &at, by
	}
	if err := s.q().Model(&Report{}).Where("id = ? AND state = ?", r.ID, r.State).Updates(upd).Error; err != nil {
		return nil, nil, fmt.Errorf("%s report %d: %w", act, r.ID, err)
	}
	r.State, r.UpdatedAt = next, at
	return &b, r, nil
}

// checkSubmit refuses a draft that rules.CheckSubmit finds incomplete,
// listing everything missing.
func (s *Store) checkSubmit(r *Report) error {
	rv, err := s.Review(r.ReviewID)
	if err != nil {
		return err
	}
	carried, err := s.CarriedForward(rv)
	if err != nil {
		return err
	}
	items, err := s.ItemsOf([]uint64{r.ID})
	if err != nil {
		return err
	}
	prog, err := s.Progress(r.ID)
	if err != nil {
		return err
	}
	d := rules.DraftCounts{CarriedForward: len(carried), Judged: len(prog), Summary: r.Summary != ""}
	for _, it := range items[r.ID] {
		switch it.Kind {
		case rules.WWW:
			d.WWW++
		case rules.EBI:
			d.EBI++
		}
	}
	var errs Errors
	for _, v := range rules.CheckSubmit(d) {
		errs.Add(v.Rule, "%s", v.Message)
	}
	return errs.OrNil()
}

// PublishAgreed publishes every agreed report of a year's reviews; it
// returns the reports published.
func (s *Store) PublishAgreed(yearID, by uint64, at time.Time) ([]Report, error) {
	var rs []Report
	if err := s.q().Where("state = ? AND review_id IN (?)", rules.Agreed, s.q().Model(&Review{}).Select("id").Where("year_id = ?", yearID)).
		Find(&rs).Error; err != nil {
		return nil, fmt.Errorf("agreed reports: %w", err)
	}
	for i := range rs {
		if err := s.q().Model(&Report{}).Where("id = ?", rs[i].ID).Updates(map[string]any{"state": rules.Published,
			"published_at": at, "published_by": by, "updated_at": at}).Error; err != nil {
			return nil, fmt.Errorf("publish report %d: %w", rs[i].ID, err)
		}
		rs[i].State = rules.Published
	}
	return rs, nil
}

func (s *Store) touchReport(id uint64, at time.Time) error {
	if err := s.q().Model(&Report{}).Where("id = ?", id).Update("updated_at", at).Error; err != nil {
		return fmt.Errorf("touch report %d: %w", id, err)
	}
	return nil
}
