package web

import (
	"context"
	"testing"

	"github.com/labstack/echo/v4"
)

type contributingRouter struct{}

func (contributingRouter) ServePlugin(echo.Context, Shell) error  { return nil }
func (contributingRouter) AdminPlugins(echo.Context, Shell) error { return nil }
func (contributingRouter) PluginNav(echo.Context) []NavLink       { return nil }
func (contributingRouter) Contributions(context.Context, RequestInfo, ContributionAsk) []Programme {
	return []Programme{{PluginID: "x"}}
}

func TestWithoutContributionsHidesThePanelsButKeepsTheRouter(t *testing.T) {
	var r PluginRouter = contributingRouter{}
	if _, ok := r.(Contributor); !ok {
		t.Fatal("the test router does not contribute")
	}
	plain := WithoutContributions(r)
	if _, ok := plain.(Contributor); ok {
		t.Error("WithoutContributions kept the Contributor")
	}
	if plain.PluginNav(nil) != nil || WithoutContributions(nil) != nil {
		t.Error("the plain router does not pass calls through, or wraps nil")
	}
}
