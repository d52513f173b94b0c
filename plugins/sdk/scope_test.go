package sdk

import (
	"errors"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

type note struct {
	ID        uint64 `gorm:"primaryKey"`
	TenantID  uint64 `gorm:"not null;index"`
	Body      string `gorm:"not null"`
	Pinned    bool   `gorm:"not null"`
	CreatedAt time.Time
}

type colour struct { // a lookup table shared by every tenant
	ID   uint64 `gorm:"primaryKey"`
	Name string
}

var scopeMigrations = []Migration{
	{Version: 1, Name: "notes and colours", Up: func(tx *gorm.DB) error {
		return tx.Migrator().CreateTable(&note{}, &colour{})
	}},
}

// scoped returns a server on dialect d with notes for tenants 1 and 2.
func scoped(t *testing.T, d string) *server {
	t.Helper()
	s := newServer(&Plugin{Manifest: testManifest(), Migrations: scopeMigrations}, nil)
	db := openTest(t, d)
	s.configure(pluginv1.NewHostServiceClient(nil), nil, db, t.TempDir())
	if _, _, err := migrate(t.Context(), db, pluginMigrationsTable, scopeMigrations); err != nil {
		t.Fatal(err)
	}
	for _, n := range []note{{TenantID: 1, Body: "one-a"}, {TenantID: 1, Body: "one-b", Pinned: true}, {TenantID: 2, Body: "two-a", Pinned: true}} {
		if err := unscoped(db).Create(&n).Error; err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func bodies(ns []note) string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Body)
	}
	return strings.Join(out, ",")
}

func TestTenantScopesQueriesUpdatesDeletesAndInserts(t *testing.T) {
	eachDialect(t, func(t *testing.T, d string) {
		s := scoped(t, d)
		ctx1 := ctxFor(t, s, nil, 1, 7)
		ctx2 := ctxFor(t, s, nil, 2, 8)

		var ns []note
		if err := Tenant(ctx1).Order("id").Find(&ns).Error; err != nil || bodies(ns) != "one-a,one-b" {
			t.Fatalf("tenant 1 finds %q, %v", bodies(ns), err)
		}
		// An OR in the caller's conditions does not escape the scope.
		ns = nil
		if err := Tenant(ctx1).Where("body = ?", "one-a").Or("pinned = ?", true).Order("id").Find(&ns).Error; err != nil || bodies(ns) != "one-a,one-b" {
			t.Fatalf("OR query finds %q, %v", bodies(ns), err)
		}
		ns = nil
		if err := Tenant(ctx1).Where("body = 'one-a' OR pinned = ?", true).Order("id").Find(&ns).Error; err != nil || bodies(ns) != "one-a,one-b" {
			t.Fatalf("OR string query finds %q, %v", bodies(ns), err)
		}
		// By primary key, another tenant's row is not found.
		var n note
		if err := Tenant(ctx1).First(&n, 3).Error; !errors.Is(err, gorm.ErrRecordNotFound) {
			t.Fatalf("tenant 1 reads tenant 2's note: %v %+v", err, n)
		}
		// Counts through Model and through Table are scoped.
		var c int64
		if err := Tenant(ctx2).Model(&note{}).Count(&c).Error; err != nil || c != 1 {
			t.Fatalf("tenant 2 counts %d, %v", c, err)
		}
		if err := Tenant(ctx1).Table("notes").Count(&c).Error; err != nil || c != 2 {
			t.Fatalf("tenant 1 counts %d via Table, %v", c, err)
		}
		// Updates and deletes touch only the tenant's rows.
		if res := Tenant(ctx1).Model(&note{}).Where("pinned = ?", true).Update("body", "changed"); res.Error != nil || res.RowsAffected != 1 {
			t.Fatalf("update: %v, %d rows", res.Error, res.RowsAffected)
		}
		if res := Tenant(ctx1).Delete(&note{ID: 3}); res.Error != nil || res.RowsAffected != 0 {
			t.Fatalf("tenant 1 deletes tenant 2's note: %v, %d rows", res.Error, res.RowsAffected)
		}
		// An update or delete with no condition at all is refused, as gorm does.
		if err := Tenant(ctx1).Model(&note{}).Update("pinned", false).Error; !errors.Is(err, gorm.ErrMissingWhereClause) {
			t.Fatalf("global update: %v", err)
		}
		if err := Tenant(ctx1).Delete(&note{}).Error; !errors.Is(err, gorm.ErrMissingWhereClause) {
			t.Fatalf("global delete: %v", err)
		}
		// Inserts get the tenant; one naming another tenant is refused.
		nn := note{Body: "new"}
		if err := Tenant(ctx2).Create(&nn).Error; err != nil || nn.TenantID != 2 {
			t.Fatalf("insert: %v, tenant %d", err, nn.TenantID)
		}
		batch := []note{{Body: "b1"}, {Body: "b2"}}
		if err := Tenant(ctx2).Create(&batch).Error; err != nil || batch[0].TenantID != 2 || batch[1].TenantID != 2 {
			t.Fatalf("batch insert: %v, %+v", err, batch)
		}
		if err := Tenant(ctx2).Model(&note{}).Create(map[string]any{"body": "from map", "pinned": false}).Error; err != nil {
			t.Fatalf("map insert: %v", err)
		}
		if err := Tenant(ctx2).Create(&note{TenantID: 1, Body: "smuggled"}).Error; !errors.Is(err, ErrUnscoped) {
			t.Fatalf("insert for another tenant: %v", err)
		}
		var all []note
		unscoped(s.db).Order("id").Find(&all)
		for _, n := range all {
			if (n.Body == "changed" || strings.HasPrefix(n.Body, "one")) != (n.TenantID == 1) {
				t.Fatalf("row %+v ended in the wrong tenant", n)
			}
		}
		if err := Tenant(ctx2).Where("body = ?", "from map").First(&n).Error; err != nil {
			t.Fatalf("the map insert is not tenant 2's: %v", err)
		}
		// Save of another tenant's row (an update, then an upsert) does not overwrite it.
		if err := Tenant(ctx1).Save(&note{ID: 3, Body: "hijacked"}).Error; err != nil {
			t.Logf("save of another tenant's id: %v", err)
		}
		var three note
		unscoped(s.db).First(&three, 3)
		if three.TenantID != 2 || three.Body != "two-a" {
			t.Fatalf("tenant 1 overwrote tenant 2's note: %+v", three)
		}
		// An explicit upsert is limited the same way.
		err := Tenant(ctx1).Clauses(clause.OnConflict{UpdateAll: true}).Create(&note{ID: 3, Body: "upserted"}).Error
		unscoped(s.db).First(&three, 3)
		if three.TenantID != 2 || three.Body != "two-a" {
			t.Fatalf("tenant 1 upserted over tenant 2's note (%v): %+v", err, three)
		}
	})
}

