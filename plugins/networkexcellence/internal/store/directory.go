package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/directory"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/geo"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/rules"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/taxonomy"
)

// Terms returns the tenant's taxonomy by kind and label; a tenant with none
// yet gets the default taxonomy first.
func (s *Store) Terms() ([]Term, error) {
	var ts []Term
	if err := s.q().Order("kind, label").Find(&ts).Error; err != nil {
		return nil, fmt.Errorf("terms: %w", err)
	}
	return ts, nil
}

// SeedTerms gives a tenant without a taxonomy the default one (a read
// when it has one, so pages may call it on every view).
func (s *Store) SeedTerms(at time.Time) error {
	var n int64
	if err := s.q().Model(&Term{}).Limit(1).Count(&n).Error; err != nil {
		return fmt.Errorf("count terms: %w", err)
	}
	if n > 0 {
		return nil
	}
	rows := make([]Term, len(taxonomy.Default))
	for i, t := range taxonomy.Default {
		rows[i] = Term{TenantID: s.tenant, Key: t.Key, Kind: t.Kind, Label: t.Label, CreatedAt: at}
	}
	if err := s.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error; err != nil {
		return fmt.Errorf("seed taxonomy: %w", err)
	}
	return nil
}

// TermInput is the form of a taxonomy term.
type TermInput struct{ Kind, Label string }

