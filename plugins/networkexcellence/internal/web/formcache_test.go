package web

import (
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/directory"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// TestTheSearchFormRendersAsBeforeFromItsCache: the cached form is the
// form ui renders, for every choice, first time and again; a value that
// is no option is rendered, not kept; an error is never served from it.
func TestTheSearchFormRendersAsBeforeFromItsCache(t *testing.T) {
	terms := []store.Term{{Key: "oracy", Label: "Oracy"}, {Key: "send", Label: "SEND"}}
	hubs := map[uint64]string{7: "Elm Hub", 3: "Ash <Field> Hub"}
	c := newSelectCache()
	for _, q := range []search{
		{},
		{Q: "oracy", Filters: directory.Filters{Phase: "primary", Ofsted: "good", Term: "send"}},
		{Q: "oracy", Filters: directory.Filters{Phase: "primary", Ofsted: "good", Term: "send"}},
		{Filters: directory.Filters{HubID: 3, Region: "London", HostsLDD: true}},
		{Filters: directory.Filters{HubID: 999, Term: "no-such-term"}},
	} {
		fs := searchFields(q, terms, hubs)
		var want strings.Builder
		for _, f := range fs {
			want.WriteString(string(f.HTML()))
		}
		if got := string(c.render(fs)); got != want.String() {
			t.Fatalf("%+v: the cached form differs:\n%s\nwant\n%s", q, got, want.String())
		}
	}
	if !strings.Contains(string(c.render(searchFields(search{Filters: directory.Filters{HubID: 3}}, terms, hubs))), `<option value="3" selected>Ash &lt;Field&gt; Hub</option>`) {
		t.Fatal("the chosen hub is not selected")
	}
	for k := range c.html {
		if strings.Contains(k, "999") || strings.Contains(k, "no-such-term") {
			t.Fatalf("kept a value that is no option: %q", k)
		}
	}
	if len(c.html) != 10 { // the five lists with no choice, and five choices that are options
		t.Fatalf("%d lists kept, want 10", len(c.html))
	}
	f := searchFields(search{}, terms, hubs)[1]
	f.Error = "Choose a term from the list"
	if h := string(c.field(f)); !strings.Contains(h, "Choose a term from the list") {
		t.Fatalf("an error is served from the cache: %s", h)
	}
}
