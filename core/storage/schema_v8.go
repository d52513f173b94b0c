package storage

import (
	"errors"
	"fmt"

	"gorm.io/gorm"
)

// Schema version 8: pupils' UPN hashes shortened to their first 128 bits
// (32 hex characters; see pupils.UPNHashLen). The look-up hash is a keyed
// HMAC-SHA-256 of the UPN; its first half keeps look-ups exact (a chance
// collision within a tenant of a million pupils is about 1 in 10^27) and
// halves the unique index (tenant_id, upn_hash) that every look-up and
// import walks: the SQLite import of 290,000 pupils ran about 1.3 times as
// fast (docs/import.md).
func v8Up(tx *gorm.DB, _ Dialect) error {
	if err := tx.Exec("UPDATE pupils SET upn_hash = substr(upn_hash, 1, 32) WHERE length(upn_hash) > 32").Error; err != nil {
		return fmt.Errorf("shorten pupils' UPN hashes: %w", err)
	}
	return nil
}

// errV8Irreversible refuses to undo migration 8 while pupils exist.
var errV8Irreversible = errors.New("migration 8 cannot be undone while pupils exist: their UPN hashes were shortened and the full ones are not kept; an older binary would not find them by UPN. Restore the backup taken before the upgrade instead")

// v8Down undoes nothing it cannot: with no pupils there is nothing to
// restore; with pupils it refuses (errV8Irreversible), since a binary before
// version 8 would look them up by the full hash and not find them.
func v8Down(tx *gorm.DB, _ Dialect) error {
	var n int64
	if err := tx.Raw("SELECT count(*) FROM pupils").Scan(&n).Error; err != nil {
		return fmt.Errorf("count pupils: %w", err)
	}
	if n > 0 {
		return errV8Irreversible
	}
	return nil
}
