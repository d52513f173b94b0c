package web

import (
	"context"
	"time"
)

// Contributor is implemented by a PluginRouter whose programme plugins
// contribute to the core's pages through the extension points of contract
// v1 (school panels, to-dos, headline figures). The home page and the
// school page ask it; a server whose router does not implement it shows
// neither.
type Contributor interface {
	// Contributions asks every plugin the tenant enables for what ask
	// wants, in parallel, each within the runtime's extension deadline, and
	// returns one entry per plugin that declares any of the extensions
	// asked for and that the viewer may see (in the order of the
	// navigation). It never fails: a plugin that is slow, restarting or
	// failing has Unavailable set. Everything returned has been checked
	// against the viewer's permissions and the contract's limits.
	Contributions(ctx context.Context, info RequestInfo, ask ContributionAsk) []Programme
}

// ContributionAsk says what a page wants of the plugins.
type ContributionAsk struct {
	// SchoolIDs are the schools whose panels the page shows (at most
	// contract.MaxPanelUnits are asked for).
	SchoolIDs []uint
	// Todos and Figures ask for the viewer's to-dos and the headline figures.
	Todos, Figures bool
}

// Programme is what one programme plugin contributes to a page.
type Programme struct {
	PluginID, Name string
	// Unavailable says why the plugin gave nothing ("did not answer in
	// time", "is restarting"); empty when it answered.
	Unavailable string
	// Panels maps a school to its panel's lines; a school the programme
	// holds nothing about (or the viewer may not see it at) is absent.
	Panels map[uint][]PanelLine
	// PanelSchools are the schools the plugin was asked about (the viewer
	// holds its permission there); nil if it was not asked for panels.
	PanelSchools map[uint]bool
	Todos        []Todo
	Figures      []Figure
	// AskedTodos and AskedFigures say whether the plugin was asked (the
	// viewer may see them), so a page tells "nothing to do" from "not
	// asked".
	AskedTodos, AskedFigures bool
}

// PanelLine is one line of a school panel, its link already resolved to a
// full path on this site ("" when the viewer may not open it).
type PanelLine struct {
	Text, Href string
	Attention  bool
}

// Todo is one thing the viewer should do next in a programme.
type Todo struct {
	Programme string
	Title     string
	Href      string
	// Due is the date it is due (midnight UTC of that calendar date); zero
	// when it has none.
	Due    time.Time
	UnitID uint
	// Place is the name of unit UnitID, read by the runtime with the
	// answer (and kept with it); "" when there is none.
	Place string
}

// Figure is one headline figure of a programme.
type Figure struct {
	Label, Value, Detail, Href string
}
