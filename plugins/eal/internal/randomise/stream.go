package randomise

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"math"
)

// stream is step 4's keyed stream of u64 values for one label.
type stream struct {
	mac    hash.Hash
	prefix []byte // the message without its block counter
	block  uint64 // the next block's counter
	buf    []byte // what is left of the current block
}

func newStream(seed Seed, c canonical, label string) *stream {
	p := domain("stream")
	p = binary.BigEndian.AppendUint32(p, c.wave)
	p = append(p, c.hash[:]...)
	p = appendString(p, label)
	return &stream{mac: hmac.New(sha256.New, seed[:]), prefix: p}
}

// next returns the stream's next u64.
func (s *stream) next() uint64 {
	if len(s.buf) == 0 {
		s.mac.Reset()
		s.mac.Write(binary.BigEndian.AppendUint64(append([]byte(nil), s.prefix...), s.block))
		s.buf = s.mac.Sum(nil)
		s.block++
	}
	v := binary.BigEndian.Uint64(s.buf)
	s.buf = s.buf[8:]
	return v
}

// uniform returns a value in [0, k), k ≥ 2, without bias: it draws again
// while the value is at or above the largest multiple of k below 2^64.
func (s *stream) uniform(k uint64) uint64 {
	rem := (math.MaxUint64%k + 1) % k // 2^64 mod k
	for {
		if v := s.next(); v <= math.MaxUint64-rem {
			return v % k
		}
	}
}
