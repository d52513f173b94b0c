package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	netmail "net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Message is one mail to send.
type Message struct {
	TenantID uint
	// To is one address, optionally with a display name ("Ada <ada@example.org>").
	To      string
	Subject string
	// Body is plain text (UTF-8).
	Body string
}

// Limits of a queued message.
const (
	maxAddrLen    = 254
	maxSubjectLen = 300 // characters
	maxBodyLen    = 1 << 20
)

// validate checks m and returns the recipient as it is stored.
func (m Message) validate() (to string, err error) {
	if m.TenantID == 0 {
		return "", errors.New("no tenant")
	}
	addr, err := parseAddress(m.To)
	if err != nil {
		return "", fmt.Errorf("recipient: %w", err)
	}
	to = addr.String()
	if len(to) > maxAddrLen {
		return "", fmt.Errorf("recipient is longer than %d bytes", maxAddrLen)
	}
	if strings.TrimSpace(m.Subject) == "" {
		return "", errors.New("empty subject")
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return "", errors.New("subject contains a line break")
	}
	if utf8.RuneCountInString(m.Subject) > maxSubjectLen {
		return "", fmt.Errorf("subject is longer than %d characters", maxSubjectLen)
	}
	if !utf8.ValidString(m.Subject) || !utf8.ValidString(m.Body) {
		return "", errors.New("subject or body is not valid UTF-8")
	}
	if len(m.Body) > maxBodyLen {
		return "", fmt.Errorf("body is larger than %d bytes", maxBodyLen)
	}
	return to, nil
}

// parseAddress accepts exactly one RFC 5322 address with a domain.
func parseAddress(s string) (*netmail.Address, error) {
	addr, err := netmail.ParseAddress(s)
	if err != nil {
		return nil, fmt.Errorf("%q is not an email address: %w", s, err)
	}
	at := strings.LastIndexByte(addr.Address, '@')
	if at <= 0 || at == len(addr.Address)-1 {
		return nil, fmt.Errorf("%q is not an email address with a domain", s)
	}
	return addr, nil
}

// transferEncoding of a composed body.
type transferEncoding string

const (
	quotedPrintable transferEncoding = "quoted-printable" // for SMTP: 7-bit clean, short lines
	eightBit        transferEncoding = "8bit"             // for the mail log: readable as is
)

// compose renders m from from as an RFC 5322 message with CRLF line endings.
func compose(from string, m Message, now time.Time, enc transferEncoding) ([]byte, error) {
	fromAddr, err := parseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("sender: %w", err)
	}
	toAddr, err := parseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("recipient: %w", err)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, errors.New("subject contains a line break")
	}
	var b bytes.Buffer
	header := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	header("From", fromAddr.String())
	header("To", toAddr.String())
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", messageID(fromAddr.Address))
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", string(enc))
	b.WriteString("\r\n")
	body := strings.ReplaceAll(strings.ReplaceAll(m.Body, "\r\n", "\n"), "\r", "\n")
	if !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	body = strings.ReplaceAll(body, "\n", "\r\n")
	switch enc {
	case quotedPrintable:
		w := quotedprintable.NewWriter(&b)
		if _, err := w.Write([]byte(body)); err != nil {
			return nil, fmt.Errorf("encode body: %w", err)
		}
		if err := w.Close(); err != nil {
			return nil, fmt.Errorf("encode body: %w", err)
		}
	default:
		b.WriteString(body)
	}
	return b.Bytes(), nil
}

func messageID(fromAddress string) string {
	domain := fromAddress[strings.LastIndexByte(fromAddress, '@')+1:]
	var r [12]byte
	_, _ = rand.Read(r[:])
	return fmt.Sprintf("<%d.%s@%s>", time.Now().UnixNano(), hex.EncodeToString(r[:]), domain)
}
