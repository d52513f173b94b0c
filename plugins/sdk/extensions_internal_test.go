package sdk

import (
	"context"
	"strings"
	"testing"

	pluginv1 "github.com/challengepartners/upwards/plugins/sdk/proto/upwards/plugin/v1"
)

func TestExtensionsMustMatchTheManifest(t *testing.T) {
	todos := func(context.Context) ([]Todo, error) { return nil, nil }
	decl := []*pluginv1.ExtensionDecl{{Kind: pluginv1.Extension_EXTENSION_SCHOOL_PANEL, Permission: "x.y.read"}}
	cases := map[string]struct {
		p    *Plugin
		want string
	}{
		"declared, not set": {&Plugin{Manifest: &pluginv1.Manifest{Id: "x", Extensions: decl}},
			"the manifest declares extension school_panel but Plugin.SchoolPanels is not set"},
		"set, not declared": {&Plugin{Manifest: &pluginv1.Manifest{Id: "x"}, Todos: todos},
			"Plugin.Todos is set but the manifest does not declare extension todos"},
		"agree": {&Plugin{Manifest: &pluginv1.Manifest{Id: "x", Extensions: decl},
			SchoolPanels: func(context.Context, []uint64) ([]SchoolPanel, error) { return nil, nil }}, ""},
	}
	for name, c := range cases {
		err := checkExtensions(c.p)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: err = %v, want %q", name, err, c.want)
		}
	}
}

// An extension the plugin does not declare answers Unimplemented, which
// the core reads as "contributes nothing".
func TestAnUndeclaredExtensionIsUnimplemented(t *testing.T) {
	s := newServer(&Plugin{Manifest: &pluginv1.Manifest{Id: "x"}}, nil)
	_, err := s.GetTodos(context.Background(), &pluginv1.GetTodosRequest{})
	if err == nil || !strings.Contains(err.Error(), "Unimplemented") {
		t.Fatalf("err = %v, want Unimplemented", err)
	}
}
