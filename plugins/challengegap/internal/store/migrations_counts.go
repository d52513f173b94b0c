package store

import (
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// Migration 12 keeps the counts the home page reads (CohortStates,
// YearMovement, YearFigures) in two tables, so that its figures, panels
// and to-dos read a row per cohort or snapshot instead of counting every
// pupil and data point of the year on each call:
//
//   - cohort_counts: each cohort's current members (pupils);
//   - snapshot_counts: each snapshot's data points (data_rows: the grid
//     saved, even of empty rows), those of current members of its school's
//     cohort holding a value (entered), and, for a snapshot after the
//     baseline, of the current members with a row at both the baseline and
//     it, how many have the gap at both and closed part of it, and how many
//     have attitude at both and scored higher (the movement).
//
// Triggers on data_points and cohort_members keep them in step with every
// write, however made (pages, jobs, the demo seed, erasure, SQL). On
// SQLite a row counts what it contributes, times 1 when written and -1
// when gone (an update takes the old row's part away and adds the new
// one's): a data point to its snapshot (and, at the baseline, to the
// movement of each later snapshot holding the same pupil); a membership,
// while current, its pupil's data points. On PostgreSQL each statement
// counts again the schools it touched (createRecount says why). Snapshots
// and cohorts never change school, year or number, so they need no
// trigger beyond dropping their row when deleted.

// countColumns are snapshot_counts' counted columns, in the order every
// tally gives them.
const countColumns = "data_rows, entered, gap_pupils, gap_closed, attitude_pupils, attitude_raised"

// addCounts is the upsert adding a tally to snapshot_counts.
const addCounts = ` ON CONFLICT (snapshot_id) DO UPDATE SET data_rows = snapshot_counts.data_rows + excluded.data_rows,
  entered = snapshot_counts.entered + excluded.entered, gap_pupils = snapshot_counts.gap_pupils + excluded.gap_pupils,
  gap_closed = snapshot_counts.gap_closed + excluded.gap_closed, attitude_pupils = snapshot_counts.attitude_pupils + excluded.attitude_pupils,
  attitude_raised = snapshot_counts.attitude_raised + excluded.attitude_raised`

// hasValueOf is the condition of data point d holding at least one
// value: the grid saves a row for every pupil, empty or not. The gap in
// months is derived from the age equivalent, so it does not count.
func hasValueOf(d string) string {
	return "(" + d + ".reading <> '' OR " + d + ".writing <> '' OR " + d + ".maths <> '' OR " + d + ".age_equivalent IS NOT NULL OR " +
		d + ".attitude IS NOT NULL OR " + d + ".aspiration IS NOT NULL OR " + d + ".attendance IS NOT NULL)"
}

// when is 1 if cond holds, else 0.
func when(cond string) string { return "CASE WHEN " + cond + " THEN 1 ELSE 0 END" }

// pointCounts are the counted columns' values for data point d of a pupil
// who is a current member when cur holds, counting rows as its data rows,
// with b their row at the baseline (NULL columns when none, or when d is
// the baseline's).
func pointCounts(rows, d, b, cur string) []string {
	return append([]string{rows, when(cur + " AND " + hasValueOf(d))}, movementOf(d, b, cur)...)
}

// movementOf are the movement columns' values for the pair of the rows b
// (at the baseline) and d (later) of a pupil, counted when cur holds.
func movementOf(d, b, cur string) []string {
	return []string{
		when(cur + " AND " + d + ".gap_months IS NOT NULL AND " + b + ".gap_months IS NOT NULL"),
		when(cur + " AND " + d + ".gap_months > " + b + ".gap_months"),
		when(cur + " AND " + d + ".attitude IS NOT NULL AND " + b + ".attitude IS NOT NULL"),
		when(cur + " AND " + d + ".attitude > " + b + ".attitude"),
	}
}

// times multiplies each of vs by sign, or sums them when sign is "SUM".
func times(sign string, vs []string) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		if sign == "SUM" {
			out[i] = "SUM(" + v + ")"
		} else {
			out[i] = sign + " * " + v
		}
	}
	return strings.Join(out, ", ")
}

// baselineOf joins, as b, the row of pupil at the baseline of snapshot x's
// school and year, when x is not the baseline itself.
func baselineOf(x, pupil string) string {
	return ` LEFT JOIN snapshots s0 ON s0.tenant_id = ` + x + `.tenant_id AND s0.year_id = ` + x + `.year_id AND s0.school_id = ` + x + `.school_id
  AND s0.seq = 0 AND ` + x + `.seq <> 0
LEFT JOIN data_points b ON b.tenant_id = s0.tenant_id AND b.snapshot_id = s0.id AND b.pupil_id = ` + pupil
}

