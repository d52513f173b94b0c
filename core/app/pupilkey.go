package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/challengepartners/upwards/core/config"
	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/sealed"
	"github.com/challengepartners/upwards/core/storage"
)

// legacyDatabase is where the embedded database lived, whatever --data-dir
// said, before it moved into the data directory beside its pupil key.
const legacyDatabase = "var/upwards.db"

// checkDatabasePlace refuses to start on a new, empty default database in
// DataDir when the database of an install made before the move is still at
// legacyDatabase: serving would hide every pupil, and the key in DataDir
// belongs with that old file. It must run before the database is opened,
// which creates the file.
func checkDatabasePlace(cfg config.Config) error {
	if !cfg.DatabaseInDataDir {
		return nil
	}
	path := filepath.Join(cfg.DataDir, config.DatabaseFile)
	if filepath.Clean(path) == filepath.Clean(legacyDatabase) || exists(path) || !exists(legacyDatabase) {
		return nil
	}
	return fmt.Errorf("the database is now kept in the data directory, beside its pupil key, but %s does not exist and %s does: "+
		"move %s and its -wal and -shm files into %s (or set --database-url sqlite:%s to keep it where it is)",
		path, legacyDatabase, legacyDatabase, cfg.DataDir, legacyDatabase)
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// openPupilBox returns the box that seals pupil identifiers, with the key
// the configuration names: the pupil-key setting, or on SQLite the key file
// in DataDir. A database and the key that sealed its UPNs must never part,
// so it refuses a key that does not open the database's sealed values (a
// pupil's UPN, or else an uploaded import), and on SQLite it refuses to make
// a new key file for a database that already holds sealed values. Its
// messages name the files to put together.
func openPupilBox(ctx context.Context, cfg config.Config, db *storage.DB) (*sealed.Box, []byte, error) {
	check, err := pupils.SealedSample(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	var key []byte
	switch {
	case cfg.PupilKey != "" || cfg.Postgres():
		if key, err = cfg.LoadPupilKey(); err != nil {
			return nil, nil, err
		}
	case check != nil && !exists(cfg.PupilKeyFile()):
		return nil, nil, fmt.Errorf("the database %s holds sealed pupil identifiers, but there is no pupil key at %s. "+
			"A database and the key file made with it must be kept together: put the database's pupil.key into %s, "+
			"or start with --data-dir set to the directory that holds both", db.Path, cfg.PupilKeyFile(), cfg.DataDir)
	default:
		if key, err = sealed.LoadOrCreateKeyFile(cfg.PupilKeyFile()); err != nil {
			return nil, nil, err
		}
	}
	box, err := sealed.New(key)
	if err != nil {
		return nil, nil, fmt.Errorf("pupil key: %w", err)
	}
	if check == nil || check.Opens(box) {
		return box, key, nil
	}
	if cfg.PupilKey != "" || cfg.Postgres() {
		return nil, nil, errors.New("the pupil key set by pupil-key (UPWARDS_PUPIL_KEY) does not open the sealed pupil identifiers of this database: " +
			"give the key the database was made with")
	}
	return nil, nil, fmt.Errorf("the pupil key %s does not open the sealed pupil identifiers of the database %s: the two were not made together. "+
		"Put the database and its own pupil.key in one data directory (--data-dir), or give its key with --pupil-key",
		cfg.PupilKeyFile(), db.Path)
}
