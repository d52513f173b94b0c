package importer_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/pupils/importer"
	"github.com/challengepartners/upwards/core/pupils/importfile"
	"github.com/challengepartners/upwards/core/pupils/importfile/importtest"
	"github.com/challengepartners/upwards/core/sealed"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
	"github.com/challengepartners/upwards/core/tenancy"
)

type fixture struct {
	t       *testing.T
	db      *storage.DB
	svc     *importer.Service
	ps      *pupils.Service
	tenant  uint
	school  uint
	other   uint
	tenant2 uint
	school2 uint
	ctx     context.Context
}

func newFixture(t *testing.T, db *storage.DB) *fixture {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "test"})
	box, err := sealed.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	ps := pupils.NewService(db, box)
	ts := tenancy.NewService(db)
	f := &fixture{t: t, db: db, ps: ps, svc: importer.New(db, ps), ctx: ctx}
	mk := func(slug, urn string) (uint, uint, uint) {
		tn, err := ts.CreateTenant(ctx, slug, slug, nil)
		if err != nil {
			t.Fatal(err)
		}
		s1, err := ts.CreateUnit(ctx, tn.ID, tenancy.UnitInput{Kind: tenancy.KindSchool, Name: slug + " One", URN: urn + "1", Phase: "primary"})
		if err != nil {
			t.Fatal(err)
		}
		s2, err := ts.CreateUnit(ctx, tn.ID, tenancy.UnitInput{Kind: tenancy.KindSchool, Name: slug + " Two", URN: urn + "2", Phase: "primary"})
		if err != nil {
			t.Fatal(err)
		}
		return tn.ID, s1.ID, s2.ID
	}
	f.tenant, f.school, f.other = mk("alpha", "90000")
	f.tenant2, f.school2, _ = mk("beta", "90001")
	return f
}

func (f *fixture) run(b []byte, opt importer.Options) (importer.Result, error) {
	f.t.Helper()
	if opt.TenantID == 0 {
		opt.TenantID, opt.SchoolID = f.tenant, f.school
	}
	opt.Via = "test"
	return f.svc.Run(f.ctx, bytes.NewReader(b), int64(len(b)), opt)
}

func (f *fixture) count(where string, args ...any) int64 {
	f.t.Helper()
	var n int64
	q := f.db.Table("pupils")
	if where != "" {
		q = q.Where(where, args...)
	}
	if err := q.Count(&n).Error; err != nil {
		f.t.Fatal(err)
	}
	return n
}

func (f *fixture) auditCount(action string) int64 {
	var n int64
	f.db.Table("audit_events").Where("action = ?", action).Count(&n)
	return n
}