// membershipOf joins, as m, the current membership of pupil in the cohort
// of snapshot x's school and year.
func membershipOf(x, pupil string) string {
	return ` LEFT JOIN cohorts c ON c.tenant_id = ` + x + `.tenant_id AND c.year_id = ` + x + `.year_id AND c.school_id = ` + x + `.school_id
LEFT JOIN cohort_members m ON m.tenant_id = c.tenant_id AND m.cohort_id = c.id AND m.pupil_id = ` + pupil + ` AND m.removed_at IS NULL`
}

// snapshotCountsWhere counts, as the triggers count them, the data points
// of the snapshots x where cond holds: the rows already written when the
// migration runs, and on PostgreSQL those of the schools a statement
// changed.
func snapshotCountsWhere(cond string) string {
	return `INSERT INTO snapshot_counts (tenant_id, snapshot_id, ` + countColumns + `)
SELECT x.tenant_id, x.id, ` + times("SUM", pointCounts("1", "d", "b", "m.id IS NOT NULL")) + `
FROM snapshots x JOIN data_points d ON d.tenant_id = x.tenant_id AND d.snapshot_id = x.id` +
		membershipOf("x", "d.pupil_id") + baselineOf("x", "d.pupil_id") + `
WHERE ` + cond + ` GROUP BY x.tenant_id, x.id`
}

// cohortCountsWhere counts the current members of the cohorts where cond
// holds (of cohort_members' columns).
func cohortCountsWhere(cond string) string {
	return `INSERT INTO cohort_counts (tenant_id, cohort_id, pupils) SELECT tenant_id, cohort_id, COUNT(*) FROM cohort_members
WHERE removed_at IS NULL AND ` + cond + ` GROUP BY tenant_id, cohort_id`
}

// pointTally is what data point r ("NEW" or "OLD") counts, times sign:
// at its own snapshot, and, at the baseline, in the movement of each later
// snapshot of the school holding the pupil.
func pointTally(r, sign string) []string {
	return []string{
		`INSERT INTO snapshot_counts (tenant_id, snapshot_id, ` + countColumns + `)
SELECT x.tenant_id, x.id, ` + times(sign, pointCounts("1", r, "b", "m.id IS NOT NULL")) + `
FROM snapshots x` + membershipOf("x", r+".pupil_id") + baselineOf("x", r+".pupil_id") + `
WHERE x.tenant_id = ` + r + `.tenant_id AND x.id = ` + r + `.snapshot_id` + addCounts,
		`INSERT INTO snapshot_counts (tenant_id, snapshot_id, ` + countColumns + `)
SELECT x.tenant_id, x.id, 0, 0, ` + times(sign, movementOf("a", r, "1 = 1")) + `
FROM snapshots s0
JOIN cohorts c ON c.tenant_id = s0.tenant_id AND c.year_id = s0.year_id AND c.school_id = s0.school_id
JOIN cohort_members m ON m.tenant_id = c.tenant_id AND m.cohort_id = c.id AND m.pupil_id = ` + r + `.pupil_id AND m.removed_at IS NULL
JOIN snapshots x ON x.tenant_id = s0.tenant_id AND x.year_id = s0.year_id AND x.school_id = s0.school_id AND x.seq <> 0
JOIN data_points a ON a.tenant_id = x.tenant_id AND a.snapshot_id = x.id AND a.pupil_id = ` + r + `.pupil_id
WHERE s0.tenant_id = ` + r + `.tenant_id AND s0.id = ` + r + `.snapshot_id AND s0.seq = 0` + addCounts,
	}
}

// memberTally is what cohort membership r counts, times sign, while it is
// current: a pupil of its cohort, and its pupil's data points at each of
// the school's snapshots.
func memberTally(r, sign string) []string {
	return []string{
		`INSERT INTO cohort_counts (tenant_id, cohort_id, pupils) SELECT ` + r + `.tenant_id, ` + r + `.cohort_id, ` + sign + `
WHERE ` + r + `.removed_at IS NULL ON CONFLICT (cohort_id) DO UPDATE SET pupils = cohort_counts.pupils + excluded.pupils`,
		`INSERT INTO snapshot_counts (tenant_id, snapshot_id, ` + countColumns + `)
SELECT x.tenant_id, x.id, ` + times(sign, pointCounts("0", "d", "b", "1 = 1")) + `
FROM cohorts c
JOIN snapshots x ON x.tenant_id = c.tenant_id AND x.year_id = c.year_id AND x.school_id = c.school_id
JOIN data_points d ON d.tenant_id = x.tenant_id AND d.snapshot_id = x.id AND d.pupil_id = ` + r + `.pupil_id` + baselineOf("x", r+".pupil_id") + `
WHERE c.tenant_id = ` + r + `.tenant_id AND c.id = ` + r + `.cohort_id AND ` + r + `.removed_at IS NULL` + addCounts,
	}
}

