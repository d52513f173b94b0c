package pupils

import (
	"github.com/challengepartners/upwards/core/sealed"
	"github.com/challengepartners/upwards/core/storage"
)

// Service reads and changes pupil records, checking access and writing the
// audit log.
type Service struct {
	db  *storage.DB
	box *sealed.Box
}

// NewService returns the pupil service over db, sealing UPNs with box.
func NewService(db *storage.DB, box *sealed.Box) *Service {
	return &Service{db: db, box: box}
}

// HashUPN returns the look-up hash of a canonical UPN (see upn.Parse).
func (s *Service) HashUPN(u string) string { return s.box.Lookup(u, UPNContext) }

// SealUPN returns the sealed form of a canonical UPN.
func (s *Service) SealUPN(u string) []byte { return s.box.Seal(u, UPNContext) }

// OpenUPN returns the UPN of a record, for the few places that may show it.
func (s *Service) OpenUPN(p Pupil) (string, error) { return s.box.Open(p.UPNSealed, UPNContext) }
