package mail

import (
	"context"
	"errors"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"gorm.io/gorm"

	"github.com/challengepartners/upwards/core/jobs"
	"github.com/challengepartners/upwards/core/jobs/jobstest"
	"github.com/challengepartners/upwards/core/storage"
	"github.com/challengepartners/upwards/core/storage/storagetest"
)

const testFrom = "Upwards <noreply@upwards.test>"

// rig is an outbox with its mail jobs on an embedded Redis and a running worker.
type rig struct {
	db     *storage.DB
	client *jobs.Client
	outbox *Outbox
}

func newRig(t *testing.T, db *storage.DB, s Sender, opts ...asynq.Option) *rig {
	t.Helper()
	r := jobstest.Open(t, jobstest.Embedded)
	reg := jobs.NewRegistry()
	client := jobs.NewClient(r, reg)
	o := NewOutbox(db, client)
	if err := Register(reg, o, s, testFrom, opts...); err != nil {
		t.Fatal(err)
	}
	w := jobs.NewWorker(r, reg, jobs.Options{
		Concurrency:      2,
		PollInterval:     50 * time.Millisecond,
		ShutdownTimeout:  2 * time.Second,
		RetryDelayFunc:   func(int, error, *asynq.Task) time.Duration { return 10 * time.Millisecond },
		DisableScheduler: true, // tests enqueue the sweep themselves
	})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Shutdown)
	return &rig{db: db, client: client, outbox: o}
}

func (g *rig) row(t *testing.T, id uint) Mail {
	t.Helper()
	var m Mail
	if err := g.db.First(&m, id).Error; err != nil {
		t.Fatalf("load mail %d: %v", id, err)
	}
	return m
}