func csvOf(n int) []byte {
	var b bytes.Buffer
	if err := importtest.WriteCSV(&b, 0, n, time.Now()); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// A file commits, and the same file again changes no row and no updated_at.
func TestCommitAndIdempotentReimport(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		file := csvOf(1234) // more than two batches
		dry, err := f.run(file, importer.Options{DryRun: true})
		if err != nil {
			t.Fatal(err)
		}
		if dry.New != 1234 || dry.Total != 1234 || dry.ErrorRows != 0 || dry.Committed || f.count("") != 0 {
			t.Fatalf("dry run %+v, %d pupils", dry, f.count(""))
		}
		res, err := f.run(file, importer.Options{Batch: 500})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Committed || res.Created != 1234 || res.Updated != 0 || f.count("tenant_id = ? AND school_id = ?", f.tenant, f.school) != 1234 {
			t.Fatalf("commit %+v, %d pupils", res, f.count(""))
		}
		if f.auditCount(importer.ActionImport) != 1 || f.auditCount(importer.ActionImportCreate) != 3 {
			t.Fatalf("audit: %d import events, %d create events", f.auditCount(importer.ActionImport), f.auditCount(importer.ActionImportCreate))
		}
		var before []pupils.Pupil
		db.Order("id").Find(&before)
		// Stored as the file says, UPN sealed and found by hash.
		u0 := importtest.UPN(0)
		var p pupils.Pupil
		if err := db.Where("tenant_id = ? AND upn_hash = ?", f.tenant, f.ps.HashUPN(u0)).First(&p).Error; err != nil {
			t.Fatal(err)
		}
		if got, _ := f.ps.OpenUPN(p); got != u0 || p.FamilyName != importtest.Row(0, time.Now())[1] {
			t.Fatalf("stored pupil %+v", p)
		}
		time.Sleep(5 * time.Millisecond)
		again, err := f.run(file, importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if again.Unchanged != 1234 || again.Created != 0 || again.Updated != 0 || again.Changed != 0 {
			t.Fatalf("re-import %+v", again)
		}
		var after []pupils.Pupil
		db.Order("id").Find(&after)
		for i := range before {
			if !after[i].UpdatedAt.Equal(before[i].UpdatedAt) || after[i].FamilyName != before[i].FamilyName || !bytes.Equal(after[i].UPNSealed, before[i].UPNSealed) {
				t.Fatalf("pupil %d changed on re-import", before[i].ID)
			}
		}
		if f.auditCount(importer.ActionImportUpdate) != 0 {
			t.Fatal("a re-import recorded updates")
		}
		// One changed row: one update, only its updated_at moves.
		changed := bytes.Replace(file, []byte(importtest.UPN(5)+","), []byte(importtest.UPN(5)+",Changedname,"), 1)
		changed = bytes.Replace(changed, []byte("Changedname,"+importtest.Row(5, time.Now())[1]+","), []byte("Changedname,"), 1)
		res, err = f.run(changed, importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Updated != 1 || res.Unchanged != 1233 || res.Created != 0 {
			t.Fatalf("one change: %+v", res)
		}
		if f.count("family_name = ?", "Changedname") != 1 {
			t.Fatal("change not written")
		}
	})
}

func badFile(n int) []byte {
	rows := strings.Split(strings.TrimSpace(string(csvOf(n))), "\n")
	rows[3] = strings.Replace(rows[3], importtest.UPN(2)[:1], "Z", 1) // check letter wrong (row 4)
	if importtest.UPN(2)[0] == 'Z' {
		rows[3] = "Y" + rows[3][1:]
	}
	rows[6] = strings.Replace(rows[6], ",N,", ",Q,", 1) // a flag that is not a flag (row 7)
	return []byte(strings.Join(rows, "\n") + "\n")
}

func TestAllOrNothingAndValidOnly(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		file := badFile(20)
		res, err := f.run(file, importer.Options{})
		if !errors.Is(err, importer.ErrRowErrors) {
			t.Fatalf("err %v", err)
		}
		if res.ErrorRows != 2 || res.Committed || f.count("") != 0 || f.auditCount(importer.ActionImport) != 0 {
			t.Fatalf("all-or-nothing wrote: %+v, %d pupils", res, f.count(""))
		}
		if res.Errors[0].Row != 4 || res.Errors[0].Field != pupils.FieldUPN || !strings.Contains(res.Errors[0].Message, "check letter") || res.Errors[1].Row != 7 {
			t.Fatalf("errors %+v", res.Errors)
		}
		for _, e := range res.Errors {
			if strings.Contains(e.Message, importtest.UPN(2)[1:]) {
				t.Fatalf("error %q holds the UPN", e.Message)
			}
		}
		res, err = f.run(file, importer.Options{Mode: importer.ModeValid})
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 18 || res.ErrorRows != 2 || f.count("") != 18 {
			t.Fatalf("valid-only %+v, %d pupils", res, f.count(""))
		}
	})
}

func TestDuplicatesInFile(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		rows := strings.Split(strings.TrimSpace(string(csvOf(10))), "\n")
		rows[8] = importtest.UPN(1) + rows[8][13:] // row 9 repeats row 3's UPN
		res, err := f.run([]byte(strings.Join(rows, "\n")), importer.Options{})
		if !errors.Is(err, importer.ErrRowErrors) || res.ErrorRows != 2 || f.count("") != 0 {
			t.Fatalf("%v %+v", err, res)
		}
		if res.Errors[0].Row != 3 || !strings.Contains(res.Errors[0].Message, "also in row 9") || res.Errors[1].Row != 9 || !strings.Contains(res.Errors[1].Message, "also in row 3") {
			t.Fatalf("errors %+v", res.Errors)
		}
		res, err = f.run([]byte(strings.Join(rows, "\n")), importer.Options{Mode: importer.ModeValid})
		if err != nil || res.Created != 8 {
			t.Fatalf("%v %+v", err, res)
		}
	})
}

