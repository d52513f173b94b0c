package web

import (
	"crypto/rand"
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/eal/internal/randomise"
	"github.com/challengepartners/upwards/plugins/eal/internal/rules"
	"github.com/challengepartners/upwards/plugins/eal/internal/store"
)

// randomisationPage is the trial manager's randomisation: the schools
// ready, the waves with their lists, commitments, allocations and seeds
// (each shown only once it exists and, for a seed, once revealed), and
// the balance table.
func randomisationPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, err := loadTrial(r)
	if err != nil {
		return err
	}
	d, err := loadData(st(r), t)
	if err != nil {
		return err
	}
	strat, err := stratification(r)
	if err != nil {
		return err
	}
	ids := make([]uint64, len(d.Schools))
	for i, s := range d.Schools {
		ids[i] = s.SchoolID
	}
	names, err := schoolsByID(ctx, ids)
	if err != nil {
		return err
	}
	name := func(ts store.TrialSchool) string {
		if s := names[ts.SchoolID]; s != nil {
			return s.GetName()
		}
		return ts.Code
	}
	base := "/trials/" + u64(t.ID)
	body := ui.Header{Crumbs: []ui.Crumb{{Label: "EAL trial", Href: sdk.URL(r, "/")}, {Label: t.Name, Href: sdk.URL(r, base)}}, Title: "Randomisation",
		Lead: "Four steps, each once: freeze the list of the schools ready, commit (the system draws a secret seed and records the hash of the list and of the seed), allocate (from that seed, stratified so that each stratum's arms differ by at most one school), then reveal the seed so that anyone can re-derive the allocation."}.HTML()
	body = html(body, dl("Strata", "Delivery centre (by its trial id)"+strataExtra(strat), "Procedure", "ealrandomise "+randomise.Version+" (plugins/eal/README.md)"))

	// The schools ready for the next wave, and the button to freeze them.
	open := false
	for _, w := range d.Waves {
		if !w.Allocated() {
			open = true
		}
	}
	var rows []ui.Row
	for _, s := range d.Schools {
		if !d.ready(s) {
			continue
		}
		stratum, err := strat.Stratum(d.centre(s.CentreID).Code, facts(s))
		if err != nil {
			stratum = "Cannot be stratified: " + err.Error()
		}
		rows = append(rows, ui.Row{"code": s.Code, "school": name(s), "stratum": stratum})
	}
	ready := ui.Table{Caption: "Schools ready to be randomised", ID: "ready", Columns: []ui.Column{{Key: "code", Label: "Trial id"},
		{Key: "school", Label: "School"}, {Key: "stratum", Label: "Stratum"}}, Rows: rows,
		Empty: "No school is ready: a school is ready once eligible, its agreement signed and its pupils' baseline complete."}.HTML()
	switch {
	case open:
		ready = html(ready, para("Finish the open wave (commit, allocate) before freezing another list."))
	case len(rows) > 0:
		ready = html(ready, button(r, base+"/waves", fmt.Sprintf("Freeze the list of these %d schools", len(rows)), nil))
	}
	body = html(body, section("ready-h", "Ready for the next wave", ready))

	for i := len(d.Waves) - 1; i >= 0; i-- {
		body = html(body, waveSection(r, t, d, d.Waves[i], name))
	}
	if d.allocated() {
		bal, err := balance(d)
		if err != nil {
			return err
		}
		body = html(body, section("balance-h", "Balance", bal))
	}
	return show(w, r, http.StatusOK, "Randomisation", body)
}

func strataExtra(s rules.Stratification) string {
	if len(s.Factors) < 2 {
		return ""
	}
	return " and " + s.String()[len("centre, "):]
}

// facts are a school's facts for its stratum.
func facts(s store.TrialSchool) rules.SchoolFacts {
	return rules.SchoolFacts{Phase: s.Phase, EALPercent: s.EALPercent, FSMPercent: s.FSMPercent}
}

