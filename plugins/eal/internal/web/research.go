package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/eal/internal/store"
)

// The evaluator's pages hold no name of a school, centre, teacher or
// pupil: schools and centres by their trial ids, people not at all.

// researchHome lists the trials.
func researchHome(w http.ResponseWriter, r *http.Request) error {
	trials, err := st(r).Trials()
	if err != nil {
		return err
	}
	var rows []ui.Row
	for _, t := range trials {
		rows = append(rows, ui.Row{"name": ui.Link{Label: t.Name, Href: sdk.URL(r, "/research/trials/"+u64(t.ID))}, "registration": t.RegistrationID})
	}
	body := html(ui.Header{Title: "EAL trial: the evaluator's view",
		Lead: "The allocation, its re-derivation, the CONSORT flow diagram and the frozen exports. Schools and centres appear by their trial ids; no person is named."}.HTML(),
		ui.Table{Caption: "Trials", ID: "research-trials", Columns: []ui.Column{{Key: "name", Label: "Trial"}, {Key: "registration", Label: "Registration"}},
			Rows: rows, Empty: "No trial yet."}.HTML())
	return show(w, r, http.StatusOK, "EAL trial: evaluator", body)
}

// researchTrial is a trial as the evaluator sees it.
func researchTrial(w http.ResponseWriter, r *http.Request) error {
	t, err := loadTrial(r)
	if err != nil {
		return err
	}
	s := st(r)
	d, err := loadData(s, t)
	if err != nil {
		return err
	}
	versions, err := s.Exports(t.ID)
	if err != nil {
		return err
	}
	diagram := d.consort()
	diagram.SuppressPupils = true
	base := "/research/trials/" + u64(t.ID)
	body := html(ui.Header{Crumbs: []ui.Crumb{{Label: "Evaluator's view", Href: sdk.URL(r, "/research")}}, Title: t.Name,
		Lead: "Registration " + t.RegistrationID + "."}.HTML(),
		section("consort", "CONSORT flow diagram", diagram.HTML("consort-diagram"),
			template.HTML(`<p><a href="`+esc(sdk.URL(r, base+"/consort.svg"))+`">The diagram as an SVG file</a></p>`)))
	for i := len(d.Waves) - 1; i >= 0; i-- {
		body = html(body, researchWave(r, t, d, d.Waves[i]))
	}
	if d.allocated() {
		bal, err := balance(d)
		if err != nil {
			return err
		}
		body = html(body, section("balance-h", "Balance", bal))
	}
	body = html(body, section("versions-h", "Exports", versionsTable(r, t, versions)))
	return show(w, r, http.StatusOK, t.Name+": evaluator", body)
}

// researchWave is a wave for the evaluator: its commitment, seed once
// revealed, the product's own re-derivation, the files and the list.
func researchWave(r *http.Request, t store.Trial, d trialData, w store.Wave) template.HTML {
	id := fmt.Sprintf("wave-%d", w.Number)
	pairs := []string{"State", waveState(w), "Commitment", w.Commitment}
	if seed, err := w.RevealedSeed(); err == nil {
		pairs = append(pairs, "Seed", seed.String())
	}
	body := html(template.HTML(`<div data-testid="`+id+`">`), dl(pairs...))
	if w.Revealed() {
		body = html(body, waveCheck(w, template.HTML(" To check it yourself: <code>ealrandomise --seed SEED --wave "+strconv.Itoa(w.Number)+
			" --verify &#39;COMMITMENT&#39; allocation.csv</code>.")))
	}
	body = html(body, waveFiles(r, t, w))
	var rows []ui.Row
	cols := []ui.Column{{Key: "code", Label: "School (trial id)"}, {Key: "stratum", Label: "Stratum"}}
	if w.Allocated() {
		cols = append(cols, ui.Column{Key: "arm", Label: "Arm"})
		f, err := w.AllocationFile()
		if err == nil {
			for _, a := range f {
				rows = append(rows, ui.Row{"code": a.School, "stratum": a.Stratum, "arm": armWord(a.Arm.String())})
			}
		}
	} else if l, err := w.List(); err == nil {
		for _, e := range l.Schools {
			rows = append(rows, ui.Row{"code": e.School, "stratum": e.Stratum})
		}
	}
	body = html(body, ui.Table{Caption: fmt.Sprintf("Wave %d", w.Number), ID: id + "-list", Columns: cols, Rows: rows}.HTML(), "</div>")
	return section(id+"-h", fmt.Sprintf("Wave %d", w.Number), body)
}

func waveState(w store.Wave) string {
	switch w.State {
	case store.WaveFrozen:
		return "List frozen; not committed yet"
	case store.WaveCommitted:
		return "Committed; not allocated yet"
	case store.WaveAllocated:
		return "Allocated; the seed is not revealed yet"
	}
	return "Allocated and the seed revealed"
}

// waveFile answers one of a wave's files, once it exists: the frozen list,
// the commitment, the allocation, the seed (only once revealed).
func waveFile(w http.ResponseWriter, r *http.Request) error {
	t, err := loadTrial(r)
	if err != nil {
		return err
	}
	n, err := waveNumber(r)
	if err != nil {
		return err
	}
	wv, err := st(r).Wave(t.ID, n)
	if err != nil {
		return err
	}
	var body, ctype string
	switch r.PathValue("file") {
	case "list.csv":
		body, ctype = wv.ListCSV, "text/csv; charset=utf-8"
	case "commitment.txt":
		body, ctype = wv.Commitment+"\n", "text/plain; charset=utf-8"
		if wv.Commitment == "" {
			return sdk.ErrNotFound
		}
	case "allocation.csv":
		body, ctype = wv.AllocationCSV, "text/csv; charset=utf-8"
		if !wv.Allocated() {
			return sdk.ErrNotFound
		}
	case "seed.txt":
		seed, err := wv.RevealedSeed()
		if err != nil {
			return sdk.ErrNotFound
		}
		body, ctype = seed.String()+"\n", "text/plain; charset=utf-8"
	default:
		return sdk.ErrNotFound
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="eal-trial-%d-wave-%d-%s"`, t.ID, n, r.PathValue("file")))
	_, err = w.Write([]byte(body))
	return err
}

// consortSVG answers the CONSORT diagram as an SVG file.
func consortSVG(w http.ResponseWriter, r *http.Request) error {
	t, err := loadTrial(r)
	if err != nil {
		return err
	}
	d, err := loadData(st(r), t)
	if err != nil {
		return err
	}
	diagram := d.consort()
	diagram.SuppressPupils = true
	w.Header().Set("Content-Type", "image/svg+xml")
	_, err = w.Write([]byte(diagram.SVG()))
	return err
}

// downloadExport answers one frozen export version, checked against its
// checksum.
func downloadExport(w http.ResponseWriter, r *http.Request) error {
	t, err := loadTrial(r)
	if err != nil {
		return err
	}
	v, err := strconv.Atoi(r.PathValue("version"))
	if err != nil || v < 1 {
		return sdk.ErrNotFound
	}
	e, err := st(r).Export(t.ID, v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="eal-trial-%d-export-v%d.zip"`, t.ID, v))
	w.Header().Set("Digest", "sha-256="+e.SHA256)
	_, err = w.Write(e.Content)
	return err
}
