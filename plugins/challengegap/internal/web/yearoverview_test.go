package web

import (
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/challengegap/internal/evidence"
	"github.com/challengepartners/upwards/plugins/challengegap/internal/store"
)

// A cluster's figure resting on fewer than MinCount pupils is not shown;
// the programme's, on enough, is, each with its n.
func TestYearOverviewSuppressesSmallFigures(t *testing.T) {
	small := clusterProgress{Cluster: store.Cluster{ID: 1, Name: "Small Cluster"}, Schools: 1,
		Impact: evidence.Impact{GapPupils: 4, MeanGapClosed: 3.25, AssessedFrom: 4, BelowFrom: 3, AssessedTo: 4, BelowTo: 1}}
	big := clusterProgress{Cluster: store.Cluster{ID: 2, Name: "Big Cluster"}, Schools: 2,
		Impact: evidence.Impact{GapPupils: 12, MeanGapClosed: 4.96, AssessedFrom: 12, BelowFrom: 9, AssessedTo: 11, BelowTo: 4}}
	v := yearOverviewView{Year: &store.Year{ID: 1, Label: "2025-26"}, MinCount: MinCount, Clusters: []clusterProgress{small, big}}
	v.Programme = clusterProgress{Cluster: store.Cluster{Name: "All clusters"}, Impact: evidence.Combine(small.Impact, big.Impact)}
	var b strings.Builder
	if err := tmpl.ExecuteTemplate(&b, "yearoverview", v); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		"<td>fewer than 5 pupils</td>",                      // the small cluster's months closed
		"<td>— → —</td>",                                    // and its % below ARE
		"<td>5.0 (12)</td>", "<td>75% (12) → 36% (11)</td>", // the big cluster's
		"<td>4.5</td><td>16</td>", // the programme's months closed: (4×3.25 + 12×4.96) / 16
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the overview lacks %s:\n%s", want, page)
		}
	}
}
