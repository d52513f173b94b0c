package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"unicode/utf8"
)

// Limits of Host calls that the core applies and the SDK and its test Host
// mirror.
const (
	// MaxMails is the most mails one SendMails call takes.
	MaxMails = 1000
	// MaxAuditEntries is the most entries one DeliverAudit call takes.
	MaxAuditEntries = 100
	// MaxAuditDocument is the most bytes of before_json or after_json of an
	// entry delivered from an audit outbox.
	MaxAuditDocument = 256 << 10
)

// CheckMail says why the core's mail outbox would refuse a mail to the
// address to with subject and body; nil if it would not. It never repeats
// the address.
func CheckMail(to, subject, body string) error {
	if _, err := netmail.ParseAddress(to); err != nil || !strings.Contains(to, "@") {
		return errors.New("the recipient's address is not an email address")
	}
	switch {
	case strings.TrimSpace(subject) == "" || strings.ContainsAny(subject, "\r\n") || utf8.RuneCountInString(subject) > 300:
		return errors.New("the subject must be one line of 1 to 300 characters")
	case !utf8.ValidString(subject) || !utf8.ValidString(body):
		return errors.New("subject and body must be UTF-8")
	case len(body) > 1<<20:
		return errors.New("the body is at most 1 MiB")
	}
	return nil
}

// CheckAuditFields says why the core would refuse an audit entry of plugin
// pluginID with this action and entity: the action must be the plugin's own
// ("<id>.<…>", at most 100 characters), the entity's type and id at most 64
// characters each.
func CheckAuditFields(pluginID, action, entityType, entityID string) error {
	switch {
	case pluginID == "" || !strings.HasPrefix(action, pluginID+".") || action == pluginID+".":
		return fmt.Errorf("an audit action must start with %q", pluginID+".")
	case len(action) > 100:
		return errors.New("an audit action is at most 100 characters")
	case len(entityType) > 64 || len(entityID) > 64:
		return errors.New("entity_type and entity_id are at most 64 characters")
	}
	return nil
}

// pupilIdentifierKeys are the JSON keys the core's audit log refuses at any
// depth (core/audit): an audit entry names pupils by id only.
var pupilIdentifierKeys = []string{"upn", "upn_sealed", "given_name", "family_name", "date_of_birth"}

// AuditDocument checks one JSON document of an audit entry (its before or
// after) as the core will, and returns it compacted as the core stores it:
// JSON naming pupils by id only (no upn, upn_sealed, given_name,
// family_name or date_of_birth key). An empty document is none. The size
// of an outbox entry's documents (MaxAuditDocument) is the caller's check.
func AuditDocument(doc string) (string, error) {
	if doc == "" {
		return "", nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(doc)); err != nil {
		return "", errors.New("it is not a JSON document")
	}
	out := buf.String()
	for _, k := range pupilIdentifierKeys {
		if strings.Contains(out, `"`+k+`":`) {
			return "", fmt.Errorf("it holds a pupil's %s: audit entries name pupils by id only", k)
		}
	}
	return out, nil
}
