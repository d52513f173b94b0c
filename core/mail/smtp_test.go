package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http/httptest"
	netmail "net/mail"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeSMTP is a minimal SMTP server on 127.0.0.1 that records one session's
// envelope and data.
type fakeSMTP struct {
	ln       net.Listener
	tlsConf  *tls.Config // offered by STARTTLS when startTLS is set
	startTLS bool
	reject   string // RCPT address answered with 550

	mu       sync.Mutex
	helo     string
	auth     string // decoded AUTH PLAIN response
	from, to string
	data     string
	tlsUsed  bool
}

// testCert returns a server certificate for 127.0.0.1 and a pool trusting it.
func testCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	srv := httptest.NewUnstartedServer(nil)
	srv.StartTLS()
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	return srv.TLS.Certificates[0], pool
}

func startFakeSMTP(t *testing.T, f *fakeSMTP, implicitTLS bool) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if implicitTLS {
		ln = tls.NewListener(ln, f.tlsConf)
	}
	f.ln = ln
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(c, implicitTLS)
		}
	}()
	return ln.Addr().String()
}

func (f *fakeSMTP) serve(conn net.Conn, isTLS bool) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	tp := textproto.NewConn(conn)
	reply := func(s string) { _ = tp.PrintfLine("%s", s) }
	reply("220 fake.test ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "EHLO", "HELO":
			f.mu.Lock()
			f.helo = arg
			f.mu.Unlock()
			ext := []string{"250-fake.test", "250-AUTH PLAIN"}
			if f.startTLS && !isTLS {
				ext = append(ext, "250-STARTTLS")
			}
			for _, e := range append(ext, "250 8BITMIME") {
				reply(e)
			}
		case "STARTTLS":
			reply("220 go ahead")
			tc := tls.Server(conn, f.tlsConf)
			if err := tc.Handshake(); err != nil {
				return
			}
			conn, isTLS = tc, true
			tp = textproto.NewConn(tc)
			f.mu.Lock()
			f.tlsUsed = true
			f.mu.Unlock()
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			dec, err := base64.StdEncoding.DecodeString(resp)
			if mech != "PLAIN" || err != nil {
				reply("504 unsupported")
				continue
			}
			f.mu.Lock()
			f.auth = string(dec)
			f.mu.Unlock()
			reply("235 2.7.0 accepted")
		case "MAIL":
			f.mu.Lock()
			f.from, _, _ = strings.Cut(strings.TrimPrefix(arg, "FROM:"), " ") // drop BODY=8BITMIME
			f.mu.Unlock()
			reply("250 ok")
		case "RCPT":
			to := strings.TrimPrefix(arg, "TO:")
			if f.reject != "" && strings.Contains(to, f.reject) {
				reply("550 5.1.1 no such user")
				continue
			}
			f.mu.Lock()
			f.to = to
			f.mu.Unlock()
			reply("250 ok")
		case "DATA":
			reply("354 end with .")
			b, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			f.mu.Lock()
			f.data = string(b)
			f.mu.Unlock()
			reply("250 2.0.0 queued")
		case "QUIT":
			reply("221 bye")
			return
		case "RSET", "NOOP":
			reply("250 ok")
		default:
			reply("502 unknown command")
		}
	}
}

var smtpTestMessage = Message{
	TenantID: 1,
	To:       "Ada Lovelace <ada@example.org>",
	Subject:  "Your review — café visit",
	Body:     "Dear Ada,\n.\nFrom here on this line is long enough to need soft line breaks in quoted-printable encoding, surely.\nSchöne Grüße\n",
}