// AddTerm adds a term; its key is made from the label.
func (s *Store) AddTerm(in TermInput, at time.Time) (*Term, error) {
	var errs Errors
	t := Term{TenantID: s.tenant, Label: text(&errs, "label", in.Label, 100, true), CreatedAt: at}
	if !taxonomy.ValidKind(in.Kind) {
		errs.Add("kind", "Choose phase, subject or theme")
	}
	t.Kind, t.Key = in.Kind, taxonomy.KeyOf(in.Label)
	if t.Label != "" && !errs.Has("label") && !taxonomy.ValidKey(t.Key) {
		errs.Add("label", "Start the name with a letter (a–z) and use at least two letters or digits")
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if err := s.create(&t, "a term named like that"); err != nil {
		return nil, err
	}
	return &t, nil
}

// RenameTerm changes a term's label (its key, which tags refer to, stays).
func (s *Store) RenameTerm(id uint64, label string, at time.Time) (*Term, *Term, error) {
	var errs Errors
	label = text(&errs, "label", label, 100, true)
	if len(errs) > 0 {
		return nil, nil, errs
	}
	var t Term
	if err := s.first(&t, id, "term"); err != nil {
		return nil, nil, err
	}
	before := t
	if err := s.q().Model(&Term{}).Where("id = ?", id).Update("label", label).Error; err != nil {
		return nil, nil, fmt.Errorf("rename term %d: %w", id, err)
	}
	// The AoEs tagged with it change with it (the Directory's fingerprint).
	if err := s.q().Model(&AoE{}).Where("id IN (?)", s.db.Model(&AoETerm{}).Select("aoe_id").Where("tenant_id = ? AND term_id = ?", s.tenant, id)).
		Update("updated_at", at).Error; err != nil {
		return nil, nil, fmt.Errorf("touch the areas of term %d: %w", id, err)
	}
	t.Label = label
	return &before, &t, nil
}

// termIDs checks ids are the tenant's terms (field names the form field).
func (s *Store) termIDs(errs *Errors, field string, ids []string) []uint64 {
	var out []uint64
	for _, v := range ids {
		n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
		if err != nil || n == 0 {
			errs.Add(field, "Choose terms from the list")
			return nil
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil
	}
	var n int64
	if err := s.q().Model(&Term{}).Where("id IN ?", out).Count(&n).Error; err != nil || int(n) != len(out) {
		errs.Add(field, "Choose terms from the list")
		return nil
	}
	return out
}

// AoEInput is the form that accredits (or declines) an Area of Excellence.
type AoEInput struct {
	SchoolID                  uint64
	Title, Description        string
	Evidence                  string
	Terms                     []string // term ids
	Decision                  string   // accredit, decline
	ReviewYears, AccreditedOn string
}

// PutForward lists the Areas of Excellence put forward in published QA
// Review reports that the central team has not yet decided, with their
// school: as AoE records in state put_forward (made on first call).
func (s *Store) PutForward(at time.Time) ([]AoE, error) {
	var items []struct {
		ID       uint64
		Title    string
		Text     string
		SchoolID uint64
	}
	err := s.db.Table("report_items AS i").Select("i.id, i.title, i.text, v.school_id").
		Joins("JOIN reports r ON r.id = i.report_id AND r.tenant_id = i.tenant_id").
		Joins("JOIN reviews v ON v.id = r.review_id AND v.tenant_id = r.tenant_id").
		Where("i.tenant_id = ? AND i.kind = ? AND i.put_forward = ? AND r.state = ?", s.tenant, rules.AoE, true, rules.Published).
		Where("NOT EXISTS (SELECT 1 FROM aoes a WHERE a.tenant_id = i.tenant_id AND a.report_item_id = i.id)").
		Scan(&items).Error
	if err != nil {
		return nil, fmt.Errorf("areas put forward: %w", err)
	}
	for _, it := range items {
		id := it.ID
		a := AoE{TenantID: s.tenant, SchoolID: it.SchoolID, ReportItemID: &id, Title: it.Title, Description: it.Text,
			State: AoEPutForward, CreatedAt: at, UpdatedAt: at}
		if err := s.db.Clauses(clause.OnConflict{DoNothing: true}).Create(&a).Error; err != nil {
			return nil, fmt.Errorf("record area put forward: %w", err)
		}
	}
	var out []AoE
	if err := s.q().Where("state = ?", AoEPutForward).Order("created_at, id").Find(&out).Error; err != nil {
		return nil, fmt.Errorf("areas put forward: %w", err)
	}
	return out, nil
}

// AoE loads an Area of Excellence.
func (s *Store) AoE(id uint64) (*AoE, error) {
	var a AoE
	return &a, s.first(&a, id, "area of excellence")
}

// DecideAoE accredits or declines an AoE put forward (id ≠ 0), or records
// one the central team accredits directly (id = 0, with its school).
// Accreditation needs the evidence, at least one term and the years until
// it is reviewed again (1–5).
func (s *Store) DecideAoE(id uint64, in AoEInput, by uint64, at time.Time) (*AoE, error) {
	var errs Errors
	decision := oneOf(&errs, "decision", in.Decision, "accredit", "decline")
	a := &AoE{TenantID: s.tenant, SchoolID: in.SchoolID, CreatedAt: at}
	if id != 0 {
		var err error
		if a, err = s.AoE(id); err != nil {
			return nil, err
		}
		if a.State != AoEPutForward {
			return nil, conflict("this area was decided already (%s)", strings.ReplaceAll(a.State, "_", " "))
		}
	} else if in.SchoolID == 0 {
		errs.Add("school", "Choose the school")
	}
	a.Title = text(&errs, "title", in.Title, 200, true)
	a.Description = text(&errs, "description", in.Description, 4000, false)
	var terms []uint64
	if decision == "accredit" {
		a.Evidence = text(&errs, "evidence", in.Evidence, 4000, true)
		terms = s.termIDs(&errs, "terms", in.Terms)
		if len(terms) == 0 && !errs.Has("terms") {
			errs.Add("terms", "Tag it with at least one term of the taxonomy")
		}
		years := number(&errs, "review_years", in.ReviewYears, 1, 5)
		on := date(&errs, "accredited_on", in.AccreditedOn, true)
		if on != "" && years > 0 {
			d, _ := time.Parse(time.DateOnly, on)
			a.AccreditedOn, a.ReviewDue = on, d.AddDate(years, 0, 0).Format(time.DateOnly)
		}
		a.State = AoEAccredited
	} else if decision == "decline" {
		a.State = AoEDeclined
	}
	if len(errs) > 0 {
		return nil, errs
	}
	a.DecidedBy, a.UpdatedAt = by, at
	if err := s.db.Save(a).Error; err != nil {
		return nil, fmt.Errorf("save area of excellence: %w", err)
	}
	return a, s.tagAoE(a.ID, terms)
}

func (s *Store) tagAoE(id uint64, terms []uint64) error {
	if err := s.q().Where("aoe_id = ?", id).Delete(&AoETerm{}).Error; err != nil {
		return fmt.Errorf("untag area %d: %w", id, err)
	}
	for _, t := range terms {
		if err := s.db.Create(&AoETerm{TenantID: s.tenant, AoEID: id, TermID: t}).Error; err != nil {
			return fmt.Errorf("tag area %d: %w", id, err)
		}
	}
	return nil
}

// AoEView is an accredited AoE with its terms and whether it is due for review.
type AoEView struct {
	AoE
	Terms []Term
}

// AccreditedAoEs returns the accredited AoEs of the schools (all when
// none), each with its terms, by school and title.
func (s *Store) AccreditedAoEs(schools ...uint64) ([]AoEView, error) {
	q := s.q().Where("state = ?", AoEAccredited)
	if len(schools) > 0 {
		q = q.Where("school_id IN ?", schools)
	}
	var as []AoE
	if err := q.Order("school_id, title, id").Find(&as).Error; err != nil {
		return nil, fmt.Errorf("areas of excellence: %w", err)
	}
	terms, err := s.termsByID()
	if err != nil {
		return nil, err
	}
	var tags []AoETerm
	if err := s.q().Find(&tags).Error; err != nil {
		return nil, fmt.Errorf("area tags: %w", err)
	}
	byAoE := map[uint64][]Term{}
	for _, t := range tags {
		byAoE[t.AoEID] = append(byAoE[t.AoEID], terms[t.TermID])
	}
	out := make([]AoEView, len(as))
	for i, a := range as {
		out[i] = AoEView{a, byAoE[a.ID]}
	}
	return out, nil
}

func (s *Store) termsByID() (map[uint64]Term, error) {
	ts, err := s.Terms()
	if err != nil {
		return nil, err
	}
	out := make(map[uint64]Term, len(ts))
	for _, t := range ts {
		out[t.ID] = t
	}
	return out, nil
}

// HubNeeds returns a hub's priorities as terms.
func (s *Store) HubNeeds(hubID uint64) ([]Term, error) {
	var ts []Term
	err := s.q().Where("id IN (?)", s.db.Model(&HubNeed{}).Select("term_id").Where("tenant_id = ? AND hub_id = ?", s.tenant, hubID)).
		Order("label").Find(&ts).Error
	if err != nil {
		return nil, fmt.Errorf("needs of hub %d: %w", hubID, err)
	}
	return ts, nil
}

// SetHubNeeds replaces a hub's priorities (term ids).
func (s *Store) SetHubNeeds(hubID uint64, ids []string) ([]uint64, error) {
	var errs Errors
	terms := s.termIDs(&errs, "terms", ids)
	if len(errs) > 0 {
		return nil, errs
	}
	if err := s.q().Where("hub_id = ?", hubID).Delete(&HubNeed{}).Error; err != nil {
		return nil, fmt.Errorf("clear needs of hub %d: %w", hubID, err)
	}
	for _, t := range terms {
		if err := s.db.Create(&HubNeed{TenantID: s.tenant, HubID: hubID, TermID: t}).Error; err != nil {
			return nil, fmt.Errorf("add need of hub %d: %w", hubID, err)
		}
	}
	return terms, nil
}

// Ofsted grades a profile may hold.
var OfstedGrades = []string{"outstanding", "good", "requires_improvement", "inadequate", "not_inspected"}

// Regions of England a profile may name.
var Regions = []string{"North East", "North West", "Yorkshire and the Humber", "East Midlands", "West Midlands",
	"East of England", "London", "South East", "South West"}

// ProfileInput is the form of a school's Directory profile.
type ProfileInput struct{ Town, Postcode, Region, Ofsted, Headline, Contact string }

// Profile returns a school's profile (empty when it has none yet).
func (s *Store) Profile(schoolID uint64) (*Profile, error) {
	var p Profile
	err := s.q().Where("school_id = ?", schoolID).Take(&p).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return &Profile{TenantID: s.tenant, SchoolID: schoolID}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("profile of school %d: %w", schoolID, err)
	}
	return &p, nil
}

// Profiles returns every profile by school.
func (s *Store) Profiles() (map[uint64]Profile, error) {
	var ps []Profile
	if err := s.q().Find(&ps).Error; err != nil {
		return nil, fmt.Errorf("profiles: %w", err)
	}
	out := make(map[uint64]Profile, len(ps))
	for _, p := range ps {
		out[p.SchoolID] = p
	}
	return out, nil
}

// SaveProfile checks and saves a school's profile. A changed postcode
// clears the place until the postcode table gives the new one.
func (s *Store) SaveProfile(schoolID uint64, in ProfileInput, at time.Time) (*Profile, *Profile, error) {
	var errs Errors
	p, err := s.Profile(schoolID)
	if err != nil {
		return nil, nil, err
	}
	before := *p
	p.Town = text(&errs, "town", in.Town, 100, false)
	pc := strings.TrimSpace(in.Postcode)
	if pc != "" && !geo.ValidPostcode(pc) {
		errs.Add("postcode", "Enter a UK postcode, e.g. LS1 4AP")
	}
	if n := geo.Normalise(pc); n != geo.Normalise(p.Postcode) {
		p.Latitude, p.Longitude = nil, nil
	}
	p.Postcode = strings.ToUpper(pc)
	if in.Region != "" {
		p.Region = oneOf(&errs, "region", in.Region, Regions...)
	} else {
		p.Region = ""
	}
	if in.Ofsted != "" {
		p.Ofsted = oneOf(&errs, "ofsted", in.Ofsted, OfstedGrades...)
	} else {
		p.Ofsted = ""
	}
	p.Headline = text(&errs, "headline", in.Headline, 500, false)
	if c := strings.TrimSpace(in.Contact); c != "" {
		n, err := strconv.ParseUint(c, 10, 64)
		if err != nil {
			errs.Add("contact", "Choose the contact from the list")
		}
		p.ContactID = n
	} else {
		p.ContactID = 0
	}
	if len(errs) > 0 {
		return nil, nil, errs
	}
	p.UpdatedAt = at
	if err := s.db.Save(p).Error; err != nil {
		return nil, nil, fmt.Errorf("save profile of school %d: %w", schoolID, err)
	}
	return &before, p, nil
}

// SetPlaces records schools' places (the postcode table, the demo).
func (s *Store) SetPlaces(places map[uint64]geo.Point, at time.Time) error {
	for school, pt := range places {
		lat, lon := pt.Lat, pt.Lon
		p, err := s.Profile(school)
		if err != nil {
			return err
		}
		p.Latitude, p.Longitude, p.UpdatedAt = &lat, &lon, at
		if err := s.db.Save(p).Error; err != nil {
			return fmt.Errorf("place of school %d: %w", school, err)
		}
	}
	return nil
}

// ConnectInput is the form of a connect message.
type ConnectInput struct{ Subject, Message string }

// AddConnect checks and logs a connect message to a school's contact
// (toPerson; 0 for the school's headteacher, whom the mail job finds).
func (s *Store) AddConnect(to, from, toPerson uint64, in ConnectInput, at time.Time) (*Connect, error) {
	var errs Errors
	c := Connect{TenantID: s.tenant, ToSchoolID: to, FromPerson: from, ToPerson: toPerson,
		Subject: text(&errs, "subject", in.Subject, 200, true), Message: text(&errs, "message", in.Message, 4000, true), CreatedAt: at}
	if len(errs) > 0 {
		return nil, errs
	}
	if err := s.create(&c, "the message"); err != nil {
		return nil, err
	}
	return &c, nil
}

// Connects returns the messages sent to a school, newest first.
func (s *Store) Connects(school uint64) ([]Connect, error) {
	var cs []Connect
	if err := s.q().Where("to_school_id = ?", school).Order("created_at DESC, id DESC").Find(&cs).Error; err != nil {
		return nil, fmt.Errorf("messages to school %d: %w", school, err)
	}
	return cs, nil
}

// DirectoryEntries builds the Directory's entries for a year's members:
// their profiles, hubs, accredited AoEs with terms, and whether they host
// an LDD from today on.
func (s *Store) DirectoryEntries(yearID uint64, today string) ([]directory.Entry, error) {
	ms, err := s.Members(yearID)
	if err != nil {
		return nil, err
	}
	hubs, err := s.Hubs()
	if err != nil {
		return nil, err
	}
	profiles, err := s.Profiles()
	if err != nil {
		return nil, err
	}
	aoes, err := s.AccreditedAoEs()
	if err != nil {
		return nil, err
	}
	byschool := map[uint64][]directory.AoE{}
	for _, a := range aoes {
		da := directory.AoE{Title: a.Title, Description: a.Description}
		for _, t := range a.Terms {
			da.Terms, da.TermLabels = append(da.Terms, t.Key), append(da.TermLabels, t.Label)
		}
		byschool[a.SchoolID] = append(byschool[a.SchoolID], da)
	}
	var hosts []uint64
	if err := s.q().Model(&Day{}).Where("kind = ? AND date >= ? AND cancelled = ?", KindLDD, today, false).
		Distinct().Pluck("school_id", &hosts).Error; err != nil {
		return nil, fmt.Errorf("hosts of days: %w", err)
	}
	host := map[uint64]bool{}
	for _, h := range hosts {
		host[h] = true
	}
	out := make([]directory.Entry, len(ms))
	for i, m := range ms {
		p := profiles[m.SchoolID]
		out[i] = directory.Entry{SchoolID: m.SchoolID, Name: m.Name, Town: p.Town, Region: p.Region, Phase: m.Phase,
			HubID: m.HubID, Hub: hubs[m.HubID], Ofsted: p.Ofsted, HostsLDD: host[m.SchoolID], AoEs: byschool[m.SchoolID]}
	}
	return out, nil
}

// LastEBIs returns the Even Better Ifs of the school's latest published
// report (none when it has none).
func (s *Store) LastEBIs(schoolID uint64) ([]ReportItem, error) {
	var rep Report
	err := s.q().Where("state = ? AND review_id IN (?)", rules.Published,
		s.q().Model(&Review{}).Select("id").Where("school_id = ?", schoolID)).
		Order("published_at DESC, id DESC").Take(&rep).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("last report of school %d: %w", schoolID, err)
	}
	var its []ReportItem
	if err := s.q().Where("report_id = ? AND kind = ?", rep.ID, rules.EBI).Order("position").Find(&its).Error; err != nil {
		return nil, fmt.Errorf("EBIs of report %d: %w", rep.ID, err)
	}
	return its, nil
}

