package pluginhost

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/storage"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// pluginDir is DATA_DIR/plugins/<id>, absolute, created if missing.
func (rt *Runtime) pluginDir(id string) (string, error) {
	dir, err := filepath.Abs(filepath.Join(rt.deps.DataDir, "plugins", id))
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", dir, err)
	}
	return dir, nil
}

// SchemaName is the PostgreSQL schema of plugin id.
func SchemaName(id string) string { return "plugin_" + id }

// RoleName is the PostgreSQL role of plugin id in the database named
// database: plugin_<id>_<8 hex digits of the database name's SHA-256>.
// A schema is the database's but a role is the whole server's, so two
// installs on one PostgreSQL server (production and staging, or tests run
// side by side) each need their own: one install setting the password of a
// shared role would lock the other's plugin out of its database.
func RoleName(id, database string) string {
	sum := sha256.Sum256([]byte(database))
	return SchemaName(id) + "_" + hex.EncodeToString(sum[:4])
}

// provision prepares plugin p's own storage and returns how it reaches it:
// the SQLite file DATA_DIR/plugins/<id>/<id>.db in the embedded default; on
// PostgreSQL the schema plugin_<id>, owned by the LOGIN role plugin_<id>
// (password generated once, kept in the registry), which has no rights on
// the core's tables. A schema provisioned before roles were per database
// (owned by plugin_<id>) passes to this database's role with all it holds.
func (rt *Runtime) provision(ctx context.Context, p Plugin) (*pluginv1.Storage, string, error) {
	dir, err := rt.pluginDir(p.ID)
	if err != nil {
		return nil, "", err
	}
	if rt.deps.DB.Dialect != storage.Postgres {
		return &pluginv1.Storage{Driver: "sqlite", Dsn: filepath.Join(dir, p.ID+".db")}, dir, nil
	}
	schema := SchemaName(p.ID) // the id is [a-z][a-z0-9]{1,31}: a safe identifier
	var database string
	if err := rt.deps.DB.WithContext(ctx).Raw("SELECT current_database()").Scan(&database).Error; err != nil {
		return nil, "", fmt.Errorf("look up the database's name: %w", err)
	}
	name := RoleName(p.ID, database) // hex digits: a safe identifier too
	var password string
	err = rt.withPluginLock(ctx, p.ID, func() error {
		// Read the password under the lock: nodes starting together agree on it.
		cur, err := rt.reg.Get(ctx, p.ID)
		if err != nil {
			return err
		}
		if password = cur.DBPassword; password == "" {
			var b [24]byte
			if _, err := rand.Read(b[:]); err != nil {
				return err
			}
			password = base64.RawURLEncoding.EncodeToString(b[:])
			if err := rt.reg.setDBPassword(ctx, p.ID, password); err != nil {
				return err
			}
		}
		db := rt.deps.DB.WithContext(ctx)
		var exists bool
		if err := db.Raw("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ?)", name).Scan(&exists).Error; err != nil {
			return fmt.Errorf("look up role %s: %w", name, err)
		}
		verb := "CREATE"
		if exists {
			verb = "ALTER"
		}
		// The password is base64url: no quote can occur in it.
		stmts := []string{
			fmt.Sprintf("%s ROLE %s LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '%s'", verb, name, password),
			fmt.Sprintf("GRANT %s TO CURRENT_USER", name),
		}
		var owner string
		if err := db.Raw("SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = ?", schema).Scan(&owner).Error; err != nil {
			return fmt.Errorf("look up schema %s: %w", schema, err)
		}
		if owner == schema { // the role of an older core, shared by every database
			stmts = append(stmts, fmt.Sprintf("REASSIGN OWNED BY %s TO %s", owner, name))
		}
		stmts = append(stmts,
			fmt.Sprintf("CREATE SCHEMA IF NOT EXISTS %s AUTHORIZATION %s", schema, name),
			fmt.Sprintf("ALTER SCHEMA %s OWNER TO %s", schema, name),
			fmt.Sprintf("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %s", name),
			// Least privilege: nothing of schema public (PUBLIC's USAGE is
			// taken by core migration 13), none of the core's functions.
			fmt.Sprintf("REVOKE ALL ON SCHEMA public FROM %s", name),
			fmt.Sprintf("REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM %s", name),
		)
		grant, err := connectGrant(db, name)
		if err != nil {
			return err
		}
		stmts = append(stmts, grant...)
		for _, s := range stmts {
			if err := db.Exec(s).Error; err != nil {
				return fmt.Errorf("provision schema %s: %w", name, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	dsn, err := pluginDSN(rt.deps.DatabaseURL, name, schema, password)
	if err != nil {
		return nil, "", err
	}
	return &pluginv1.Storage{Driver: "postgres", Dsn: dsn, Schema: schema}, dir, nil
}

// connectGrant is the statement that lets role connect to the core's
// database, which core migration 13 took from PUBLIC: the plugin's role
// reaches this database and no other the core made. Nothing when the
// core's role does not own the database (then PUBLIC's CONNECT was kept).
func connectGrant(db *gorm.DB, role string) ([]string, error) {
	var d struct {
		Name  string
		Owner bool
	}
	if err := db.Raw(`SELECT datname AS name, pg_has_role(current_user, datdba, 'MEMBER') AS owner
		FROM pg_database WHERE datname = current_database()`).Scan(&d).Error; err != nil {
		return nil, fmt.Errorf("look up the database: %w", err)
	}
	if !d.Owner {
		return nil, nil
	}
	return []string{fmt.Sprintf("GRANT CONNECT ON DATABASE %s TO %s", db.Statement.Quote(d.Name), role)}, nil
}

// pluginDSN is the core's PostgreSQL URL with the plugin's role and schema.
func pluginDSN(coreURL, role, schema, password string) (string, error) {
	u, err := url.Parse(coreURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", errors.New("the core's database URL is not a postgres:// URL")
	}
	u.User = url.UserPassword(role, password)
	q := u.Query()
	q.Del("options")
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// withPluginLock runs fn holding plugin id's lock across every node: a
// PostgreSQL advisory lock, or an flock on DATA_DIR/plugins/<id>/migrate.lock.
func (rt *Runtime) withPluginLock(ctx context.Context, id string, fn func() error) error {
	if rt.deps.DB.Dialect == storage.Postgres {
		sqlDB, err := rt.deps.DB.DB.DB()
		if err != nil {
			return fmt.Errorf("plugin lock: %w", err)
		}
		conn, err := sqlDB.Conn(ctx)
		if err != nil {
			return fmt.Errorf("plugin lock: %w", err)
		}
		defer conn.Close()
		key := lockKey(id)
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
			return fmt.Errorf("plugin lock %s: %w", id, err)
		}
		defer func() { _, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key) }()
		return fn()
	}
	dir, err := rt.pluginDir(id)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(dir, "migrate.lock"), os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		return fmt.Errorf("plugin lock %s: %w", id, err)
	}
	defer f.Close()
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return fmt.Errorf("plugin lock %s: %w", id, err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("plugin lock %s: %w", id, ctx.Err())
		case <-time.After(25 * time.Millisecond):
		}
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN) //nolint:errcheck // released on close too
	return fn()
}

// lockKey is plugin id's advisory lock key, apart from the core's migration lock.
func lockKey(id string) int64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte("upwards-plugin:" + id))
	return int64(h.Sum64() &^ (1 << 63))
}