// waveSection is one wave: its state, list, commitment, allocation, seed
// and the check, each shown once it exists.
func waveSection(r *http.Request, t store.Trial, d trialData, w store.Wave, name func(store.TrialSchool) string) template.HTML {
	base := fmt.Sprintf("/trials/%d/waves/%d", t.ID, w.Number)
	id := fmt.Sprintf("wave-%d", w.Number)
	pairs := []string{"Frozen", w.FrozenAt.In(londonLoc()).Format("Mon 2 Jan 2006 15:04")}
	if w.CommittedAt != nil {
		pairs = append(pairs, "Committed", w.CommittedAt.In(londonLoc()).Format("Mon 2 Jan 2006 15:04"), "Commitment", w.Commitment)
	}
	if w.AllocatedAt != nil {
		pairs = append(pairs, "Allocated", w.AllocatedAt.In(londonLoc()).Format("Mon 2 Jan 2006 15:04"))
	}
	if seed, err := w.RevealedSeed(); err == nil {
		pairs = append(pairs, "Revealed", w.RevealedAt.In(londonLoc()).Format("Mon 2 Jan 2006 15:04"), "Seed", seed.String())
	}
	body := html(template.HTML(`<div data-testid="`+id+`">`), dl(pairs...))
	body = html(body, waveFiles(r, t, w))
	switch w.State {
	case store.WaveFrozen:
		body = html(body, para("Next: commit. The system draws the seed from a cryptographic source and records the commitment; nobody sees the seed until it is revealed."),
			button(r, base+"/commit", "Commit", nil))
	case store.WaveCommitted:
		body = html(body, para("Next: allocate. The allocation is made once, from the committed seed, and never again."), button(r, base+"/allocate", "Allocate", nil))
	case store.WaveAllocated:
		body = html(body, para("Next: reveal the seed, so that the evaluator can re-derive the allocation."), button(r, base+"/reveal", "Reveal the seed", nil))
	case store.WaveRevealed:
		body = html(body, waveCheck(w, ""))
	}
	// The list, with each school's arm once allocated.
	l, err := w.List()
	if err != nil {
		return html(body, para(err.Error()), "</div>")
	}
	byCode := map[string]store.TrialSchool{}
	for _, s := range d.Schools {
		byCode[s.Code] = s
	}
	cols := []ui.Column{{Key: "code", Label: "Trial id"}, {Key: "school", Label: "School"}, {Key: "stratum", Label: "Stratum"}}
	if w.Allocated() {
		cols = append(cols, ui.Column{Key: "arm", Label: "Arm"})
	}
	var rows []ui.Row
	for _, e := range l.Schools {
		s := byCode[e.School]
		row := ui.Row{"code": e.School, "school": name(s), "stratum": e.Stratum}
		if w.Allocated() {
			row["arm"] = badge(ui.Info, armWord(s.Arm))
		}
		rows = append(rows, row)
	}
	body = html(body, ui.Table{Caption: fmt.Sprintf("Wave %d's frozen list", w.Number), ID: id + "-list", Columns: cols, Rows: rows}.HTML(), "</div>")
	return section(id+"-h", fmt.Sprintf("Wave %d", w.Number), body)
}

// waveFiles links a wave's files, each once it exists (the seed once
// revealed).
func waveFiles(r *http.Request, t store.Trial, w store.Wave) template.HTML {
	files := fmt.Sprintf("/research/trials/%d/waves/%d/", t.ID, w.Number)
	links := []string{`<a href="` + esc(sdk.URL(r, files+"list.csv")) + `">Frozen list (CSV)</a>`}
	if w.Commitment != "" {
		links = append(links, `<a href="`+esc(sdk.URL(r, files+"commitment.txt"))+`">Commitment</a>`)
	}
	if w.Allocated() {
		links = append(links, `<a href="`+esc(sdk.URL(r, files+"allocation.csv"))+`">Allocation (CSV)</a>`)
	}
	if w.Revealed() {
		links = append(links, `<a href="`+esc(sdk.URL(r, files+"seed.txt"))+`">Seed</a>`)
	}
	return template.HTML(`<p>Files: ` + joinHTML(links) + `</p>`) //nolint:gosec // escaped
}

