package plugintest

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// ErrNotAsked is returned by SchoolPanels, Todos and Figures when the core
// would not ask the plugin at all: the manifest does not declare the
// extension, or the actor lacks its permission where it must hold.
var ErrNotAsked = errors.New("plugintest: the core would not ask for this extension")

// SchoolPanels asks for the school panels of unitIDs as actor, the way the
// core does: only the units where the actor holds the extension's
// permission are asked (ErrNotAsked if none is), and the answer is checked
// as the core checks it. It returns what the core would show (a line whose
// link the actor may not open keeps its text without the link) and the
// problems of what it would drop.
func (h *Harness) SchoolPanels(actor *pluginv1.Actor, unitIDs ...uint64) ([]*pluginv1.SchoolPanel, []string, error) {
	x := contract.ExtensionOf(h.Manifest, pluginv1.Extension_EXTENSION_SCHOOL_PANEL)
	if x == nil {
		return nil, nil, fmt.Errorf("%w: the manifest declares no school_panel", ErrNotAsked)
	}
	info := actorInfoOf(actor)
	var asked []uint64
	for _, u := range unitIDs {
		if h.Fixture.hasUnit(u) && h.Host.can(info, x.GetPermission(), u) {
			asked = append(asked, u)
		}
	}
	if len(asked) == 0 {
		return nil, nil, fmt.Errorf("%w: the actor holds %s at none of the schools", ErrNotAsked, x.GetPermission())
	}
	a, revoke := h.bind(actor)
	defer revoke()
	ctx, cancel := h.ctx()
	defer cancel()
	resp, err := h.Client.GetSchoolPanels(ctx, &pluginv1.GetSchoolPanelsRequest{Actor: a, UnitIds: asked})
	if err != nil {
		return nil, nil, err
	}
	kept, problems := contract.CheckSchoolPanels(asked, resp.GetPanels())
	for _, p := range kept {
		for i, l := range p.GetLines() {
			if why := h.linkRefused(actor, l.GetLink()); why != "" {
				problems = append(problems, fmt.Sprintf("unit %d, line %d: %s", p.GetUnitId(), i+1, why))
				l.Link = ""
			}
		}
	}
	return kept, problems, nil
}

// Todos asks for the actor's to-dos the way the core does (ErrNotAsked when
// the actor lacks the extension's permission everywhere) and returns those
// the core would show and the problems of those it would drop, e.g. a
// to-do whose link the actor may not open.
func (h *Harness) Todos(actor *pluginv1.Actor) ([]*pluginv1.Todo, []string, error) {
	x := contract.ExtensionOf(h.Manifest, pluginv1.Extension_EXTENSION_TODOS)
	if x == nil {
		return nil, nil, fmt.Errorf("%w: the manifest declares no todos", ErrNotAsked)
	}
	if x.GetPermission() != contract.PermAuthenticated && !h.Host.can(actorInfoOf(actor), x.GetPermission(), 0) {
		return nil, nil, fmt.Errorf("%w: the actor holds %s nowhere", ErrNotAsked, x.GetPermission())
	}
	a, revoke := h.bind(actor)
	defer revoke()
	ctx, cancel := h.ctx()
	defer cancel()
	resp, err := h.Client.GetTodos(ctx, &pluginv1.GetTodosRequest{Actor: a})
	if err != nil {
		return nil, nil, err
	}
	checked, problems := contract.CheckTodos(resp.GetTodos())
	var kept []*pluginv1.Todo
	for _, t := range checked {
		if why := h.linkRefused(actor, t.GetLink()); why != "" {
			problems = append(problems, fmt.Sprintf("the to-do %q: %s", t.GetTitle(), why))
			continue
		}
		if u := t.GetUnitId(); u != 0 && !h.Fixture.hasUnit(u) {
			problems = append(problems, fmt.Sprintf("the to-do %q names unit %d, which is not the tenant's", t.GetTitle(), u))
			continue
		}
		kept = append(kept, t)
	}
	return kept, problems, nil
}

