package store

import (
	"gorm.io/gorm"

	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/match"
)

// Ranking is one place on one person's list: RankerID (a participant or a
// coach, by Side) puts RankedID (of the other side) at Rank, 1 the best.
type Ranking struct {
	ID       uint64 `gorm:"primaryKey"`
	TenantID uint64
	CohortID uint64
	Side     string // the ranker's side
	RankerID uint64
	RankedID uint64
	Rank     int
}

// TableName is the rankings table.
func (Ranking) TableName() string { return "rankings" }

// SetRanking replaces the list of ranker (of side, in cohort): ranked holds
// people of the other side of the cohort, best first. Withdrawn people are
// refused.
func (s *Store) SetRanking(cohortID uint64, side string, rankerID uint64, ranked []uint64) error {
	var otherIDs []uint64
	switch side {
	case SideParticipant:
		cs, err := s.Coaches(cohortID)
		if err != nil {
			return err
		}
		for _, c := range cs {
			if !c.Withdrawn() {
				otherIDs = append(otherIDs, c.ID)
			}
		}
	case SideCoach:
		ps, err := s.Participants(cohortID)
		if err != nil {
			return err
		}
		for _, p := range ps {
			if !p.Withdrawn() {
				otherIDs = append(otherIDs, p.ID)
			}
		}
	default:
		return fmt.Errorf("ranking side %q: %w", side, ErrNotFound)
	}
	seen := map[uint64]bool{}
	for _, id := range ranked {
		if !slices.Contains(otherIDs, id) {
			return Invalid{{Field: "rank", Message: "Rank only the people of this cohort still taking part"}}
		}
		if seen[id] {
			return Invalid{{Field: "rank", Message: "Rank each person once"}}
		}
		seen[id] = true
	}
	return s.change("ranking.set", side, func(tx *Store) (uint64, any, any, error) {
		if err := tx.q(&Ranking{}).Where("cohort_id = ? AND side = ? AND ranker_id = ?", cohortID, side, rankerID).Delete(&Ranking{}).Error; err != nil {
			return 0, nil, nil, err
		}
		rows := make([]Ranking, len(ranked))
		for i, id := range ranked {
			rows[i] = Ranking{TenantID: s.tenant, CohortID: cohortID, Side: side, RankerID: rankerID, RankedID: id, Rank: i + 1}
		}
		if len(rows) > 0 {
			if err := tx.db.Create(&rows).Error; err != nil {
				return 0, nil, nil, err
			}
		}
		return rankerID, nil, map[string]any{"ranked": ranked}, nil
	})
}

// Rankings returns every list of a cohort: by side, by ranker, the ranked
// ids best first.
func (s *Store) Rankings(cohortID uint64) (map[string]map[uint64][]uint64, error) {
	var rs []Ranking
	if err := s.q(&Ranking{}).Where("cohort_id = ?", cohortID).Order("side, ranker_id, rank").Find(&rs).Error; err != nil {
		return nil, err
	}
	out := map[string]map[uint64][]uint64{SideCoach: {}, SideParticipant: {}}
	for _, r := range rs {
		out[r.Side][r.RankerID] = append(out[r.Side][r.RankerID], r.RankedID)
	}
	return out, nil
}

// FixedPair is a pair the programme manager fixed by hand before a match run.
type FixedPair struct {
	ID            uint64 `gorm:"primaryKey"`
	TenantID      uint64
	CohortID      uint64
	ParticipantID uint64
	CoachID       uint64
}

// TableName is the fixed_pairs table.
func (FixedPair) TableName() string { return "fixed_pairs" }

