package contract

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strconv"
	"strings"
	"time"
)

// AuditClaims are what an audit seal vouches for: that the core gave plugin
// PluginID, in one call, this tenant, user (0: the tenant's system actor),
// email and request id. Host.DeliverAudit records an outbox entry in the
// name of the actor its seal names, and of no one else.
type AuditClaims struct {
	PluginID  string
	TenantID  uint64
	UserID    uint64
	UserEmail string
	RequestID string
}

// ErrAuditSeal is returned by VerifyAuditSeal for a seal that is malformed,
// made under another key, or made for other claims (another plugin, tenant,
// user, email or request).
var ErrAuditSeal = errors.New("the audit seal does not verify for this plugin and actor")

// sealPrefix versions the seal's format and its MAC input.
const sealPrefix = "v1"

// SealAudit returns the audit seal of c issued at issued, under key (the
// core's secret): "v1.<issued, unix seconds>.<HMAC-SHA-256, base64url>".
// It is opaque to a plugin, which stores it with its outbox entries.
func SealAudit(key []byte, c AuditClaims, issued time.Time) string {
	sec := issued.Unix()
	return sealPrefix + "." + strconv.FormatInt(sec, 10) + "." + base64.RawURLEncoding.EncodeToString(sealMAC(key, c, sec))
}

// VerifyAuditSeal checks that seal was made by SealAudit under key for
// exactly c, and returns when it was issued. Any mismatch is ErrAuditSeal.
func VerifyAuditSeal(key []byte, seal string, c AuditClaims) (time.Time, error) {
	parts := strings.Split(seal, ".")
	if len(key) == 0 || len(parts) != 3 || parts[0] != sealPrefix {
		return time.Time{}, ErrAuditSeal
	}
	sec, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || sec <= 0 {
		return time.Time{}, ErrAuditSeal
	}
	mac, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(mac, sealMAC(key, c, sec)) {
		return time.Time{}, ErrAuditSeal
	}
	return time.Unix(sec, 0).UTC(), nil
}

// sealMAC is the HMAC of the claims and the issue time, each field
// length-prefixed so that no two claims encode alike.
func sealMAC(key []byte, c AuditClaims, issued int64) []byte {
	m := hmac.New(sha256.New, key)
	var buf [binary.MaxVarintLen64]byte
	str := func(s string) {
		m.Write(buf[:binary.PutUvarint(buf[:], uint64(len(s)))])
		m.Write([]byte(s))
	}
	num := func(n uint64) { m.Write(buf[:binary.PutUvarint(buf[:], n)]) }
	str("upwards audit seal " + sealPrefix)
	str(c.PluginID)
	num(c.TenantID)
	num(c.UserID)
	str(c.UserEmail)
	str(c.RequestID)
	num(uint64(issued))
	return m.Sum(nil)
}
