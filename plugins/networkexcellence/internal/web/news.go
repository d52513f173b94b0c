package web

import (
	"net/http"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/store"
)

// newsRoutes are the partnership's news, which the weekly digest mails to
// member schools' headteachers.
func newsRoutes() []route {
	return []route{
		get("/news", PermRead, anywhere, "", "The partnership's news", newsPage),
		post("/news", PermManage, tenant, "", "Add news for the weekly digest", addNews),
	}
}

type newsView struct {
	common
	Header    ui.Header
	News      []newsItem
	Fields    []ui.Field
	Errors    ui.Errors
	Action    string
	CanManage bool
}

func loadNews(r *http.Request) (*newsView, error) {
	ctx := r.Context()
	ns, err := st(r).LatestNews(50)
	if err != nil {
		return nil, err
	}
	manage, err := sdk.HostFrom(ctx).Can(ctx, PermManage, 0)
	if err != nil {
		return nil, err
	}
	v := &newsView{common: commonOf(r), CanManage: manage, Action: sdk.URL(r, "/news"),
		Header: ui.Header{Crumbs: crumbs(r), Title: "News", Lead: "The partnership's news; each Monday the week's news goes to every member school's headteacher."},
		Fields: []ui.Field{{Kind: ui.Text, Name: "title", Label: "Title", Required: true},
			{Kind: ui.Textarea, Name: "body", Label: "The news", Required: true, Rows: 5},
			{Kind: ui.Date, Name: "published_on", Label: "Published on", Value: today(r), Required: true, Width: "short"}}}
	for _, n := range ns {
		v.News = append(v.News, newsItem{n.Title, n.Body, day(n.PublishedOn)})
	}
	return v, nil
}

func newsPage(w http.ResponseWriter, r *http.Request) error {
	v, err := loadNews(r)
	if err != nil {
		return err
	}
	return render(w, r, "News", "news", v)
}

func addNews(w http.ResponseWriter, r *http.Request) error {
	in := store.NewsInput{Title: r.PostFormValue("title"), Body: r.PostFormValue("body"), PublishedOn: r.PostFormValue("published_on")}
	err := commit(w, r, func(tx *store.Store) (change, error) {
		n, err := tx.AddNews(in, userID(r), now(r))
		if err != nil {
			return change{}, err
		}
		return change{"news.add", "news", n.ID, nil, n, "/news", "News added; the next digest carries it"}, nil
	})
	return again(w, r, err, "News", "news", func() (*newsView, error) { return loadNews(r) },
		func(v *newsView) (*[]ui.Field, *ui.Errors) { return &v.Fields, &v.Errors })
}