// UnsentConnects returns the connect messages with no mail recorded as
// sent (of kind), oldest first.
func (s *Store) UnsentConnects(kind string) ([]Connect, error) {
	var cs []Connect
	err := s.q().Where("NOT EXISTS (SELECT 1 FROM sent x WHERE x.tenant_id = connects.tenant_id AND x.kind = ? AND x.ref_id = connects.id)", kind).
		Order("id").Find(&cs).Error
	if err != nil {
		return nil, fmt.Errorf("connect messages to send: %w", err)
	}
	return cs, nil
}

// DirectoryVersion is a fingerprint of everything CurrentYear and
// DirectoryEntries read on a day: the day, and the tenant's count of rows
// written or deleted in the years, members (of every year), hubs,
// profiles, AoEs and their tags, terms and days, which triggers keep in
// directory_changes (migration 53) whoever writes, this process or
// another. Every change of those records changes it, so a page may keep
// the year and the entries it built while the fingerprint stays the same.
// It is asked on every Directory page, so it is one statement reading one
// row by its key. A tenant with no year has no fingerprint: "".
func (s *Store) DirectoryVersion(today string) (string, error) {
	// The tenant-scoped query of a year, with the change count (kept by
	// migration 53's triggers: any row written or deleted in a table the
	// Directory reads) by its primary key.
	var n int64
	err := s.q().Model(&Year{}).Select("COALESCE((SELECT n FROM directory_changes WHERE directory_changes.tenant_id = ?), 0)", s.tenant).
		Limit(1).Row().Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("directory version: %w", err)
	}
	return today + "|" + strconv.FormatInt(n, 10), nil
}
