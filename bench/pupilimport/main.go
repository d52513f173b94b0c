// Command pupilimport measures the pupil import (core/pupils/importer) with
// full validation on generated, realistic files of 29,000 and 290,000 rows:
// rows per second on SQLite and on PostgreSQL, the ratio of the PostgreSQL
// import to a raw pgx CopyFrom of the same, already prepared rows into a
// scratch table of the pupils table's shape in the same run, and the peak
// RSS of the importing process at both sizes (each import runs in a child
// process that reports its VmHWM), to show that memory stays flat; and on
// PostgreSQL the same import into a database whose row-level security is
// turned off, for the cost of the second wall (docs/operations.md).
//
//	go run ./bench/pupilimport [-sizes 29000,290000] [-postgres URL]
//
// PUPILIMPORT_CPUPROFILE=FILE writes a CPU profile of each import to FILE.sqlite and
// FILE.postgres (the last size measured wins).
//
// Goals (issue 5): ≥ 50,000 rows/s on SQLite; ≥ 0.5 of raw COPY on PostgreSQL.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

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

func main() {
	child := flag.Bool("child", false, "internal: run one import and print JSON")
	dbURL := flag.String("db", "", "internal: database of the child")
	file := flag.String("file", "", "internal: file of the child")
	sizes := flag.String("sizes", "29000,290000", "row counts to measure")
	dbs := flag.String("dbs", "sqlite,postgres", "databases to measure")
	pg := flag.String("postgres", storagetest.AdminURL(), "PostgreSQL server (a scratch database is made on it)")
	flag.Parse()
	var err error
	if *child {
		err = runChild(*dbURL, *file)
	} else {
		err = run(*sizes, *pg, *dbs)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pupilimport:", err)
		os.Exit(1)
	}
}

// childResult is what a child process reports.
type childResult struct {
	Rows    int     `json:"rows"`
	Seconds float64 `json:"seconds"`
	PeakKB  int     `json:"peak_kb"`
	// CPUSeconds is the user+system CPU time of the importing process (not
	// the database server's): on a busy machine it shows the work apart from the wait.
	CPUSeconds float64 `json:"cpu_seconds"`
	Created    int     `json:"created"`
}

var benchKey = bytes.Repeat([]byte{42}, 32)

// setup creates the tenant and school the imports write to (idempotent).
func setup(ctx context.Context, db *storage.DB) (tenantID, schoolID uint, err error) {
	ts := tenancy.NewService(db)
	if t, err := ts.TenantBySlug(ctx, "bench"); err == nil {
		var s tenancy.Unit
		if err := db.Where("tenant_id = ? AND kind = ?", t.ID, tenancy.KindSchool).First(&s).Error; err != nil {
			return 0, 0, err
		}
		return t.ID, s.ID, nil
	}
	t, err := ts.CreateTenant(ctx, "bench", "Bench", nil)
	if err != nil {
		return 0, 0, err
	}
	s, err := ts.CreateUnit(ctx, t.ID, tenancy.UnitInput{Kind: tenancy.KindSchool, Name: "Bench School", URN: "999999", Phase: "primary"})
	if err != nil {
		return 0, 0, err
	}
	return t.ID, s.ID, nil
}

// runChild imports file into the migrated database dbURL and prints a childResult.
func runChild(dbURL, file string) error {
	ctx := audit.WithActor(context.Background(), audit.Actor{Label: "bench"})
	db, err := storage.Open(ctx, dbURL, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	tid, sid, err := setup(ctx, db)
	if err != nil {
		return err
	}
	box, err := sealed.New(benchKey)
	if err != nil {
		return err
	}
	svc := importer.New(db, pupils.NewService(db, box))
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if path := os.Getenv("PUPILIMPORT_CPUPROFILE"); path != "" {
		path += "." + string(db.Dialect) // one profile per database
		pf, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	res, err := svc.Run(ctx, f, st.Size(), importer.Options{TenantID: tid, SchoolID: sid, Via: "bench", MaxBytes: 1 << 30})
	if err != nil {
		return err
	}
	secs := time.Since(start).Seconds()
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	return json.NewEncoder(os.Stdout).Encode(childResult{Rows: res.Total, Seconds: secs, PeakKB: peakKB(), Created: res.Created, CPUSeconds: cpu})
}

// peakKB reads the process's peak resident set (VmHWM) in KiB.
func peakKB() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			n, _ := strconv.Atoi(strings.Fields(line)[1])
			return n
		}
	}
	return 0
}