// Figures asks for the headline figures the way the core does
// (ErrNotAsked when the actor lacks the extension's permission at the
// tenant's root) and returns those the core would show and the problems of
// those it would drop.
func (h *Harness) Figures(actor *pluginv1.Actor) ([]*pluginv1.Figure, []string, error) {
	x := contract.ExtensionOf(h.Manifest, pluginv1.Extension_EXTENSION_FIGURES)
	if x == nil {
		return nil, nil, fmt.Errorf("%w: the manifest declares no figures", ErrNotAsked)
	}
	if x.GetPermission() != contract.PermAuthenticated && !h.Host.can(actorInfoOf(actor), x.GetPermission(), h.Fixture.RootUnitID) {
		return nil, nil, fmt.Errorf("%w: the actor does not hold %s at the tenant's root", ErrNotAsked, x.GetPermission())
	}
	a, revoke := h.bind(actor)
	defer revoke()
	ctx, cancel := h.ctx()
	defer cancel()
	resp, err := h.Client.GetFigures(ctx, &pluginv1.GetFiguresRequest{Actor: a})
	if err != nil {
		return nil, nil, err
	}
	kept, problems := contract.CheckFigures(resp.GetFigures())
	for _, f := range kept {
		if why := h.linkRefused(actor, f.GetLink()); why != "" {
			problems = append(problems, fmt.Sprintf("the figure %q: %s", f.GetLabel(), why))
			f.Link = ""
		}
	}
	return kept, problems, nil
}

// linkRefused says why the core would not link a contribution's link for
// actor ("" when it would, or when there is no link): it must match a GET
// route of the manifest whose permission and scope the actor passes.
func (h *Harness) linkRefused(actor *pluginv1.Actor, link string) string {
	if link == "" {
		return ""
	}
	decl, params := findRoute(h.Manifest, http.MethodGet, contract.LinkPath(link))
	if decl == nil {
		return fmt.Sprintf("link %q matches no GET route of the manifest", link)
	}
	if resp := h.refuse(actor, decl, params); resp != nil {
		return fmt.Sprintf("link %q is to a page the actor may not open (%s)", link, resp.GetBody())
	}
	return ""
}

func actorInfoOf(a *pluginv1.Actor) actorInfo {
	return actorInfo{userID: a.GetUserId(), all: a.GetToken() == allMarker}
}

// checkExtensions asks every declared extension as an actor holding every
// permission (school panels for every school of the fixture): no call may
// fail and nothing may be dropped.
func checkExtensions(h *Harness) []string {
	var out []string
	all := h.AllPermissions()
	if contract.ExtensionOf(h.Manifest, pluginv1.Extension_EXTENSION_SCHOOL_PANEL) != nil {
		var units []uint64
		for _, s := range h.Fixture.Schools {
			units = append(units, s.GetId())
		}
		_, problems, err := h.SchoolPanels(all, units...)
		out = append(out, extensionProblems("school_panel", problems, err)...)
	}
	if contract.ExtensionOf(h.Manifest, pluginv1.Extension_EXTENSION_TODOS) != nil {
		_, problems, err := h.Todos(all)
		out = append(out, extensionProblems("todos", problems, err)...)
	}
	if contract.ExtensionOf(h.Manifest, pluginv1.Extension_EXTENSION_FIGURES) != nil {
		_, problems, err := h.Figures(all)
		out = append(out, extensionProblems("figures", problems, err)...)
	}
	return out
}

func extensionProblems(name string, problems []string, err error) []string {
	var out []string
	if err != nil {
		out = append(out, fmt.Sprintf("extension %s failed: %v", name, err))
	}
	for _, p := range problems {
		out = append(out, fmt.Sprintf("extension %s: the core would drop %s", name, p))
	}
	return out
}
