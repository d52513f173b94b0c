package importer

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/storage"
)

// The batch statements bind a handful of parameters however many rows the
// batch has: on SQLite the rows travel as one JSON array read with
// json_each, on PostgreSQL as one array per column read with unnest. Binding
// thousands of parameters per statement costs more than the writing itself.

const lookupCols = "id, upn_hash, school_id, given_name, family_name, date_of_birth, year_group, gender, pupil_premium, fsm, fsm_ever6, eal_proficiency, sen, looked_after"

const insertCols = "tenant_id, school_id, upn_hash, upn_sealed, given_name, family_name, date_of_birth, year_group, gender, pupil_premium, fsm, fsm_ever6, eal_proficiency, sen, looked_after, created_at, updated_at"

// conn returns the connection (or transaction) under w.db.
func (w *writer) conn() gorm.ConnPool { return w.db.Statement.ConnPool }

func (w *writer) postgres() bool { return w.dialect == storage.Postgres }

// buildStatements returns the batch statements: a plain insert of new
// pupils, and an upsert for the columns the file sets, which updates an
// existing pupil only when a value differs. Both return the id of each row
// written. New pupils skip ON CONFLICT, whose speculative insertion costs
// PostgreSQL about twice a plain insert: the look-up in the same
// transaction found no pupil with their UPN. (A concurrent import of the
// same new pupil on PostgreSQL then fails this one on the unique index, and
// nothing of it is written; SQLite's write lock rules that out.)
func (w *writer) buildStatements() (insert, upsert string) {
	var set, differ []string
	for _, c := range w.cols {
		set = append(set, c.name+" = excluded."+c.name)
		differ = append(differ, "pupils."+c.name+" <> excluded."+c.name)
	}
	set = append(set, "school_id = excluded.school_id", "updated_at = excluded.updated_at")
	differ = append(differ, "pupils.school_id <> excluded.school_id")
	tail := " ON CONFLICT (tenant_id, upn_hash) DO UPDATE SET " + strings.Join(set, ", ") +
		" WHERE " + strings.Join(differ, " OR ") + " RETURNING id, upn_hash"
	head := "INSERT INTO pupils (" + insertCols + ") SELECT ?, ?, j.value->>0, unhex(j.value->>1), j.value->>2, j.value->>3, j.value->>4, j.value->>5, j.value->>6," +
		" j.value->>7, j.value->>8, j.value->>9, j.value->>10, j.value->>11, j.value->>12, ?, ? FROM jsonb_each(?) AS j WHERE true"
	if w.postgres() {
		head = "INSERT INTO pupils (" + insertCols + ") SELECT $1, $2, u.h, u.s, u.g, u.f, u.d, u.y, u.gen, u.pp, u.fsm, u.e6, u.eal, u.sen, u.la, $3, $3" +
			" FROM unnest($4::text[], $5::bytea[], $6::text[], $7::text[], $8::text[], $9::int[], $10::text[], $11::bool[], $12::bool[], $13::bool[], $14::text[], $15::text[], $16::bool[])" +
			" AS u(h, s, g, f, d, y, gen, pp, fsm, e6, eal, sen, la)"
	}
	return head + " RETURNING id, upn_hash", head + tail
}

