// Package export builds one version of the evaluator's export of a trial:
// a zip of pseudonymised data files, each with its data dictionary (the
// SDK's research package), the randomisation's files (frozen lists,
// commitments, allocations, and the seeds once revealed), the CONSORT flow
// diagram as SVG and text, a README, the change log of every version, and
// the SHA-256 of every file.
//
// What it holds and does not: pupils, teachers and facilitators appear
// only as keyed pseudonyms (research.Pseudonymiser, keyed by the trial's
// secret: stable within the trial, unrelated in any other, useless without
// the secret); schools and centres only by their trial codes (S001, C01);
// no name, UPN, date of birth, e-mail or free-text note. A pupil whose
// parent objected is left out. Only the key columns and the optional
// columns the data-sharing agreement lists are written. Before any
// allocation there is no arm column. The same Input gives the same bytes.
//
// Build is a pure function of its Input: the caller loads the records.
package export

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/challengepartners/upwards/plugins/sdk/research"

	"github.com/challengepartners/upwards/plugins/eal/internal/consort"
	"github.com/challengepartners/upwards/plugins/eal/internal/store"
)

// Input is everything one export version is made from.
type Input struct {
	Trial   store.Trial
	Version int
	// At is when the version is made; the zip's entries carry it.
	At time.Time
	// ChangeLog is this version's change log; Earlier are the earlier
	// versions (their number and change log).
	ChangeLog string
	Earlier   []store.Export
	// DSA are the optional columns the data-sharing agreement lists
	// ("dataset.column").
	DSA          []string
	Centres      []store.Centre
	Schools      []store.TrialSchool
	Delegates    []store.Delegate
	Attendance   []store.Attendance
	Assessments  []store.SelfAssessment
	Sessions     []store.Session
	Facilitators []store.Facilitator
	Pupils       []store.TrialPupil
	Points       []store.PupilPoint
	Waves        []store.Wave
	Consort      consort.Diagram
}

// allocated reports whether any school has an arm.
func (in Input) allocated() bool {
	return slices.ContainsFunc(in.Schools, func(s store.TrialSchool) bool { return s.Arm != "" })
}

// ProjectID is the research project the trial's pseudonyms belong to.
func ProjectID(trialID uint64) string { return "upwards-eal-trial-" + strconv.FormatUint(trialID, 10) }

// Pseudonymiser is the trial's pseudonymiser.
func Pseudonymiser(t store.Trial) (*research.Pseudonymiser, error) {
	return research.NewPseudonymiser(t.Secret, ProjectID(t.ID))
}

// Build makes the zip of one export version.
func Build(in Input) ([]byte, error) {
	p, err := Pseudonymiser(in.Trial)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	files := map[string][]byte{}
	for _, ds := range datasets(in) {
		sel := ds.selected(in.DSA)
		var data bytes.Buffer
		w, err := research.NewWriter(&data, sel, p)
		if err != nil {
			return nil, fmt.Errorf("export %s: %w", ds.Name, err)
		}
		for _, row := range ds.rows {
			r := research.Row{}
			for _, c := range sel.Columns {
				r[c.Name] = row[c.Name]
			}
			if err := w.Write(r); err != nil {
				return nil, fmt.Errorf("export: %w", err)
			}
		}
		if err := w.Close(); err != nil {
			return nil, fmt.Errorf("export %s: %w", ds.Name, err)
		}
		files[ds.Name+".csv"] = data.Bytes()
		var dict, md bytes.Buffer
		if err := research.WriteDictionaryCSV(&dict, sel); err != nil {
			return nil, err
		}
		if err := research.WriteDictionaryMarkdown(&md, sel); err != nil {
			return nil, err
		}
		files[ds.Name+".dictionary.csv"] = dict.Bytes()
		files[ds.Name+".dictionary.md"] = md.Bytes()
	}
	for _, w := range in.Waves {
		prefix := fmt.Sprintf("randomisation/wave-%d-", w.Number)
		files[prefix+"list.csv"] = []byte(w.ListCSV)
		if w.Commitment != "" {
			files[prefix+"commitment.txt"] = []byte(w.Commitment + "\n")
		}
		if w.Allocated() {
			files[prefix+"allocation.csv"] = []byte(w.AllocationCSV)
		}
		if seed, err := w.RevealedSeed(); err == nil {
			files[prefix+"seed.txt"] = []byte(seed.String() + "\n")
		}
	}
	files["consort.svg"] = []byte(in.Consort.SVG())
	files["consort.txt"] = []byte(in.Consort.Text())
	files["CHANGES.md"] = []byte(changes(in))
	files["README.md"] = []byte(readme(in))
	return zipFiles(files, in.At)
}

