package identity

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password length limits, in characters.
const (
	MinPasswordLength = 10
	MaxPasswordLength = 256
)

const (
	saltLen = 16
	keyLen  = 32
)

var errMalformedHash = errors.New("malformed argon2id hash")

// HashPassword hashes password with argon2id and returns it as a PHC string,
// "$argon2id$v=19$m=65536,t=2,p=2$SALT$HASH" (unpadded standard base64).
func HashPassword(password string, p Params) (string, error) {
	if err := p.check(); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches the PHC string encoded,
// using the costs recorded in it and a constant-time comparison. An error
// means encoded is not an argon2id hash this package can read.
func VerifyPassword(encoded, password string) (bool, error) {
	p, salt, key, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// needsRehash reports whether encoded was made with costs other than p.
func needsRehash(encoded string, p Params) bool {
	got, _, key, err := parsePHC(encoded)
	return err != nil || got != p || len(key) != keyLen
}

func (p Params) check() error {
	switch {
	case p.Threads < 1:
		return errors.New("argon2id threads must be at least 1")
	case p.Time < 1:
		return errors.New("argon2id time must be at least 1")
	case p.Memory < 8*uint32(p.Threads):
		return errors.New("argon2id memory must be at least 8 KiB per thread")
	case p.Memory > 1<<21:
		return errors.New("argon2id memory must be at most 2 GiB")
	case p.Time > 64:
		return errors.New("argon2id time must be at most 64")
	}
	return nil
}

// parsePHC splits "$argon2id$v=19$m=M,t=T,p=P$SALT$HASH", refusing costs
// out of range so that a corrupt row cannot make a login exhaust the node.
func parsePHC(encoded string) (Params, []byte, []byte, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return Params{}, nil, nil, errMalformedHash
	}
	v, ok := strings.CutPrefix(parts[2], "v=")
	if !ok || v != strconv.Itoa(argon2.Version) {
		return Params{}, nil, nil, fmt.Errorf("%w: unsupported version", errMalformedHash)
	}
	var p Params
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return Params{}, nil, nil, errMalformedHash
	}
	for i, name := range []string{"m=", "t=", "p="} {
		s, ok := strings.CutPrefix(kv[i], name)
		if !ok {
			return Params{}, nil, nil, errMalformedHash
		}
		bits := 32
		if name == "p=" {
			bits = 8
		}
		n, err := strconv.ParseUint(s, 10, bits)
		if err != nil {
			return Params{}, nil, nil, fmt.Errorf("%w: %s", errMalformedHash, name)
		}
		switch name {
		case "m=":
			p.Memory = uint32(n)
		case "t=":
			p.Time = uint32(n)
		default:
			p.Threads = uint8(n)
		}
	}
	if err := p.check(); err != nil {
		return Params{}, nil, nil, fmt.Errorf("%w: %w", errMalformedHash, err)
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return Params{}, nil, nil, fmt.Errorf("%w: salt", errMalformedHash)
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return Params{}, nil, nil, fmt.Errorf("%w: hash", errMalformedHash)
	}
	return p, salt, key, nil
}

// validatePassword enforces the length limits, refuses the email itself and
// any password the strength estimator finds guessable (see checkStrength).
func validatePassword(password, email, name string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLength:
		return invalid("password", fmt.Sprintf("must be at least %d characters", MinPasswordLength))
	case n > MaxPasswordLength:
		return invalid("password", fmt.Sprintf("must be at most %d characters", MaxPasswordLength))
	case email != "" && strings.EqualFold(strings.TrimSpace(password), email):
		return invalid("password", "must not be your email address")
	}
	return checkStrength(password, email, name)
}
