// Package chain defines how an audit event is hashed into its tenant's chain:
// the canonical, unambiguous encoding of an event's fields and the SHA-256
// over it. It has no dependencies so that both the audit package (which
// writes and verifies the chain) and the storage migration that chains rows
// written before the chain existed compute exactly the same hash.
package chain

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Version prefixes every encoding, so a future change of the format cannot
// produce a hash that collides with one of this format.
const Version = "upwards-audit-chain-v1"

// Link is everything one audit event's hash covers.
type Link struct {
	TenantID    uint
	Seq         int64
	PrevHash    string // "" for the first event of a tenant
	CreatedAt   time.Time
	ActorUserID *uint
	ActorLabel  string
	Action      string
	EntityType  string
	EntityID    string
	Before      string
	After       string
	RequestID   string
	IP          string
	// PupilIDs are the pupils the event names, as returned by PupilIDs (sorted, unique).
	PupilIDs []uint
}

// TimeFormat is the canonical form of an event's time: UTC, microseconds (the
// precision both SQLite and PostgreSQL keep).
const TimeFormat = "2006-01-02T15:04:05.000000Z"

// Hash returns the lowercase hex SHA-256 of l's canonical encoding.
func Hash(l Link) string {
	sum := sha256.Sum256(Encode(l))
	return hex.EncodeToString(sum[:])
}

// Encode returns l's canonical encoding: the version, then every field as a
// netstring ("LEN:BYTES,"), so no two different links encode alike.
func Encode(l Link) []byte {
	b := make([]byte, 0, 256+len(l.Before)+len(l.After)+8*len(l.PupilIDs))
	field := func(s string) {
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
		b = append(b, ',')
	}
	field(Version)
	field(strconv.FormatUint(uint64(l.TenantID), 10))
	field(strconv.FormatInt(l.Seq, 10))
	field(l.PrevHash)
	field(l.CreatedAt.UTC().Format(TimeFormat))
	if l.ActorUserID != nil {
		field(strconv.FormatUint(uint64(*l.ActorUserID), 10))
	} else {
		field("")
	}
	field(l.ActorLabel)
	field(l.Action)
	field(l.EntityType)
	field(l.EntityID)
	field(l.Before)
	field(l.After)
	field(l.RequestID)
	field(l.IP)
	field(strconv.Itoa(len(l.PupilIDs)))
	for _, id := range l.PupilIDs {
		field(strconv.FormatUint(uint64(id), 10))
	}
	return b
}

// PupilIDs returns ids sorted and without repeats, the form a Link carries.
// A zero id is an error: it names no pupil.
func PupilIDs(ids []uint) ([]uint, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	out := slices.Clone(ids)
	slices.Sort(out)
	out = slices.Compact(out)
	if out[0] == 0 {
		return nil, fmt.Errorf("pupil id 0 names no pupil")
	}
	return out, nil
}