// Bad files are refused with a clear error and write nothing.
func TestBadFilesWriteNothing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		garbage := make([]byte, 5000)
		for i := range garbage {
			garbage[i] = byte(i*31 + 7)
		}
		good := csvOf(50)
		cases := map[string]struct {
			file []byte
			max  int64
			want string
		}{
			"binary":          {garbage, 0, "binary"},
			"truncated quote": {append(append([]byte{}, good[:len(good)-30]...), []byte("\"Jon")...), 0, "cut short"},
			"missing columns": {[]byte("UPN,Forename\n" + importtest.UPN(1) + ",Ann\n"), 0, "no column for Family name, Date of birth, Year group"},
			"too large":       {good, 1000, "limit"},
		}
		for name, c := range cases {
			// Both ways in: two passes (only the valid rows) and the one pass of all or nothing.
			for _, mode := range []importer.Mode{importer.ModeValid, importer.ModeAll} {
				_, err := f.run(c.file, importer.Options{MaxBytes: c.max, Mode: mode})
				var fe *importfile.FileError
				if !errors.As(err, &fe) || !strings.Contains(fe.Msg, c.want) {
					t.Errorf("%s (%s): err %v, want a file error saying %q", name, mode, err, c.want)
				}
			}
		}
		// A file cut in the middle of a row: that row is flagged, the rest is all-or-nothing.
		cut := good[:len(good)-25]
		res, err := f.run(cut, importer.Options{})
		if !errors.Is(err, importer.ErrRowErrors) || res.ErrorRows != 1 || !strings.Contains(res.Errors[0].Message, "cut short") {
			t.Errorf("cut file: %v %+v", err, res)
		}
		if f.count("") != 0 || f.auditCount(importer.ActionImport) != 0 {
			t.Fatalf("bad files wrote %d pupils", f.count(""))
		}
	})
}

func TestOtherSchoolAndTenant(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		file := csvOf(10)
		if _, err := f.run(file, importer.Options{SchoolID: f.other, TenantID: f.tenant}); err != nil {
			t.Fatal(err)
		}
		// Another tenant may hold the same UPNs: tenants are separate.
		res, err := f.run(file, importer.Options{TenantID: f.tenant2, SchoolID: f.school2})
		if err != nil || res.Created != 10 {
			t.Fatalf("other tenant: %v %+v", err, res)
		}
		// At another school of the tenant without permission there: per-row errors.
		res, err = f.run(file, importer.Options{})
		if !errors.Is(err, importer.ErrRowErrors) || res.ErrorRows != 10 || !strings.Contains(res.Errors[0].Message, "another school") {
			t.Fatalf("no move: %v %+v", err, res)
		}
		if f.count("school_id = ?", f.other) != 10 {
			t.Fatal("a refused import moved pupils")
		}
		// With permission at both schools: a move.
		res, err = f.run(file, importer.Options{CanImportAt: func(_ context.Context, id uint) (bool, error) { return id == f.other, nil }})
		if err != nil || res.Moved != 10 || res.Updated != 10 || f.count("school_id = ?", f.school) != 10 {
			t.Fatalf("move: %v %+v", err, res)
		}
	})
}

// A file without an optional column leaves that field of existing pupils alone.
func TestMissingOptionalColumnKeepsValues(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		full := "UPN,Surname,Forename,DOB,NC Year,FSM,Gender\n" + importtest.UPN(1) + ",Jones,Ann," + dob(3) + ",3,Y,F\n"
		if _, err := f.run([]byte(full), importer.Options{}); err != nil {
			t.Fatal(err)
		}
		res, err := f.run([]byte("UPN,Surname,Forename,DOB,NC Year\n"+importtest.UPN(1)+",Jones,Ann,"+dob(3)+",3\n"), importer.Options{})
		if err != nil || res.Unchanged != 1 || len(res.Info.Missing) != 8 {
			t.Fatalf("%v %+v", err, res)
		}
		if f.count("fsm = ? AND gender = ?", true, "F") != 1 {
			t.Fatal("a missing column reset stored values")
		}
	})
}

