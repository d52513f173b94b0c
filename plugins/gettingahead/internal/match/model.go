package match

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Fault is one thing wrong with a Problem. Who names the person or pair at
// fault ("coach C01", "participant P02", "fixed pair P02–C01", or a position
// such as "coaches[3]" when the id itself is missing).
type Fault struct {
	Who, Message string
}

func (f Fault) Error() string { return f.Who + ": " + f.Message }

// InvalidError is every fault found in one Problem. As an error it unwraps to
// its faults, so errors.As finds a Fault as well as the whole list.
type InvalidError struct {
	Faults []Fault
}

func (e *InvalidError) Error() string {
	parts := make([]string, len(e.Faults))
	for i, f := range e.Faults {
		parts[i] = f.Error()
	}
	return "invalid matching problem: " + strings.Join(parts, "; ")
}

// Unwrap exposes each fault.
func (e *InvalidError) Unwrap() []error {
	out := make([]error, len(e.Faults))
	for i, f := range e.Faults {
		out[i] = f
	}
	return out
}

type faults []Fault

func (fs *faults) add(who, format string, args ...any) {
	*fs = append(*fs, Fault{who, fmt.Sprintf(format, args...)})
}

func (fs faults) orNil() error {
	if len(fs) == 0 {
		return nil
	}
	return &InvalidError{Faults: fs}
}

// model is a Problem by index, checked: ranks as lookups, each participant's
// list cut to the coaches acceptable to them, and who has withdrawn.
type model struct {
	pb           *Problem
	coach, part  map[string]int
	pRank, cRank [][]int // pRank[i][j]: participant i's rank of coach j, 0 = best, -1 = not listed; cRank[j][i] likewise
	list         [][]int // list[i]: the coaches acceptable to participant i, best first
	forbidden    map[[2]int]bool
	pOrder       []int // participant indices by id
	withdrawnC   []bool
	withdrawnP   []bool
}

// newModel checks pb and the withdrawal w against it and indexes them. Every
// fault found is returned at once in an *InvalidError.
func newModel(pb *Problem, w Withdrawal) (*model, error) {
	var fs faults
	m := &model{pb: pb}
	coachIDs, partIDs := make([]string, len(pb.Coaches)), make([]string, len(pb.Participants))
	for j, c := range pb.Coaches {
		coachIDs[j] = c.ID
		if c.Capacity < 0 {
			fs.add(who("coach", c.ID, j), "capacity is %d: it must be 0 or more", c.Capacity)
		}
	}
	for i, p := range pb.Participants {
		partIDs[i] = p.ID
	}
	m.coach, m.part = index("coach", coachIDs, &fs), index("participant", partIDs, &fs)
	m.pRank = make([][]int, len(pb.Participants))
	for i, p := range pb.Participants {
		m.pRank[i] = ranks(p.Prefs, m.coach, len(pb.Coaches), who("participant", p.ID, i), "coach", &fs)
	}
	m.cRank = make([][]int, len(pb.Coaches))
	for j, c := range pb.Coaches {
		m.cRank[j] = ranks(c.Prefs, m.part, len(pb.Participants), who("coach", c.ID, j), "participant", &fs)
	}
	m.forbidden = map[[2]int]bool{}
	for k, f := range pb.Forbidden {
		i, j, ok := m.pair(f, fmt.Sprintf("forbidden[%d] %s", k, f), &fs)
		if ok {
			m.forbidden[[2]int{i, j}] = true
		}
	}
	m.withdrawnP = flags("participant", len(pb.Participants), w.Participants, m.part, &fs)
	m.withdrawnC = flags("coach", len(pb.Coaches), w.Coaches, m.coach, &fs)
	if err := fs.orNil(); err != nil {
		return nil, err
	}
	m.pOrder = make([]int, len(pb.Participants))
	for i := range m.pOrder {
		m.pOrder[i] = i
	}
	slices.SortFunc(m.pOrder, func(a, b int) int { return cmp.Compare(pb.Participants[a].ID, pb.Participants[b].ID) })
	m.list = make([][]int, len(pb.Participants))
	for i, p := range pb.Participants {
		for _, id := range p.Prefs {
			if j := m.coach[id]; m.bar(i, j) == 0 {
				m.list[i] = append(m.list[i], j)
			}
		}
	}
	return m, nil
}

// who names a person for a fault: by id ("coach C01"), or by position when
// the id is empty ("coaches[3]"). side is "coach" or "participant".
func who(side, id string, k int) string {
	if id != "" {
		return side + " " + id
	}
	return fmt.Sprintf("%s[%d]", plural(side), k)
}

func plural(side string) string {
	if side == "coach" {
		return "coaches"
	}
	return side + "s"
}