func (g *rig) waitStatus(t *testing.T, id uint, status string) Mail {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		m := g.row(t, id)
		if m.Status == status {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("mail %d is %s after 15s (attempts %d, last error %q), want %s", id, m.Status, m.Attempts, m.LastError, status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitIdle waits until the worker has processed n tasks in all and none is left to run.
func (g *rig) waitIdle(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s, err := g.client.Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if s.Processed >= n && s.Pending+s.Active+s.Retry+s.Scheduled == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs not done after 15s: %+v, want %d processed", s, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var welcome = Message{
	TenantID: 1,
	To:       "Ada Lovelace <ada@example.org>",
	Subject:  "Welcome to Upwards — café",
	Body:     "Hello Ada,\nFrom now on you can sign in.\n",
}

func TestQueuedMailIsSentToTheLog(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		logPath := filepath.Join(t.TempDir(), "var", "mail.log")
		g := newRig(t, db, NewLogSender(logPath))
		var id uint
		err := db.Transaction(func(tx *gorm.DB) error {
			var err error
			id, err = g.outbox.Queue(ctx, tx, welcome)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := g.outbox.Kick(ctx, id); err != nil {
			t.Fatal(err)
		}
		m := g.waitStatus(t, id, StatusSent)
		if m.Attempts != 1 || m.SentAt == nil || m.LastError != "" || m.ToAddr != `"Ada Lovelace" <ada@example.org>` {
			t.Errorf("sent row %+v", m)
		}
		data, err := os.ReadFile(logPath)
		if err != nil {
			t.Fatal(err)
		}
		log := string(data)
		for _, want := range []string{
			"From noreply@upwards.test ",
			"From: \"Upwards\" <noreply@upwards.test>\n",
			"To: \"Ada Lovelace\" <ada@example.org>\n",
			"Subject: =?utf-8?q?Welcome_to_Upwards_=E2=80=94_caf=C3=A9?=\n",
			"Content-Type: text/plain; charset=utf-8\n",
			"\n\nHello Ada,\n>From now on you can sign in.\n\n",
		} {
			if !strings.Contains(log, want) {
				t.Errorf("mail log lacks %q:\n%s", want, log)
			}
		}
		for path, mode := range map[string]os.FileMode{logPath: 0o600, filepath.Dir(logPath): 0o700} {
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != mode {
				t.Errorf("%s: mode %v (%v), want %v", path, fi.Mode().Perm(), err, mode)
			}
		}
		list, err := g.outbox.List(ctx, 1, 0)
		if err != nil || len(list) != 1 || list[0].ID != id || list[0].Status != StatusSent {
			t.Errorf("list tenant 1: %+v, %v", list, err)
		}
		if other, _ := g.outbox.List(ctx, 2, 10); len(other) != 0 {
			t.Errorf("tenant 2 sees tenant 1's mail: %+v", other)
		}
	})
}

func TestQueueValidatesAndJoinsTheCallersTransaction(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		o := NewOutbox(db, nil) // Queue never enqueues
		bad := map[string]Message{
			"no tenant":       {To: "a@example.org", Subject: "s"},
			"no address":      {TenantID: 1, To: "not an address", Subject: "s"},
			"no domain":       {TenantID: 1, To: "a@", Subject: "s"},
			"two addresses":   {TenantID: 1, To: "a@example.org, b@example.org", Subject: "s"},
			"empty subject":   {TenantID: 1, To: "a@example.org", Subject: "  "},
			"header injected": {TenantID: 1, To: "a@example.org", Subject: "hi\r\nBcc: victim@example.org"},
			"long subject":    {TenantID: 1, To: "a@example.org", Subject: strings.Repeat("x", 301)},
		}
		for name, m := range bad {
			if _, err := o.Queue(ctx, nil, m); err == nil {
				t.Errorf("%s: queued", name)
			}
		}
		rollback := errors.New("the caller's change failed")
		err := db.Transaction(func(tx *gorm.DB) error {
			if _, err := o.Queue(ctx, tx, welcome); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatal(err)
		}
		var n int64
		if err := db.Model(&Mail{}).Count(&n).Error; err != nil || n != 0 {
			t.Fatalf("%d rows after rejected and rolled-back queues (%v)", n, err)
		}
	})
}

// failingSender fails every send with err and counts its calls.
type failingSender struct {
	err   error
	calls atomic.Int32
}

func (s *failingSender) Send(context.Context, string, Message) error {
	s.calls.Add(1)
	return s.err
}

func TestFailingSenderIsRetriedThenMarkedFailed(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := &failingSender{err: errors.New("dial tcp: connection refused")}
		g := newRig(t, db, s, asynq.MaxRetry(2))
		id, err := g.outbox.Send(ctx, welcome)
		if err != nil {
			t.Fatal(err)
		}
		m := g.waitStatus(t, id, StatusFailed)
		if m.Attempts != 3 || !strings.Contains(m.LastError, "connection refused") || m.SentAt != nil {
			t.Errorf("failed row %+v", m)
		}
		if n := s.calls.Load(); n != 3 {
			t.Errorf("sender called %d times, want 3", n)
		}
		// A failed row stays failed: kicks and sweeps leave it alone.
		if err := g.outbox.Kick(ctx, id); err != nil {
			t.Fatal(err)
		}
		if m := g.row(t, id); m.Status != StatusFailed || m.Attempts != 3 {
			t.Errorf("row after kick %+v", m)
		}
	})
}

func TestPermanentRejectionFailsAtOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		s := &failingSender{err: &textproto.Error{Code: 550, Msg: "5.1.1 mailbox unavailable"}}
		g := newRig(t, db, s)
		id, err := g.outbox.Send(context.Background(), welcome)
		if err != nil {
			t.Fatal(err)
		}
		m := g.waitStatus(t, id, StatusFailed)
		if m.Attempts != 1 || s.calls.Load() != 1 || !strings.Contains(m.LastError, "mailbox unavailable") {
			t.Errorf("row %+v after %d sends", m, s.calls.Load())
		}
	})
}

// gatedSender records sends; the first blocks until release is closed.
type gatedSender struct {
	mu      sync.Mutex
	sent    []Message
	entered chan struct{}
	release chan struct{}
}

func (s *gatedSender) Send(_ context.Context, _ string, m Message) error {
	s.mu.Lock()
	first := len(s.sent) == 0
	s.sent = append(s.sent, m)
	s.mu.Unlock()
	if first {
		close(s.entered)
		<-s.release
	}
	return nil
}