// counted are the tables whose rows are counted, with what a row counts
// and the columns whose update changes it.
var counted = []struct {
	table, columns string
	tally          func(r, sign string) []string
	recount        func(changed func(col string) string) string
}{
	{"data_points", "snapshot_id, pupil_id, reading, writing, maths, age_equivalent, gap_months, attitude, aspiration, attendance", pointTally, pointRecount},
	{"cohort_members", "cohort_id, pupil_id, removed_at", memberTally, memberRecount},
}

// schoolRecount counts again the snapshots of school k (a record of
// tenant_id, year_id and school_id), searching them by their index.
func schoolRecount(k string) []string {
	is := "x.tenant_id = " + k + ".tenant_id AND x.year_id = " + k + ".year_id AND x.school_id = " + k + ".school_id"
	return []string{
		"DELETE FROM snapshot_counts WHERE snapshot_id IN (SELECT x.id FROM snapshots x WHERE " + is + ")",
		snapshotCountsWhere(is),
	}
}

// forEach is the PL/pgSQL loop running body for each record k of query.
func forEach(query string, body []string) string {
	return "FOR k IN " + query + " LOOP\n\t\t" + strings.Join(body, ";\n\t\t") + ";\n\tEND LOOP;"
}

// pointRecount counts again, on PostgreSQL, the snapshots of each school
// of the data points a statement changed (changed(col) selects col of
// them).
func pointRecount(changed func(col string) string) string {
	return forEach("SELECT DISTINCT s.tenant_id, s.year_id, s.school_id FROM snapshots s WHERE s.id IN ("+changed("snapshot_id")+")",
		schoolRecount("k"))
}

// memberRecount counts again, on PostgreSQL, each cohort of the
// memberships a statement changed, and the snapshots of its school.
func memberRecount(changed func(col string) string) string {
	return forEach("SELECT c.id, c.tenant_id, c.year_id, c.school_id FROM cohorts c WHERE c.id IN ("+changed("cohort_id")+")",
		append([]string{
			"DELETE FROM cohort_counts WHERE cohort_id = k.id",
			cohortCountsWhere("tenant_id = k.tenant_id AND cohort_id = k.id"),
		}, schoolRecount("k")...))
}

// countsOf are the tables keeping a row per snapshot or cohort, with the
// table whose rows they count and their key column.
var countsOf = []struct{ counts, of, key string }{
	{"snapshot_counts", "snapshots", "snapshot_id"},
	{"cohort_counts", "cohorts", "cohort_id"},
}

func migrate12(tx *gorm.DB) error {
	for _, q := range []string{
		`CREATE TABLE cohort_counts (tenant_id BIGINT NOT NULL, cohort_id BIGINT NOT NULL PRIMARY KEY, pupils BIGINT NOT NULL)`,
		`CREATE TABLE snapshot_counts (tenant_id BIGINT NOT NULL, snapshot_id BIGINT NOT NULL PRIMARY KEY,
  data_rows BIGINT NOT NULL, entered BIGINT NOT NULL, gap_pupils BIGINT NOT NULL, gap_closed BIGINT NOT NULL,
  attitude_pupils BIGINT NOT NULL, attitude_raised BIGINT NOT NULL)`,
		`CREATE INDEX ix_cohort_counts_tenant ON cohort_counts (tenant_id, cohort_id)`,
		`CREATE INDEX ix_snapshot_counts_tenant ON snapshot_counts (tenant_id, snapshot_id)`,
	} {
		if err := tx.Exec(q).Error; err != nil {
			return fmt.Errorf("create the home page's counts: %w", err)
		}
	}
	postgres := tx.Dialector.Name() == "postgres"
	for _, t := range counted {
		var err error
		if postgres {
			err = createRecount(tx, t.table, t.recount)
		} else {
			err = createTally(tx, t.table, t.columns, t.tally)
		}
		if err != nil {
			return err
		}
	}
	for _, c := range countsOf {
		if err := createDrop(tx, postgres, c.counts, c.of, c.key); err != nil {
			return err
		}
	}
	// The rows already written, counted as the triggers count them.
	for _, q := range []string{
		cohortCountsWhere("1 = 1"),
		snapshotCountsWhere("1 = 1"),
	} {
		if err := tx.Exec(q).Error; err != nil {
			return fmt.Errorf("count the cohorts and data points already recorded: %w", err)
		}
	}
	return nil
}

