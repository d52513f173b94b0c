// Package geo gives schools their place on the map: postcodes looked up in
// a postcode table the install loads (the ONS Postcode Directory's CSV, or
// any CSV with a postcode, a latitude and a longitude column), plausible
// demo coordinates around each hub's centre, the compact map data a page
// fetches, and a plain outline of England to draw the points on when no
// tile server is set. It is pure.
package geo

import (
	"bufio"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"strconv"
	"strings"
)

// Point is a latitude and longitude in degrees (WGS84).
type Point struct{ Lat, Lon float64 }

// England's bounds, for checking a point is plausible: a postcode table's
// "no location" rows (ONSPD gives 99.999999) and typos fall outside.
const (
	minLat, maxLat = 49.8, 55.9
	minLon, maxLon = -6.5, 1.9
)

// InEngland reports whether p lies within England's bounding box.
func (p Point) InEngland() bool {
	return p.Lat >= minLat && p.Lat <= maxLat && p.Lon >= minLon && p.Lon <= maxLon
}

// Normalise puts a postcode in one form: capitals, no spaces ("SW1A1AA").
func Normalise(pc string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			return r
		}
		return -1
	}, pc)
}

// ValidPostcode reports whether pc has the shape of a UK postcode: an
// outward code of 2–4 characters starting with a letter, and an inward code
// of a digit and two letters.
func ValidPostcode(pc string) bool {
	n := Normalise(pc)
	if len(n) < 5 || len(n) > 7 {
		return false
	}
	in := n[len(n)-3:]
	return n[0] >= 'A' && n[0] <= 'Z' && in[0] >= '0' && in[0] <= '9' && in[1] >= 'A' && in[2] >= 'A'
}

// Column names a postcode table may use (ONSPD: pcds, lat, long).
var (
	pcCols  = []string{"pcds", "pcd", "pcd2", "postcode"}
	latCols = []string{"lat", "latitude"}
	lonCols = []string{"long", "lon", "lng", "longitude"}
)

// ErrNoColumns is returned for a table whose header lacks a postcode, a
// latitude or a longitude column.
var ErrNoColumns = errors.New("the postcode table's first row must name a postcode column (pcds, pcd or postcode), a latitude column (lat) and a longitude column (long)")

// Scan reads a postcode table (CSV with a header row) and returns the
// points of the postcodes in want (normalised), leaving the rest of the
// table unread in memory: the ONS Postcode Directory has 2.7 million rows,
// and a partnership needs a few hundred. Rows without a plausible English
// location are skipped; a malformed row is an error naming its line.
func Scan(r io.Reader, want map[string]bool) (map[string]Point, error) {
	cr := csv.NewReader(bufio.NewReaderSize(r, 1<<16))
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read the postcode table's header: %w", err)
	}
	pc, lat, lon := col(head, pcCols), col(head, latCols), col(head, lonCols)
	if pc < 0 || lat < 0 || lon < 0 {
		return nil, ErrNoColumns
	}
	need := max(pc, lat, lon)
	out := map[string]Point{}
	for line := 2; len(out) < len(want); line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("postcode table line %d: %w", line, err)
		}
		if len(rec) <= need {
			return nil, fmt.Errorf("postcode table line %d: %d columns, the header names %d", line, len(rec), len(head))
		}
		key := Normalise(rec[pc])
		if !want[key] {
			continue
		}
		p, ok := parsePoint(rec[lat], rec[lon])
		if !ok {
			continue
		}
		out[key] = p
	}
	return out, nil
}

func col(head, names []string) int {
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		for _, n := range names {
			if h == n {
				return i
			}
		}
	}
	return -1
}

func parsePoint(la, lo string) (Point, bool) {
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(la), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
	p := Point{lat, lon}
	return p, err1 == nil && err2 == nil && p.InEngland()
}

// Near is a plausible point for the demo within radiusKm of centre, the
// same for the same key: uniform over the disc, by a hash of key.
func Near(centre Point, radiusKm float64, key string) Point {
	h := fnv.New64a()
	_, _ = h.Write([]byte(key))
	v := h.Sum64()
	u1 := float64(v&0xffffffff) / float64(1<<32)
	u2 := float64(v>>32) / float64(1<<32)
	r, a := radiusKm*math.Sqrt(u1), 2*math.Pi*u2
	dLat := r * math.Cos(a) / 111.0
	dLon := r * math.Sin(a) / (111.0 * math.Cos(centre.Lat*math.Pi/180))
	return Point{round(centre.Lat + dLat), round(centre.Lon + dLon)}
}

// KmBetween is the great-circle distance between two points.
func KmBetween(a, b Point) float64 {
	const R = 6371.0
	rad := math.Pi / 180
	dLat, dLon := (b.Lat-a.Lat)*rad, (b.Lon-a.Lon)*rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * R * math.Asin(math.Sqrt(h))
}

// round keeps 4 decimals (about 10 m): enough for a school on a map.
func round(f float64) float64 { return math.Round(f*1e4) / 1e4 }

//go:embed england.geojson
var englandOutline []byte

// EnglandOutline is a simplified outline of England (GeoJSON, about 60
// points), drawn under the points when no tile server is set.
func EnglandOutline() []byte { return englandOutline }
