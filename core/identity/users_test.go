package identity_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/core/audit"
	"github.com/challengepartners/upwards/core/identity"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

func TestCreateUser(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a, b := newTenant(t, db, "a"), newTenant(t, db, "b")
		s := identity.NewService(db, testOptions(newClock()))

		u, err := s.CreateUser(ctx, a, "  Alice@Example.ORG ", " Alice Smith ", pw, true)
		if err != nil {
			t.Fatal(err)
		}
		if u.ID == 0 || u.TenantID != a || u.Email != "alice@example.org" || u.Name != "Alice Smith" || !u.IsOperator ||
			u.DisabledAt != nil || u.CreatedAt.IsZero() || !strings.HasPrefix(u.PasswordHash, "$argon2id$v=19$m=1024,t=1,p=1$") {
			t.Fatalf("created %+v", u)
		}
		_, err = s.CreateUser(ctx, a, "ALICE@example.org", "Other", pw, false)
		wantErr(t, err, identity.ErrConflict)
		// The same email in another tenant is another user.
		ub, err := s.CreateUser(ctx, b, "alice@example.org", "Alice B", pw, false)
		if err != nil || ub.ID == u.ID {
			t.Fatalf("same email in tenant b: %+v %v", ub, err)
		}
		_, err = s.CreateUser(ctx, 9999, "x@example.org", "X", pw, false)
		wantErr(t, err, identity.ErrNotFound)

		for _, c := range []struct{ email, name, password, field string }{
			{"not-an-email", "N", pw, "email"},
			{"", "N", pw, "email"},
			{"bob@", "N", pw, "email"},
			{"Bob <bob@example.org>", "N", pw, "email"},
			{strings.Repeat("x", 250) + "@example.org", "N", pw, "email"},
			{"bob@example.org", "  ", pw, "name"},
			{"bob@example.org", "Bob", "short", "password"},
			{"bob@example.org", "Bob", "123456789", "password"},
			{"bob@example.org", "Bob", strings.Repeat("p", 257), "password"},
			{"bob@example.org", "Bob", "BOB@example.org", "password"},
		} {
			_, err := s.CreateUser(ctx, a, c.email, c.name, c.password, false)
			wantValidation(t, err, c.field)
		}
		if _, err := s.CreateUser(ctx, a, "bob@example.org", "Bob", strings.Repeat("violet kettle orbit lantern ", 10)[:256], false); err != nil {
			t.Fatalf("256-character password refused: %v", err)
		}

		got, err := s.GetUser(ctx, a, u.ID)
		if err != nil || got.Email != u.Email || got.PasswordHash != u.PasswordHash {
			t.Fatalf("get: %+v %v", got, err)
		}
		_, err = s.GetUser(ctx, b, u.ID)
		wantErr(t, err, identity.ErrNotFound)
		got, err = s.UserByEmail(ctx, a, " ALICE@example.org")
		if err != nil || got.ID != u.ID {
			t.Fatalf("by email: %+v %v", got, err)
		}
		if got, err = s.UserByEmail(ctx, b, "alice@example.org"); err != nil || got.ID != ub.ID {
			t.Fatalf("tenant b by email: %+v %v", got, err)
		}
		_, err = s.UserByEmail(ctx, a, "nobody@example.org")
		wantErr(t, err, identity.ErrNotFound)

		js, _ := json.Marshal(u)
		if strings.Contains(string(js), "argon2") || !strings.Contains(string(js), `"tenant_id":`) || !strings.Contains(string(js), `"is_operator":true`) {
			t.Fatalf("user json %s", js)
		}

		evs, _, err := audit.List(ctx, db.DB, a, audit.Filter{Action: "user.create"})
		if err != nil || len(evs) != 2 {
			t.Fatalf("user.create events in tenant a: %d %v", len(evs), err)
		}
		e := evs[len(evs)-1]
		if e.EntityType != "user" || e.EntityID != "1" || !strings.Contains(e.After, `"email":"alice@example.org"`) {
			t.Fatalf("audit %+v", e)
		}
	})
}