// checkDelivered parses the recorded message and compares it with smtpTestMessage.
func checkDelivered(t *testing.T, f *fakeSMTP) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.from != "<noreply@upwards.test>" || f.to != "<ada@example.org>" {
		t.Errorf("envelope from %q to %q", f.from, f.to)
	}
	msg, err := netmail.ReadMessage(strings.NewReader(f.data))
	if err != nil {
		t.Fatalf("delivered data is no RFC 5322 message: %v\n%s", err, f.data)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != smtpTestMessage.Subject {
		t.Errorf("subject %q (%v)", subject, err)
	}
	if to := msg.Header.Get("To"); to != `"Ada Lovelace" <ada@example.org>` {
		t.Errorf("To: %q", to)
	}
	if msg.Header.Get("Message-Id") == "" || msg.Header.Get("Date") == "" {
		t.Errorf("missing Message-ID or Date: %v", msg.Header)
	}
	if cte := msg.Header.Get("Content-Transfer-Encoding"); cte != "quoted-printable" {
		t.Errorf("transfer encoding %q", cte)
	}
	for _, line := range strings.Split(f.data, "\n") {
		if len(line) > 78 || strings.ContainsFunc(line, func(r rune) bool { return r > 127 }) {
			t.Errorf("line not 7-bit clean and short: %q", line)
		}
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.ReplaceAll(string(body), "\r\n", "\n"); got != smtpTestMessage.Body {
		t.Errorf("body %q\nwant %q", got, smtpTestMessage.Body)
	}
}

func TestSMTPSenderPlainWithAuth(t *testing.T) {
	f := &fakeSMTP{}
	addr := startFakeSMTP(t, f, false)
	s, err := NewSMTPSender("smtp://mailer:s3cret@" + addr)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), "Upwards <noreply@upwards.test>", smtpTestMessage); err != nil {
		t.Fatal(err)
	}
	checkDelivered(t, f)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.auth != "\x00mailer\x00s3cret" {
		t.Errorf("AUTH PLAIN sent %q", f.auth)
	}
	if f.helo == "" || f.tlsUsed {
		t.Errorf("helo %q, tls %v", f.helo, f.tlsUsed)
	}
}

func TestSMTPSenderUsesSTARTTLSWhenOffered(t *testing.T) {
	cert, pool := testCert(t)
	f := &fakeSMTP{startTLS: true, tlsConf: &tls.Config{Certificates: []tls.Certificate{cert}}}
	addr := startFakeSMTP(t, f, false)
	s, err := NewSMTPSender("smtp://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	s.(*smtpSender).tlsConfig = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	if err := s.Send(context.Background(), "noreply@upwards.test", smtpTestMessage); err != nil {
		t.Fatal(err)
	}
	checkDelivered(t, f)
	if !f.tlsUsed {
		t.Error("STARTTLS was offered but not used")
	}

	// Without trusting the certificate the sender refuses to go on in clear.
	f2 := &fakeSMTP{startTLS: true, tlsConf: f.tlsConf}
	addr2 := startFakeSMTP(t, f2, false)
	s2, _ := NewSMTPSender("smtp://" + addr2)
	if err := s2.Send(context.Background(), "noreply@upwards.test", smtpTestMessage); err == nil || !strings.Contains(err.Error(), "starttls") {
		t.Errorf("untrusted STARTTLS certificate: %v", err)
	}
	if f2.data != "" {
		t.Error("message delivered despite a failed STARTTLS")
	}
}

func TestSMTPSenderImplicitTLS(t *testing.T) {
	cert, pool := testCert(t)
	f := &fakeSMTP{tlsConf: &tls.Config{Certificates: []tls.Certificate{cert}}}
	addr := startFakeSMTP(t, f, true)
	s, err := NewSMTPSender("smtps://user:pw@" + addr)
	if err != nil {
		t.Fatal(err)
	}
	s.(*smtpSender).tlsConfig = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	if err := s.Send(context.Background(), "noreply@upwards.test", smtpTestMessage); err != nil {
		t.Fatal(err)
	}
	checkDelivered(t, f)
}

func TestSMTPSenderRejections(t *testing.T) {
	f := &fakeSMTP{reject: "nobody@"}
	addr := startFakeSMTP(t, f, false)
	s, err := NewSMTPSender("smtp://" + addr)
	if err != nil {
		t.Fatal(err)
	}
	m := smtpTestMessage
	m.To = "nobody@example.org"
	err = s.Send(context.Background(), "noreply@upwards.test", m)
	var te *textproto.Error
	if !errors.As(err, &te) || te.Code != 550 || !permanentSMTP(err) {
		t.Fatalf("rejected recipient: %v", err)
	}
	// Nothing listens on the port any more: a temporary failure.
	f.ln.Close()
	if err := s.Send(context.Background(), "noreply@upwards.test", smtpTestMessage); err == nil || permanentSMTP(err) {
		t.Errorf("closed server: %v", err)
	}
	// Credentials over plain text to a non-local host are refused by net/smtp;
	// bad URLs are refused up front.
	for _, bad := range []string{"http://x", "smtp://", "smtp://%zz", ""} {
		if _, err := NewSMTPSender(bad); err == nil {
			t.Errorf("NewSMTPSender(%q) accepted", bad)
		}
	}
	if _, err := NewSMTPSender("smtp://u:topsecret@%zz"); err == nil || strings.Contains(err.Error(), "topsecret") {
		t.Errorf("bad url error %v must not show the password", err)
	}
}
