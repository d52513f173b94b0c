package store

import (
	"fmt"
	"strings"

	"gorm.io/gorm"
)

// Migration 2 keeps each trial school's pupil counts in school_counts, a
// row per school and count: "pupils", "objected", and "scored:<point>"
// (the pupils not objecting with a score at the point). Triggers on
// trial_pupils and pupil_points keep it in step with every write, however
// made, so that the home and school pages read a few rows a school
// instead of counting every pupil of the year (SchoolCounts).
//
// A pupil row counts as its school's pupil, its objection, and, while not
// objecting, each of its points with a score; a point row counts once for
// its pupil's school while the pupil exists and does not object. An update
// takes the old row's counts away and adds the new one's, so every change
// (an objection, a score cleared, a pupil erased before or after its
// points) moves the counts by exactly what it changes.

// pupilTally is what a trial_pupils row r ("NEW" or "OLD") counts, times
// sign (1 or -1).
func pupilTally(r, sign string) []string {
	return []string{
		`INSERT INTO school_counts (tenant_id, trial_school_id, what, n) SELECT ` + r + `.tenant_id, ` + r + `.trial_school_id, 'pupils', ` + sign +
			` WHERE 1 = 1` + upsert,
		`INSERT INTO school_counts (tenant_id, trial_school_id, what, n) SELECT ` + r + `.tenant_id, ` + r + `.trial_school_id, 'objected', ` + sign +
			` WHERE ` + r + `.objected_on <> ''` + upsert,
		`INSERT INTO school_counts (tenant_id, trial_school_id, what, n) SELECT ` + r + `.tenant_id, ` + r + `.trial_school_id, 'scored:' || pp.point, ` + sign + ` * COUNT(*)
			FROM pupil_points pp WHERE pp.trial_pupil_id = ` + r + `.id AND pp.score IS NOT NULL AND ` + r + `.objected_on = '' GROUP BY pp.point` + upsert,
	}
}

// pointTally is what a pupil_points row r counts, times sign.
func pointTally(r, sign string) []string {
	return []string{
		`INSERT INTO school_counts (tenant_id, trial_school_id, what, n) SELECT p.tenant_id, p.trial_school_id, 'scored:' || ` + r + `.point, ` + sign + `
			FROM trial_pupils p WHERE p.id = ` + r + `.trial_pupil_id AND p.objected_on = '' AND ` + r + `.score IS NOT NULL` + upsert,
	}
}

const upsert = ` ON CONFLICT (trial_school_id, what) DO UPDATE SET n = school_counts.n + excluded.n`

// tallied are the tables whose rows are counted, with what a row counts
// and the columns whose update changes it.
var tallied = []struct {
	table, columns string
	tally          func(r, sign string) []string
}{
	{"trial_pupils", "trial_school_id, objected_on", pupilTally},
	{"pupil_points", "trial_pupil_id, point, score", pointTally},
}

func migrate2(tx *gorm.DB) error {
	if err := tx.Exec(`CREATE TABLE school_counts (tenant_id BIGINT NOT NULL, trial_school_id BIGINT NOT NULL,
		what VARCHAR(40) NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (trial_school_id, what))`).Error; err != nil {
		return fmt.Errorf("create school_counts: %w", err)
	}
	if err := tx.Exec("CREATE INDEX ix_school_counts_tenant ON school_counts (tenant_id, trial_school_id)").Error; err != nil {
		return fmt.Errorf("index school_counts: %w", err)
	}
	for _, t := range tallied {
		var err error
		if tx.Dialector.Name() == "postgres" {
			err = postgresTally(tx, t.table, t.columns, t.tally)
		} else {
			err = sqliteTally(tx, t.table, t.columns, t.tally)
		}
		if err != nil {
			return err
		}
	}
	// The rows already written, counted as the triggers count them.
	for _, q := range []string{
		`INSERT INTO school_counts (tenant_id, trial_school_id, what, n) SELECT tenant_id, trial_school_id, 'pupils', COUNT(*) FROM trial_pupils GROUP BY tenant_id, trial_school_id`,
		`INSERT INTO school_counts (tenant_id, trial_school_id, what, n) SELECT tenant_id, trial_school_id, 'objected', COUNT(*) FROM trial_pupils WHERE objected_on <> '' GROUP BY tenant_id, trial_school_id`,
		`INSERT INTO school_counts (tenant_id, trial_school_id, what, n) SELECT p.tenant_id, p.trial_school_id, 'scored:' || pp.point, COUNT(*)
			FROM trial_pupils p JOIN pupil_points pp ON pp.trial_pupil_id = p.id WHERE p.objected_on = '' AND pp.score IS NOT NULL
			GROUP BY p.tenant_id, p.trial_school_id, pp.point`,
	} {
		if err := tx.Exec(q).Error; err != nil {
			return fmt.Errorf("count the pupils already recorded: %w", err)
		}
	}
	return nil
}

func sqliteTally(tx *gorm.DB, table, columns string, tally func(r, sign string) []string) error {
	body := func(stmts ...[]string) string {
		var all []string
		for _, s := range stmts {
			all = append(all, s...)
		}
		return " BEGIN " + strings.Join(all, "; ") + "; END"
	}
	for name, def := range map[string]string{
		"insert": "AFTER INSERT ON " + table + " FOR EACH ROW" + body(tally("NEW", "1")),
		"delete": "AFTER DELETE ON " + table + " FOR EACH ROW" + body(tally("OLD", "-1")),
		"update": "AFTER UPDATE OF " + columns + " ON " + table + " FOR EACH ROW" + body(tally("OLD", "-1"), tally("NEW", "1")),
	} {
		if err := tx.Exec("CREATE TRIGGER tr_" + table + "_counts_" + name + " " + def).Error; err != nil {
			return fmt.Errorf("create the %s trigger counting %s: %w", name, table, err)
		}
	}
	return nil
}

func postgresTally(tx *gorm.DB, table, columns string, tally func(r, sign string) []string) error {
	fn := table + "_counted"
	stmts := func(s []string) string { return strings.Join(s, ";\n\t\t") + ";" }
	if err := tx.Exec(`CREATE FUNCTION ` + fn + `() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('DELETE', 'UPDATE') THEN
		` + stmts(tally("OLD", "-1")) + `
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		` + stmts(tally("NEW", "1")) + `
	END IF;
	RETURN NULL;
END $$`).Error; err != nil {
		return fmt.Errorf("create %s: %w", fn, err)
	}
	if err := tx.Exec("CREATE TRIGGER tr_" + table + "_counts AFTER INSERT OR DELETE OR UPDATE OF " + columns + " ON " + table +
		" FOR EACH ROW EXECUTE FUNCTION " + fn + "()").Error; err != nil {
		return fmt.Errorf("create the trigger counting %s: %w", table, err)
	}
	return nil
}
