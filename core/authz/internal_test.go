package authz

import (
	"context"
	"sync"
	"testing"

	"github.com/challengepartners/upwards/core/authz/authztest"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

func TestMemoBoundRebuildsFromMemory(t *testing.T) {
	db := storagetest.Open(t, storage.SQLite)
	ctx := context.Background()
	tenant, root := authztest.Tenant(t, db, "cp")
	school := authztest.Unit(t, db, tenant, "school", "s", root)
	u := authztest.User(t, db, tenant, "u@example.org")
	e, err := New(ctx, db, authztest.SQLGraph{DB: db}, Options{RefreshInterval: DefaultRefreshInterval})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Grant(ctx, tenant, u, RoleTeacher, school, nil); err != nil {
		t.Fatal(err)
	}
	if ok, err := e.Can(ctx, tenant, u, PermPupilRead, school); !ok || err != nil {
		t.Fatalf("teacher at school: %v %v", ok, err)
	}
	before := e.tenants[tenant]
	before.calls.Store(memoRebuildAfter)
	// Change the database behind the enforcer's back (no revision bump): a
	// rebuild for the memo must come from memory, not reload.
	if err := db.Exec("DELETE FROM role_grants").Error; err != nil {
		t.Fatal(err)
	}
	if ok, err := e.Can(ctx, tenant, u, PermPupilRead, school); !ok || err != nil {
		t.Fatalf("after the memo rebuild: %v %v", ok, err)
	}
	after := e.tenants[tenant]
	if after == before || after.calls.Load() != 1 || after.units != before.units {
		t.Errorf("state not rebuilt from memory: before %p after %p calls %d", before, after, after.calls.Load())
	}
}

func TestConcurrentChecksAndGrants(t *testing.T) {
	db := storagetest.Open(t, storage.SQLite)
	ctx := context.Background()
	tenant, root := authztest.Tenant(t, db, "cp")
	trust := authztest.Unit(t, db, tenant, "trust", "t", root)
	var schools []uint
	for i := 0; i < 5; i++ {
		schools = append(schools, authztest.Unit(t, db, tenant, "school", "s"+string(rune('a'+i)), trust))
	}
	leader := authztest.User(t, db, tenant, "leader@example.org")
	other := authztest.User(t, db, tenant, "other@example.org")
	e, err := New(ctx, db, authztest.SQLGraph{DB: db}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Grant(ctx, tenant, leader, RoleTrustLeader, trust, nil); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				ok, err := e.Can(ctx, tenant, leader, PermPupilRead, schools[i%len(schools)])
				if err != nil || !ok {
					errs <- err
					return
				}
				if _, _, err := e.Reach(ctx, tenant, leader, PermSchoolRead); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := 0; i < 5; i++ {
		if err := e.Grant(ctx, tenant, other, RoleTeacher, schools[i], nil); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent check failed: %v", err)
	}
}
