package sealed

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func box(t *testing.T, key string) *Box {
	t.Helper()
	k, err := ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(k)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSealOpenRoundTripAndBinding(t *testing.T) {
	b := box(t, NewKey())
	s1, s2 := b.Seal("B801200005001", "pupil.upn"), b.Seal("B801200005001", "pupil.upn")
	if bytes.Equal(s1, s2) {
		t.Fatal("two seals of one value are equal: the nonce is not random")
	}
	if bytes.Contains(s1, []byte("801200005001")) {
		t.Fatal("sealed value contains the plaintext")
	}
	got, err := b.Open(s1, "pupil.upn")
	if err != nil || got != "B801200005001" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := b.Open(s1, "other.column"); !errors.Is(err, ErrOpen) {
		t.Fatalf("opened under another context: %v", err)
	}
	s1[len(s1)-1] ^= 1
	if _, err := b.Open(s1, "pupil.upn"); !errors.Is(err, ErrOpen) {
		t.Fatalf("opened altered data: %v", err)
	}
	if _, err := box(t, NewKey()).Open(s2, "pupil.upn"); !errors.Is(err, ErrOpen) {
		t.Fatalf("opened under another key: %v", err)
	}
}

func TestLookupIsKeyedAndStable(t *testing.T) {
	key := NewKey()
	a, b, other := box(t, key), box(t, key), box(t, NewKey())
	if a.Lookup("B801200005001", "upn") != b.Lookup("B801200005001", "upn") {
		t.Fatal("same key, same value: different hashes")
	}
	if a.Lookup("B801200005001", "upn") == other.Lookup("B801200005001", "upn") {
		t.Fatal("another key gives the same hash")
	}
	if a.Lookup("B801200005001", "upn") == a.Lookup("B801200005001", "x") {
		t.Fatal("context does not separate hashes")
	}
	if len(a.Lookup("x", "y")) != 64 {
		t.Fatal("hash is not 64 hex characters")
	}
}

func TestParseKey(t *testing.T) {
	if _, err := ParseKey(strings.Repeat("ab", 32)); err != nil {
		t.Fatalf("hex key: %v", err)
	}
	for _, bad := range []string{"", "short", "AAAA", strings.Repeat("zz", 32)} {
		if _, err := ParseKey(bad); err == nil {
			t.Fatalf("ParseKey(%q) accepted", bad)
		}
	}
	if _, err := New(make([]byte, 16)); err == nil {
		t.Fatal("New accepted a 16-byte key")
	}
}

func TestKeyFileCreatedOnceWithPrivateMode(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sub", "pupil.key")
	k1, err := LoadOrCreateKeyFile(p)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := LoadOrCreateKeyFile(p)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("second load gave another key: %v", err)
	}
	st, err := os.Stat(p)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v", st.Mode().Perm(), err)
	}
	if err := os.WriteFile(p, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKeyFile(p); err == nil {
		t.Fatal("a corrupt key file was accepted")
	}
}

// A derived key is the same from the same master key and label (every node,
// every restart), and unrelated for another label or master key.
func TestDeriveKeyIsStablePerLabel(t *testing.T) {
	master, err := ParseKey(NewKey())
	if err != nil {
		t.Fatal(err)
	}
	other, _ := ParseKey(NewKey())
	k1, err1 := DeriveKey(master, "upwards plugin audit seal v1")
	k2, err2 := DeriveKey(bytes.Clone(master), "upwards plugin audit seal v1")
	k3, _ := DeriveKey(master, "another purpose")
	k4, _ := DeriveKey(other, "upwards plugin audit seal v1")
	if err1 != nil || err2 != nil || len(k1) != KeySize || !bytes.Equal(k1, k2) {
		t.Fatalf("same master and label: %x %x (%v %v)", k1, k2, err1, err2)
	}
	if bytes.Equal(k1, k3) || bytes.Equal(k1, k4) || bytes.Equal(k1, master) {
		t.Fatal("a derived key equals another label's, another master's or the master")
	}
	if _, err := DeriveKey(master[:16], "x"); err == nil {
		t.Fatal("a short master key was accepted")
	}
}
