package geo

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
)

// Place is one school or hub on the map.
type Place struct {
	ID    uint64
	Name  string
	Point Point
	Hub   int  // index into the hubs of the map data (-1 for none)
	LDD   bool // the school hosts Leadership Development Days
}

// MapData is what the map page fetches: hubs and schools as arrays, not
// objects, so the partnership's 550 schools stay well under 100 KB
// compressed (a test holds it there).
type MapData struct {
	Hubs    [][]any `json:"hubs"`    // [lat, lon, name]
	Schools [][]any `json:"schools"` // [lat, lon, id, name, hub index, hosts LDDs 0/1]
}

// Build lays out hubs and schools; places without a point are left out
// (the page says how many).
func Build(hubs, schools []Place) MapData {
	d := MapData{Hubs: [][]any{}, Schools: [][]any{}}
	for _, h := range hubs {
		d.Hubs = append(d.Hubs, []any{round(h.Point.Lat), round(h.Point.Lon), h.Name})
	}
	for _, s := range schools {
		if s.Point == (Point{}) {
			continue
		}
		ldd := 0
		if s.LDD {
			ldd = 1
		}
		d.Schools = append(d.Schools, []any{round(s.Point.Lat), round(s.Point.Lon), s.ID, s.Name, s.Hub, ldd})
	}
	return d
}

// GzipSize is the size of v as JSON, gzip-compressed: what the map's
// response weighs on the wire.
func GzipSize(v any) (int, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return 0, fmt.Errorf("encode map data: %w", err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		return 0, fmt.Errorf("compress map data: %w", err)
	}
	if err := zw.Close(); err != nil {
		return 0, fmt.Errorf("compress map data: %w", err)
	}
	return buf.Len(), nil
}

// Centre is the mean of points (the zero Point for none): a hub's centre
// from its schools.
func Centre(ps []Point) Point {
	var c Point
	n := 0
	for _, p := range ps {
		if p == (Point{}) {
			continue
		}
		c.Lat += p.Lat
		c.Lon += p.Lon
		n++
	}
	if n == 0 {
		return Point{}
	}
	return Point{round(c.Lat / float64(n)), round(c.Lon / float64(n))}
}