func TestListUsers(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a, b := newTenant(t, db, "a"), newTenant(t, db, "b")
		s := identity.NewService(db, testOptions(newClock()))
		for _, e := range []struct{ email, name string }{
			{"carol@example.org", "Carol Jones"}, {"alice@example.org", "Alice Smith"},
			{"bob@school.example", "Bob SMITHSON"}, {"dan_x@example.org", "Dan"},
		} {
			if _, err := s.CreateUser(ctx, a, e.email, e.name, pw, false); err != nil {
				t.Fatal(err)
			}
		}
		mustUser(t, s, b, "smith@other.example")

		emails := func(us []identity.User) string {
			var out []string
			for _, u := range us {
				out = append(out, u.Email)
			}
			return strings.Join(out, ",")
		}
		cases := []struct {
			q     string
			want  string
			total int64
		}{
			{"", "alice@example.org,bob@school.example,carol@example.org,dan_x@example.org", 4},
			{"smith", "alice@example.org,bob@school.example", 2},
			{"SCHOOL", "bob@school.example", 1},
			{"_", "dan_x@example.org", 1},
			{"%", "", 0},
			{"nobody", "", 0},
		}
		for _, c := range cases {
			us, total, err := s.ListUsers(ctx, a, c.q, 0, 0)
			if err != nil || emails(us) != c.want || total != c.total {
				t.Fatalf("q=%q: %s (total %d) %v, want %s", c.q, emails(us), total, err, c.want)
			}
		}
		us, total, err := s.ListUsers(ctx, a, "", 2, 1)
		if err != nil || emails(us) != "bob@school.example,carol@example.org" || total != 4 {
			t.Fatalf("page: %s %d %v", emails(us), total, err)
		}
	})
}

func TestUpdateAndDisableUser(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		a, b := newTenant(t, db, "a"), newTenant(t, db, "b")
		s := identity.NewService(db, testOptions(newClock()))
		u := mustUser(t, s, a, "alice@example.org")
		tok, _ := mustLogin(t, s, a, "alice@example.org", pw, ip1)

		_, err := s.UpdateUser(ctx, b, u.ID, "Hacker", false)
		wantErr(t, err, identity.ErrNotFound)
		_, err = s.UpdateUser(ctx, a, u.ID, "", false)
		wantValidation(t, err, "name")

		got, err := s.UpdateUser(ctx, a, u.ID, "Alice Renamed", false)
		if err != nil || got.Name != "Alice Renamed" || got.DisabledAt != nil {
			t.Fatalf("rename: %+v %v", got, err)
		}
		if _, err := s.UpdateUser(ctx, a, u.ID, "Alice Renamed", false); err != nil {
			t.Fatal(err)
		}
		evs, _, _ := audit.List(ctx, db.DB, a, audit.Filter{Action: "user.update"})
		if len(evs) != 1 || !strings.Contains(evs[0].Before, `"User alice@example.org"`) ||
			!strings.Contains(evs[0].After, `"Alice Renamed"`) {
			t.Fatalf("want one user.update event (no-op not audited): %+v", evs)
		}

		got, err = s.UpdateUser(ctx, a, u.ID, "Alice Renamed", true)
		if err != nil || got.DisabledAt == nil {
			t.Fatalf("disable: %+v %v", got, err)
		}
		if evs, _, _ := audit.List(ctx, db.DB, a, audit.Filter{Action: "user.disable"}); len(evs) != 1 {
			t.Fatalf("user.disable events: %d", len(evs))
		}
		_, _, err = s.SessionByToken(ctx, tok)
		wantErr(t, err, identity.ErrNotFound)
		var n int64
		db.Model(&identity.Session{}).Where("user_id = ?", u.ID).Count(&n)
		if n != 0 {
			t.Fatalf("disabling left %d sessions", n)
		}
		_, _, _, err = s.Login(ctx, a, "alice@example.org", pw, ip1, agent)
		wantErr(t, err, identity.ErrDisabled)
		// A disabled user with a wrong password learns nothing more than anyone.
		_, _, _, err = s.Login(ctx, a, "alice@example.org", "wrong password!", ip2, agent)
		wantErr(t, err, identity.ErrBadCredentials)

		if got, err = s.UpdateUser(ctx, a, u.ID, "Alice Renamed", false); err != nil || got.DisabledAt != nil {
			t.Fatalf("enable: %+v %v", got, err)
		}
		mustLogin(t, s, a, "alice@example.org", pw, ip1)
	})
}
