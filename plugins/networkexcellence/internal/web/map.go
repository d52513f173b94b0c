package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/challengepartners/upwards/plugins/sdk"
	"github.com/challengepartners/upwards/plugins/sdk/contract"
	"github.com/challengepartners/upwards/plugins/sdk/ui"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/geo"
)

//go:embed assets/*.js assets/*.css
var assetFS embed.FS

// mapRoutes are the Directory's map: its page, its data, the outline of
// England and the vendored map library (assets/VENDOR.md).
func mapRoutes(c *indexCache) []route {
	return []route{
		get("/directory/map", PermDirectory, anywhere, "", "The Directory's schools and hubs on a map", c.mapPage),
		get("/directory/map.json", PermDirectory, anywhere, "", "The map's schools and hubs, filtered like the search", c.mapData),
		get("/directory/england.geojson", PermDirectory, anywhere, "", "A plain outline of England", outline),
		get("/assets/:file", PermDirectory, anywhere, "", "The map library and the map's script", asset),
	}
}

type mapView struct {
	common
	Header  ui.Header
	Points  string
	Outline string
	Card    string
	Tiles   string
	Credit  string
	// TilesProblem says why the tile server set is not used.
	TilesProblem string
	Assets       string
	List         string
	Missing      int
	Count        int
	Filtered     bool
}

func (c *indexCache) mapPage(w http.ResponseWriter, r *http.Request) error {
	q := readSearch(r)
	ctx := r.Context()
	vals, err := sdk.HostFrom(ctx).Settings(ctx)
	if err != nil {
		return err
	}
	places, missing, err := c.mapPlaces(r, q)
	if err != nil {
		return err
	}
	tiles, origin, problem := tileServer(vals[SettingTiles])
	if origin != "" {
		// The core lets this page, and no other, show the tile server's images.
		if err := sdk.AllowImagesFrom(w, origin); err != nil {
			tiles, problem = "", err.Error()
		}
	}
	v := &mapView{common: commonOf(r), Tiles: tiles, TilesProblem: problem, Credit: vals[SettingTilesCredit],
		Points: sdk.URL(r, "/directory/map.json") + "?" + q.query(), Outline: sdk.URL(r, "/directory/england.geojson"),
		Card: sdk.URL(r, "/directory/schools/"), Assets: sdk.URL(r, "/assets/"), List: sdk.URL(r, "/directory") + "?" + q.query(),
		Count: len(places.Schools), Missing: missing, Filtered: q.query() != "",
		Header: ui.Header{Crumbs: crumbs(r, ui.Crumb{Label: "Directory", Href: sdk.URL(r, "/directory")}), Title: "Map of the partnership",
			Lead: "The schools of the search on a map, grouped where dense; a larger orange circle hosts Leadership Development Days; black rings are hubs."}}
	return render(w, r, "Map of the partnership", "map", v)
}

// tileServer checks the tile server setting, a URL template with {z}, {x}
// and {y}: on this site ("/tiles/{z}/{x}/{y}.png") or on an https host
// ("https://tiles.example.org/{z}/{x}/{y}.png", one host: no {s}), whose
// origin the page then asks the core to allow for images. A setting that
// cannot be used gives no tiles and says why (the map keeps the outline).
func tileServer(tmpl string) (tiles, origin, problem string) {
	tmpl = strings.TrimSpace(tmpl)
	if tmpl == "" {
		return "", "", ""
	}
	for _, p := range []string{"{z}", "{x}", "{y}"} {
		if !strings.Contains(tmpl, p) {
			return "", "", "the tile server's address has no " + p
		}
	}
	if strings.HasPrefix(tmpl, "/") && !strings.HasPrefix(tmpl, "//") {
		return tmpl, "", ""
	}
	o, err := contract.ImageOriginOf(tmpl)
	if err != nil {
		return "", "", "the tile server's address must be a path on this site or an https address on one host (" + err.Error() + ")"
	}
	return tmpl, o, ""
}

// mapPlaces is the map data of the schools the search finds, and how many
// of them have no place yet.
func (c *indexCache) mapPlaces(r *http.Request, q search) (geo.MapData, int, error) {
	_, es, ix, err := c.get(r)
	if err != nil {
		return geo.MapData{}, 0, err
	}
	s := st(r)
	profiles, err := s.Profiles()
	if err != nil {
		return geo.MapData{}, 0, err
	}
	y, err := s.CurrentYear(sdk.Today(r.Context()))
	if err != nil || y == nil {
		return geo.Build(nil, nil), 0, err
	}
	ms, err := s.Members(y.ID)
	if err != nil {
		return geo.MapData{}, 0, err
	}
	core := map[uint64]geo.Point{}
	for _, m := range ms {
		if m.Latitude != nil && m.Longitude != nil {
			core[m.SchoolID] = geo.Point{Lat: *m.Latitude, Lon: *m.Longitude}
		}
	}
	placeOf := func(school uint64) geo.Point {
		if p, ok := profiles[school]; ok && p.Latitude != nil && p.Longitude != nil {
			return geo.Point{Lat: *p.Latitude, Lon: *p.Longitude}
		}
		return core[school]
	}
	hubIdx, byHub := map[uint64]int{}, map[uint64][]geo.Point{}
	var hubs []geo.Place
	for _, e := range es {
		byHub[e.HubID] = append(byHub[e.HubID], placeOf(e.SchoolID))
	}
	for _, e := range es {
		if _, ok := hubIdx[e.HubID]; !ok && e.HubID != 0 {
			hubIdx[e.HubID] = len(hubs)
			hubs = append(hubs, geo.Place{ID: e.HubID, Name: e.Hub, Point: geo.Centre(byHub[e.HubID])})
		}
	}
	var schools []geo.Place
	missing := 0
	for _, res := range ix.Search(q.Q, q.Filters) {
		e := res.Entry
		p := placeOf(e.SchoolID)
		if p == (geo.Point{}) {
			missing++
			continue
		}
		h, ok := hubIdx[e.HubID]
		if !ok {
			h = -1
		}
		schools = append(schools, geo.Place{ID: e.SchoolID, Name: e.Name, Point: p, Hub: h, LDD: e.HostsLDD})
	}
	return geo.Build(hubs, schools), missing, nil
}

func (c *indexCache) mapData(w http.ResponseWriter, r *http.Request) error {
	d, _, err := c.mapPlaces(r, readSearch(r))
	if err != nil {
		return err
	}
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode map data: %w", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "private, no-cache")
	_, err = w.Write(b)
	return err
}

func outline(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Content-Type", "application/geo+json")
	w.Header().Set("Cache-Control", "private, max-age=86400")
	_, err := w.Write(geo.EnglandOutline())
	return err
}

func asset(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("file")
	if name != filepath.Base(name) {
		return sdk.ErrNotFound
	}
	b, err := assetFS.ReadFile("assets/" + name)
	if err != nil {
		return sdk.ErrNotFound
	}
	w.Header().Set("Content-Type", mime.TypeByExtension(filepath.Ext(name)))
	w.Header().Set("Cache-Control", "private, max-age=86400")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(b)
	return err
}
