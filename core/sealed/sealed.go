// Package sealed protects identifiers that are personal data (a pupil's UPN)
// at rest: values are encrypted with AES-256-GCM and found again through a
// keyed hash (HMAC-SHA-256), so the database holds neither the value nor an
// unkeyed digest that could be reversed by enumerating the 13-character space.
//
// One 32-byte master key, from configuration, derives separate keys for
// encryption and for look-up hashes (HKDF-SHA-256 with distinct labels).
package sealed

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/hkdf"
)

// KeySize is the length of the master key in bytes.
const KeySize = 32

// ErrOpen is returned when a sealed value cannot be decrypted: it was sealed
// under another key, or it has been altered.
var ErrOpen = errors.New("sealed value cannot be opened: wrong key or altered data")

// Box seals and opens values under one master key. It is safe for concurrent use.
type Box struct {
	aead    cipher.AEAD
	hashKey []byte
}

// New derives the encryption and look-up keys from a 32-byte master key.
func New(master []byte) (*Box, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("sealed: master key must be %d bytes, got %d", KeySize, len(master))
	}
	encKey, err := derive(master, "upwards sealed v1 encryption")
	if err != nil {
		return nil, err
	}
	hashKey, err := derive(master, "upwards sealed v1 lookup")
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(encKey)
	if err != nil {
		return nil, fmt.Errorf("sealed: cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("sealed: gcm: %w", err)
	}
	return &Box{aead: aead, hashKey: hashKey}, nil
}

// DeriveKey derives from the master key a 32-byte key for another purpose,
// named by label (HKDF-SHA-256): keys of different labels are unrelated,
// and none reveals the master key or the keys that seal pupil identifiers.
func DeriveKey(master []byte, label string) ([]byte, error) {
	if len(master) != KeySize {
		return nil, fmt.Errorf("sealed: master key must be %d bytes, got %d", KeySize, len(master))
	}
	return derive(master, label)
}

func derive(master []byte, label string) ([]byte, error) {
	k := make([]byte, KeySize)
	if _, err := io.ReadFull(hkdf.New(sha256.New, master, nil, []byte(label)), k); err != nil {
		return nil, fmt.Errorf("sealed: derive %s: %w", label, err)
	}
	return k, nil
}

// Seal encrypts plaintext; context (e.g. "pupil.upn") is bound as additional
// data, so a value cannot be moved to another column and still open.
func (b *Box) Seal(plaintext, context string) []byte {
	nonce := make([]byte, b.aead.NonceSize(), b.aead.NonceSize()+len(plaintext)+b.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic(fmt.Sprintf("sealed: no randomness: %v", err)) // crypto/rand never fails on supported platforms
	}
	return b.aead.Seal(nonce, nonce, []byte(plaintext), []byte(context))
}

// Open decrypts a value made by Seal with the same context.
func (b *Box) Open(sealed []byte, context string) (string, error) {
	n := b.aead.NonceSize()
	if len(sealed) < n+b.aead.Overhead() {
		return "", ErrOpen
	}
	out, err := b.aead.Open(nil, sealed[:n], sealed[n:], []byte(context))
	if err != nil {
		return "", ErrOpen
	}
	return string(out), nil
}

// Lookup returns the keyed hash of value under context, hex-encoded (64
// characters): equal values give equal hashes, and without the key nobody can
// test a guess against it.
func (b *Box) Lookup(value, context string) string {
	m := hmac.New(sha256.New, b.hashKey)
	m.Write([]byte(context))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return hex.EncodeToString(m.Sum(nil))
}

// ParseKey decodes a master key written as base64 (standard or URL alphabet,
// padded or not) or as 64 hex characters.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if len(s) == 2*KeySize {
		if k, err := hex.DecodeString(s); err == nil {
			return k, nil
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if k, err := enc.DecodeString(s); err == nil {
			if len(k) != KeySize {
				return nil, fmt.Errorf("key decodes to %d bytes, want %d", len(k), KeySize)
			}
			return k, nil
		}
	}
	return nil, fmt.Errorf("key is neither base64 nor 64 hex characters (make one with: head -c32 /dev/urandom | base64)")
}

// NewKey returns a fresh random master key, base64-encoded.
func NewKey() string {
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		panic(fmt.Sprintf("sealed: no randomness: %v", err))
	}
	return base64.StdEncoding.EncodeToString(k)
}

// LoadOrCreateKeyFile reads the master key from path, creating the file
// (mode 0600) with a fresh key when it does not exist. It is meant for the
// single-node embedded default; production supplies the key in configuration.
func LoadOrCreateKeyFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		if err := createKeyFile(path); err != nil {
			return nil, err
		}
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("read key file %s: %w", path, err)
	}
	k, err := ParseKey(string(b))
	if err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	return k, nil
}

// createKeyFile writes a fresh key to path unless another process made it first.
func createKeyFile(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create key directory for %s: %w", path, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create key file %s: %w", path, err)
	}
	if _, err := f.WriteString(NewKey() + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("write key file %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write key file %s: %w", path, err)
	}
	return nil
}
