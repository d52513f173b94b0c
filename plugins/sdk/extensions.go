package sdk

import (
	"context"
	"fmt"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// SchoolPanel is what a programme holds about one school, for the viewer:
// the core shows it on the school's page and on the home page of people at
// the school, under the programme's name. Plain text; at most
// contract.MaxPanelLines lines.
type SchoolPanel struct {
	UnitID uint64
	Lines  []PanelLine
}

// PanelLine is one sentence of a school panel (at most
// contract.MaxContributionText characters), e.g. "QA Review booked for week
// 12". Link, when set, is a path below the plugin's base ("/reviews/7"); the
// core links it only when the viewer may open that route. Attention marks a
// line the viewer should act on.
type PanelLine struct {
	Text      string
	Link      string
	Attention bool
}

// Todo is one thing the viewer should do next in the programme. Link is
// required (a path below the plugin's base where it is done); Due is a date
// (its year, month and day count; zero: no due date); UnitID is the org unit
// it concerns, or 0.
type Todo struct {
	Title  string
	Link   string
	Due    time.Time
	UnitID uint64
}

// Figure is one headline figure of the programme for the partnership
// overview, e.g. {Label: "LDD rating", Value: "9.1/10", Detail: "n = 412"}.
type Figure struct {
	Label  string
	Value  string
	Detail string
	Link   string
}

// checkExtensions reports a manifest extension without its function, or a
// function without its declaration.
func checkExtensions(p *Plugin) error {
	set := map[pluginv1.Extension]bool{
		pluginv1.Extension_EXTENSION_SCHOOL_PANEL: p.SchoolPanels != nil,
		pluginv1.Extension_EXTENSION_TODOS:        p.Todos != nil,
		pluginv1.Extension_EXTENSION_FIGURES:      p.Figures != nil,
	}
	field := map[pluginv1.Extension]string{
		pluginv1.Extension_EXTENSION_SCHOOL_PANEL: "SchoolPanels",
		pluginv1.Extension_EXTENSION_TODOS:        "Todos",
		pluginv1.Extension_EXTENSION_FIGURES:      "Figures",
	}
	var problems []string
	for _, k := range []pluginv1.Extension{pluginv1.Extension_EXTENSION_SCHOOL_PANEL, pluginv1.Extension_EXTENSION_TODOS, pluginv1.Extension_EXTENSION_FIGURES} {
		declared := contract.ExtensionOf(p.Manifest, k) != nil
		switch {
		case declared && !set[k]:
			problems = append(problems, fmt.Sprintf("the manifest declares extension %s but Plugin.%s is not set", contract.ExtensionName(k), field[k]))
		case !declared && set[k]:
			problems = append(problems, fmt.Sprintf("Plugin.%s is set but the manifest does not declare extension %s", field[k], contract.ExtensionName(k)))
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%s", strings.Join(problems, "; "))
}

// extension runs fn for an extension call as actor, like a job or event:
// on the call's own connection carrying its tenant, with panics turned
// into errors.
func (s *server) extension(ctx context.Context, actor *pluginv1.Actor, what string, declared bool, fn func(ctx context.Context) error) error {
	if !declared {
		return status.Errorf(codes.Unimplemented, "plugin %s does not contribute %s", s.p.Manifest.GetId(), what)
	}
	st, err := s.state(actor)
	if err != nil {
		return err
	}
	release, err := s.bind(ctx, st)
	if err != nil {
		return err
	}
	err = s.guard(what, func() error { return fn(withState(ctx, st)) })
	release()
	s.afterCall(ctx, st)
	if err != nil {
		s.log.Warn("extension failed", "extension", what, "request_id", actor.GetRequestId(), "error", err.Error())
		return status.Errorf(codes.Unknown, "%s: %v", what, err)
	}
	return nil
}

func (s *server) GetSchoolPanels(ctx context.Context, req *pluginv1.GetSchoolPanelsRequest) (*pluginv1.GetSchoolPanelsResponse, error) {
	if len(req.GetUnitIds()) > contract.MaxPanelUnits {
		return nil, status.Errorf(codes.InvalidArgument, "at most %d schools per call", contract.MaxPanelUnits)
	}
	out := &pluginv1.GetSchoolPanelsResponse{}
	err := s.extension(ctx, req.GetActor(), "school_panel", s.p.SchoolPanels != nil, func(ctx context.Context) error {
		if len(req.GetUnitIds()) == 0 {
			return nil
		}
		panels, err := s.p.SchoolPanels(ctx, req.GetUnitIds())
		for _, p := range panels {
			pp := &pluginv1.SchoolPanel{UnitId: p.UnitID}
			for _, l := range p.Lines {
				pp.Lines = append(pp.Lines, &pluginv1.PanelLine{Text: l.Text, Link: l.Link, Attention: l.Attention})
			}
			out.Panels = append(out.Panels, pp)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *server) GetTodos(ctx context.Context, req *pluginv1.GetTodosRequest) (*pluginv1.GetTodosResponse, error) {
	out := &pluginv1.GetTodosResponse{}
	err := s.extension(ctx, req.GetActor(), "todos", s.p.Todos != nil, func(ctx context.Context) error {
		todos, err := s.p.Todos(ctx)
		for _, t := range todos {
			pt := &pluginv1.Todo{Title: t.Title, Link: t.Link, UnitId: t.UnitID}
			if !t.Due.IsZero() {
				pt.Due = &pluginv1.Date{Year: int32(t.Due.Year()), Month: int32(t.Due.Month()), Day: int32(t.Due.Day())}
			}
			out.Todos = append(out.Todos, pt)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *server) GetFigures(ctx context.Context, req *pluginv1.GetFiguresRequest) (*pluginv1.GetFiguresResponse, error) {
	out := &pluginv1.GetFiguresResponse{}
	err := s.extension(ctx, req.GetActor(), "figures", s.p.Figures != nil, func(ctx context.Context) error {
		figs, err := s.p.Figures(ctx)
		for _, f := range figs {
			out.Figures = append(out.Figures, &pluginv1.Figure{Label: f.Label, Value: f.Value, Detail: f.Detail, Link: f.Link})
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