// index maps each id of one side to its position, adding a fault for an
// empty or repeated id.
func index(side string, ids []string, fs *faults) map[string]int {
	idx := map[string]int{}
	for k, id := range ids {
		switch _, dup := idx[id]; {
		case id == "":
			fs.add(who(side, "", k), "id is empty: give every %s an id", side)
		case dup:
			fs.add(side+" "+id, "id is used by two %s: ids must be unique", plural(side))
		default:
			idx[id] = k
		}
	}
	return idx
}

// flags marks, of the n people of one side, those listed in ids (withdrawn),
// adding a fault for an unknown id.
func flags(side string, n int, ids []string, idx map[string]int, fs *faults) []bool {
	out := make([]bool, n)
	for _, id := range ids {
		if k, ok := idx[id]; ok {
			out[k] = true
		} else {
			fs.add("withdrawn "+side+" "+id, "is not a %s of this problem", side)
		}
	}
	return out
}

// ranks turns a preference list into rank by index (-1 for not listed),
// adding a fault for an empty, unknown or repeated id.
func ranks(prefs []string, index map[string]int, n int, owner, other string, fs *faults) []int {
	r := make([]int, n)
	for k := range r {
		r[k] = -1
	}
	for pos, id := range prefs {
		k, ok := index[id]
		switch {
		case id == "":
			fs.add(owner, "prefs[%d] is empty: list %s ids only", pos, other)
		case !ok:
			fs.add(owner, "prefs name %s, who is not a %s of this problem", id, other)
		case r[k] >= 0:
			fs.add(owner, "prefs name %s twice: rank each %s once", id, other)
		default:
			r[k] = pos
		}
	}
	return r
}

// pair looks up a pair's participant and coach, adding a fault for either
// being unknown.
func (m *model) pair(p Pair, name string, fs *faults) (i, j int, ok bool) {
	i, okP := m.part[p.Participant]
	j, okC := m.coach[p.Coach]
	if !okP {
		fs.add(name, "participant %s is not a participant of this problem", p.Participant)
	}
	if !okC {
		fs.add(name, "coach %s is not a coach of this problem", p.Coach)
	}
	return i, j, okP && okC
}

// rule is why participant i and coach j may never be paired, whatever their
// lists say; 0 when they may be.
func (m *model) rule(i, j int) Reason {
	p, c := m.pb.Participants[i], m.pb.Coaches[j]
	switch {
	case p.School != "" && p.School == c.School:
		return SameSchool
	case p.Trust != "" && p.Trust == c.Trust:
		return SameTrust
	case m.forbidden[[2]int{i, j}]:
		return Forbidden
	case m.withdrawnC[j]:
		return CoachWithdrew
	}
	return 0
}

// bar is why (i, j) is not an acceptable pair; 0 when it is.
func (m *model) bar(i, j int) Reason {
	switch {
	case m.rule(i, j) != 0:
		return m.rule(i, j)
	case m.pRank[i][j] < 0:
		return NotRankedByParticipant
	case m.cRank[j][i] < 0:
		return NotRankedByCoach
	}
	return 0
}

// fixedPair is a pair that stays: fixed by hand, or kept by Rematch.
type fixedPair struct {
	coach int
	how   How
}

// fixedPairs checks pairs fixed by hand: known people, no participant twice,
// no rule broken and no coach over capacity. It returns them by participant.
func (m *model) fixedPairs(pairs []Pair) (map[int]fixedPair, error) {
	var fs faults
	fixed := map[int]fixedPair{}
	for _, f := range pairs {
		i, j, ok := m.pair(f, "fixed pair "+f.String(), &fs)
		if !ok {
			continue
		}
		if _, dup := fixed[i]; dup {
			fs.add("fixed pair "+f.String(), "participant %s is in two fixed pairs: fix one coach per participant", f.Participant)
			continue
		}
		if m.withdrawnP[i] || m.withdrawnC[j] {
			continue // Rematch drops it with the person
		}
		if r := m.rule(i, j); r != 0 {
			fs.add("fixed pair "+f.String(), "%s: a pair is never formed then", r.rule())
			continue
		}
		fixed[i] = fixedPair{j, FixedByHand}
	}
	fs = append(fs, m.overCapacity(fixed, "fixed pairs", "fix fewer pairs with this coach or raise its capacity")...)
	return fixed, fs.orNil()
}

// overCapacity names each coach holding more pairs in fixed than its
// capacity; what names the pairs and remedy says what to do.
func (m *model) overCapacity(fixed map[int]fixedPair, what, remedy string) faults {
	load := make([]int, len(m.pb.Coaches))
	for _, f := range fixed {
		load[f.coach]++
	}
	var fs faults
	for j, c := range m.pb.Coaches {
		if load[j] > c.Capacity {
			fs.add("coach "+c.ID, "has %d %s but a capacity of %d: %s", load[j], what, c.Capacity, remedy)
		}
	}
	return fs
}