// zipFiles writes the files in name order, with SHA256SUMS last, every
// entry dated at.
func zipFiles(files map[string][]byte, at time.Time) ([]byte, error) {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	var sums strings.Builder
	for _, n := range names {
		s := sha256.Sum256(files[n])
		fmt.Fprintf(&sums, "%s  %s\n", hex.EncodeToString(s[:]), n)
	}
	files["SHA256SUMS"] = []byte(sums.String())
	names = append(names, "SHA256SUMS")
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: at.UTC().Truncate(time.Second)})
		if err != nil {
			return nil, fmt.Errorf("export zip %s: %w", n, err)
		}
		if _, err := w.Write(files[n]); err != nil {
			return nil, fmt.Errorf("export zip %s: %w", n, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("export zip: %w", err)
	}
	return buf.Bytes(), nil
}

// Files reads an export's zip back: each file's content by name (for
// tests and the evaluator's page).
func Files(zipped []byte) (map[string][]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		return nil, fmt.Errorf("read export: %w", err)
	}
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("read export %s: %w", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("read export %s: %w", f.Name, err)
		}
		out[f.Name] = b
	}
	return out, nil
}

func changes(in Input) string {
	var b strings.Builder
	b.WriteString("# Changes\n\nEach version is frozen when made and never changed; a correction is a new version.\n\n")
	fmt.Fprintf(&b, "## Version %d (%s)\n\n%s\n", in.Version, in.At.In(london()).Format("Mon 2 Jan 2006"), orFirst(in.ChangeLog, in.Version))
	for _, e := range in.Earlier {
		fmt.Fprintf(&b, "\n## Version %d (%s)\n\n%s\n", e.Version, e.CreatedAt.In(london()).Format("Mon 2 Jan 2006"), orFirst(e.ChangeLog, e.Version))
	}
	return b.String()
}

func orFirst(log string, version int) string {
	if strings.TrimSpace(log) == "" && version == 1 {
		return "The first version."
	}
	return log
}

func london() *time.Location {
	if l, err := time.LoadLocation("Europe/London"); err == nil {
		return l
	}
	return time.UTC
}

func readme(in Input) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: evaluator's export, version %d\n\n", in.Trial.Name, in.Version)
	fmt.Fprintf(&b, "Trial registration: %s. Made on %s.\n\n", in.Trial.RegistrationID, in.At.In(london()).Format("Mon 2 Jan 2006 15:04"))
	b.WriteString("Pupils, teachers and facilitators appear only as pseudonyms keyed by a secret of this trial: the same person has the same\n" +
		"pseudonym in every file and every version of this trial's export, and an unrelated one anywhere else. Schools and centres\n" +
		"appear by their trial codes. Pupils whose parents objected to the use of their data are left out.\n\n")
	b.WriteString("## Files\n\n")
	for _, ds := range datasets(in) {
		fmt.Fprintf(&b, "- `%s.csv`: %s Its dictionary: `%s.dictionary.csv`, `%s.dictionary.md`.\n", ds.Name, ds.Description, ds.Name, ds.Name)
	}
	b.WriteString("- `randomisation/`: for each wave, the frozen list (`school,stratum`), the commitment, the allocation\n" +
		"  (`school,stratum,arm`) once made, and the seed once revealed. Re-derive an allocation with\n" +
		"  `ealrandomise --seed SEED --wave N --verify \"$(cat wave-N-commitment.txt)\" wave-N-allocation.csv`.\n")
	b.WriteString("- `consort.svg`, `consort.txt`: the CONSORT flow diagram and its numbers.\n")
	b.WriteString("- `CHANGES.md`: what each version changed. `SHA256SUMS`: the SHA-256 of every other file.\n\n")
	b.WriteString("## Columns the data-sharing agreement lists\n\n")
	if len(in.DSA) == 0 {
		b.WriteString("None beyond the key columns.\n")
	}
	for _, c := range in.DSA {
		fmt.Fprintf(&b, "- %s\n", c)
	}
	return b.String()
}

// Known lists every optional column ("dataset.column") the agreement may
// list, in order.
func Known() []string {
	var out []string
	for _, ds := range datasets(Input{Schools: []store.TrialSchool{{Arm: store.ArmControl}}}) {
		for _, c := range ds.Columns {
			if !ds.key[c.Name] {
				out = append(out, ds.Name+"."+c.Name)
			}
		}
	}
	return out
}

// ColumnInfo is an optional column and what it holds.
type ColumnInfo struct {
	ID, Description string
}

// Columns lists the optional columns with their descriptions, in order.
func Columns() []ColumnInfo {
	var out []ColumnInfo
	for _, ds := range datasets(Input{Schools: []store.TrialSchool{{Arm: store.ArmControl}}}) {
		for _, c := range ds.Columns {
			if !ds.key[c.Name] {
				out = append(out, ColumnInfo{ds.Name + "." + c.Name, c.Description})
			}
		}
	}
	return out
}

// dataset is a declared file with its rows and key columns.
type dataset struct {
	research.Dataset
	key  map[string]bool
	rows []research.Row
}

// selected is the dataset with its key columns and the optional ones dsa
// lists.
func (d dataset) selected(dsa []string) research.Dataset {
	out := d.Dataset
	out.Columns = nil
	for _, c := range d.Columns {
		if d.key[c.Name] || slices.Contains(dsa, d.Name+"."+c.Name) {
			out.Columns = append(out.Columns, c)
		}
	}
	return out
}