// FixPair fixes participant with coach for the next match run (replacing
// a pair fixed for the participant before). The match checks the rules.
func (s *Store) FixPair(cohortID, participantID, coachID uint64) error {
	p, err := s.Participant(participantID)
	if err != nil {
		return err
	}
	c, err := s.Coach(coachID)
	if err != nil {
		return err
	}
	if p.CohortID != cohortID || c.CohortID != cohortID {
		return Invalid{{Field: "participant", Message: "Choose a participant and a coach of this cohort"}}
	}
	if p.Withdrawn() || c.Withdrawn() {
		return Invalid{{Field: "participant", Message: "Choose people still taking part"}}
	}
	return s.change("pair.fix", "fixed_pair", func(tx *Store) (uint64, any, any, error) {
		if err := tx.q(&FixedPair{}).Where("participant_id = ?", participantID).Delete(&FixedPair{}).Error; err != nil {
			return 0, nil, nil, err
		}
		f := FixedPair{TenantID: s.tenant, CohortID: cohortID, ParticipantID: participantID, CoachID: coachID}
		err := tx.db.Create(&f).Error
		return f.ID, nil, f, err
	})
}

// UnfixPair frees a participant's fixed pair.
func (s *Store) UnfixPair(cohortID, participantID uint64) error {
	var f FixedPair
	err := s.q(&FixedPair{}).Where("cohort_id = ? AND participant_id = ?", cohortID, participantID).Take(&f).Error
	if err != nil {
		return fmt.Errorf("fixed pair of participant %d: %w", participantID, ErrNotFound)
	}
	return s.change("pair.unfix", "fixed_pair", func(tx *Store) (uint64, any, any, error) {
		err := tx.q(&FixedPair{}).Where("id = ?", f.ID).Delete(&FixedPair{}).Error
		return f.ID, f, nil, err
	})
}

// FixedPairs lists a cohort's fixed pairs.
func (s *Store) FixedPairs(cohortID uint64) ([]FixedPair, error) {
	var fs []FixedPair
	return fs, s.q(&FixedPair{}).Where("cohort_id = ?", cohortID).Order("participant_id").Find(&fs).Error
}

// Ids of people in a match problem: "P12" for participant 12, "C3" for coach 3.
func PID(id uint64) string { return "P" + strconv.FormatUint(id, 10) }

// CID is a coach's id in a match problem.
func CID(id uint64) string { return "C" + strconv.FormatUint(id, 10) }

// ParseMatchID reads "P12" or "C3" back: the side's letter and the id.
func ParseMatchID(s string) (byte, uint64) {
	if len(s) < 2 {
		return 0, 0
	}
	id, err := strconv.ParseUint(s[1:], 10, 64)
	if err != nil {
		return 0, 0
	}
	return s[0], id
}

// Trust is a school's trust as last read from the core.
type SchoolTrust struct {
	TenantID  uint64 `gorm:"primaryKey;autoIncrement:false"`
	SchoolID  uint64 `gorm:"primaryKey;autoIncrement:false"`
	TrustID   uint64 // 0: in no trust
	TrustName string
	SyncedAt  time.Time
}

// TableName is the school_trusts table.
func (SchoolTrust) TableName() string { return "school_trusts" }

// SetTrusts records the trust of each school read from the core (0 for
// none), replacing what was known.
func (s *Store) SetTrusts(trusts map[uint64]SchoolTrust) error {
	if len(trusts) == 0 {
		return nil
	}
	schools := make([]uint64, 0, len(trusts))
	rows := make([]SchoolTrust, 0, len(trusts))
	for id, t := range trusts {
		schools = append(schools, id)
		rows = append(rows, SchoolTrust{TenantID: s.tenant, SchoolID: id, TrustID: t.TrustID, TrustName: t.TrustName, SyncedAt: s.now})
	}
	slices.Sort(schools)
	slices.SortFunc(rows, func(a, b SchoolTrust) int { return int(a.SchoolID) - int(b.SchoolID) })
	return s.db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("tenant_id = ? AND school_id IN ?", s.tenant, schools).Delete(&SchoolTrust{}).Error; err != nil {
			return err
		}
		return tx.Create(&rows).Error
	})
}

// Trusts returns the known trusts of schools, by school.
func (s *Store) Trusts(schools []uint64) (map[uint64]SchoolTrust, error) {
	out := map[uint64]SchoolTrust{}
	if len(schools) == 0 {
		return out, nil
	}
	var rows []SchoolTrust
	if err := s.q(&SchoolTrust{}).Where("school_id IN ?", schools).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.SchoolID] = r
	}
	return out, nil
}

