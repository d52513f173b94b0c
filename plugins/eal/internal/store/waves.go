package store

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/challengepartners/upwards/plugins/eal/internal/randomise"
	"github.com/challengepartners/upwards/plugins/eal/internal/trialcsv"
)

// Waves lists a trial's waves of randomisation in order.
func (s *Store) Waves(trialID uint64) ([]Wave, error) {
	var ws []Wave
	if err := s.q().Where("trial_id = ?", trialID).Order("number").Find(&ws).Error; err != nil {
		return nil, fmt.Errorf("list waves: %w", err)
	}
	return ws, nil
}

// Wave loads a trial's wave by its number.
func (s *Store) Wave(trialID uint64, number int) (Wave, error) {
	var ws []Wave
	if err := s.q().Where("trial_id = ? AND number = ?", trialID, number).Limit(1).Find(&ws).Error; err != nil {
		return Wave{}, fmt.Errorf("wave %d: %w", number, err)
	}
	if len(ws) == 0 {
		return Wave{}, fmt.Errorf("wave %d of trial %d: %w", number, trialID, ErrNotFound)
	}
	return ws[0], nil
}

// List is the wave's frozen list.
func (w Wave) List() (randomise.List, error) {
	f, err := trialcsv.Parse(strings.NewReader(w.ListCSV))
	if err != nil {
		return randomise.List{}, fmt.Errorf("wave %d's frozen list: %w", w.Number, err)
	}
	return f.List(uint32(w.Number)), nil
}

// Revealed reports whether the wave's seed has been revealed.
func (w Wave) Revealed() bool { return w.RevealedAt != nil }

// Allocated reports whether the wave's allocation has been made.
func (w Wave) Allocated() bool { return w.AllocatedAt != nil }

// FreezeRow is one school of a list to freeze: its trial school and stratum.
type FreezeRow struct {
	TrialSchoolID uint64
	Stratum       string
}

// Freeze fixes the list of a new wave: the given schools, each with its
// stratum. Every earlier wave must be allocated (one wave is open at a
// time); every school must be of the trial, not in another wave, not
// withdrawn. The wave's number is the next one.
func (s *Store) Freeze(trialID uint64, rows []FreezeRow, stratifyBy string, by uint64, now time.Time) (Wave, error) {
	if len(rows) == 0 {
		return Wave{}, conflict("no school is ready to be randomised: a school needs its agreement signed and its baseline complete")
	}
	waves, err := s.Waves(trialID)
	if err != nil {
		return Wave{}, err
	}
	for _, w := range waves {
		if !w.Allocated() {
			return Wave{}, conflict("wave %d is not allocated yet: finish it before freezing another list", w.Number)
		}
	}
	schools, err := s.TrialSchools(trialID)
	if err != nil {
		return Wave{}, err
	}
	byID := map[uint64]TrialSchool{}
	for _, t := range schools {
		byID[t.ID] = t
	}
	list := randomise.List{Wave: uint32(len(waves) + 1)}
	ids := make([]uint64, len(rows))
	for i, r := range rows {
		t, ok := byID[r.TrialSchoolID]
		switch {
		case !ok:
			return Wave{}, fmt.Errorf("trial school %d of trial %d: %w", r.TrialSchoolID, trialID, ErrNotFound)
		case t.WaveID != nil:
			return Wave{}, conflict("school %s is in an earlier wave", t.Code)
		case t.Withdrawn():
			return Wave{}, conflict("school %s has withdrawn", t.Code)
		}
		list.Schools = append(list.Schools, randomise.Entry{School: t.Code, Stratum: r.Stratum})
		ids[i] = t.ID
	}
	if err := list.Check(); err != nil {
		return Wave{}, fmt.Errorf("the list to freeze: %w", err)
	}
	var csv bytes.Buffer
	if err := trialcsv.WriteList(&csv, list); err != nil {
		return Wave{}, err
	}
	w := Wave{TenantID: s.tenant, TrialID: trialID, Number: int(list.Wave), State: WaveFrozen, StratifyBy: stratifyBy,
		ListCSV: csv.String(), FrozenAt: now, FrozenBy: by}
	if err := s.create(&w, fmt.Sprintf("wave %d", w.Number)); err != nil {
		return Wave{}, err
	}
	res := s.q().Model(&TrialSchool{}).Where("id IN ? AND wave_id IS NULL", ids).Update("wave_id", w.ID)
	if res.Error != nil {
		return Wave{}, fmt.Errorf("put the schools in wave %d: %w", w.Number, res.Error)
	}
	if int(res.RowsAffected) != len(ids) {
		return Wave{}, conflict("a school of the list joined another wave meanwhile: freeze again")
	}
	return w, nil
}

