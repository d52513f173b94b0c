package importer_test

import (
	"bytes"
	"encoding/csv"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/pupils/importer"
	"github.com/challengepartners/upwards/core/pupils/importfile/importtest"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// An imported row whose given or family name holds a bidirectional control
// or another invisible format character is refused, by row and field, and
// an all-or-nothing import then writes nothing; the other rows import when
// the user asks for the valid ones only.
func TestImportRefusesNamesWithBidiControls(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		var b bytes.Buffer
		cw := csv.NewWriter(&b)
		_ = cw.Write(importtest.Header)
		for i := range 6 {
			row := importtest.Row(i, time.Now())
			switch i {
			case 1: // file row 3
				row[2] = "Ada \u202Eecalevol" // Legal Forename: RIGHT-TO-LEFT OVERRIDE
			case 3: // file row 5
				row[1] = "Love\u2067lace" // Legal Surname: RIGHT-TO-LEFT ISOLATE
			case 4: // file row 6
				row[1] = "\u061CBegum" // ARABIC LETTER MARK
			}
			_ = cw.Write(row)
		}
		cw.Flush()
		res, err := f.run(b.Bytes(), importer.Options{})
		if !errors.Is(err, importer.ErrRowErrors) || res.ErrorRows != 3 || f.count("") != 0 {
			t.Fatalf("all-or-nothing: %v %+v, %d pupils", err, res, f.count(""))
		}
		want := []struct {
			row   int
			field string
		}{{3, pupils.FieldGivenName}, {5, pupils.FieldFamilyName}, {6, pupils.FieldFamilyName}}
		for i, w := range want {
			e := res.Errors[i]
			if e.Row != w.row || e.Field != w.field || !strings.Contains(e.Message, "invisible formatting characters") {
				t.Errorf("error %d: %+v, want row %d field %s", i, e, w.row, w.field)
			}
		}
		res, err = f.run(b.Bytes(), importer.Options{Mode: importer.ModeValid})
		if err != nil || res.Created != 3 || f.count("") != 3 {
			t.Fatalf("valid only: %v %+v", err, res)
		}
	})
}
