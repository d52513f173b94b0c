package pluginhost

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"sync"
	"time"
)

// actor is what an actor token stands for: one request or job of one
// plugin, in one tenant, for one user (0: the tenant itself).
type actor struct {
	PluginID  string
	TenantID  uint
	UserID    uint
	UserEmail string
	RequestID string
	Expires   time.Time
}

var (
	errNoToken      = errors.New("no actor token")
	errUnknownToken = errors.New("unknown or revoked actor token")
	errExpiredToken = errors.New("expired actor token")
)

// tokenStore maps opaque actor tokens to actors. It is process-local: each
// node talks only to its own plugin processes.
type tokenStore struct {
	now       func() time.Time
	mu        sync.Mutex
	m         map[string]actor
	lastSweep time.Time
}

func newTokenStore() *tokenStore {
	return &tokenStore{now: time.Now, m: map[string]actor{}}
}

// mint returns a new token for a, valid for ttl, and the function that
// revokes it (call it when the request or job returns).
func (s *tokenStore) mint(a actor, ttl time.Duration) (string, func()) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("pluginhost: no randomness for an actor token: " + err.Error())
	}
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	now := s.now()
	a.Expires = now.Add(ttl)
	s.mu.Lock()
	s.m[tok] = a
	if now.Sub(s.lastSweep) > time.Minute {
		for k, v := range s.m {
			if now.After(v.Expires) {
				delete(s.m, k)
			}
		}
		s.lastSweep = now
	}
	s.mu.Unlock()
	return tok, func() {
		s.mu.Lock()
		delete(s.m, tok)
		s.mu.Unlock()
	}
}

// resolve returns the actor of tok, if it is current.
func (s *tokenStore) resolve(tok string) (actor, error) {
	if tok == "" {
		return actor{}, errNoToken
	}
	s.mu.Lock()
	a, ok := s.m[tok]
	s.mu.Unlock()
	if !ok {
		return actor{}, errUnknownToken
	}
	if s.now().After(a.Expires) {
		return actor{}, errExpiredToken
	}
	return a, nil
}

// live counts the tokens not yet revoked (tests).
func (s *tokenStore) live() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}
