package tenancy_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
	"github.com/challengepartners/upwards/core/tenancy"
)

// TestConcurrentLinks races links that are each fine alone but not together:
// a school's two trusts, and the two halves of a cycle. Exactly one of each
// pair may win, whichever database.
func TestConcurrentLinks(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		f := newFixture(t, db)
		s, ctx := f.svc, f.ctx
		tn := f.tenant("cp")
		t1 := f.group(tn.ID, tenancy.KindTrust, "Trust 1")
		t2 := f.group(tn.ID, tenancy.KindTrust, "Trust 2")
		c1 := f.group(tn.ID, tenancy.KindCluster, "Cluster 1")
		c2 := f.group(tn.ID, tenancy.KindCluster, "Cluster 2")
		sch := f.school(tn.ID, "School", "100001")

		race := func(a, b [2]uint) (wins int) {
			t.Helper()
			errs := make([]error, 2)
			var wg sync.WaitGroup
			for i, e := range [][2]uint{a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[i] = s.Link(ctx, tn.ID, e[0], e[1])
				}()
			}
			wg.Wait()
			for _, err := range errs {
				switch {
				case err == nil:
					wins++
				case !errors.Is(err, tenancy.ErrConflict):
					t.Fatalf("racing link failed oddly: %v", err)
				}
			}
			return wins
		}
		for round := 0; round < 5; round++ {
			if w := race([2]uint{t1.ID, sch.ID}, [2]uint{t2.ID, sch.ID}); w != 1 {
				t.Fatalf("round %d: %d trusts won the school", round, w)
			}
			if w := race([2]uint{c1.ID, c2.ID}, [2]uint{c2.ID, c1.ID}); w != 1 {
				t.Fatalf("round %d: %d halves of a cycle won", round, w)
			}
			edges, err := s.Edges(ctx, tn.ID)
			if err != nil || len(edges) != 2 {
				t.Fatalf("round %d: edges %+v, %v", round, edges, err)
			}
			for _, e := range edges {
				if err := s.Unlink(ctx, tn.ID, e.ParentID, e.ChildID); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}
