package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Sender delivers one message.
type Sender interface {
	Send(ctx context.Context, from string, m Message) error
}

// NewSender returns the SMTP sender for smtpURL, or, when it is empty (the
// embedded default), the log sender writing dataDir/mail.log.
func NewSender(smtpURL, dataDir string) (Sender, error) {
	if smtpURL == "" {
		return NewLogSender(filepath.Join(dataDir, "mail.log")), nil
	}
	return NewSMTPSender(smtpURL)
}

// smtpSender sends through an SMTP server with net/smtp.
type smtpSender struct {
	host, addr  string
	implicitTLS bool
	user, pass  string
	auth        bool
	helo        string
	tlsConfig   *tls.Config // nil: system roots, ServerName host
	timeout     time.Duration
}

// NewSMTPSender returns a sender for "smtp://[user:pass@]host[:port]"
// (default port 587; STARTTLS is used whenever the server offers it) or
// "smtps://…" (TLS from the first byte, default port 465). With a user the
// sender authenticates with AUTH PLAIN, which net/smtp refuses to do over
// an unencrypted connection except to localhost.
func NewSMTPSender(smtpURL string) (Sender, error) {
	u, err := url.Parse(smtpURL)
	if err != nil {
		// url.Parse's error repeats the URL, password included.
		return nil, errors.New("smtp url: not a valid URL")
	}
	if (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, fmt.Errorf("smtp url %q: must be smtp://[user:pass@]host:port or smtps://…", u.Redacted())
	}
	s := &smtpSender{host: u.Hostname(), implicitTLS: u.Scheme == "smtps", timeout: 2 * time.Minute}
	port := u.Port()
	if port == "" {
		port = "587"
		if s.implicitTLS {
			port = "465"
		}
	}
	s.addr = net.JoinHostPort(s.host, port)
	if u.User != nil && u.User.Username() != "" {
		s.auth = true
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	s.helo = "localhost"
	if h, err := os.Hostname(); err == nil && h != "" && !strings.ContainsAny(h, " \t\r\n") {
		s.helo = h
	}
	return s, nil
}

func (s *smtpSender) tlsConf() *tls.Config {
	if s.tlsConfig != nil {
		return s.tlsConfig.Clone()
	}
	return &tls.Config{ServerName: s.host, MinVersion: tls.VersionTLS12}
}

// Send delivers m from from in one SMTP session. The server's rejections
// come back as *textproto.Error (errors.As finds them; 5xx is permanent).
func (s *smtpSender) Send(ctx context.Context, from string, m Message) (err error) {
	fromAddr, err := parseAddress(from)
	if err != nil {
		return fmt.Errorf("smtp send: sender: %w", err)
	}
	toAddr, err := parseAddress(m.To)
	if err != nil {
		return fmt.Errorf("smtp send: recipient: %w", err)
	}
	msg, err := compose(from, m, time.Now(), quotedPrintable)
	if err != nil {
		return fmt.Errorf("smtp send: %w", err)
	}
	conn, err := s.dial(ctx)
	if err != nil {
		return fmt.Errorf("smtp send via %s: %w", s.addr, err)
	}
	defer conn.Close()
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(s.timeout)
	}
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()

	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		return fmt.Errorf("smtp send via %s: greeting: %w", s.addr, err)
	}
	defer c.Close()
	step := func(what string, err error) error {
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			err = errors.Join(ctx.Err(), err)
		}
		return fmt.Errorf("smtp send via %s: %s: %w", s.addr, what, err)
	}
	if err := step("hello", c.Hello(s.helo)); err != nil {
		return err
	}
	if !s.implicitTLS {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := step("starttls", c.StartTLS(s.tlsConf())); err != nil {
				return err
			}
		}
	}
	if s.auth {
		if ok, _ := c.Extension("AUTH"); !ok {
			return fmt.Errorf("smtp send via %s: server offers no AUTH but the url has credentials", s.addr)
		}
		if err := step("auth", c.Auth(smtp.PlainAuth("", s.user, s.pass, s.host))); err != nil {
			return err
		}
	}
	if err := step("mail from", c.Mail(fromAddr.Address)); err != nil {
		return err
	}
	if err := step("rcpt to", c.Rcpt(toAddr.Address)); err != nil {
		return err
	}
	w, err := c.Data()
	if err := step("data", err); err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return step("data", err)
	}
	if err := step("data", w.Close()); err != nil {
		return err
	}
	// The server has accepted the message; a failing QUIT changes nothing.
	_ = c.Quit()
	return nil
}

func (s *smtpSender) dial(ctx context.Context) (net.Conn, error) {
	d := &net.Dialer{Timeout: 30 * time.Second}
	if s.implicitTLS {
		return (&tls.Dialer{NetDialer: d, Config: s.tlsConf()}).DialContext(ctx, "tcp", s.addr)
	}
	return d.DialContext(ctx, "tcp", s.addr)
}

// permanentSMTP reports whether err is a 5xx reply, which retrying cannot fix.
func permanentSMTP(err error) bool {
	var te *textproto.Error
	return errors.As(err, &te) && te.Code >= 500 && te.Code < 600
}

// logSender appends each message to a file in mbox format.
type logSender struct {
	path string
	mu   sync.Mutex
}

// NewLogSender returns a sender that appends each message, in mbox format
// (readable with `mutt -f` or any text viewer), to the file at path. The
// file is created with mode 0600 and its directory with 0700: it holds
// personal data.
func NewLogSender(path string) Sender { return &logSender{path: path} }

func (s *logSender) Send(ctx context.Context, from string, m Message) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("log mail: %w", err)
	}
	now := time.Now()
	msg, err := compose(from, m, now, eightBit)
	if err != nil {
		return fmt.Errorf("log mail: %w", err)
	}
	fromAddr, _ := parseAddress(from) // compose has checked it
	var b bytes.Buffer
	fmt.Fprintf(&b, "From %s %s\n", fromAddr.Address, now.UTC().Format(time.ANSIC))
	for _, line := range strings.Split(strings.TrimSuffix(strings.ReplaceAll(string(msg), "\r\n", "\n"), "\n"), "\n") {
		if strings.HasPrefix(strings.TrimLeft(line, ">"), "From ") {
			line = ">" + line // mboxrd quoting
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	b.WriteByte('\n')

	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return fmt.Errorf("log mail: %w", err)
	}
	f, err := os.OpenFile(s.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("log mail: %w", err)
	}
	if _, err := f.Write(b.Bytes()); err != nil {
		f.Close()
		return fmt.Errorf("log mail %s: %w", s.path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("log mail %s: %w", s.path, err)
	}
	return nil
}
