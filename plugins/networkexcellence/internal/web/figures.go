package web

import (
	"bytes"
	"net/http"
	"sort"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/figures"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// figureRoutes are the programme dashboard for the central team.
func figureRoutes() []route {
	return []route{
		get("/figures", PermBoard, tenant, "", "The programme's figures over the years", figuresPage),
		get("/figures.csv", PermBoard, tenant, "", "The programme's figures as a CSV of numbers", figuresCSV),
	}
}

// yearFigures computes every membership year's figures, oldest first.
func yearFigures(r *http.Request) ([]figures.Year, error) {
	s := st(r)
	ys, err := s.Years()
	if err != nil {
		return nil, err
	}
	t := today(r)
	sort.Slice(ys, func(i, j int) bool { return ys[i].StartsOn < ys[j].StartsOn })
	out := make([]figures.Year, 0, len(ys))
	for i := range ys {
		y := ys[i]
		if y.StartsOn > t {
			continue
		}
		in, err := figureInputs(s, &y, t)
		if err != nil {
			return nil, err
		}
		out = append(out, figures.Compute(in))
	}
	return out, nil
}

// figureInputs counts a year's figures up to today (t) in the storage
// (store.YearCounts: one statement).
func figureInputs(s *store.Store, y *store.Year, t string) (figures.Inputs, error) {
	c, err := s.YearCounts(y, t)
	if err != nil {
		return figures.Inputs{}, err
	}
	return figures.Inputs{Label: y.Label, Reviews: c.Reviews, ReviewsDone: c.ReviewsDone, ReviewersTrained: c.Trained,
		Hosted: c.Hosted, Met: c.Met,
		Overall: figures.Scores{N: c.Feedback, Sum: c.OverallSum}, CPD: figures.Scores{N: c.Feedback, Sum: c.CPDSum},
		AoEsAccredited: c.AoEsAccredited, LDDs: c.LDDs, Pairs: c.Pairs, LDDScores: figures.Scores{N: c.Ratings, Sum: c.RatingSum},
		Hubs: c.Hubs, HubsHosted: c.HubsHosted}, nil
}

type figuresView struct {
	common
	Header ui.Header
	Stats  ui.Stats
	Table  ui.Table
	Charts []ui.Component
	Year   string
}

func figuresPage(w http.ResponseWriter, r *http.Request) error {
	ys, err := yearFigures(r)
	if err != nil {
		return err
	}
	v := &figuresView{common: commonOf(r), Header: ui.Header{Crumbs: crumbs(r), Title: "Programme figures",
		Lead:    "The Network of Excellence year by year: reviews, reviewers, reciprocity, feedback, Areas of Excellence and Leadership Development Days.",
		Actions: []ui.Link{{Label: "Download the figures (CSV)", Href: sdk.URL(r, "/figures.csv"), Secondary: true}}}}
	if len(ys) > 0 {
		y := ys[len(ys)-1]
		v.Year = y.Label
		v.Stats = ui.Stats{
			{Value: strconv.Itoa(y.ReviewsDone), Label: "Reviews done in " + y.Label, N: y.Reviews},
			{Value: strconv.Itoa(y.ReviewersTrained), Label: "Reviewers trained"},
			{Value: figures.Percent(y.Reciprocity), Label: "Schools that met their reciprocity", N: y.Hosted},
			{Value: y.OverallMean.String(), Label: "Reviews' overall experience", N: y.OverallMean.N},
			{Value: y.CPDMean.String(), Label: "Reviews' value as professional development", N: y.CPDMean.N},
			{Value: strconv.Itoa(y.AoEsAccredited), Label: "Areas of Excellence accredited"},
			{Value: strconv.Itoa(y.LDDs), Label: "Leadership Development Days hosted"},
			{Value: strconv.Itoa(y.Pairs) + " pairs", Label: "Pairs of leaders booked on them"},
			{Value: y.LDDRating.String(), Label: "Leadership Development Days' rating", N: y.LDDRating.N},
			{Value: figures.Percent(y.HubShare) + " of hubs", Label: "Hubs with a school that hosted", N: y.Hubs},
		}
	}
	cats := make([]string, len(ys))
	for i, y := range ys {
		cats[i] = y.Label
	}
	bar := func(title, desc, label string, pick func(figures.Year) float64) ui.Component {
		return ui.BarChart{Title: title, Desc: desc, XLabel: "Year", YLabel: label, Categories: cats,
			Series: []ui.Series{{Name: label, Values: figures.Series(ys, pick)}}}
	}
	v.Charts = []ui.Component{
		bar("Reviews done by year", "QA Reviews done in each membership year.", "Reviews", func(y figures.Year) float64 { return float64(y.ReviewsDone) }),
		ui.LineChart{Title: "Feedback by year", Desc: "Mean scores of the reviews' feedback and of Leadership Development Days, out of 10 (overall experience doubled from 5).",
			XLabel: "Year", YLabel: "Mean score out of 10", Categories: cats, YMin: 0, YMax: 10, Series: []ui.Series{
				{Name: "Review: overall experience (out of 5, doubled)", Values: figures.Series(ys, func(y figures.Year) float64 { return y.OverallMean.Value * 2 })},
				{Name: "Review: value as professional development", Values: figures.Series(ys, func(y figures.Year) float64 { return y.CPDMean.Value })},
				{Name: "Leadership Development Day rating", Values: figures.Series(ys, func(y figures.Year) float64 { return y.LDDRating.Value })}}},
		bar("Leadership Development Days by year", "Days hosted in each membership year.", "Days hosted", func(y figures.Year) float64 { return float64(y.LDDs) }),
		bar("Pairs booked by year", "Pairs of leaders booked on Leadership Development Days.", "Pairs", func(y figures.Year) float64 { return float64(y.Pairs) }),
		bar("Areas of Excellence accredited by year", "Areas of Excellence the central team accredited.", "Areas", func(y figures.Year) float64 { return float64(y.AoEsAccredited) }),
		ui.BarChart{Title: "Reciprocity met by year", Desc: "The share of schools that hosted a review and gave as many reviewer days as they received.",
			XLabel: "Year", YLabel: "Schools that met it", Unit: "%", YMin: 0, YMax: 100, Categories: cats,
			Series: []ui.Series{{Name: "Met reciprocity", Values: figures.Series(ys, func(y figures.Year) float64 { return y.Reciprocity * 100 })}}},
	}
	return render(w, r, "Programme figures", "figures", v)
}

func figuresCSV(w http.ResponseWriter, r *http.Request) error {
	ys, err := yearFigures(r)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := figures.WriteCSV(&b, ys); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="networkexcellence-figures.csv"`)
	_, err = w.Write(b.Bytes())
	return err
}
