package home

import (
	"fmt"
	"strconv"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/suppress"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// YearFacts is what the headline figures are made of, for one year.
type YearFacts struct {
	Year     store.Year
	Clusters int
	// Schools taking part (accepted) and withdrawn.
	Schools, Withdrawn int
	// Pupils in the target cohorts of the schools taking part; Baselines
	// how many of those schools took the baseline.
	Pupils, Baselines int
	Movement          store.Movement
	// Workshops of the year's clusters, and how many were held by today.
	Workshops, Held int
	Trials          []store.Trial
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
	if len(f.Trials) > 0 {
		n := map[rules.Decision]int{}
		for _, t := range f.Trials {
			n[rules.Decision(t.Decision)]++
		}
		out = append(out, sdk.Figure{Label: "Strategies trialled", Value: strconv.Itoa(len(f.Trials)),
			Detail: fmt.Sprintf("%s: %d to scale up, %d to continue, %d stopped, %d not decided yet", y,
				n[rules.DecisionScaleUp], n[rules.DecisionContinue], n[rules.DecisionStop], n[rules.DecisionNone]), Link: link})
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

// heldBy counts the workshops held by today, for YearFacts.Held.
func heldBy(ws map[uint64][]store.Workshop, today time.Time) (all, done int) {
	for _, w := range ws {
		all += len(w)
		done += held(w, today)
	}
	return all, done
}
