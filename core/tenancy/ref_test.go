package tenancy_test

import (
	"errors"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
	"github.com/challengepartners/upwards/core/tenancy"
)

func TestUnitByRef(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		a, b := f.tenant("aa"), f.tenant("bb")
		school := f.school(a.ID, "Ref Primary", "123456")
		hub := f.group(a.ID, tenancy.KindHub, "Ref Hub")
		other := f.school(b.ID, "Other Primary", "654321")
		for ref, want := range map[string]uint{"123456": school.ID, " 123456 ": school.ID, idStr(hub.ID): hub.ID, idStr(school.ID): school.ID} {
			u, err := f.svc.UnitByRef(f.ctx, a.ID, ref)
			if err != nil || u.ID != want {
				t.Errorf("ref %q: %v %v, want unit %d", ref, u.ID, err, want)
			}
		}
		for _, ref := range []string{"654321", idStr(other.ID), "999999"} {
			if _, err := f.svc.UnitByRef(f.ctx, a.ID, ref); !errors.Is(err, tenancy.ErrNotFound) {
				t.Errorf("ref %q in tenant a: %v, want ErrNotFound", ref, err)
			}
		}
		for _, ref := range []string{"", "Ref Hub", "0", "-3"} {
			var fe tenancy.FieldErrors
			if _, err := f.svc.UnitByRef(f.ctx, a.ID, ref); !errors.As(err, &fe) || fe.For("unit") == "" {
				t.Errorf("ref %q: %v, want a validation error on unit", ref, err)
			}
		}
	})
}