func TestUnscopedStatementsOnTenantTablesFailNamingTheTable(t *testing.T) {
	eachDialect(t, func(t *testing.T, d string) {
		s := scoped(t, d)
		ctx := ctxFor(t, s, nil, 1, 7)
		escape := Tenant(ctx).Session(&gorm.Session{NewDB: true})
		var ns []note
		cases := map[string]error{
			"query":  s.db.Find(&ns).Error,
			"count":  s.db.Table("notes").Count(new(int64)).Error,
			"escape": escape.Find(&ns).Error,
			"update": s.db.Model(&note{}).Where("id = 1").Update("body", "x").Error,
			"delete": s.db.Delete(&note{ID: 1}).Error,
			"insert": s.db.Create(&note{TenantID: 1, Body: "x"}).Error,
		}
		for name, err := range cases {
			if !errors.Is(err, ErrUnscoped) || !strings.Contains(err.Error(), `"notes"`) {
				t.Errorf("%s: want ErrUnscoped naming notes, got %v", name, err)
			}
		}
		// Raw SQL cannot be scoped: refused through Tenant, allowed through Unscoped.
		var c int64
		if err := Tenant(ctx).Raw("SELECT count(*) FROM notes").Scan(&c).Error; !errors.Is(err, ErrUnscoped) {
			t.Errorf("raw through Tenant: %v", err)
		}
		if err := Tenant(ctx).Exec("DELETE FROM notes").Error; !errors.Is(err, ErrUnscoped) {
			t.Errorf("exec through Tenant: %v", err)
		}
		if err := Unscoped(ctx).Raw("SELECT count(*) FROM notes WHERE tenant_id = ?", TenantID(ctx)).Scan(&c).Error; err != nil || c != 2 {
			t.Errorf("raw through Unscoped: %d, %v", c, err)
		}
		if err := Unscoped(ctx).Find(&ns).Error; err != nil || len(ns) != 3 {
			t.Errorf("Unscoped sees %d notes, %v", len(ns), err)
		}
		// Tables without tenant_id need no scope.
		if err := s.db.Create(&colour{Name: "teal"}).Error; err != nil {
			t.Errorf("insert into a shared table: %v", err)
		}
		var cs []colour
		if err := Tenant(ctx).Find(&cs).Error; err != nil || len(cs) != 1 {
			t.Errorf("shared table through Tenant: %d, %v", len(cs), err)
		}
		// No tenant in the context: nothing works through Tenant.
		st, _ := s.state(&pluginv1.Actor{})
		if err := Tenant(withState(t.Context(), st)).Find(&ns).Error; !errors.Is(err, ErrNoTenant) {
			t.Errorf("Tenant without a tenant: %v", err)
		}
	})
}

func TestTenantScopeHoldsInTransactions(t *testing.T) {
	eachDialect(t, func(t *testing.T, d string) {
		s := scoped(t, d)
		ctx := ctxFor(t, s, nil, 2, 8)
		err := Tenant(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.Create(&note{Body: "in tx"}).Error; err != nil {
				return err
			}
			return tx.Transaction(func(inner *gorm.DB) error { // a savepoint
				var ns []note
				if err := inner.Find(&ns).Error; err != nil {
					return err
				}
				if bodies(ns) != "two-a,in tx" {
					t.Errorf("inside the transaction tenant 2 sees %q", bodies(ns))
				}
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		var c int64
		Tenant(ctx).Model(&note{}).Count(&c)
		if c != 2 {
			t.Fatalf("tenant 2 has %d notes after the transaction", c)
		}
	})
}

func TestTenantOutsideTheSDKPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "not a request, job or event") {
			t.Fatalf("recovered %v", r)
		}
	}()
	Tenant(t.Context())
}
