package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
	"github.com/challengepartners/upwards/plugins/sdk/plugintest"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// The extension points (the core's home page and school page) are checked
// inside the journeys, at the moments they have something to say, on the
// journeys' own set-up: TestTheQAReviewJourney (the review lines of the
// panel, the team's and the host's to-dos, the figures), TestTheDirectoryJourney
// (the panel's Areas of Excellence and days, the attendee's rating),
// TestMeetingsAndEventsReuseTheBookingRules (the hub manager's meetings)
// and TestTheDemoFillsTheBoardAndLeavesTheJourneyToDo (the demo's logins,
// timed). These helpers ask as the core does and fail on any problem.

// panelOf is the school's panel for who, a line each ("! " marks
// attention, " → link" its link), "" when the plugin says nothing.
func panelOf(t *testing.T, c client, who, school uint64) string {
	t.Helper()
	panels, problems, err := c.h.SchoolPanels(c.as(who), school)
	if err != nil || len(problems) > 0 {
		t.Fatalf("the panel of %d for %d: %v, problems %q", school, who, err, problems)
	}
	if len(panels) == 0 {
		return ""
	}
	var out []string
	for _, l := range panels[0].GetLines() {
		s := l.GetText() + " → " + l.GetLink()
		if l.GetAttention() {
			s = "! " + s
		}
		out = append(out, s)
	}
	return strings.Join(out, "\n")
}

// todosOf is who's to-dos, a line each: "title → link by YYYY-MM-DD".
func todosOf(t *testing.T, c client, who uint64) string {
	t.Helper()
	todos, problems, err := c.h.Todos(c.as(who))
	if err != nil || len(problems) > 0 {
		t.Fatalf("the to-dos of %d: %v, problems %q", who, err, problems)
	}
	var out []string
	for _, x := range todos {
		due := "no date"
		if d := x.GetDue(); d != nil {
			due = fmt.Sprintf("%04d-%02d-%02d", d.GetYear(), d.GetMonth(), d.GetDay())
		}
		out = append(out, x.GetTitle()+" → "+x.GetLink()+" by "+due)
	}
	return strings.Join(out, "\n")
}

// figuresOf is the figures for who, "value | detail" by label.
func figuresOf(t *testing.T, c client, who uint64) map[string]string {
	t.Helper()
	figs, problems, err := c.h.Figures(c.as(who))
	if err != nil || len(problems) > 0 {
		t.Fatalf("the figures for %d: %v, problems %q", who, err, problems)
	}
	out := map[string]string{}
	for _, f := range figs {
		out[f.GetLabel()] = f.GetValue() + " | " + f.GetDetail()
	}
	return out
}

// notAsked fails unless the core would not ask for the extension at all.
func notAsked(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, plugintest.ErrNotAsked) {
		t.Fatalf("%s: err = %v, want ErrNotAsked", what, err)
	}
}

// TestTheManifestDeclaresTheExtensionsWithTheirPermissions pins who is
// asked: everyone who may search the Directory for panels and to-dos,
// the central team for the figures.
func TestTheManifestDeclaresTheExtensionsWithTheirPermissions(t *testing.T) {
	m := manifest()
	for k, want := range map[pluginv1.Extension]string{
		pluginv1.Extension_EXTENSION_SCHOOL_PANEL: "networkexcellence.directory.read",
		pluginv1.Extension_EXTENSION_TODOS:        "networkexcellence.directory.read",
		pluginv1.Extension_EXTENSION_FIGURES:      "networkexcellence.board.read",
	} {
		if x := contract.ExtensionOf(m, k); x == nil || x.GetPermission() != want {
			t.Errorf("extension %s: %v, want permission %s", contract.ExtensionName(k), x, want)
		}
	}
}
