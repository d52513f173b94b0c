package evidence

import "github.com/challengepartners/upwards/plugins/challengegap/internal/rules"

// Attainment is one pupil's reading, writing and maths at a snapshot.
type Attainment struct {
	Reading, Writing, Maths rules.ARE
}

// AtARE reports whether the pupil was assessed in any of reading, writing
// and maths, and whether they are at or above age-related expectations in
// every subject assessed (one subject below is below ARE).
func (a Attainment) AtARE() (assessed, at bool) {
	at = true
	for _, l := range []rules.ARE{a.Reading, a.Writing, a.Maths} {
		switch l {
		case rules.AREBelow:
			assessed, at = true, false
		case rules.AREAt, rules.AREAbove:
			assessed = true
		}
	}
	return assessed, assessed && at
}

// Pupil is one cohort pupil's values at the two snapshots compared
// (nil: not recorded) and whether they received the strategy.
type Pupil struct {
	Received       bool
	GapFrom, GapTo *int
	AREFrom, ARETo Attainment
	// Attendance (%) at each snapshot, for the reports.
	AttendanceFrom, AttendanceTo *float64
}

// Trial is the evidence of one trialled strategy between two snapshots:
// the received group is A, the rest of the cohort is B.
type Trial struct {
	Received, NotReceived int // pupils in each group, values or not
	// GapChange compares the change of the gap in months (later minus
	// earlier; positive is gap closed), for pupils with both values.
	GapChange MeanDiff
	// AREFrom and ARETo compare the proportion at ARE at each snapshot,
	// for pupils assessed at it.
	AREFrom, ARETo PropDiff
}

// CompareTrial works out the evidence of a trial from its cohort's pupils.
func CompareTrial(pupils []Pupil) Trial {
	var out Trial
	var changeA, changeB []float64
	var fromA, fromB, toA, toB [2]int // at ARE, assessed
	count := func(c *[2]int, a Attainment) {
		if assessed, at := a.AtARE(); assessed {
			c[1]++
			if at {
				c[0]++
			}
		}
	}
	for _, p := range pupils {
		changes, from, to := &changeB, &fromB, &toB
		if p.Received {
			out.Received++
			changes, from, to = &changeA, &fromA, &toA
		} else {
			out.NotReceived++
		}
		if p.GapFrom != nil && p.GapTo != nil {
			*changes = append(*changes, float64(*p.GapTo-*p.GapFrom))
		}
		count(from, p.AREFrom)
		count(to, p.ARETo)
	}
	out.GapChange = CompareMeans(changeA, changeB)
	out.AREFrom = CompareProportions(fromA[0], fromA[1], fromB[0], fromB[1])
	out.ARETo = CompareProportions(toA[0], toA[1], toB[0], toB[1])
	return out
}
