package web

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/format"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// csvColumns are the columns of a snapshot's CSV file. pupil_id ties a row
// to a cohort pupil; name and year_group are there for people and are not
// read back.
var csvColumns = []string{"pupil_id", "name", "year_group", "reading", "writing", "maths",
	"age_equivalent_months", "attitude", "aspiration", "attendance"}

// maxCSV bounds an uploaded snapshot file.
const maxCSV = 1 << 20

// downloadSnapshot answers the snapshot's grid as a CSV file, to fill in
// and upload again.
func downloadSnapshot(w http.ResponseWriter, r *http.Request) error {
	cc, sn, err := loadSnapshot(r)
	if err != nil {
		return err
	}
	pupils, err := cohortPupils(r, cc)
	if err != nil {
		return err
	}
	points, err := cc.s.DataPoints(sn.ID)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	_ = cw.Write(csvColumns)
	for _, p := range pupils {
		d := points[p.GetId()]
		att := ""
		if d.Attendance != nil {
			att = format.Entered(*d.Attendance)
		}
		_ = cw.Write([]string{strconv.FormatUint(p.GetId(), 10), safeCell(p.GetGivenName() + " " + p.GetFamilyName()),
			strconv.Itoa(int(p.GetYearGroup())), d.Reading, d.Writing, d.Maths, itoa(d.AgeEquivalent), itoa(d.Attitude), itoa(d.Aspiration), att})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	if err := audit(r, "snapshot.export", "snapshot", sn.ID, nil, map[string]any{"pupils": len(pupils)}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="snapshot-%d.csv"`, sn.ID))
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

// safeCell keeps a spreadsheet from reading a cell as a formula.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

type csvError struct {
	Row     int
	Field   string
	Message string
}

type csvView struct {
	common
	SchoolID uint64
	Snapshot *store.Snapshot
	Problem  string // a problem of the whole file
	Errors   []csvError
}

// uploadSnapshot reads a CSV file of the snapshot and saves its rows, all
// or none; a refused file answers 422 listing every problem by row and
// field, never a value.
func uploadSnapshot(w http.ResponseWriter, r *http.Request) error {
	cc, sn, err := loadSnapshot(r)
	if err != nil {
		return err
	}
	if !cc.canChange {
		return errForbidden
	}
	v := csvView{common: commonOf(r), SchoolID: cc.school, Snapshot: sn}
	refuse := func() error {
		return renderStatus(w, r, http.StatusUnprocessableEntity, "Nothing was saved", "snapshotcsv", v)
	}
	data, err := formFile(r, "file")
	if err != nil {
		v.Problem = err.Error()
		return refuse()
	}
	pupils, err := cohortPupils(r, cc)
	if err != nil {
		return err
	}
	byID := map[uint64]*pluginv1.Pupil{}
	for _, p := range pupils {
		byID[p.GetId()] = p
	}
	on, err := rules.ParseDate(sn.TakenOn)
	if err != nil {
		return err
	}
	rows, problem := readCSV(data)
	if problem != "" {
		v.Problem = problem
		return refuse()
	}
	seen := map[uint64]bool{}
	var inputs []store.PointInput
	for _, row := range rows {
		pid, err := strconv.ParseUint(row.cells["pupil_id"], 10, 64)
		p := byID[pid]
		switch {
		case err != nil || p == nil:
			v.Errors = append(v.Errors, csvError{row.line, "pupil_id", "not a pupil of the target cohort: keep the pupil_id of the downloaded file"})
			continue
		case seen[pid]:
			v.Errors = append(v.Errors, csvError{row.line, "pupil_id", "the pupil has another row above"})
			continue
		}
		seen[pid] = true
		g := gridRow{PupilID: pid, Reading: row.cells["reading"], Writing: row.cells["writing"], Maths: row.cells["maths"],
			AgeEquivalent: row.cells["age_equivalent_months"], Attitude: row.cells["attitude"], Aspiration: row.cells["aspiration"], Atten: row.cells["attendance"]}
		d := parseValues(&g)
		g.Problems = append(g.Problems, rules.CheckDataPoint(d)...)
		for _, pr := range g.Problems {
			v.Errors = append(v.Errors, csvError{row.line, pr.Field, pr.Message})
		}
		inputs = append(inputs, store.PointInput{PupilID: pid, Values: d, GapMonths: gapOf(d, p, on)})
	}
	if len(v.Errors) > 0 {
		return refuse()
	}
	if len(inputs) == 0 {
		v.Problem = "the file has no rows under its header"
		return refuse()
	}
	if err := cc.s.SaveDataPoints(cc.school, sn.ID, inputs, userID(r)); err != nil {
		return err
	}
	ids := make([]uint64, len(inputs))
	for i, in := range inputs {
		ids[i] = in.PupilID
	}
	if err := audit(r, "snapshot.import", "snapshot", sn.ID, nil, map[string]any{"pupil_ids": ids}); err != nil {
		return err
	}
	return redirect(w, r, snapshotPath(cc.school, sn.ID))
}

// formFile reads the uploaded file of a multipart form, up to maxCSV bytes.
func formFile(r *http.Request, field string) ([]byte, error) {
	if err := r.ParseMultipartForm(maxCSV); err != nil {
		return nil, errors.New("choose a CSV file to upload")
	}
	f, _, err := r.FormFile(field)
	if err != nil {
		return nil, errors.New("choose a CSV file to upload")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxCSV+1))
	if err != nil {
		return nil, errors.New("the file could not be read")
	}
	if len(data) > maxCSV {
		return nil, fmt.Errorf("the file is larger than %d KB: is it the right file?", maxCSV>>10)
	}
	return data, nil
}

type csvRow struct {
	line  int
	cells map[string]string
}

// readCSV parses a snapshot file: UTF-8 (a byte-order mark is skipped),
// comma- or semicolon-separated, with a header naming at least pupil_id.
// It returns the rows, or a problem of the whole file.
func readCSV(data []byte) ([]csvRow, string) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, "the file is not UTF-8 text: save it as \"CSV UTF-8\""
	}
	cr := csv.NewReader(bytes.NewReader(data))
	if first, _, _ := bytes.Cut(data, []byte("\n")); bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, "the file has no header row"
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	if _, ok := col["pupil_id"]; !ok {
		return nil, "the header has no pupil_id column: start from the downloaded file"
	}
	var out []csvRow
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Sprintf("row %d cannot be read as CSV", line)
		}
		cells := map[string]string{}
		empty := true
		for name, i := range col {
			if i < len(rec) {
				cells[name] = strings.TrimSpace(rec[i])
				empty = empty && cells[name] == ""
			}
		}
		if !empty {
			out = append(out, csvRow{line: line, cells: cells})
		}
	}
	return out, ""
}