// Problem builds the match problem of a cohort from its records: every
// coach and participant still taking part (the withdrawn too when
// withWithdrawn, for a re-match), their lists, the trusts of their schools
// as last read, and the pairs fixed by hand. unknown lists the schools whose
// trust has not been read, for whom the trust rule cannot be applied.
func (s *Store) Problem(cohortID uint64, withWithdrawn bool) (pb match.Problem, unknown []uint64, err error) {
	coaches, err := s.Coaches(cohortID)
	if err != nil {
		return pb, nil, err
	}
	parts, err := s.Participants(cohortID)
	if err != nil {
		return pb, nil, err
	}
	lists, err := s.Rankings(cohortID)
	if err != nil {
		return pb, nil, err
	}
	fixed, err := s.FixedPairs(cohortID)
	if err != nil {
		return pb, nil, err
	}
	schools := map[uint64]bool{}
	for _, c := range coaches {
		schools[c.SchoolID] = true
	}
	for _, p := range parts {
		schools[p.SchoolID] = true
	}
	delete(schools, 0)
	schoolIDs := make([]uint64, 0, len(schools))
	for id := range schools {
		schoolIDs = append(schoolIDs, id)
	}
	slices.Sort(schoolIDs)
	trusts, err := s.Trusts(schoolIDs)
	if err != nil {
		return pb, nil, err
	}
	for _, id := range schoolIDs {
		if _, ok := trusts[id]; !ok {
			unknown = append(unknown, id)
		}
	}
	school := func(id uint64) string {
		if id == 0 {
			return ""
		}
		return "S" + strconv.FormatUint(id, 10)
	}
	trust := func(id uint64) string {
		if t := trusts[id].TrustID; t != 0 {
			return "T" + strconv.FormatUint(t, 10)
		}
		return ""
	}
	in := map[string]bool{}
	for _, c := range coaches {
		if c.Withdrawn() && !withWithdrawn {
			continue
		}
		in[CID(c.ID)] = true
	}
	for _, p := range parts {
		if p.Withdrawn() && !withWithdrawn {
			continue
		}
		in[PID(p.ID)] = true
	}
	prefs := func(side string, ranker uint64, id func(uint64) string) []string {
		var out []string
		for _, r := range lists[side][ranker] {
			if k := id(r); in[k] {
				out = append(out, k)
			}
		}
		return out
	}
	for _, c := range coaches {
		if in[CID(c.ID)] {
			pb.Coaches = append(pb.Coaches, match.Coach{ID: CID(c.ID), School: school(c.SchoolID), Trust: trust(c.SchoolID),
				Capacity: c.Capacity, Prefs: prefs(SideCoach, c.ID, PID)})
		}
	}
	for _, p := range parts {
		if in[PID(p.ID)] {
			pb.Participants = append(pb.Participants, match.Participant{ID: PID(p.ID), School: school(p.SchoolID), Trust: trust(p.SchoolID),
				Prefs: prefs(SideParticipant, p.ID, CID)})
		}
	}
	for _, f := range fixed {
		if in[PID(f.ParticipantID)] && in[CID(f.CoachID)] {
			pb.Fixed = append(pb.Fixed, match.Pair{Participant: PID(f.ParticipantID), Coach: CID(f.CoachID)})
		}
	}
	return pb, unknown, nil
}

// Kinds of match run.
const (
	RunMatch   = "match"   // the match of the whole cohort (match.Solve)
	RunRematch = "rematch" // after withdrawals (match.Rematch)
)

// MatchRun is one run of the match: the problem it solved and its result,
// a draft until the programme manager publishes it.
type MatchRun struct {
	ID          uint64 `gorm:"primaryKey"`
	TenantID    uint64
	CohortID    uint64
	Kind        string
	Problem     string // match.Problem as JSON
	Result      string // match.Result as JSON
	Notes       string // what the manager should know (schools whose trust is unknown)
	CreatedBy   uint64
	CreatedAt   time.Time
	PublishedOn string
}

// TableName is the match_runs table.
func (MatchRun) TableName() string { return "match_runs" }

