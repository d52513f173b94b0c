package web

import (
	"net/http"

	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// homeRoutes are the programme's front page.
func homeRoutes() []route {
	return []route{
		get("/", PermRead, anywhere, "", "The Network of Excellence: the years, your hubs, schools and reviews", home),
	}
}

type homeView struct {
	Header ui.Header
	Years  []store.Year
}

func home(w http.ResponseWriter, r *http.Request) error {
	years, err := st(r).Years()
	if err != nil {
		return err
	}
	v := homeView{Header: ui.Header{Title: "Network of Excellence",
		Lead: "Member schools in local hubs, each reviewed every year by a peer team."}, Years: years}
	return render(w, r, "Network of Excellence", "home", v)
}
