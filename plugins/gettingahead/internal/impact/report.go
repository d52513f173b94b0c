package impact

import (
	"time"
)

// Outcome is one career step of a participant, by kind (the plugin's
// outcome kinds) and date.
type Outcome struct {
	Kind string
	On   time.Time
}

// Facts are what the report needs of one participant.
type Facts struct {
	AppliedBefore bool // applied for a headship in the twelve months before the programme
	Withdrawn     bool
	Outcomes      []Outcome
	// Start and End are the area means of the self-assessment rounds, by
	// area key; nil when the round was not done.
	Start, End map[string]float64
}

// Outcome kinds the report counts (as the plugin's rules name them).
const (
	AppliedHeadship  = "applied_headship"
	PromotedHeadship = "promoted_headship"
	PromotedDeputy   = "promoted_deputy"
	PromotedOther    = "promoted_other"
)

// Report is a cohort's figures for its funder.
type Report struct {
	Participants, Withdrawn int
	// Promoted counts participants promoted within the year; each counted
	// once, by their highest promotion (headship, then deputy, then other).
	Promoted                      Share
	ToHeadship, ToDeputy, ToOther int
	// AppliedBefore is those who applied for a headship in the year before
	// the programme; AppliedDuring those who applied (or were appointed to
	// a headship, which needs an application) within the programme's year.
	AppliedBefore, AppliedDuring Share
	// Areas is the change of each self-assessment area for those who did
	// both rounds, in the order of areas given.
	Areas []AreaChange
}

// AreaChange is one area's change.
type AreaChange struct {
	Key    string
	Change Change
}

// Build computes the report over every participant of the cohort (the
// withdrawn included: leaving does not remove someone from the
// denominator), counting outcomes dated from..to, the programme's year.
func Build(ps []Facts, from, to time.Time, areas []string) Report {
	r := Report{Participants: len(ps)}
	promoted, before, during := 0, 0, 0
	for _, p := range ps {
		if p.Withdrawn {
			r.Withdrawn++
		}
		if p.AppliedBefore {
			before++
		}
		best, applied := "", false
		for _, o := range p.Outcomes {
			if o.On.Before(from) || o.On.After(to) {
				continue
			}
			switch o.Kind {
			case AppliedHeadship:
				applied = true
			case PromotedHeadship:
				applied, best = true, PromotedHeadship
			case PromotedDeputy:
				if best != PromotedHeadship {
					best = PromotedDeputy
				}
			case PromotedOther:
				if best == "" {
					best = PromotedOther
				}
			}
		}
		if applied {
			during++
		}
		switch best {
		case PromotedHeadship:
			r.ToHeadship++
		case PromotedDeputy:
			r.ToDeputy++
		case PromotedOther:
			r.ToOther++
		}
		if best != "" {
			promoted++
		}
	}
	r.Promoted = Proportion(promoted, len(ps))
	r.AppliedBefore, r.AppliedDuring = Proportion(before, len(ps)), Proportion(during, len(ps))
	for _, a := range areas {
		var b, e []float64
		for _, p := range ps {
			sb, okB := p.Start[a]
			se, okE := p.End[a]
			if okB && okE {
				b, e = append(b, sb), append(e, se)
			}
		}
		r.Areas = append(r.Areas, AreaChange{Key: a, Change: PairedChange(b, e)})
	}
	return r
}
