package demo

import (
	"context"
	_ "embed"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/challengepartners/upwards/core/pupils"
	"github.com/challengepartners/upwards/core/pupils/upn"
	"github.com/challengepartners/upwards/core/tenancy"
)

//go:embed data/pupil-names.csv
var pupilNamesCSV string

// Proportions of the generated pupils, after the partnership's schools (19%
// of their pupils from low-income families) and national figures.
const (
	shareFSM          = 0.19  // eligible for free school meals now
	shareEver6NotNow  = 0.05  // of the others: eligible in the last six years
	shareServiceChild = 0.01  // pupil premium for service children
	shareSENSupport   = 0.12  // mainstream schools
	shareEHCP         = 0.03  // mainstream schools
	shareEHCPSpecial  = 0.90  // special schools: nearly every pupil has a plan
	shareLookedAfter  = 0.005 // looked after by the local authority
	shareMixedNames   = 0.08  // given and family name from different groups
)

// ealChance is how likely a pupil whose names come from a group speaks
// English as an additional language; it makes about 20% EAL overall.
var ealChance = map[string]float64{"british": 0.02, "irish_scottish_welsh": 0.02, "caribbean": 0.05}

const ealChanceOther = 0.55

// ealShares are the proficiency codes of EAL pupils, in per cent.
var ealShares = []struct {
	code  string
	share int
}{{"A", 6}, {"B", 12}, {"C", 22}, {"D", 25}, {"E", 25}, {"N", 10}}

// nameGroup is one heritage group of the name list.
type nameGroup struct {
	name                   string
	weight                 int
	female, male, surnames []string
	ealChance              float64
}

// pupilNames parses data/pupil-names.csv.
func pupilNames() ([]nameGroup, error) {
	cr := csv.NewReader(strings.NewReader(pupilNamesCSV))
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read pupil names: %w", err)
	}
	byName := map[string]*nameGroup{}
	var order []string
	for _, r := range recs {
		if len(r) < 3 {
			return nil, fmt.Errorf("pupil names: short row %v", r)
		}
		if r[0] == "weight" {
			w, err := strconv.Atoi(r[2])
			if err != nil {
				return nil, fmt.Errorf("pupil names: weight of %s: %w", r[1], err)
			}
			chance, ok := ealChance[r[1]]
			if !ok {
				chance = ealChanceOther
			}
			byName[r[1]] = &nameGroup{name: r[1], weight: w, ealChance: chance}
			order = append(order, r[1])
			continue
		}
		g, ok := byName[r[0]]
		if !ok {
			return nil, fmt.Errorf("pupil names: group %s has no weight row", r[0])
		}
		switch r[1] {
		case "f":
			g.female = append(g.female, r[2:]...)
		case "m":
			g.male = append(g.male, r[2:]...)
		case "s":
			g.surnames = append(g.surnames, r[2:]...)
		default:
			return nil, fmt.Errorf("pupil names: kind %q (want f, m or s)", r[1])
		}
	}
	out := make([]nameGroup, 0, len(order))
	for _, n := range order {
		g := byName[n]
		if len(g.female) == 0 || len(g.male) == 0 || len(g.surnames) == 0 {
			return nil, fmt.Errorf("pupil names: group %s lacks female, male or surnames", n)
		}
		out = append(out, *g)
	}
	return out, nil
}

// pupilGen generates fake pupils, deterministically from its seed.
type pupilGen struct {
	rng    *rand.Rand
	groups []nameGroup
	total  int
	today  time.Time
	las    []int
	estabs map[[2]int]bool
}

func newPupilGen(seed uint64, today time.Time) (*pupilGen, error) {
	groups, err := pupilNames()
	if err != nil {
		return nil, err
	}
	g := &pupilGen{rng: rand.New(rand.NewPCG(seed, 2026)), groups: groups, today: today, estabs: map[[2]int]bool{}}
	for _, gr := range groups {
		g.total += gr.weight
	}
	for _, la := range upn.LACodes() {
		if la >= 201 { // real local authorities, not the pseudo-LA codes 001-005
			g.las = append(g.las, la)
		}
	}
	return g, nil
}

func (g *pupilGen) chance(p float64) bool { return g.rng.Float64() < p }

func pick(rng *rand.Rand, xs []string) string { return xs[rng.IntN(len(xs))] }

func (g *pupilGen) group() nameGroup {
	x := g.rng.IntN(g.total)
	for _, gr := range g.groups {
		if x < gr.weight {
			return gr
		}
		x -= gr.weight
	}
	return g.groups[0]
}

