package importer_test

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/pupils/importer"
	"github.com/challengepartners/upwards/core/pupils/importfile"
	"github.com/challengepartners/upwards/core/pupils/importfile/importtest"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// An upload with one 45 MB cell is refused by the import, preview and commit
// alike, with a file error naming its row and column and not its content;
// nothing is written, and the run allocates a few MB, not hundreds.
func TestImportRefusesAnOversizedCellWithBoundedMemory(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		var b strings.Builder
		b.WriteString(strings.Join(importtest.Header, ",") + ",Notes\n")
		for i := range 3 {
			notes := "ok"
			if i == 2 {
				notes = strings.Repeat("qz", 45<<20/2)
			}
			b.WriteString(strings.Join(importtest.Row(i, time.Now()), ",") + "," + notes + "\n")
		}
		file := []byte(b.String())
		for _, opt := range []importer.Options{{DryRun: true}, {}, {Mode: importer.ModeValid}} {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := f.run(file, opt)
			runtime.ReadMemStats(&after)
			var fe *importfile.FileError
			if !errors.As(err, &fe) || fe.Msg != "row 4, column N: the cell is longer than 64 KB, more than any pupil list needs (is this the right file?)" {
				t.Fatalf("%+v: %v", opt, err)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
				t.Errorf("%+v: the refused run allocated %d MB", opt, alloc>>20)
			}
		}
		if f.count("") != 0 || f.auditCount(importer.ActionImport) != 0 {
			t.Fatalf("a refused file wrote %d pupils", f.count(""))
		}
	})
}