// existing returns the tenant's pupils with these UPN hashes.
func (w *writer) existing(ctx context.Context, conn gorm.ConnPool, hashes []string) ([]stored, error) {
	var rows *sql.Rows
	var err error
	if w.postgres() {
		// As an unnamed statement, planned for each batch: the table grows
		// inside the import's transaction, unknown to its statistics, and a
		// plan cached for the first batches (a sequential scan of a small
		// table) would be kept for the last ones. (plan_cache_mode =
		// force_custom_plan for the transaction would do the same, but it
		// also re-plans the foreign-key checks of every row written.)
		rows, err = conn.QueryContext(ctx, "SELECT "+lookupCols+" FROM pupils WHERE tenant_id = $1 AND upn_hash = ANY($2::text[])",
			pgx.QueryExecModeDescribeExec, w.ru.opt.TenantID, hashes)
	} else {
		js, jerr := json.Marshal(hashes)
		if jerr != nil {
			return nil, jerr
		}
		rows, err = conn.QueryContext(ctx, "SELECT "+lookupCols+" FROM pupils WHERE tenant_id = ? AND upn_hash IN (SELECT value FROM json_each(?))", w.ru.opt.TenantID, string(js))
	}
	if err != nil {
		return nil, fmt.Errorf("look up pupils: %w", err)
	}
	defer rows.Close()
	var out []stored
	for rows.Next() {
		var s stored
		if err := rows.Scan(&s.ID, &s.UPNHash, &s.SchoolID, &s.GivenName, &s.FamilyName, &s.DateOfBirth, &s.YearGroup, &s.Gender,
			&s.PupilPremium, &s.FSM, &s.FSMEver6, &s.EALProficiency, &s.SEN, &s.LookedAfter); err != nil {
			return nil, fmt.Errorf("look up pupils: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("look up pupils: %w", err)
	}
	return out, nil
}

// upsert writes rows with statement (see buildStatements) and returns the ids created and updated.
func (w *writer) upsert(ctx context.Context, statement string, rows []*pending, isNew map[string]bool) (created, updated []uint, err error) {
	if len(rows) == 0 {
		return nil, nil, nil
	}
	ru := w.ru
	now := ru.s.now().UTC().Truncate(time.Microsecond)
	var res *sql.Rows
	if w.postgres() {
		n := len(rows)
		h, sealedUPN, g, f, d := make([]string, n), make([][]byte, n), make([]string, n), make([]string, n), make([]string, n)
		y, gen, eal, sen := make([]int32, n), make([]string, n), make([]string, n), make([]string, n)
		pp, fsm, e6, la := make([]bool, n), make([]bool, n), make([]bool, n), make([]bool, n)
		for i, p := range rows {
			r := &p.rec
			h[i], sealedUPN[i], g[i], f[i], d[i] = p.hash, p.sealed, r.GivenName, r.FamilyName, r.DateOfBirth
			y[i], gen[i], eal[i], sen[i] = int32(r.YearGroup), r.Gender, r.EALProficiency, r.SEN
			pp[i], fsm[i], e6[i], la[i] = r.PupilPremium, r.FSM, r.FSMEver6, r.LookedAfter
		}
		res, err = w.conn().QueryContext(ctx, statement, ru.opt.TenantID, ru.opt.SchoolID, now, h, sealedUPN, g, f, d, y, gen, pp, fsm, e6, eal, sen, la)
	} else {
		res, err = w.conn().QueryContext(ctx, statement, ru.opt.TenantID, ru.opt.SchoolID, now, now, string(jsonArray(rows)))
	}
	if err != nil {
		return nil, nil, fmt.Errorf("write pupils: %w", err)
	}
	defer res.Close()
	for res.Next() {
		var id uint
		var hash string
		if err := res.Scan(&id, &hash); err != nil {
			return nil, nil, fmt.Errorf("write pupils: %w", err)
		}
		if isNew[hash] {
			created = append(created, id)
		} else {
			updated = append(updated, id)
		}
	}
	if err := res.Err(); err != nil {
		return nil, nil, fmt.Errorf("write pupils: %w", err)
	}
	return created, updated, nil
}

// rowJSON encodes a row's values as the JSON array the SQLite batch
// statements read (see buildStatements), on the reading goroutine.
func rowJSON(p *pending) ([]byte, error) {
	r := &p.rec
	js, err := json.Marshal([]any{p.hash, hex.EncodeToString(p.sealed), r.GivenName, r.FamilyName, r.DateOfBirth,
		r.YearGroup, r.Gender, r.PupilPremium, r.FSM, r.FSMEver6, r.EALProficiency, r.SEN, r.LookedAfter})
	if err != nil {
		return nil, fmt.Errorf("encode row %d: %w", p.row, err)
	}
	return js, nil
}

// jsonArray joins the rows' JSON arrays into one.
func jsonArray(rows []*pending) []byte {
	n := 2
	for _, p := range rows {
		n += len(p.js) + 1
	}
	out := make([]byte, 0, n)
	out = append(out, '[')
	for i, p := range rows {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, p.js...)
	}
	return append(out, ']')
}

// copyColumns are the columns copyNew writes: the ids it takes from the
// table's sequence, then those of the insert statement.
var copyColumns = append([]string{"id"}, strings.Split(strings.ReplaceAll(insertCols, " ", ""), ",")...)

// copyStage is the temporary table copyNew copies into.
const copyStage = "upwards_pupils_copy"

// copyNew writes new pupils on PostgreSQL with COPY, the fastest way in,
// through a temporary table into the pupils table inside the import's transaction, with the ids
// the look-up stage took from the table's sequence (lookAhead), so the audit
// events can name them. The look-up found none of these UPNs; a concurrent import of the same new pupil fails this one on the
// unique index, and nothing of it is written.
func (w *writer) copyNew(ctx context.Context, rows []*pending, ids []uint) ([]uint, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	ru := w.ru
	if len(ids) != len(rows) {
		return nil, fmt.Errorf("write new pupils: ids taken for %d of %d", len(ids), len(rows))
	}
	now := ru.s.now().UTC().Truncate(time.Microsecond)
	tid, sid := int64(ru.opt.TenantID), int64(ru.opt.SchoolID)
	i := 0
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if i == len(rows) {
			return nil, nil
		}
		p, r := rows[i], &rows[i].rec
		row := []any{int64(ids[i]), tid, sid, p.hash, p.sealed, r.GivenName, r.FamilyName, r.DateOfBirth,
			int32(r.YearGroup), r.Gender, r.PupilPremium, r.FSM, r.FSMEver6, r.EALProficiency, r.SEN, r.LookedAfter, now, now}
		i++
		return row, nil
	})
	err := w.raw.Raw(func(dc any) error {
		pc, ok := dc.(interface{ Conn() *pgx.Conn })
		if !ok {
			return fmt.Errorf("the PostgreSQL driver connection is a %T, not pgx's", dc)
		}
		// PostgreSQL refuses COPY into a table under row-level security
		// (the import acts for its tenant: storage.ActAs), so the rows go
		// to a temporary table of the transaction first and from there
		// into pupils, where the tenant's policy checks each.
		c := pc.Conn()
		cols := strings.Join(copyColumns, ", ")
		if _, err := c.Exec(ctx, "CREATE TEMP TABLE IF NOT EXISTS "+copyStage+" ON COMMIT DROP AS SELECT "+cols+" FROM pupils WITH NO DATA"); err != nil {
			return fmt.Errorf("stage: %w", err)
		}
		n, err := c.CopyFrom(ctx, pgx.Identifier{copyStage}, copyColumns, src)
		if err != nil {
			return err
		}
		if int(n) != len(rows) {
			return fmt.Errorf("copied %d of %d rows", n, len(rows))
		}
		tag, err := c.Exec(ctx, "INSERT INTO pupils ("+cols+") SELECT "+cols+" FROM "+copyStage)
		if err != nil {
			return err
		}
		if int(tag.RowsAffected()) != len(rows) {
			return fmt.Errorf("inserted %d of %d rows", tag.RowsAffected(), len(rows))
		}
		_, err = c.Exec(ctx, "TRUNCATE "+copyStage)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("write new pupils: %w", err)
	}
	return ids, nil
}

// takeIDs takes n ids from the pupils table's sequence (on conn: the
// transaction's, or a pool connection's, since a sequence is not
// transactional; ids of a rolled-back import are simply not used).
func (w *writer) takeIDs(ctx context.Context, conn gorm.ConnPool, n int) ([]uint, error) {
	if n <= 0 {
		return nil, nil
	}
	ids := make([]uint, 0, n)
	res, err := conn.QueryContext(ctx, "SELECT nextval(pg_get_serial_sequence('pupils', 'id')) FROM generate_series(1, $1)", n)
	if err != nil {
		return nil, fmt.Errorf("take pupil ids: %w", err)
	}
	defer res.Close()
	for res.Next() {
		var id int64
		if err := res.Scan(&id); err != nil {
			return nil, fmt.Errorf("take pupil ids: %w", err)
		}
		ids = append(ids, uint(id))
	}
	if err := res.Err(); err != nil {
		return nil, fmt.Errorf("take pupil ids: %w", err)
	}
	if len(ids) != n {
		return nil, fmt.Errorf("take pupil ids: got %d of %d", len(ids), n)
	}
	return ids, nil
}
