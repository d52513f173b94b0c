package storage

// MaxBoundForTest is maxBound, for the tests of package storage_test.
const MaxBoundForTest = maxBound
