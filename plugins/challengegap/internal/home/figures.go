package home

import (
	"fmt"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/suppress"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// YearFacts is what the headline figures are made of, for one year: its
// counts (store.YearFigures, made in SQL).
type YearFacts struct {
	Year store.Year
	store.YearCounts
}

// FiguresOf words the year's headline figures. A share of pupils hides when
// its part or the rest is below 5 (suppress.Default), as across schools
// in the reports; it says so rather than leave the figure out.
func FiguresOf(f YearFacts) []sdk.Figure {
	link := "/years/" + strconv.FormatUint(f.Year.ID, 10)
	y := f.Year.Label
	schools := fmt.Sprintf("%s, %s", y, plural(f.Clusters, "cluster", "clusters"))
	if f.Withdrawn > 0 {
		schools += fmt.Sprintf("; %d withdrew", f.Withdrawn)
	}
	out := []sdk.Figure{
		{Label: "Clusters", Value: strconv.Itoa(f.Clusters), Detail: y, Link: link},
		{Label: "Schools taking part", Value: strconv.Itoa(f.Schools), Detail: schools, Link: link},
		{Label: "Pupils in target cohorts", Value: strconv.Itoa(f.Pupils),
			Detail: fmt.Sprintf("%s, %s with a baseline", y, plural(f.Baselines, "school", "schools")), Link: link},
		shareFigure("Pupils closing the gap since the baseline", f.Movement.GapClosed, f.Movement.GapPupils,
			"closed part of the gap in months", y, link),
		shareFigure("Pupils whose attitude to learning rose", f.Movement.AttitudeRaised, f.Movement.AttitudePupils,
			"scored a higher attitude to learning", y, link),
		{Label: "Workshops held", Value: fmt.Sprintf("%d of %d", f.Held, f.Workshops), Detail: y + ", the six workshops of every cluster", Link: link},
	}
	if trials := f.trials(); trials > 0 {
		n := f.Decisions
		out = append(out, sdk.Figure{Label: "Strategies trialled", Value: strconv.Itoa(trials),
			Detail: fmt.Sprintf("%s: %d to scale up, %d to continue, %d stopped, %d not decided yet", y,
				n[string(rules.DecisionScaleUp)], n[string(rules.DecisionContinue)], n[string(rules.DecisionStop)], n[string(rules.DecisionNone)]), Link: link})
	}
	return out
}

func shareFigure(label string, part, total int, did, year, link string) sdk.Figure {
	if total == 0 {
		return sdk.Figure{Label: label, Value: "no data yet", Detail: year + ": no pupil has values at the baseline and a later snapshot", Link: link}
	}
	if _, cells, err := suppress.Default.Row(part, total-part); err != nil || cells[0].Suppressed() || cells[1].Suppressed() {
		return sdk.Figure{Label: label, Value: "suppressed", Detail: fmt.Sprintf("%s: fewer than %d pupils either way", year, suppress.DefaultThreshold), Link: link}
	}
	return sdk.Figure{Label: label, Value: fmt.Sprintf("%.0f%%", 100*float64(part)/float64(total)),
		Detail: fmt.Sprintf("%d of %d %s %s, baseline to each school's latest snapshot, %s", part, total, noun(total, "pupil", "pupils"), did, year),
		Link:   link}
}

// trials is how many strategies the schools trialled, whatever their decision.
func (f YearFacts) trials() int {
	n := 0
	for _, k := range f.Decisions {
		n += k
	}
	return n
}
