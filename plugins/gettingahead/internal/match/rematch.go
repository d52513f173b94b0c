package match

// Withdrawal is who withdrew from the programme mid-year, by id.
type Withdrawal struct {
	Participants, Coaches []string
}

// Rematch re-matches the people a withdrawal affects and leaves every other
// pair of the match in force, current, as it is (see the package comment,
// "Re-matching after a withdrawal"). pb is the problem as it stands, the
// withdrawn people still in it; its Fixed pairs must be in current unless a
// withdrawn person is in them. w lists everyone who has withdrawn so far: a
// participant who withdrew at an earlier re-match and is left out of w is
// matched anew.
//
// The Result's pairs are the kept pairs (How Kept, or FixedByHand for pb's
// fixed pairs) and the new ones (How Matched); the withdrawn participants are
// in neither Pairs nor Unmatched. Rematch refuses, with an *InvalidError, an
// unknown person, a current pair breaking a rule, a participant with two
// coaches and a coach over capacity.
func Rematch(pb Problem, current []Pair, w Withdrawal) (Result, error) {
	m, err := newModel(&pb, w)
	if err != nil {
		return Result{}, err
	}
	byHand, err := m.fixedPairs(pb.Fixed)
	if err != nil {
		return Result{}, err
	}
	kept, err := m.kept(current, byHand)
	if err != nil {
		return Result{}, err
	}
	return m.solve(kept)
}

// kept checks the match in force and returns its pairs that stay: those
// without a withdrawn person.
func (m *model) kept(current []Pair, byHand map[int]fixedPair) (map[int]fixedPair, error) {
	var fs faults
	kept := map[int]fixedPair{}
	seen := map[int]bool{}
	for _, c := range current {
		i, j, ok := m.pair(c, "current pair "+c.String(), &fs)
		switch {
		case !ok:
			continue
		case seen[i]:
			fs.add("current pair "+c.String(), "participant %s has two coaches in the current match: give the match in force as it is", c.Participant)
			continue
		}
		seen[i] = true
		if m.withdrawnP[i] || m.withdrawnC[j] {
			continue
		}
		if r := m.rule(i, j); r != 0 {
			fs.add("current pair "+c.String(), "%s: a pair is never formed then", r.rule())
			continue
		}
		how := Kept
		if f, ok := byHand[i]; ok && f.coach == j {
			how = FixedByHand
		}
		kept[i] = fixedPair{j, how}
	}
	for _, f := range m.pb.Fixed {
		i, ok := m.part[f.Participant]
		if !ok || byHand[i].how == 0 {
			continue // withdrawn: dropped with the person
		}
		if kept[i].how != FixedByHand {
			fs.add("fixed pair "+f.String(), "is not in the current match: re-run Solve to apply a new fixed pair")
		}
	}
	fs = append(fs, m.overCapacity(kept, "pairs in the current match", "give the match in force as it is")...)
	return kept, fs.orNil()
}