func migrated(ctx context.Context, url string) error {
	db, err := storage.Open(ctx, url, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	m, err := storage.NewMigrator(db, storage.CoreMigrations())
	if err != nil {
		return err
	}
	if _, err := m.Up(ctx); err != nil {
		return err
	}
	_, _, err = setup(audit.WithActor(ctx, audit.Actor{Label: "bench"}), db)
	return err
}

func child(self, dbURL, file string) (childResult, error) {
	var out bytes.Buffer
	cmd := exec.Command(self, "-child", "-db", dbURL, "-file", file)
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return childResult{}, fmt.Errorf("child import: %w", err)
	}
	var r childResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return r, fmt.Errorf("child output %q: %w", out.String(), err)
	}
	return r, nil
}

func run(sizeList, pgAdmin, dbs string) error {
	want := map[string]bool{}
	for _, d := range strings.Split(dbs, ",") {
		want[strings.TrimSpace(d)] = true
	}
	ctx := context.Background()
	self, err := os.Executable()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "upwards-pupilimport")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	admin, err := pgx.Connect(ctx, pgAdmin)
	if err != nil {
		return fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer admin.Close(ctx)
	fmt.Printf("pupil import, full validation, one transaction per file (batches of %d rows on SQLite, %d on PostgreSQL)\n", importer.DefaultBatch, importer.DefaultPostgresBatch)
	for _, s := range strings.Split(sizeList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("size %q: %w", s, err)
		}
		file := filepath.Join(dir, fmt.Sprintf("pupils-%d.csv", n))
		f, err := os.Create(file)
		if err != nil {
			return err
		}
		if err := importtest.WriteCSV(f, 0, n, time.Now()); err != nil {
			return err
		}
		st, _ := f.Stat()
		f.Close()

		if want["sqlite"] {
			sqliteURL := "sqlite:" + filepath.Join(dir, fmt.Sprintf("bench-%d.db", n))
			if err := migrated(ctx, sqliteURL); err != nil {
				return err
			}
			lite, err := child(self, sqliteURL, file)
			if err != nil {
				return err
			}
			if lite.Created != n {
				return fmt.Errorf("sqlite import created %d of %d", lite.Created, n)
			}
			fmt.Printf("%7d rows (%5.1f MB)  SQLite: %8.0f rows/s (%.2fs, goal ≥ 50000: %s), peak RSS %d MB, importer CPU %.2fs\n",
				n, float64(st.Size())/(1<<20), float64(n)/lite.Seconds, lite.Seconds, verdict(float64(n)/lite.Seconds >= 50000), lite.PeakKB/1024, lite.CPUSeconds)
		}
		if want["postgres"] {
			if err := measurePostgres(ctx, admin, self, pgAdmin, file, n, st.Size()); err != nil {
				return err
			}
		}
	}
	return nil
}

// measurePostgres imports file into a scratch database and compares it with a raw CopyFrom of the same rows.
func measurePostgres(ctx context.Context, admin *pgx.Conn, self, pgAdmin, file string, n int, size int64) error {
	name := fmt.Sprintf("upwards_bench_import_%d_%d", n, time.Now().UnixNano()%1e6)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return err
	}
	defer func() { _, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") }()
	pgURL := replaceDB(pgAdmin, name)
	if err := migrated(ctx, pgURL); err != nil {
		return err
	}
	pgr, err := child(self, pgURL, file)
	if err != nil {
		return err
	}
	if pgr.Created != n {
		return fmt.Errorf("postgres import created %d of %d", pgr.Created, n)
	}
	copySecs, err := rawCopy(ctx, pgURL, file, size)
	if err != nil {
		return err
	}
	fmt.Printf("%7d rows (%5.1f MB)  PostgreSQL: %8.0f rows/s (%.2fs), raw CopyFrom %8.0f rows/s (%.2fs), ratio %.2f (goal ≥ 0.5: %s), peak RSS %d MB, importer CPU %.2fs\n",
		n, float64(size)/(1<<20), float64(n)/pgr.Seconds, pgr.Seconds, float64(n)/copySecs, copySecs, copySecs/pgr.Seconds, verdict(copySecs/pgr.Seconds >= 0.5), pgr.PeakKB/1024, pgr.CPUSeconds)
	off, err := importWithoutRowSecurity(ctx, admin, self, pgAdmin, file, n)
	if err != nil {
		return err
	}
	fmt.Printf("%7d rows             PostgreSQL without row-level security: %8.0f rows/s (%.2fs); with it the import takes %.2f times as long\n",
		n, float64(n)/off.Seconds, off.Seconds, pgr.Seconds/off.Seconds)
	return nil
}