// Commit records the commitment to the wave's frozen list and to seed (32
// bytes drawn by the caller from a cryptographic source), which is kept
// secret until Reveal. It returns the wave committed.
func (s *Store) Commit(trialID uint64, number int, seed randomise.Seed, now time.Time) (Wave, error) {
	w, err := s.Wave(trialID, number)
	if err != nil {
		return Wave{}, err
	}
	if w.State != WaveFrozen {
		return Wave{}, conflict("wave %d is committed already: a commitment is made once", number)
	}
	list, err := w.List()
	if err != nil {
		return Wave{}, err
	}
	com, err := randomise.Commit(list, seed)
	if err != nil {
		return Wave{}, fmt.Errorf("commit wave %d: %w", number, err)
	}
	res := s.q().Model(&Wave{}).Where("id = ? AND state = ?", w.ID, WaveFrozen).
		Updates(map[string]any{"state": WaveCommitted, "commitment": com.String(), "seed": seed[:], "committed_at": now})
	if err := once(res, "wave %d was committed meanwhile", number); err != nil {
		return Wave{}, err
	}
	w.State, w.Commitment, w.Seed, w.CommittedAt = WaveCommitted, com.String(), seed[:], &now
	return w, nil
}

// once turns an update that changed no row (another request got there
// first) into a conflict.
func once(res *gorm.DB, format string, args ...any) error {
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return conflict(format, args...)
	}
	return nil
}

// Allocate makes the wave's allocation from its committed list and seed,
// checks it against the commitment, and records each school's arm. It is
// made once: a second call, or one racing this, is refused.
func (s *Store) Allocate(trialID uint64, number int, now time.Time) (Wave, randomise.Allocation, error) {
	w, err := s.Wave(trialID, number)
	if err != nil {
		return Wave{}, nil, err
	}
	if w.State != WaveCommitted {
		if w.State == WaveFrozen {
			return Wave{}, nil, conflict("wave %d has no commitment yet: commit before allocating", number)
		}
		return Wave{}, nil, conflict("wave %d is allocated already: an allocation is made once and never again", number)
	}
	list, seed, com, err := w.committed()
	if err != nil {
		return Wave{}, nil, err
	}
	a, err := randomise.Randomise(list, seed)
	if err != nil {
		return Wave{}, nil, fmt.Errorf("allocate wave %d: %w", number, err)
	}
	if err := randomise.Verify(list, seed, com, a); err != nil {
		return Wave{}, nil, fmt.Errorf("wave %d's allocation fails its own commitment: %w", number, err)
	}
	var csv bytes.Buffer
	if err := trialcsv.WriteAllocation(&csv, a); err != nil {
		return Wave{}, nil, err
	}
	res := s.q().Model(&Wave{}).Where("id = ? AND state = ?", w.ID, WaveCommitted).
		Updates(map[string]any{"state": WaveAllocated, "allocation_csv": csv.String(), "allocated_at": now})
	if err := once(res, "wave %d was allocated meanwhile", number); err != nil {
		return Wave{}, nil, err
	}
	for _, as := range a {
		res := s.q().Model(&TrialSchool{}).Where("trial_id = ? AND code = ? AND wave_id = ? AND arm = ''", trialID, as.School, w.ID).
			Update("arm", as.Arm.String())
		if err := once(res, "school %s of wave %d has an arm already", as.School, number); err != nil {
			return Wave{}, nil, err
		}
	}
	w.State, w.AllocationCSV, w.AllocatedAt = WaveAllocated, csv.String(), &now
	return w, a, nil
}