func TestMailIsSentOnceHoweverOftenItIsEnqueued(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := &gatedSender{entered: make(chan struct{}), release: make(chan struct{})}
		g := newRig(t, db, s)
		id, err := g.outbox.Queue(ctx, nil, welcome)
		if err != nil {
			t.Fatal(err)
		}
		for range 2 { // the second kick finds the row's task already queued
			if err := g.outbox.Kick(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		select {
		case <-s.entered:
		case <-time.After(15 * time.Second):
			t.Fatal("send did not start")
		}
		// A duplicate task (not deduplicated by task id) runs while the
		// first send is in flight: it must lose the claim, not send again.
		if _, err := g.client.Enqueue(ctx, TaskSend, sendPayload{ID: id}); err != nil {
			t.Fatal(err)
		}
		g.waitIdleExceptOne(t)
		close(s.release)
		g.waitStatus(t, id, StatusSent)
		// And one more after the row is sent.
		if _, err := g.client.Enqueue(ctx, TaskSend, sendPayload{ID: id}); err != nil {
			t.Fatal(err)
		}
		g.waitIdle(t, 3)
		s.mu.Lock()
		defer s.mu.Unlock()
		if len(s.sent) != 1 {
			t.Fatalf("sent %d times, want once", len(s.sent))
		}
		if m := g.row(t, id); m.Attempts != 1 {
			t.Errorf("attempts %d, want 1", m.Attempts)
		}
	})
}

// waitIdleExceptOne waits until only the blocked send is left.
func (g *rig) waitIdleExceptOne(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s, err := g.client.Stats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if s.Active == 1 && s.Pending+s.Retry == 0 && s.Processed >= 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("duplicate task not done after 15s: %+v", s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSweepSendsForgottenMail(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		logPath := filepath.Join(t.TempDir(), "mail.log")
		g := newRig(t, db, NewLogSender(logPath))
		forgotten, err := g.outbox.Queue(ctx, nil, welcome)
		if err != nil {
			t.Fatal(err)
		}
		fresh, err := g.outbox.Queue(ctx, nil, Message{TenantID: 1, To: "bob@example.org", Subject: "Fresh", Body: "b"})
		if err != nil {
			t.Fatal(err)
		}
		old := time.Now().UTC().Add(-2 * time.Minute)
		if err := db.Model(&Mail{}).Where("id = ?", forgotten).Update("created_at", old).Error; err != nil {
			t.Fatal(err)
		}
		if _, err := g.client.Enqueue(ctx, TaskSweep, nil); err != nil {
			t.Fatal(err)
		}
		g.waitStatus(t, forgotten, StatusSent)
		g.waitIdle(t, 2) // the sweep and the send it kicked
		if m := g.row(t, fresh); m.Status != StatusPending || m.Attempts != 0 {
			t.Errorf("a mail younger than a minute was swept: %+v", m)
		}
		data, _ := os.ReadFile(logPath)
		if n := strings.Count(string(data), "\nTo: "); n != 1 {
			t.Errorf("mail log holds %d messages, want 1", n)
		}
	})
}

func TestRegisterChecksItsArguments(t *testing.T) {
	reg := jobs.NewRegistry()
	o := NewOutbox(nil, nil)
	if err := Register(reg, o, NewLogSender(filepath.Join(t.TempDir(), "m.log")), "not-an-address"); err == nil {
		t.Error("bad sender address accepted")
	}
	if err := Register(reg, o, NewLogSender(filepath.Join(t.TempDir(), "m.log")), testFrom); err != nil {
		t.Fatal(err)
	}
	if err := Register(reg, o, NewLogSender(filepath.Join(t.TempDir(), "m.log")), testFrom); err == nil {
		t.Error("second registration accepted")
	}
	s := reg.Schedules()
	if len(s) != 1 || s[0].TaskType != TaskSweep || s[0].Cronspec != "@every 1m" {
		t.Errorf("schedules %+v", s)
	}
	if snd, err := NewSender("", "/tmp/x"); err != nil || snd.(*logSender).path != "/tmp/x/mail.log" {
		t.Errorf("default sender %v %v", snd, err)
	}
}
