package storage_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

// OnConn's transaction runs on the connection it hands out: a setting made
// on the connection before the transaction holds inside it, and statements
// on the connection run inside the open transaction (rolled back with it).
func TestOnConnTransactionUsesTheConnection(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		if err := db.Exec("CREATE TABLE onconn_probe (n integer)").Error; err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Exec("DROP TABLE onconn_probe") })
		rollback := errors.New("roll back")
		err := db.OnConn(ctx, func(c *storage.Conn) error {
			// A temporary table exists only on its own connection.
			if _, err := c.SQL.ExecContext(ctx, "CREATE TEMPORARY TABLE onconn_temp (n integer)"); err != nil {
				return err
			}
			return c.Transaction(func(tx *gorm.DB) error {
				if err := tx.Exec("INSERT INTO onconn_temp (n) VALUES (1)").Error; err != nil {
					t.Errorf("the transaction is not on the connection: %v", err)
				}
				if _, err := c.SQL.ExecContext(ctx, "INSERT INTO onconn_probe (n) VALUES (7)"); err != nil {
					return err
				}
				var n int64
				if err := tx.Raw("SELECT count(*) FROM onconn_probe").Scan(&n).Error; err != nil || n != 1 {
					t.Errorf("the connection's write is not in the transaction: %d %v", n, err)
				}
				return rollback
			})
		})
		if !errors.Is(err, rollback) {
			t.Fatalf("err %v", err)
		}
		var n int64
		if err := db.Raw("SELECT count(*) FROM onconn_probe").Scan(&n).Error; err != nil || n != 0 {
			t.Fatalf("a write on the connection outlived the rollback: %d %v", n, err)
		}
	})
}

// On PostgreSQL the connection reaches pgx, whose CopyFrom joins the open transaction.
func TestOnConnReachesPgx(t *testing.T) {
	db := storagetest.Open(t, storage.Postgres)
	ctx := context.Background()
	if err := db.Exec("CREATE TABLE onconn_copy (n integer)").Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Exec("DROP TABLE onconn_copy") })
	copyIn := func(fail bool) error {
		return db.OnConn(ctx, func(c *storage.Conn) error {
			return c.Transaction(func(tx *gorm.DB) error {
				err := c.SQL.Raw(func(dc any) error {
					pc, ok := dc.(interface{ Conn() *pgx.Conn })
					if !ok {
						t.Fatalf("driver connection %T is not pgx's", dc)
					}
					_, err := pc.Conn().CopyFrom(ctx, pgx.Identifier{"onconn_copy"}, []string{"n"}, pgx.CopyFromRows([][]any{{int32(1)}, {int32(2)}}))
					return err
				})
				if err != nil {
					return err
				}
				if fail {
					return errors.New("fail")
				}
				return nil
			})
		})
	}
	if err := copyIn(true); err == nil {
		t.Fatal("no error")
	}
	var n int64
	db.Raw("SELECT count(*) FROM onconn_copy").Scan(&n)
	if n != 0 {
		t.Fatalf("COPY outlived the rollback: %d rows", n)
	}
	if err := copyIn(false); err != nil {
		t.Fatal(err)
	}
	db.Raw("SELECT count(*) FROM onconn_copy").Scan(&n)
	if n != 2 {
		t.Fatalf("%d rows after the commit", n)
	}
}