// committed is the wave's list, seed and commitment, checked against each
// other.
func (w Wave) committed() (randomise.List, randomise.Seed, randomise.Commitment, error) {
	list, err := w.List()
	if err != nil {
		return list, randomise.Seed{}, randomise.Commitment{}, err
	}
	if len(w.Seed) != len(randomise.Seed{}) {
		return list, randomise.Seed{}, randomise.Commitment{}, fmt.Errorf("wave %d has no seed", w.Number)
	}
	seed := randomise.Seed(w.Seed)
	com, err := randomise.ParseCommitment(w.Commitment)
	if err != nil {
		return list, seed, com, fmt.Errorf("wave %d: %w", w.Number, err)
	}
	if err := randomise.CheckCommitment(list, seed, com); err != nil {
		return list, seed, com, fmt.Errorf("wave %d's list or seed changed since its commitment: %w", w.Number, err)
	}
	return list, seed, com, nil
}

// Reveal publishes the seed of an allocated wave.
func (s *Store) Reveal(trialID uint64, number int, now time.Time) (Wave, error) {
	w, err := s.Wave(trialID, number)
	if err != nil {
		return Wave{}, err
	}
	if w.State != WaveAllocated {
		if w.State == WaveRevealed {
			return Wave{}, conflict("wave %d's seed is revealed already", number)
		}
		return Wave{}, conflict("wave %d is not allocated yet: the seed is revealed only after the allocation", number)
	}
	res := s.q().Model(&Wave{}).Where("id = ? AND state = ?", w.ID, WaveAllocated).Updates(map[string]any{"state": WaveRevealed, "revealed_at": now})
	if err := once(res, "wave %d was revealed meanwhile", number); err != nil {
		return Wave{}, err
	}
	w.State, w.RevealedAt = WaveRevealed, &now
	return w, nil
}

// RevealedSeed is the wave's seed once revealed; before, ErrSeedSecret.
func (w Wave) RevealedSeed() (randomise.Seed, error) {
	if !w.Revealed() || len(w.Seed) != 32 {
		return randomise.Seed{}, ErrSeedSecret
	}
	return randomise.Seed(w.Seed), nil
}

// ErrSeedSecret is the error for a seed asked for before its reveal.
var ErrSeedSecret = errors.New("the seed is secret until the allocation is made and the seed revealed")

// Check re-derives a revealed wave's allocation from its frozen list and
// revealed seed, and checks it against the commitment and the recorded
// allocation: what the evaluator's check in the product shows.
func (w Wave) Check() error {
	seed, err := w.RevealedSeed()
	if err != nil {
		return err
	}
	list, err := w.List()
	if err != nil {
		return err
	}
	com, err := randomise.ParseCommitment(w.Commitment)
	if err != nil {
		return err
	}
	f, err := trialcsv.Parse(strings.NewReader(w.AllocationCSV))
	if err != nil {
		return fmt.Errorf("wave %d's allocation: %w", w.Number, err)
	}
	return randomise.Verify(list, seed, com, f.Allocation())
}

// AllocationFile is the wave's recorded allocation, in the list's order.
func (w Wave) AllocationFile() (randomise.Allocation, error) {
	if !w.Allocated() {
		return nil, fmt.Errorf("wave %d is not allocated", w.Number)
	}
	f, err := trialcsv.Parse(strings.NewReader(w.AllocationCSV))
	if err != nil {
		return nil, fmt.Errorf("wave %d's allocation: %w", w.Number, err)
	}
	return f.Allocation(), nil
}