// createTally creates SQLite's triggers keeping the counts of table's
// rows. SQLite runs a row trigger as each row is written, so a statement
// writing many rows (an erasure, a baseline row and a later one of the
// same pupil) is counted row by row, each seeing the rows before it.
func createTally(tx *gorm.DB, table, columns string, tally func(r, sign string) []string) error {
	for name, def := range map[string]string{
		"insert": "AFTER INSERT ON " + table + " FOR EACH ROW" + sqliteBody(tally("NEW", "1")),
		"delete": "AFTER DELETE ON " + table + " FOR EACH ROW" + sqliteBody(tally("OLD", "-1")),
		"update": "AFTER UPDATE OF " + columns + " ON " + table + " FOR EACH ROW" + sqliteBody(append(tally("OLD", "-1"), tally("NEW", "1")...)),
	} {
		if err := tx.Exec("CREATE TRIGGER tr_" + table + "_counts_" + name + " " + def).Error; err != nil {
			return fmt.Errorf("create the %s trigger counting %s: %w", name, table, err)
		}
	}
	return nil
}

// createRecount creates PostgreSQL's triggers keeping the counts of
// table's rows. PostgreSQL runs an AFTER row trigger once the whole
// statement is done, when a row's tally could no longer see the rows it
// was paired with; so each statement counts again the schools whose rows
// it changed (a few dozen pupils each), from its transition tables.
func createRecount(tx *gorm.DB, table string, recount func(changed func(col string) string) string) error {
	for _, e := range []struct {
		event, referencing string
		from               []string
	}{
		{"insert", "NEW TABLE AS new_rows", []string{"new_rows"}},
		{"delete", "OLD TABLE AS old_rows", []string{"old_rows"}},
		{"update", "OLD TABLE AS old_rows NEW TABLE AS new_rows", []string{"new_rows", "old_rows"}},
	} {
		changed := func(col string) string {
			sel := make([]string, len(e.from))
			for i, f := range e.from {
				sel[i] = "SELECT " + col + " FROM " + f
			}
			return strings.Join(sel, " UNION ")
		}
		fn := table + "_counted_" + e.event
		err := createPostgresTrigger(tx, fn, "tr_"+table+"_counts_"+e.event,
			"AFTER "+strings.ToUpper(e.event)+" ON "+table+" REFERENCING "+e.referencing+" FOR EACH STATEMENT",
			"k record;", recount(changed))
		if err != nil {
			return err
		}
	}
	return nil
}

// createDrop creates the trigger dropping the counts row of a deleted row
// of table of.
func createDrop(tx *gorm.DB, postgres bool, counts, of, key string) error {
	drop := "DELETE FROM " + counts + " WHERE tenant_id = OLD.tenant_id AND " + key + " = OLD.id"
	if postgres {
		return createPostgresTrigger(tx, of+"_counts_dropped", "tr_"+of+"_counts_drop", "AFTER DELETE ON "+of+" FOR EACH ROW", "", drop+";")
	}
	if err := tx.Exec("CREATE TRIGGER tr_" + of + "_counts_drop AFTER DELETE ON " + of + " FOR EACH ROW" + sqliteBody([]string{drop})).Error; err != nil {
		return fmt.Errorf("create the trigger dropping %s' counts: %w", of, err)
	}
	return nil
}

func sqliteBody(stmts []string) string { return " BEGIN " + strings.Join(stmts, "; ") + "; END" }

// createPostgresTrigger creates function fn declaring declare and running
// body, and the trigger calling it on event (which says for each row or
// statement).
func createPostgresTrigger(tx *gorm.DB, fn, trigger, event, declare, body string) error {
	if err := tx.Exec(`CREATE FUNCTION ` + fn + `() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ` + declare + `
BEGIN
	` + body + `
	RETURN NULL;
END $$`).Error; err != nil {
		return fmt.Errorf("create %s: %w", fn, err)
	}
	if err := tx.Exec("CREATE TRIGGER " + trigger + " " + event + " EXECUTE FUNCTION " + fn + "()").Error; err != nil {
		return fmt.Errorf("create %s: %w", trigger, err)
	}
	return nil
}
