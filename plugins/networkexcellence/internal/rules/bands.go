package rules

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Band says how many team seats (besides the lead) a review has when the
// host school has at least MinRoll pupils on roll.
type Band struct {
	MinRoll int
	Team    int
}

// DefaultBands is the setting's default: 2 reviewers for a school of up to
// 349 pupils, 3 from 350, 4 from 900.
const DefaultBands = "0:2, 350:3, 900:4"

// ParseBands reads the team-size setting: "MIN_ROLL:TEAM" pairs separated
// by commas, the first from 0, rolls rising, teams of 1 to 8.
func ParseBands(s string) ([]Band, error) {
	var out []Band
	for i, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		a, b, ok := strings.Cut(part, ":")
		roll, err1 := strconv.Atoi(strings.TrimSpace(a))
		team, err2 := strconv.Atoi(strings.TrimSpace(b))
		switch {
		case !ok || err1 != nil || err2 != nil:
			return nil, fmt.Errorf("band %d: write each band as pupils on roll and team size, e.g. 350:3", i+1)
		case team < 1 || team > 8:
			return nil, fmt.Errorf("band %d: a team has 1 to 8 reviewers besides the lead", i+1)
		case i == 0 && roll != 0:
			return nil, fmt.Errorf("band 1: the first band starts at 0 pupils")
		case i > 0 && roll <= out[i-1].MinRoll:
			return nil, fmt.Errorf("band %d: rolls must rise from band to band", i+1)
		}
		out = append(out, Band{MinRoll: roll, Team: team})
	}
	return out, nil
}

// TeamSize is the team seats for a host with roll pupils on roll.
func TeamSize(bands []Band, roll int) int {
	i := slices.IndexFunc(bands, func(b Band) bool { return b.MinRoll > roll })
	switch {
	case len(bands) == 0:
		return 2
	case i < 0:
		return bands[len(bands)-1].Team
	case i == 0:
		return bands[0].Team
	}
	return bands[i-1].Team
}
