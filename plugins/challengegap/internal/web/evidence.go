package web

import (
	"fmt"
	"math"
	"net/http"
	"slices"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/evidence"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/format"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// evidenceView is a trial's evidence as the page shows it: every figure
// already worded, so the template only lays it out.
type evidenceView struct {
	Action            string // the trial page, for the snapshots' form
	Snapshots         []store.Snapshot
	From, To          *store.Snapshot
	Received, Without int
	Min               int
	Gap               comparisonView
	AREFrom, ARETo    comparisonView
	Plain             string // the evidence in a sentence or two, for the page's lead
	Open              bool   // the statistics are shown open: other snapshots were asked for
}

// comparisonView is one comparison: each group's n and figure, and the
// difference with its 95% interval or why there is none.
type comparisonView struct {
	NA, NB     int
	A, B       string // "+3.0 months", "67% (2 of 3)"
	Comparable bool
	Diff, CI   string
	Reading    string // what the interval says, in words
	Why        string // why there is no comparison
}

// whyNot says why a comparison of groups of na and nb pupils was not made.
func whyNot(na, nb int) string {
	if na < evidence.MinPerGroup || nb < evidence.MinPerGroup {
		return fmt.Sprintf("Too few pupils to compare (fewer than %d with values in a group)", evidence.MinPerGroup)
	}
	return "Every pupil's change is the same: no interval can be given"
}

// trialEvidence compares, between two snapshots of the school (by default
// the baseline and the latest; the query's from and to choose others), the
// cohort pupils receiving the trial's strategy with those who are not.
func trialEvidence(r *http.Request, s *store.Store, t *store.Trial) (*evidenceView, error) {
	v := &evidenceView{Min: evidence.MinPerGroup, Action: sdk.URL(r, fmt.Sprintf("/schools/%d/trials/%d", t.SchoolID, t.ID))}
	var err error
	if v.Snapshots, err = s.Snapshots(t.YearID, t.SchoolID); err != nil {
		return nil, err
	}
	v.Open = r.URL.Query().Has("from") || r.URL.Query().Has("to")
	v.From = pickSnapshot(r, "from", v.Snapshots, 0)
	v.To = pickSnapshot(r, "to", v.Snapshots, len(v.Snapshots)-1)
	if v.From == nil || v.To == nil {
		return v, nil
	}
	points, err := s.CohortPoints(t.YearID, []uint64{t.SchoolID}, v.From.Seq, v.To.Seq)
	if err != nil {
		return nil, err
	}
	receiving, err := s.TrialPupils(t.ID)
	if err != nil {
		return nil, err
	}
	ps := make([]evidence.Pupil, 0, len(points[t.SchoolID]))
	for _, pp := range points[t.SchoolID] {
		p := evidence.Pupil{Received: slices.Contains(receiving[t.ID], pp.PupilID)}
		if pp.From != nil {
			p.GapFrom, p.AREFrom = pp.From.GapMonths, pp.From.Attainment()
		}
		if pp.To != nil {
			p.GapTo, p.ARETo = pp.To.GapMonths, pp.To.Attainment()
		}
		ps = append(ps, p)
	}
	e := evidence.CompareTrial(ps)
	v.Received, v.Without = e.Received, e.NotReceived
	g := e.GapChange
	v.Gap = comparisonView{NA: g.NA, NB: g.NB, A: months(g.MeanA, g.NA), B: months(g.MeanB, g.NB), Comparable: g.Comparable}
	if g.Comparable {
		v.Gap.Diff = signedMonths(g.Diff)
		v.Gap.CI = signedMonths(g.CI.Low) + " to " + signedMonths(g.CI.High)
		v.Gap.Reading = reading(g.CI, "the pupils who received it closed more of their gap", "the pupils who received it closed less of their gap")
	} else {
		v.Gap.Why = whyNot(g.NA, g.NB)
	}
	v.AREFrom, v.ARETo = proportions(e.AREFrom), proportions(e.ARETo)
	v.Plain = evidence.Plain(e, v.To.Label)
	return v, nil
}

func proportions(p evidence.PropDiff) comparisonView {
	c := comparisonView{NA: p.NA, NB: p.NB, A: share(p.XA, p.NA), B: share(p.XB, p.NB), Comparable: p.Comparable}
	if p.Comparable {
		c.Diff = points(p.Diff)
		c.CI = points(p.CI.Low) + " to " + points(p.CI.High)
		c.Reading = reading(p.CI, "more of the pupils who received it are at ARE", "fewer of the pupils who received it are at ARE")
	} else {
		c.Why = whyNot(p.NA, p.NB)
	}
	return c
}

// reading says what an interval of a difference shows: a difference only
// when the interval leaves out zero.
func reading(ci evidence.Interval, above, below string) string {
	switch {
	case ci.Low > 0:
		return "The interval is above zero: " + above + "."
	case ci.High < 0:
		return "The interval is below zero: " + below + "."
	}
	return "The interval includes zero: these pupils cannot tell a difference apart from chance."
}

func months(m float64, n int) string {
	if n == 0 {
		return "—"
	}
	return signedMonths(m)
}

func signedMonths(m float64) string {
	m = math.Round(m*10) / 10
	if m == 0 {
		m = 0 // no "-0.0"
	}
	return format.SignedFixed(m) + " months"
}

func share(x, n int) string {
	if n == 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f%% (%d of %d)", 100*float64(x)/float64(n), x, n)
}

// points words a difference of proportions in percentage points.
func points(d float64) string {
	v := math.Round(d * 100)
	if v == 0 {
		v = 0
	}
	return fmt.Sprintf("%+.0f points", v)
}