func dob(year int) string {
	y := pupils.ExpectedBirthYear(year, time.Now())
	return time.Date(y, 10, 1, 0, 0, 0, 0, time.UTC).Format("02/01/2006")
}

func TestWindows1252Names(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		utf := "UPN,Surname,Forename,DOB,NC Year\n" + importtest.UPN(1) + ",Jones,Siân," + dob(2) + ",2\n" + importtest.UPN(2) + ",Brontë,Zoë," + dob(2) + ",2\n"
		cp, _ := charmap.Windows1252.NewEncoder().String(utf)
		res, err := f.run([]byte(cp), importer.Options{})
		if err != nil || res.Info.Encoding != importfile.EncodingCP1252 {
			t.Fatalf("%v %+v", err, res)
		}
		if f.count("given_name = ?", "Siân") != 1 || f.count("given_name = ? AND family_name = ?", "Zoë", "Brontë") != 1 {
			t.Fatal("names not decoded from Windows-1252")
		}
	})
}

// Files and reports of imports older than a day are deleted; those never
// committed are marked expired; younger ones are kept.
func TestPurgeOldImportFiles(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		box, _ := sealed.New(bytes.Repeat([]byte{7}, 32))
		q := importer.NewQueue(db, f.ps, box)
		old := time.Now().UTC().Add(-25 * time.Hour)
		recs := []importer.Record{
			{TenantID: f.tenant, SchoolID: f.school, Status: importer.StatusChecked, FileSealed: []byte("x"), ReportSealed: []byte("r"), CreatedAt: old},
			{TenantID: f.tenant, SchoolID: f.school, Status: importer.StatusFailed, FileSealed: []byte("x"), CreatedAt: old},
			{TenantID: f.tenant, SchoolID: f.school, Status: importer.StatusChecked, FileSealed: []byte("x"), CreatedAt: time.Now().UTC()},
			// A commit that never finished (its task lost for good) keeps nothing past the 24 hours either.
			{TenantID: f.tenant, SchoolID: f.school, Status: importer.StatusImporting, FileSealed: []byte("x"), ReportSealed: []byte("r"), CreatedAt: old},
		}
		for i := range recs {
			if err := db.Create(&recs[i]).Error; err != nil {
				t.Fatal(err)
			}
		}
		if err := q.Purge(f.ctx); err != nil {
			t.Fatal(err)
		}
		var got []importer.Record
		db.Order("id").Find(&got)
		if got[0].Status != importer.StatusExpired || got[0].FileSealed != nil || got[0].ReportSealed != nil {
			t.Errorf("old checked import: %s, file kept %v", got[0].Status, got[0].FileSealed != nil)
		}
		if got[1].Status != importer.StatusFailed || got[1].FileSealed != nil {
			t.Errorf("old failed import: %s, file kept %v", got[1].Status, got[1].FileSealed != nil)
		}
		if got[2].Status != importer.StatusChecked || got[2].FileSealed == nil {
			t.Errorf("a young import was purged")
		}
		if got[3].Status != importer.StatusFailed || got[3].FileSealed != nil || got[3].ReportSealed != nil || !strings.Contains(got[3].Message, "nothing was imported") {
			t.Errorf("old unfinished commit: %s %q, file kept %v, report kept %v", got[3].Status, got[3].Message, got[3].FileSealed != nil, got[3].ReportSealed != nil)
		}
	})
}