// Decode returns the run's problem and result.
func (r MatchRun) Decode() (match.Problem, match.Result, error) {
	var pb match.Problem
	var res match.Result
	if err := json.Unmarshal([]byte(r.Problem), &pb); err != nil {
		return pb, res, fmt.Errorf("match run %d: problem: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(r.Result), &res); err != nil {
		return pb, res, fmt.Errorf("match run %d: result: %w", r.ID, err)
	}
	return pb, res, nil
}

// SaveRun keeps a run's problem and result as a draft.
func (s *Store) SaveRun(cohortID uint64, kind string, pb match.Problem, res match.Result, notes string, by uint64) (MatchRun, error) {
	p, err := json.Marshal(pb)
	if err != nil {
		return MatchRun{}, fmt.Errorf("match run: %w", err)
	}
	r, err := json.Marshal(res)
	if err != nil {
		return MatchRun{}, fmt.Errorf("match run: %w", err)
	}
	run := MatchRun{TenantID: s.tenant, CohortID: cohortID, Kind: kind, Problem: string(p), Result: string(r), Notes: notes, CreatedBy: by, CreatedAt: s.now}
	err = s.change("match.run", "match_run", func(tx *Store) (uint64, any, any, error) {
		err := tx.db.Create(&run).Error
		return run.ID, nil, map[string]any{"cohort_id": cohortID, "kind": kind, "pairs": len(res.Pairs), "unmatched": len(res.Unmatched)}, err
	})
	return run, err
}

// LatestRun returns the cohort's last run, or ErrNotFound.
func (s *Store) LatestRun(cohortID uint64) (MatchRun, error) {
	var r MatchRun
	err := s.q(&MatchRun{}).Where("cohort_id = ?", cohortID).Order("id DESC").Limit(1).Find(&r).Error
	if err == nil && r.ID == 0 {
		err = fmt.Errorf("match run of cohort %d: %w", cohortID, ErrNotFound)
	}
	return r, err
}

// Pair is a coach and participant working together, from the day a match
// was published until one of them withdrew (or the year ended).
type Pair struct {
	ID            uint64 `gorm:"primaryKey"`
	TenantID      uint64
	CohortID      uint64
	ParticipantID uint64
	CoachID       uint64
	RunID         uint64
	How           string // "matched", "fixed" (by hand)
	StartedOn     string
	EndedOn       string
	// FlaggedOn is when the programme manager was last told the pair had
	// gone six weeks without a session; cleared by the next session.
	FlaggedOn string
}

// TableName is the pairs table.
func (Pair) TableName() string { return "pairs" }

// Active reports whether the pair is under way.
func (p Pair) Active() bool { return p.EndedOn == "" }

// How a published pair formed.
const (
	HowMatched = "matched"
	HowFixed   = "fixed"
)

// Publish makes a draft run the cohort's match from day: its new pairs
// start. The first match of a cohort is published once; after that only
// re-match runs, whose kept pairs must still be under way and whose new
// pairs must be free. A draft that no longer fits (someone withdrew since
// it ran) is refused: run it again.
func (s *Store) Publish(runID uint64, day time.Time) ([]Pair, error) {
	var run MatchRun
	if err := s.first(&run, runID, "match run"); err != nil {
		return nil, err
	}
	if run.PublishedOn != "" {
		return nil, conflict("this run was published on %s already", run.PublishedOn)
	}
	_, res, err := run.Decode()
	if err != nil {
		return nil, err
	}
	var made []Pair
	err = s.change("match.publish", "match_run", func(tx *Store) (uint64, any, any, error) {
		var existing []Pair
		if err := tx.q(&Pair{}).Where("cohort_id = ?", run.CohortID).Find(&existing).Error; err != nil {
			return 0, nil, nil, err
		}
		if run.Kind == RunMatch && len(existing) > 0 {
			return 0, nil, nil, conflict("the cohort's match is published already: after a withdrawal, re-match the people affected")
		}
		active := map[[2]uint64]bool{}
		busy := map[uint64]bool{}
		for _, p := range existing {
			if p.Active() {
				active[[2]uint64{p.ParticipantID, p.CoachID}] = true
				busy[p.ParticipantID] = true
			}
		}
		var ps []uint64
		var cs []uint64
		for _, pr := range res.Pairs {
			_, pid := ParseMatchID(pr.Participant)
			_, cid := ParseMatchID(pr.Coach)
			ps, cs = append(ps, pid), append(cs, cid)
		}
		parts, err := tx.ParticipantsByID(ps)
		if err != nil {
			return 0, nil, nil, err
		}
		coaches, err := tx.CoachesByID(cs)
		if err != nil {
			return 0, nil, nil, err
		}
		how := map[string]match.How{}
		for _, e := range res.Explanations {
			how[e.Participant] = e.How
		}
		for i, pr := range res.Pairs {
			p, c := parts[ps[i]], coaches[cs[i]]
			if p.ID == 0 || c.ID == 0 || p.Withdrawn() || c.Withdrawn() {
				return 0, nil, nil, conflict("someone in this draft has withdrawn since it ran: run it again")
			}
			switch how[pr.Participant] {
			case match.Kept:
				if !active[[2]uint64{p.ID, c.ID}] {
					return 0, nil, nil, conflict("a pair this re-match keeps has ended since it ran: run it again")
				}
				continue
			case match.FixedByHand:
				if active[[2]uint64{p.ID, c.ID}] {
					continue // a fixed pair kept by a re-match
				}
			}
			if busy[p.ID] {
				return 0, nil, nil, conflict("a participant of this draft has a coach already: run it again")
			}
			h := HowMatched
			if how[pr.Participant] == match.FixedByHand {
				h = HowFixed
			}
			made = append(made, Pair{TenantID: s.tenant, CohortID: run.CohortID, ParticipantID: p.ID, CoachID: c.ID, RunID: run.ID, How: h, StartedOn: dateOf(day)})
		}
		if len(made) > 0 {
			if err := tx.db.Create(&made).Error; err != nil {
				return 0, nil, nil, err
			}
		}
		err = tx.q(&MatchRun{}).Where("id = ?", run.ID).Update("published_on", dateOf(day)).Error
		return run.ID, nil, map[string]any{"kind": run.Kind, "new_pairs": len(made), "published_on": dateOf(day)}, err
	})
	return made, err
}

// Pairs lists a cohort's pairs, the earliest first.
func (s *Store) Pairs(cohortID uint64) ([]Pair, error) {
	var ps []Pair
	return ps, s.q(&Pair{}).Where("cohort_id = ?", cohortID).Order("id").Find(&ps).Error
}

// Pair returns one pair.
func (s *Store) Pair(id uint64) (Pair, error) {
	var p Pair
	return p, s.first(&p, id, "pair")
}

// PairsOf lists the pairs of a side's person (participant or coach ids),
// the latest first.
func (s *Store) PairsOf(side string, memberIDs []uint64) ([]Pair, error) {
	if len(memberIDs) == 0 {
		return nil, nil
	}
	col := "participant_id"
	if side == SideCoach {
		col = "coach_id"
	}
	var ps []Pair
	return ps, s.q(&Pair{}).Where(col+" IN ?", memberIDs).Order("id DESC").Find(&ps).Error
}

// AllActivePairs lists every pair under way in the tenant.
func (s *Store) AllActivePairs() ([]Pair, error) {
	var ps []Pair
	return ps, s.q(&Pair{}).Where("ended_on = ''").Order("id").Find(&ps).Error
}

// MarkFlagged records that the manager was told on day about these pairs.
func (s *Store) MarkFlagged(pairIDs []uint64, day time.Time) error {
	if len(pairIDs) == 0 {
		return nil
	}
	return s.change("pair.flag", "pairs", func(tx *Store) (uint64, any, any, error) {
		err := tx.q(&Pair{}).Where("id IN ?", pairIDs).Update("flagged_on", dateOf(day)).Error
		return 0, nil, map[string]any{"pairs": pairIDs, "flagged_on": dateOf(day)}, err
	})
}
