package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// misbehave slows or crashes an extension call for actors whose email
// says so ("slow…", "crash…"), so the tests can show that a slow or
// crashing plugin never delays or breaks a core page.
func misbehave(ctx context.Context, a *pluginv1.Actor) error {
	switch {
	case strings.HasPrefix(a.GetUserEmail(), "slow"):
		select {
		case <-time.After(5 * time.Second):
		case <-ctx.Done():
			return ctx.Err()
		}
	case strings.HasPrefix(a.GetUserEmail(), "crash"):
		os.Exit(3)
	}
	return nil
}

// GetSchoolPanels answers for every asked school, with a line the viewer
// may follow, one linking a page only tenant admins may open, one that
// needs attention and one the core must drop (a bidirectional override);
// and a panel for a school nobody asked about, which the core must drop.
func (s *server) GetSchoolPanels(ctx context.Context, req *pluginv1.GetSchoolPanelsRequest) (*pluginv1.GetSchoolPanelsResponse, error) {
	if panels == "" {
		return nil, status.Error(codes.Unimplemented, "no panels")
	}
	if err := misbehave(ctx, req.GetActor()); err != nil {
		return nil, err
	}
	out := &pluginv1.GetSchoolPanelsResponse{}
	for _, id := range req.GetUnitIds() {
		out.Panels = append(out.Panels, &pluginv1.SchoolPanel{UnitId: id, Lines: []*pluginv1.PanelLine{
			{Text: fmt.Sprintf("%s knows school %d", name, id), Link: fmt.Sprintf("/units/%d", id)},
			{Text: "Administered here", Link: "/admin"},
			{Text: "Data overdue", Attention: true},
			{Text: "evil\u202Etxt.exe"},
		}})
	}
	out.Panels = append(out.Panels, &pluginv1.SchoolPanel{UnitId: 987654321, Lines: []*pluginv1.PanelLine{{Text: "Not asked"}}})
	return out, nil
}

// GetTodos gives four to-dos: one for everyone, one only a tenant admin
// can act on, one without a due date (concerning the unit of the actor's
// first grant), one off-site (dropped).
func (s *server) GetTodos(ctx context.Context, req *pluginv1.GetTodosRequest) (*pluginv1.GetTodosResponse, error) {
	if panels == "" {
		return nil, status.Error(codes.Unimplemented, "no to-dos")
	}
	if err := misbehave(ctx, req.GetActor()); err != nil {
		return nil, err
	}
	var unit uint64
	if gs := req.GetActor().GetGrants(); len(gs) > 0 {
		unit = gs[0].GetUnitId()
	}
	return &pluginv1.GetTodosResponse{Todos: []*pluginv1.Todo{
		{Title: "Reply to " + name, Link: "/", Due: &pluginv1.Date{Year: 2030, Month: 1, Day: 5}},
		{Title: "Administer " + name, Link: "/admin", Due: &pluginv1.Date{Year: 2025, Month: 9, Day: 28}},
		{Title: "Read " + name + " some day", Link: "/", UnitId: unit},
		{Title: "Go elsewhere", Link: "https://evil.example/"},
	}}, nil
}

// GetFigures gives one figure, whose detail counts the forms posted and
// the record jobs run by this process.
func (s *server) GetFigures(ctx context.Context, req *pluginv1.GetFiguresRequest) (*pluginv1.GetFiguresResponse, error) {
	if panels == "" {
		return nil, status.Error(codes.Unimplemented, "no figures")
	}
	if err := misbehave(ctx, req.GetActor()); err != nil {
		return nil, err
	}
	return &pluginv1.GetFiguresResponse{Figures: []*pluginv1.Figure{{Label: name + " echoes", Value: "42", Detail: fmt.Sprintf("%d forms, %d jobs", s.forms.Load(), s.records.Load()), Link: "/admin"}}}, nil
}
