package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/evidence"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// clusterProgress is one cluster's year at a glance, for the central team:
// what has been done (snapshots with data, workshops held, survey answers,
// trial decisions) and its headline figures.
type clusterProgress struct {
	Cluster         store.Cluster
	Schools         int
	Baselines       int // schools with a baseline taken
	Snapshots       store.SnapshotCount
	Workshops, Held int
	Responses       int // survey answers in the year's rounds
	Trials, Decided int
	Impact          evidence.Impact
}

// yearOverviewView is the programme year across all its clusters.
type yearOverviewView struct {
	common
	Year      *store.Year
	Today     string
	Clusters  []clusterProgress
	Programme clusterProgress // the sums of every cluster
	Rounds    int
	MinCount  int
}

// Figures of an impact for the page, each with its n; a figure of fewer
// than MinCount pupils reads "fewer than 5" and is left out of the CSV.
type figure struct {
	Value string // "4.9", "61"
	N     int
	Shown bool
	Min   int // MinCount
}

func (v yearOverviewView) gap(im evidence.Impact) figure {
	return figure{Value: strconv.FormatFloat(im.MeanGapClosed, 'f', 1, 64), N: im.GapPupils, Shown: im.GapPupils >= MinCount, Min: MinCount}
}

func (v yearOverviewView) belowFrom(im evidence.Impact) figure {
	return figure{Value: strconv.FormatFloat(im.PercentBelowFrom(), 'f', 0, 64), N: im.AssessedFrom, Shown: im.AssessedFrom >= MinCount, Min: MinCount}
}

func (v yearOverviewView) belowTo(im evidence.Impact) figure {
	return figure{Value: strconv.FormatFloat(im.PercentBelowTo(), 'f', 0, 64), N: im.AssessedTo, Shown: im.AssessedTo >= MinCount, Min: MinCount}
}

// Gap, BelowFrom and BelowTo are the template's figures of a cluster or the programme.
func (v yearOverviewView) Gap(p clusterProgress) figure       { return v.gap(p.Impact) }
func (v yearOverviewView) BelowFrom(p clusterProgress) figure { return v.belowFrom(p.Impact) }
func (v yearOverviewView) BelowTo(p clusterProgress) figure   { return v.belowTo(p.Impact) }

// yearOverviewData gathers the year across every cluster: aggregates only,
// no pupil, a figure of fewer than MinCount pupils suppressed. The route
// asks for challengegap.programme.manage at the tenant: the central team.
func yearOverviewData(r *http.Request) (*yearOverviewView, error) {
	ctx := r.Context()
	yid, err := id(r, "year")
	if err != nil {
		return nil, err
	}
	s := st(r)
	v := &yearOverviewView{common: commonOf(r), MinCount: MinCount, Today: sdk.Today(ctx).Format("2006-01-02")}
	if v.Year, err = s.Year(yid); err != nil {
		return nil, err
	}
	clusters, err := s.Clusters(yid)
	if err != nil {
		return nil, err
	}
	progress, err := s.SnapshotProgress(yid)
	if err != nil {
		return nil, err
	}
	trials, err := s.YearTrials(yid)
	if err != nil {
		return nil, err
	}
	rounds, err := s.Rounds(yid)
	if err != nil {
		return nil, err
	}
	v.Rounds = len(rounds)
	responses := map[uint64]int{} // by school, over the year's rounds
	for _, rd := range rounds {
		_, n, err := s.SurveyTallies(rd.ID)
		if err != nil {
			return nil, err
		}
		for school, k := range n {
			responses[school] += k
		}
	}
	var all []evidence.Impact
	for _, c := range clusters {
		p := clusterProgress{Cluster: c}
		schools, err := s.AcceptedSchools(c.ID)
		if err != nil {
			return nil, err
		}
		in := map[uint64]bool{}
		var impacts []evidence.Impact
		for _, sid := range schools {
			in[sid] = true
			sc := progress[sid]
			p.Snapshots.Taken += sc.Taken
			p.Snapshots.WithData += sc.WithData
			if sc.Taken > 0 {
				p.Baselines++
			}
			p.Responses += responses[sid]
			im, _, _, err := s.Impact(yid, sid)
			if err != nil {
				return nil, err
			}
			impacts = append(impacts, im)
		}
		p.Schools = len(schools)
		for _, t := range trials {
			if in[t.SchoolID] {
				p.Trials++
				if t.Decision != "" {
					p.Decided++
				}
			}
		}
		ws, err := s.Workshops(c.ID)
		if err != nil {
			return nil, err
		}
		p.Workshops = len(ws)
		for _, w := range ws {
			if w.HeldOn != "" && w.HeldOn <= v.Today {
				p.Held++
			}
		}
		p.Impact = evidence.Combine(impacts...)
		all = append(all, p.Impact)
		v.Clusters = append(v.Clusters, p)
		t := &v.Programme
		t.Schools += p.Schools
		t.Baselines += p.Baselines
		t.Snapshots.Taken += p.Snapshots.Taken
		t.Snapshots.WithData += p.Snapshots.WithData
		t.Workshops += p.Workshops
		t.Held += p.Held
		t.Responses += p.Responses
		t.Trials += p.Trials
		t.Decided += p.Decided
	}
	v.Programme.Cluster.Name = "All clusters"
	v.Programme.Impact = evidence.Combine(all...)
	return v, nil
}

func yearOverview(w http.ResponseWriter, r *http.Request) error {
	v, err := yearOverviewData(r)
	if err != nil {
		return err
	}
	return render(w, r, "The year across all clusters — "+v.Year.Label, "yearoverview", v)
}

// yearOverviewCSV downloads the page's numbers: one row per cluster (and
// one for the programme) and measure, the value and its n in columns of
// their own, numbers as numbers. A suppressed figure has no value and the
// note says why.
func yearOverviewCSV(w http.ResponseWriter, r *http.Request) error {
	v, err := yearOverviewData(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write([]string{"cluster", "measure", "value", "n", "note"})
	itoa := strconv.Itoa
	for _, p := range append(v.Clusters, v.Programme) {
		name := safeCell(p.Cluster.Name)
		rows := [][]string{
			{name, "schools", itoa(p.Schools), "", ""},
			{name, "schools with a baseline", itoa(p.Baselines), itoa(p.Schools), ""},
			{name, "snapshots with data", itoa(p.Snapshots.WithData), itoa(p.Snapshots.Taken), "n: snapshots taken"},
			{name, "workshops held", itoa(p.Held), itoa(p.Workshops), "n: workshops planned"},
			{name, "survey responses", itoa(p.Responses), "", ""},
			{name, "trials decided", itoa(p.Decided), itoa(p.Trials), "n: trials"},
		}
		for _, f := range []struct {
			measure string
			fig     figure
		}{
			{"months of gap closed (mean)", v.Gap(p)},
			{"% below ARE at baseline", v.BelowFrom(p)},
			{"% below ARE now", v.BelowTo(p)},
		} {
			if f.fig.Shown {
				rows = append(rows, []string{name, f.measure, f.fig.Value, itoa(f.fig.N), ""})
			} else {
				rows = append(rows, []string{name, f.measure, "", "", fmt.Sprintf("fewer than %d pupils", MinCount)})
			}
		}
		for _, row := range rows {
			_ = cw.Write(row)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	if err := audit(r, "report.year_export", "year", v.Year.ID, nil, nil); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", "programme-year-"+v.Year.Label+".csv"))
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}
