package contract

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

// Limits of the extension points (school panel, to-dos, figures). The core
// drops what breaks them, and plugintest reports it as a problem.
const (
	// MaxPanelUnits is the most schools one GetSchoolPanels call asks for.
	MaxPanelUnits = 50
	// MaxPanelLines is the most lines of one school panel.
	MaxPanelLines = 8
	// MaxTodos is the most to-dos one plugin gives one viewer.
	MaxTodos = 50
	// MaxFigures is the most headline figures of one programme.
	MaxFigures = 12
	// MaxContributionText is the most characters of a panel line, a
	// to-do's title or a figure's detail.
	MaxContributionText = 200
	// MaxFigureLabel and MaxFigureValue bound a figure's label and value.
	MaxFigureLabel = 80
	MaxFigureValue = 40
	// MaxLink is the most bytes of a contribution's link.
	MaxLink = 500
)

// ExtensionName is the name of an extension point as documentation and
// messages give it ("school_panel", "todos", "figures"), or "" if unknown.
func ExtensionName(k pluginv1.Extension) string {
	switch k {
	case pluginv1.Extension_EXTENSION_SCHOOL_PANEL:
		return "school_panel"
	case pluginv1.Extension_EXTENSION_TODOS:
		return "todos"
	case pluginv1.Extension_EXTENSION_FIGURES:
		return "figures"
	}
	return ""
}

// ExtensionOf returns the declaration of extension k in m, or nil.
func ExtensionOf(m *pluginv1.Manifest, k pluginv1.Extension) *pluginv1.ExtensionDecl {
	for _, x := range m.GetExtensions() {
		if x.GetKind() == k {
			return x
		}
	}
	return nil
}

// CheckLink says why link is not a path below a plugin's base that a
// contribution may carry: it must start with one "/", hold no scheme, host,
// backslash, control character or "..", and be at most MaxLink bytes. The
// empty link is accepted (no link). It does not say whether a route matches:
// the core checks that, and the viewer's permission, on its own.
func CheckLink(link string) error {
	switch {
	case link == "":
		return nil
	case len(link) > MaxLink:
		return fmt.Errorf("link is longer than %d bytes", MaxLink)
	case !strings.HasPrefix(link, "/") || strings.HasPrefix(link, "//"):
		return fmt.Errorf("link %q must be a path below the plugin's base, starting with one /", link)
	case strings.ContainsAny(link, "\\#") || strings.IndexFunc(link, unicode.IsControl) >= 0 || strings.ContainsRune(link, ' '):
		return fmt.Errorf("link %q holds a backslash, #, space or control character", link)
	}
	u, err := url.Parse(link)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return fmt.Errorf("link %q is not a plain path", link)
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == ".." || seg == "." {
			return fmt.Errorf("link %q holds a . or .. segment", link)
		}
	}
	return nil
}

// LinkPath is the path of a link checked by CheckLink, without its query.
func LinkPath(link string) string {
	if i := strings.IndexByte(link, '?'); i >= 0 {
		return link[:i]
	}
	return link
}

// checkText says why s is not plain text of 1 to max characters on one line.
func checkText(what, s string, max int, required bool) error {
	switch {
	case s == "" && !required:
		return nil
	case strings.TrimSpace(s) == "":
		return fmt.Errorf("%s is empty", what)
	case !utf8.ValidString(s):
		return fmt.Errorf("%s is not UTF-8", what)
	case utf8.RuneCountInString(s) > max:
		return fmt.Errorf("%s is longer than %d characters", what, max)
	case strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) }) >= 0:
		return fmt.Errorf("%s holds a control or bidirectional character", what)
	}
	return nil
}

// CheckPanelLine says why the core would drop a line of a school panel.
func CheckPanelLine(l *pluginv1.PanelLine) error {
	if err := checkText("the line's text", l.GetText(), MaxContributionText, true); err != nil {
		return err
	}
	return CheckLink(l.GetLink())
}

// CheckTodo says why the core would drop a to-do.
func CheckTodo(t *pluginv1.Todo) error {
	if err := checkText("the to-do's title", t.GetTitle(), MaxContributionText, true); err != nil {
		return err
	}
	if t.GetLink() == "" {
		return fmt.Errorf("the to-do %q has no link", t.GetTitle())
	}
	if err := CheckLink(t.GetLink()); err != nil {
		return fmt.Errorf("the to-do %q: %w", t.GetTitle(), err)
	}
	if d := t.GetDue(); d != nil {
		if _, err := DateOf(d); err != nil {
			return fmt.Errorf("the to-do %q: due %w", t.GetTitle(), err)
		}
	}
	return nil
}

