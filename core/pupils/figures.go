package pupils

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/challengepartners/upwards/core/authz"
	"github.com/challengepartners/upwards/plugins/sdk/suppress"
)

// SuppressBelow is the smallest count shown in a suppressed figure (the
// shared rule of plugins/sdk/suppress): a smaller count could single out a
// child and is hidden.
const SuppressBelow = suppress.DefaultThreshold

// Count is one aggregate figure. A suppressed count hides its number (N is 0).
type Count struct {
	N          int64 `json:"n"`
	Suppressed bool  `json:"suppressed,omitempty"`
	// Shown is the figure as a page shows it: the number, "<5", or
	// "suppressed" for a count hidden so that another cannot be worked out.
	Shown string `json:"shown"`
}

// String is the figure as a page shows it.
func (c Count) String() string { return c.Shown }

func exact(n int64) Count { return Count{N: n, Shown: strconv.FormatInt(n, 10)} }

func fromCell(c suppress.Cell) Count {
	if v, ok := c.Value(); ok {
		return exact(int64(v))
	}
	return Count{Suppressed: true, Shown: c.String()}
}

// YearCount is the number of pupils in one year group.
type YearCount struct {
	YearGroup int    `json:"year_group"`
	Label     string `json:"label"`
	Count     Count  `json:"count"`
}

// FlagCount is the number of pupils with one flag.
type FlagCount struct {
	Flag  Flag   `json:"flag"`
	Label string `json:"label"`
	Count Count  `json:"count"`
}

// Figures are aggregate counts of the pupils on roll at the schools of one
// unit. They hold no pupil ids and no pupil-level data.
type Figures struct {
	UnitID uint `json:"unit_id"`
	// Schools is how many schools of the unit have pupils on roll.
	Schools int `json:"schools"`
	// Suppressed tells whether counts below SuppressBelow are hidden.
	Suppressed  bool        `json:"suppressed"`
	OnRoll      Count       `json:"on_roll"`
	ByYearGroup []YearCount `json:"by_year_group"`
	ByFlag      []FlagCount `json:"by_flag"`
}

// Figures counts the pupils on roll at the schools of unit (a school or any
// unit) by year group and by flag, for an actor holding core.school.read
// there (ErrNotFound otherwise). Small numbers are suppressed with the shared
// rule of plugins/sdk/suppress whenever the figures span more than one
// school, and for a single school unless the actor may read its pupils
// anyway (core.pupil.read): a hub manager sees no count that could single
// out a child. The year groups are suppressed as one row under the number
// on roll (secondary suppression included); each flag as the pair "with"
// and "without" under the same total, so that 98 of 100 does not single out
// the other two. Nothing is recorded: no pupil-level data is returned.
func (s *Service) Figures(ctx context.Context, a Actor, tenantID, unitID uint) (Figures, error) {
	schools, root, err := s.schoolsIn(ctx, tenantID, unitID)
	if err != nil {
		return Figures{}, err
	}
	ok, err := s.can(ctx, a, tenantID, authz.PermSchoolRead, unitID)
	if err != nil {
		return Figures{}, err
	}
	if !ok {
		return Figures{}, fmt.Errorf("unit %d: %w", unitID, ErrNotFound)
	}
	base := s.filter(ctx, tenantID, schools, root, ListQuery{})
	f := Figures{UnitID: unitID}

	sums := make([]string, 0, len(Flags())+2)
	sums = append(sums, "COUNT(*) AS n", "COUNT(DISTINCT school_id) AS schools")
	for i, fl := range Flags() {
		sums = append(sums, fmt.Sprintf("COALESCE(SUM(CASE WHEN %s THEN 1 ELSE 0 END), 0) AS f%d", fl.condition(), i))
	}
	row := map[string]any{}
	if err := base.Select(strings.Join(sums, ", ")).Take(&row).Error; err != nil {
		return Figures{}, fmt.Errorf("count pupils of unit %d: %w", unitID, err)
	}
	f.Schools = int(toInt64(row["schools"]))
	if f.Schools > 1 {
		f.Suppressed = true
	} else if read, err := s.can(ctx, a, tenantID, authz.PermPupilRead, unitID); err != nil {
		return Figures{}, err
	} else {
		f.Suppressed = !read
	}
	onRoll := toInt64(row["n"])
	var years []struct {
		YearGroup int
		N         int64
	}
	if err := base.Select("year_group, COUNT(*) AS n").Group("year_group").Order("year_group").Scan(&years).Error; err != nil {
		return Figures{}, fmt.Errorf("count pupils of unit %d by year group: %w", unitID, err)
	}
	parts := make([]int, len(years))
	for i, y := range years {
		parts[i] = int(y.N)
	}
	var policy suppress.Policy
	total, cells, err := policy.Row(parts...)
	if err != nil {
		return Figures{}, fmt.Errorf("suppress figures of unit %d: %w", unitID, err)
	}
	f.OnRoll = exact(onRoll)
	if f.Suppressed {
		f.OnRoll = fromCell(total)
	}
	for i, y := range years {
		c := exact(y.N)
		if f.Suppressed {
			c = fromCell(cells[i])
		}
		f.ByYearGroup = append(f.ByYearGroup, YearCount{YearGroup: y.YearGroup, Label: YearGroupLabel(y.YearGroup), Count: c})
	}
	for i, fl := range Flags() {
		n := toInt64(row[fmt.Sprintf("f%d", i)])
		c := exact(n)
		if f.Suppressed {
			_, pair, err := policy.Row(int(n), int(onRoll-n))
			if err != nil {
				return Figures{}, fmt.Errorf("suppress figures of unit %d: %w", unitID, err)
			}
			c = fromCell(pair[0])
		}
		f.ByFlag = append(f.ByFlag, FlagCount{Flag: fl, Label: fl.Label(), Count: c})
	}
	return f, nil
}

// toInt64 reads a COUNT or SUM column as the drivers return it.
func toInt64(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case int32:
		return int64(n)
	case int:
		return int64(n)
	case float64:
		return int64(n)
	case []byte:
		i, _ := strconv.ParseInt(string(n), 10, 64)
		return i
	case string:
		i, _ := strconv.ParseInt(n, 10, 64)
		return i
	}
	return 0
}
