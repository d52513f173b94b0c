package web

import (
	"context"

	"github.com/challengepartners/upwards/plugins/sdk"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
	"google.golang.org/protobuf/proto"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/rules"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// inProgrammeYear returns the Host's pupils with the year groups they have
// in the programme year y: the core records today's year group, so a
// 2025-26 cohort seen in 2026-27 would otherwise show the next year's
// groups and warn about the wrong exam years. The Host's records are
// copied, not changed.
func inProgrammeYear(ctx context.Context, y *store.Year, pupils []*pluginv1.Pupil) []*pluginv1.Pupil {
	if y == nil {
		return pupils
	}
	start, err := rules.ParseAcademicYear(y.Label)
	if err != nil {
		return pupils
	}
	today := sdk.Today(ctx)
	out := make([]*pluginv1.Pupil, len(pupils))
	for i, p := range pupils {
		c := proto.Clone(p).(*pluginv1.Pupil)
		c.YearGroup = int32(rules.YearGroupIn(int(p.GetYearGroup()), today, start))
		out[i] = c
	}
	return out
}