// An XLSX workbook with its columns in another order commits like a CSV.
func TestXLSXReorderedColumns(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		x := excelize.NewFile()
		sw, err := x.NewStreamWriter("Sheet1")
		if err != nil {
			t.Fatal(err)
		}
		hdr := importtest.Header
		order := []int{2, 1, 4, 3, 0, 5, 12, 11, 10, 9, 8, 7, 6} // forename first, UPN in the middle
		row := func(cells []string) []any {
			out := make([]any, len(order))
			for i, j := range order {
				out[i] = cells[j]
			}
			return out
		}
		if err := sw.SetRow("A1", row(hdr)); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 12; i++ {
			cell, _ := excelize.CoordinatesToCellName(1, i+2)
			if err := sw.SetRow(cell, row(importtest.Row(i, time.Now()))); err != nil {
				t.Fatal(err)
			}
		}
		if err := sw.Flush(); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := x.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		res, err := f.run(buf.Bytes(), importer.Options{})
		if err != nil || res.Created != 12 || res.Info.Format != importfile.FormatXLSX {
			t.Fatalf("%v %+v", err, res)
		}
		// The same pupils from the CSV export: nothing changes.
		res, err = f.run(csvOf(12), importer.Options{})
		if err != nil || res.Unchanged != 12 {
			t.Fatalf("csv after xlsx: %v %+v", err, res)
		}
	})
}

// A commit is one pass that reports its progress as it goes (the total is
// known at the end), and on SQLite hands its connection back to the pool
// with the page cache it had: no connection keeps the import's cache.
func TestOnePassProgressAndConnectionsRestored(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		var seen []importer.Progress
		res, err := f.run(csvOf(2500), importer.Options{Batch: 1000, Progress: func(p importer.Progress) { seen = append(seen, p) }})
		if err != nil || res.Created != 2500 {
			t.Fatalf("%v %+v", err, res)
		}
		if len(seen) != 3 {
			t.Fatalf("progress %+v, want one per batch", seen)
		}
		last := seen[len(seen)-1]
		if last.Phase != "importing" || last.Rows != 2500 || last.Total != 2500 || last.Fraction != 1 || seen[0].Rows != 1000 || seen[0].Fraction >= 1 {
			t.Fatalf("progress %+v", seen)
		}
		// A pupil the audit names for each row created.
		var indexed int64
		db.Raw("SELECT count(*) FROM audit_event_pupils WHERE tenant_id = ?", f.tenant).Scan(&indexed)
		if indexed != 2500 {
			t.Fatalf("%d pupils indexed by the audit, want 2500", indexed)
		}
		if db.Dialect != storage.SQLite {
			return
		}
		sqlDB, _ := db.DB.DB()
		ctx := context.Background()
		var conns []*sql.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for range sqlDB.Stats().MaxOpenConnections {
			c, err := sqlDB.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
			var size int64
			if err := c.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&size); err != nil {
				t.Fatal(err)
			}
			if size != -2000 {
				t.Fatalf("a pooled connection kept cache_size %d", size)
			}
		}
	})
}

// An error late in a long file: the batches written before it are rolled
// back with the rest, and the report counts the file as a preview does.
func TestLateErrorRollsBackWrittenBatches(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		rows := strings.Split(strings.TrimSpace(string(csvOf(1300))), "\n")
		rows[1250] = strings.Replace(rows[1250], ",N,", ",Q,", 1) // row 1251: a flag that is not a flag
		file := []byte(strings.Join(rows, "\n") + "\n")
		res, err := f.run(file, importer.Options{Batch: 500})
		if !errors.Is(err, importer.ErrRowErrors) {
			t.Fatalf("err %v", err)
		}
		if res.Committed || res.Created != 0 || res.ErrorRows != 1 || res.Errors[0].Row != 1251 || res.New != 1299 || res.Total != 1300 {
			t.Fatalf("result %+v", res)
		}
		if n := f.count(""); n != 0 {
			t.Fatalf("%d pupils written by a failed import", n)
		}
		var indexed int64
		db.Raw("SELECT count(*) FROM audit_event_pupils WHERE tenant_id = ?", f.tenant).Scan(&indexed)
		if indexed != 0 || f.auditCount(importer.ActionImportCreate) != 0 {
			t.Fatalf("a failed import left %d audit pupil rows", indexed)
		}
	})
}