// importWithoutRowSecurity imports file into a second scratch database
// whose tables have row-level security turned off (the same code runs: the
// import still acts for its tenant), for the cost of the policies.
func importWithoutRowSecurity(ctx context.Context, admin *pgx.Conn, self, pgAdmin, file string, n int) (childResult, error) {
	name := fmt.Sprintf("upwards_bench_norls_%d_%d", n, time.Now().UnixNano()%1e6)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return childResult{}, err
	}
	defer func() { _, _ = admin.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") }()
	url := replaceDB(pgAdmin, name)
	if err := migrated(ctx, url); err != nil {
		return childResult{}, err
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return childResult{}, err
	}
	_, err = conn.Exec(ctx, `DO $$ DECLARE t text; BEGIN
  FOR t IN SELECT relname FROM pg_class WHERE relrowsecurity AND relnamespace = 'public'::regnamespace LOOP
    EXECUTE format('ALTER TABLE %I NO FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I DISABLE ROW LEVEL SECURITY', t);
  END LOOP; END $$`)
	conn.Close(ctx)
	if err != nil {
		return childResult{}, fmt.Errorf("turn row security off: %w", err)
	}
	r, err := child(self, url, file)
	if err != nil {
		return r, err
	}
	if r.Created != n {
		return r, fmt.Errorf("postgres import without row security created %d of %d", r.Created, n)
	}
	return r, nil
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}

func replaceDB(url, name string) string {
	i := strings.LastIndex(url, "/")
	rest := ""
	if q := strings.Index(url[i:], "?"); q >= 0 {
		rest = url[i+q:]
	}
	return url[:i+1] + name + rest
}

// rawCopy prepares every row's values as the import stores them (the row
// read and validated, UPN hashed and sealed) outside the clock, then times
// one pgx CopyFrom of them into a scratch table shaped like pupils (its
// columns, defaults, indexes and foreign keys).
func rawCopy(ctx context.Context, url, file string, size int64) (float64, error) {
	box, err := sealed.New(benchKey)
	if err != nil {
		return 0, err
	}
	ps := pupils.NewService(nil, box)
	f, err := os.Open(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	rd, err := importfile.Open(f, size, importfile.Options{MaxBytes: 1 << 30})
	if err != nil {
		return 0, err
	}
	defer rd.Close()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	var tid, sid int64
	if err := conn.QueryRow(ctx, "SELECT tenant_id, id FROM org_units WHERE kind = 'school' LIMIT 1").Scan(&tid, &sid); err != nil {
		return 0, err
	}
	// Same columns, defaults, indexes and foreign keys as pupils: the work a
	// raw load of these rows into the real table would cost.
	for _, q := range []string{
		"CREATE TABLE scratch_pupils (LIKE pupils INCLUDING DEFAULTS INCLUDING INDEXES)",
		"ALTER TABLE scratch_pupils ADD FOREIGN KEY (tenant_id) REFERENCES tenants(id) ON DELETE CASCADE",
		"ALTER TABLE scratch_pupils ADD FOREIGN KEY (school_id) REFERENCES org_units(id) ON DELETE RESTRICT",
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			return 0, err
		}
	}
	now := time.Now().UTC()
	var rows [][]any
	for {
		row, err := rd.Next()
		if err != nil {
			break
		}
		rec, errs := row.Record(rd.Info(), now)
		if errs != nil {
			return 0, fmt.Errorf("row %d invalid: %v", row.Number, errs)
		}
		rows = append(rows, []any{tid, sid, ps.HashUPN(rec.UPN), ps.SealUPN(rec.UPN), rec.GivenName, rec.FamilyName, rec.DateOfBirth,
			rec.YearGroup, rec.Gender, rec.PupilPremium, rec.FSM, rec.FSMEver6, rec.EALProficiency, rec.SEN, rec.LookedAfter, now, now})
	}
	cols := []string{"tenant_id", "school_id", "upn_hash", "upn_sealed", "given_name", "family_name", "date_of_birth", "year_group", "gender",
		"pupil_premium", "fsm", "fsm_ever6", "eal_proficiency", "sen", "looked_after", "created_at", "updated_at"}
	start := time.Now()
	n, err := conn.CopyFrom(ctx, pgx.Identifier{"scratch_pupils"}, cols, pgx.CopyFromRows(rows))
	secs := time.Since(start).Seconds()
	if err != nil {
		return 0, fmt.Errorf("copy: %w", err)
	}
	if int(n) != len(rows) {
		return 0, fmt.Errorf("copied %d of %d rows", n, len(rows))
	}
	return secs, nil
}