// yearGroups returns the year groups a school teaches, from its phase and name.
func (g *pupilGen) yearGroups(u tenancy.Unit) []int {
	span := func(from, to int) []int {
		var out []int
		for y := from; y <= to; y++ {
			out = append(out, y)
		}
		return out
	}
	name := strings.ToLower(u.Name)
	switch u.Phase {
	case tenancy.PhasePrimary:
		switch {
		case strings.Contains(name, "infant"):
			return span(0, 2)
		case strings.Contains(name, "junior"):
			return span(3, 6)
		case strings.Contains(name, "nursery") || g.chance(0.3):
			return span(-1, 6)
		}
		return span(0, 6)
	case tenancy.PhaseSecondary:
		if g.chance(0.5) {
			return span(7, 13)
		}
		return span(7, 11)
	case tenancy.PhaseAllThrough:
		return span(0, 13)
	case tenancy.PhaseMiddle:
		return span(5, 8)
	case tenancy.PhaseSixteenPlus:
		return span(12, 13)
	case tenancy.PhaseAlternativeProvision:
		return span(7, 11)
	case tenancy.PhaseSpecial:
		return span(1, 14)
	}
	return span(0, 6)
}

// establishment returns an LA code and a DfE establishment number for a
// school, unique in the tenant: the number's first digit follows the DfE's
// convention for the phase (2-3 primary, 4 secondary, 7 special, 5 other)
// and the rest comes from the school's (generated) URN.
func (g *pupilGen) establishment(u tenancy.Unit) (int, int) {
	urn, _ := strconv.Atoi(u.URNString())
	base := 5000
	switch u.Phase {
	case tenancy.PhasePrimary:
		base = 2000 + 1000*(urn%2)
	case tenancy.PhaseSecondary, tenancy.PhaseAllThrough, tenancy.PhaseSixteenPlus:
		base = 4000
	case tenancy.PhaseSpecial:
		base = 7000
	}
	la := g.las[g.rng.IntN(len(g.las))]
	est := base + urn%1000
	for g.estabs[[2]int{la, est}] {
		est = base + (est+1)%1000
	}
	g.estabs[[2]int{la, est}] = true
	return la, est
}

// school generates 60-120 pupils on roll at school u.
func (g *pupilGen) school(u tenancy.Unit) ([]pupils.Record, error) {
	years := g.yearGroups(u)
	n := 60 + g.rng.IntN(61)
	la, est := g.establishment(u)
	special := u.Phase == tenancy.PhaseSpecial
	serials := map[int]int{}
	out := make([]pupils.Record, 0, n)
	for i := 0; i < n; i++ {
		y := years[i%len(years)]
		born := pupils.ExpectedBirthYear(y, g.today)
		dob := time.Date(born, time.September, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, g.rng.IntN(365))
		// The UPN is allocated when the child first joins a school: nursery or reception.
		yy := min(born+5, pupils.AcademicYear(g.today))
		if y < 0 {
			yy = born + 4
		}
		serials[yy]++
		code, err := upn.Build(la, est, yy%100, serials[yy])
		if err != nil {
			return nil, fmt.Errorf("demo UPN at %s: %w", u.Name, err)
		}
		r := pupils.Record{UPN: code, DateOfBirth: dob.Format(time.DateOnly), YearGroup: y, SEN: "N"}
		x := g.rng.Float64()
		switch {
		case x < 0.005:
			r.Gender = "U"
		case x < 0.5025:
			r.Gender = "F"
		default:
			r.Gender = "M"
		}
		given := g.group()
		family := given
		if g.chance(shareMixedNames) {
			family = g.group()
		}
		switch r.Gender {
		case "F":
			r.GivenName = pick(g.rng, given.female)
		case "M":
			r.GivenName = pick(g.rng, given.male)
		default:
			r.GivenName = pick(g.rng, append(given.female[:len(given.female):len(given.female)], given.male...))
		}
		r.FamilyName = pick(g.rng, family.surnames)
		if g.chance(given.ealChance) {
			r.EALProficiency = g.proficiency()
		}
		r.FSM = g.chance(shareFSM)
		r.FSMEver6 = r.FSM || g.chance(shareEver6NotNow)
		r.LookedAfter = g.chance(shareLookedAfter)
		r.PupilPremium = r.FSMEver6 || r.LookedAfter || g.chance(shareServiceChild)
		switch x := g.rng.Float64(); {
		case special && x < shareEHCPSpecial, !special && x < shareEHCP:
			r.SEN = "E"
		case special || x < shareEHCP+shareSENSupport:
			r.SEN = "K"
		}
		out = append(out, r)
	}
	return out, nil
}

func (g *pupilGen) proficiency() string {
	x := g.rng.IntN(100)
	for _, s := range ealShares {
		if x < s.share {
			return s.code
		}
		x -= s.share
	}
	return "N"
}

// addPupils generates and stores the pupils of each school, in order.
func addPupils(ctx context.Context, svc *pupils.Service, gen *pupilGen, tenantID uint, schools []tenancy.Unit) (int, error) {
	total := 0
	actor := pupils.SystemActor("demo")
	for _, sc := range schools {
		rs, err := gen.school(sc)
		if err != nil {
			return total, err
		}
		if _, err := svc.CreateMany(ctx, actor, tenantID, sc.ID, rs); err != nil {
			return total, fmt.Errorf("demo pupils of %s: %w", sc.Name, err)
		}
		total += len(rs)
	}
	return total, nil
}
