package store

// CohortMember returns the member of the school's cohort in the year (ErrNotFound
// for another school's or year's), with its cohort.
func (s *Store) CohortMember(yearID, schoolID, memberID uint64) (*Cohort, *CohortMember, error) {
	return s.cohortMember(yearID, schoolID, memberID)
}