// CheckFigure says why the core would drop a headline figure.
func CheckFigure(f *pluginv1.Figure) error {
	if err := checkText("the figure's label", f.GetLabel(), MaxFigureLabel, true); err != nil {
		return err
	}
	if err := checkText("the figure "+fmt.Sprintf("%q", f.GetLabel())+"'s value", f.GetValue(), MaxFigureValue, true); err != nil {
		return err
	}
	if err := checkText("the figure's detail", f.GetDetail(), MaxContributionText, false); err != nil {
		return err
	}
	return CheckLink(f.GetLink())
}

// DateOf is d as a time at midnight UTC, or an error if it is not a real date.
func DateOf(d *pluginv1.Date) (time.Time, error) {
	if d == nil {
		return time.Time{}, errors.New("no date")
	}
	t := time.Date(int(d.GetYear()), time.Month(d.GetMonth()), int(d.GetDay()), 0, 0, 0, 0, time.UTC)
	if d.GetYear() < 1900 || d.GetYear() > 9999 || t.Year() != int(d.GetYear()) || int32(t.Month()) != d.GetMonth() || int32(t.Day()) != d.GetDay() {
		return time.Time{}, fmt.Errorf("%04d-%02d-%02d is not a date", d.GetYear(), d.GetMonth(), d.GetDay())
	}
	return t, nil
}

// CheckSchoolPanels splits a GetSchoolPanels answer into the panels the core
// keeps and the problems of what it drops: panels for schools not asked for,
// a second panel for one school, lines that break CheckPanelLine, and lines
// past MaxPanelLines.
func CheckSchoolPanels(asked []uint64, panels []*pluginv1.SchoolPanel) (kept []*pluginv1.SchoolPanel, problems []string) {
	want := make(map[uint64]bool, len(asked))
	for _, id := range asked {
		want[id] = true
	}
	seen := map[uint64]bool{}
	for _, p := range panels {
		switch {
		case !want[p.GetUnitId()]:
			problems = append(problems, fmt.Sprintf("a panel for unit %d, which was not asked for", p.GetUnitId()))
			continue
		case seen[p.GetUnitId()]:
			problems = append(problems, fmt.Sprintf("a second panel for unit %d", p.GetUnitId()))
			continue
		}
		seen[p.GetUnitId()] = true
		out := &pluginv1.SchoolPanel{UnitId: p.GetUnitId()}
		for i, l := range p.GetLines() {
			if i >= MaxPanelLines {
				problems = append(problems, fmt.Sprintf("the panel for unit %d has more than %d lines", p.GetUnitId(), MaxPanelLines))
				break
			}
			if err := CheckPanelLine(l); err != nil {
				problems = append(problems, fmt.Sprintf("unit %d, line %d: %v", p.GetUnitId(), i+1, err))
				continue
			}
			out.Lines = append(out.Lines, l)
		}
		if len(out.Lines) > 0 {
			kept = append(kept, out)
		}
	}
	return kept, problems
}

// CheckTodos splits a GetTodos answer into the to-dos the core keeps and the
// problems of those it drops.
func CheckTodos(todos []*pluginv1.Todo) (kept []*pluginv1.Todo, problems []string) {
	for i, t := range todos {
		if i >= MaxTodos {
			problems = append(problems, fmt.Sprintf("more than %d to-dos", MaxTodos))
			break
		}
		if err := CheckTodo(t); err != nil {
			problems = append(problems, err.Error())
			continue
		}
		kept = append(kept, t)
	}
	return kept, problems
}

// CheckFigures splits a GetFigures answer into the figures the core keeps
// and the problems of those it drops.
func CheckFigures(figs []*pluginv1.Figure) (kept []*pluginv1.Figure, problems []string) {
	for i, f := range figs {
		if i >= MaxFigures {
			problems = append(problems, fmt.Sprintf("more than %d figures", MaxFigures))
			break
		}
		if err := CheckFigure(f); err != nil {
			problems = append(problems, err.Error())
			continue
		}
		kept = append(kept, f)
	}
	return kept, problems
}