// waveCheck is the product's own re-derivation of a revealed wave, with
// more (already escaped) after a success.
func waveCheck(w store.Wave, more template.HTML) template.HTML {
	if err := w.Check(); err != nil {
		return html(template.HTML(`<p data-testid="check">`), badge(ui.Danger, "Does not match"), template.HTML(" "+esc(err.Error())+"</p>"))
	}
	return html(template.HTML(`<p data-testid="check">`), badge(ui.Success, "Verified"),
		" Re-derived from the revealed seed and the frozen list: both match the commitment, and every school's arm matches the allocation.", more, "</p>")
}

func joinHTML(xs []string) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += ", "
		}
		out += x
	}
	return out
}

// balance is the balance table of the allocated schools: by stratum, and
// per arm by phase, EAL and FSM proportion.
func balance(d trialData) (template.HTML, error) {
	var a randomise.Allocation
	cov := map[string]randomise.Covariates{}
	strata := map[string]string{}
	for _, w := range d.Waves {
		if l, err := w.List(); err == nil {
			for _, e := range l.Schools {
				strata[e.School] = e.Stratum
			}
		}
	}
	for _, s := range d.Schools {
		arm, err := randomise.ParseArm(s.Arm)
		if err != nil {
			continue
		}
		a = append(a, randomise.Assignment{School: s.Code, Stratum: strata[s.Code], Arm: arm})
		c := randomise.Covariates{Phase: s.Phase}
		if s.EALPercent != nil {
			v := *s.EALPercent / 100
			c.EAL = &v
		}
		if s.FSMPercent != nil {
			v := *s.FSMPercent / 100
			c.FSM = &v
		}
		cov[s.Code] = c
	}
	b, err := randomise.Tabulate(a, cov)
	if err != nil {
		return "", fmt.Errorf("balance: %w", err)
	}
	var rows []ui.Row
	for _, s := range append(b.Strata, b.Total) {
		label := s.Stratum
		if label == "" {
			label = "All strata"
		}
		rows = append(rows, ui.Row{"stratum": label, "i": s.Intervention, "c": s.Control, "diff": s.Difference()})
	}
	byStratum := ui.Table{Caption: "Schools per stratum and arm", ID: "balance-strata", Columns: []ui.Column{{Key: "stratum", Label: "Stratum"},
		{Key: "i", Label: "Intervention", Numeric: true}, {Key: "c", Label: "Control", Numeric: true}, {Key: "diff", Label: "Difference", Numeric: true}}, Rows: rows}.HTML()
	var arows []ui.Row
	for _, arm := range b.Arms {
		row := ui.Row{"arm": armWord(arm.Arm.String()), "schools": arm.Schools, "eal": meanPct(arm.EAL), "fsm": meanPct(arm.FSM)}
		phases := ""
		for _, p := range arm.Phases {
			if phases != "" {
				phases += "; "
			}
			phases += fmt.Sprintf("%s %d (%s%%)", dash(p.Phase), p.Schools, strconv.FormatFloat(100*p.Share, 'f', 0, 64))
		}
		row["phases"] = phases
		arows = append(arows, row)
	}
	byArm := ui.Table{Caption: "The arms compared", ID: "balance-arms", Columns: []ui.Column{{Key: "arm", Label: "Arm"},
		{Key: "schools", Label: "Schools", Numeric: true}, {Key: "phases", Label: "Phases"}, {Key: "eal", Label: "Mean EAL share"},
		{Key: "fsm", Label: "Mean FSM share"}}, Rows: arows}.HTML()
	return html(byStratum, byArm), nil
}

func meanPct(m randomise.Mean) string {
	if m.N == 0 {
		return "—"
	}
	return fmt.Sprintf("%s%% (n = %d)", strconv.FormatFloat(100*m.Mean, 'f', 1, 64), m.N)
}

