package chain_test

import (
	"testing"
	"time"

	"github.com/challengepartners/upwards/core/audit/chain"
)

func base() chain.Link {
	uid := uint(7)
	return chain.Link{TenantID: 1, Seq: 3, PrevHash: "ab", CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC),
		ActorUserID: &uid, ActorLabel: "a@example.org", Action: "pupil.read", EntityType: "pupil", EntityID: "2 pupils",
		Before: "", After: `{"via":"GET /pupils"}`, RequestID: "r", IP: "127.0.0.1", PupilIDs: []uint{4, 9}}
}

func TestEveryFieldChangesTheHash(t *testing.T) {
	h := chain.Hash(base())
	if len(h) != 64 {
		t.Fatalf("hash %q is not hex SHA-256", h)
	}
	other := uint(8)
	changes := map[string]func(*chain.Link){
		"tenant":     func(l *chain.Link) { l.TenantID = 2 },
		"seq":        func(l *chain.Link) { l.Seq = 4 },
		"prev":       func(l *chain.Link) { l.PrevHash = "ac" },
		"time":       func(l *chain.Link) { l.CreatedAt = l.CreatedAt.Add(time.Microsecond) },
		"actor id":   func(l *chain.Link) { l.ActorUserID = &other },
		"no actor":   func(l *chain.Link) { l.ActorUserID = nil },
		"label":      func(l *chain.Link) { l.ActorLabel = "b@example.org" },
		"action":     func(l *chain.Link) { l.Action = "pupil.export" },
		"entity":     func(l *chain.Link) { l.EntityType = "pupils" },
		"entity id":  func(l *chain.Link) { l.EntityID = "3 pupils" },
		"before":     func(l *chain.Link) { l.Before = "{}" },
		"after":      func(l *chain.Link) { l.After = `{"via":"GET /x"}` },
		"request":    func(l *chain.Link) { l.RequestID = "s" },
		"ip":         func(l *chain.Link) { l.IP = "10.0.0.1" },
		"one pupil":  func(l *chain.Link) { l.PupilIDs = []uint{4} },
		"new pupil":  func(l *chain.Link) { l.PupilIDs = []uint{4, 9, 10} },
		"no pupils":  func(l *chain.Link) { l.PupilIDs = nil },
		"shift text": func(l *chain.Link) { l.EntityType, l.EntityID = "pupil2", " pupils" },
	}
	for name, change := range changes {
		l := base()
		l.PupilIDs = append([]uint(nil), l.PupilIDs...)
		change(&l)
		if chain.Hash(l) == h {
			t.Errorf("changing %s left the hash unchanged", name)
		}
	}
}

func TestTimeZoneAndSubMicrosecondsDoNotMatter(t *testing.T) {
	l := base()
	h := chain.Hash(l)
	l.CreatedAt = l.CreatedAt.In(time.FixedZone("BST", 3600)).Add(999 * time.Nanosecond)
	if chain.Hash(l) != h {
		t.Fatal("the same instant at microsecond precision must hash alike whatever its zone")
	}
}

func TestPupilIDs(t *testing.T) {
	got, err := chain.PupilIDs([]uint{9, 4, 9, 1})
	if err != nil || len(got) != 3 || got[0] != 1 || got[1] != 4 || got[2] != 9 {
		t.Fatalf("PupilIDs = %v, %v; want [1 4 9]", got, err)
	}
	if _, err := chain.PupilIDs([]uint{3, 0}); err == nil {
		t.Fatal("pupil id 0 must be refused")
	}
	if got, err := chain.PupilIDs(nil); got != nil || err != nil {
		t.Fatalf("no pupils: %v %v", got, err)
	}
}