// waveNumber reads the wave in the path.
func waveNumber(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("wave"))
	if err != nil || n < 1 {
		return 0, fmt.Errorf("wave %q: %w", r.PathValue("wave"), sdk.ErrNotFound)
	}
	return n, nil
}

// freezeWave freezes the list of the schools ready, with their strata.
func freezeWave(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t, err := loadTrial(r)
	if err != nil {
		return err
	}
	strat, err := stratification(r)
	if err != nil {
		return err
	}
	return commit(w, r, func(s *store.Store) (change, error) {
		d, err := loadData(s, t)
		if err != nil {
			return change{}, err
		}
		var rows []store.FreezeRow
		for _, ts := range d.Schools {
			if !d.ready(ts) {
				continue
			}
			stratum, err := strat.Stratum(d.centre(ts.CentreID).Code, facts(ts))
			if err != nil {
				return change{}, fmt.Errorf("%w: school %s cannot be stratified (%s): check its eligibility again", store.ErrConflict, ts.Code, err)
			}
			rows = append(rows, store.FreezeRow{TrialSchoolID: ts.ID, Stratum: stratum})
		}
		wv, err := s.Freeze(t.ID, rows, strat.String(), sdk.ActorFrom(ctx).GetUserId(), sdk.Now(ctx))
		return change{"wave.freeze", "wave", wv.ID, nil, map[string]any{"wave": wv.Number, "list": wv.ListCSV, "stratify_by": wv.StratifyBy},
			"/trials/" + u64(t.ID) + "/randomisation", fmt.Sprintf("Wave %d's list frozen", wv.Number)}, err
	})
}

// commitWave draws the seed from crypto/rand and records the commitment.
// The seed is in no answer, audit entry or log line until it is revealed.
func commitWave(w http.ResponseWriter, r *http.Request) error {
	return waveStep(w, r, func(s *store.Store, t store.Trial, n int) (change, error) {
		seed, err := randomise.NewSeed(rand.Reader)
		if err != nil {
			return change{}, err
		}
		wv, err := s.Commit(t.ID, n, seed, sdk.Now(r.Context()))
		return change{"wave.commit", "wave", wv.ID, nil, map[string]any{"wave": n, "commitment": wv.Commitment}, "", fmt.Sprintf("Wave %d committed", n)}, err
	})
}

// allocateWave makes the wave's allocation, once.
func allocateWave(w http.ResponseWriter, r *http.Request) error {
	return waveStep(w, r, func(s *store.Store, t store.Trial, n int) (change, error) {
		wv, _, err := s.Allocate(t.ID, n, sdk.Now(r.Context()))
		return change{"wave.allocate", "wave", wv.ID, nil, map[string]any{"wave": n, "commitment": wv.Commitment, "allocation": wv.AllocationCSV}, "",
			fmt.Sprintf("Wave %d allocated", n)}, err
	})
}

// revealWave reveals the seed of an allocated wave; the audit entry holds it.
func revealWave(w http.ResponseWriter, r *http.Request) error {
	return waveStep(w, r, func(s *store.Store, t store.Trial, n int) (change, error) {
		wv, err := s.Reveal(t.ID, n, sdk.Now(r.Context()))
		if err != nil {
			return change{}, err
		}
		seed, err := wv.RevealedSeed()
		return change{"wave.reveal", "wave", wv.ID, nil, map[string]any{"wave": n, "commitment": wv.Commitment, "seed": seed.String()}, "",
			fmt.Sprintf("Wave %d's seed revealed", n)}, err
	})
}

// waveStep runs one step on the wave in the path, audited, and returns to
// the randomisation page.
func waveStep(w http.ResponseWriter, r *http.Request, step func(s *store.Store, t store.Trial, n int) (change, error)) error {
	t, err := loadTrial(r)
	if err != nil {
		return err
	}
	n, err := waveNumber(r)
	if err != nil {
		return err
	}
	return commit(w, r, func(s *store.Store) (change, error) {
		c, err := step(s, t, n)
		c.Next = "/trials/" + u64(t.ID) + "/randomisation"
		return c, err
	})
}
