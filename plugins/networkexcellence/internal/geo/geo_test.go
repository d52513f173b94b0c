package geo

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func TestPostcodes(t *testing.T) {
	for _, c := range []struct {
		in, norm string
		ok       bool
	}{{"sw1a 1aa", "SW1A1AA", true}, {"LS1 4AP", "LS14AP", true}, {" m1 1ae ", "M11AE", true}, {"12345", "12345", false}, {"LS1", "LS1", false}, {"SW1A 1AAA", "SW1A1AAA", false}} {
		if Normalise(c.in) != c.norm || ValidPostcode(c.in) != c.ok {
			t.Errorf("%q: %q %v", c.in, Normalise(c.in), ValidPostcode(c.in))
		}
	}
}

func TestScanKeepsOnlyWantedPlausibleRows(t *testing.T) {
	table := "pcd,pcds,oseast1m,lat,long\n" +
		"LS1 4AP,LS1 4AP,429000,53.7960,-1.5470\n" +
		"M1  1AE,M1 1AE,384000,53.4770,-2.2300\n" +
		"ZZ9 9ZZ,ZZ9 9ZZ,,99.999999,0.000000\n" +
		"BS1 4DJ,BS1 4DJ,358000,51.4510,-2.5980\n"
	want := map[string]bool{"LS14AP": true, "ZZ99ZZ": true, "BS14DJ": true}
	got, err := Scan(strings.NewReader(table), want)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["LS14AP"] != (Point{53.796, -1.547}) || got["BS14DJ"].Lat != 51.451 {
		t.Fatalf("%v", got)
	}
	if _, err := Scan(strings.NewReader("a,b\n1,2\n"), want); err != ErrNoColumns {
		t.Fatalf("no columns: %v", err)
	}
	if _, err := Scan(strings.NewReader("postcode,lat,long\nLS1 4AP,53.7\n"), want); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("short row: %v", err)
	}
}

func TestNearIsWithinTheRadiusAndStable(t *testing.T) {
	c := Point{53.8, -1.55}
	for i := 0; i < 500; i++ {
		k := fmt.Sprint("school-", i)
		p := Near(c, 12, k)
		if d := KmBetween(c, p); d > 12.05 {
			t.Fatalf("%s at %.1f km", k, d)
		}
		if Near(c, 12, k) != p || !p.InEngland() {
			t.Fatalf("%s moved or left England: %v", k, p)
		}
	}
}

// TestMapDataForThePartnershipIsUnder100KB: 550 schools in 31 hubs, with
// long names, compress to under 100 KB.
func TestMapDataForThePartnershipIsUnder100KB(t *testing.T) {
	var hubs, schools []Place
	for h := 0; h < 31; h++ {
		hubs = append(hubs, Place{Name: fmt.Sprintf("Hub number %d of the partnership", h), Point: Point{52 + float64(h)/20, -1}})
	}
	for i := 0; i < 550; i++ {
		schools = append(schools, Place{ID: uint64(1000 + i), Name: fmt.Sprintf("St Bartholomew's Church of England Primary Academy %d", i),
			Point: Near(hubs[i%31].Point, 15, fmt.Sprint(i)), Hub: i % 31, LDD: i%20 == 0})
	}
	d := Build(hubs, schools)
	n, err := GzipSize(d)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(d)
	t.Logf("map data for 550 schools: %d bytes, %d gzipped", len(raw), n)
	if n >= 100_000 || len(d.Schools) != 550 {
		t.Fatalf("%d bytes gzipped, %d schools", n, len(d.Schools))
	}
}

func TestTheOutlineIsGeoJSONInEngland(t *testing.T) {
	var g struct {
		Features []struct {
			Geometry struct {
				Coordinates [][][2]float64 `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(EnglandOutline(), &g); err != nil {
		t.Fatal(err)
	}
	ring := g.Features[0].Geometry.Coordinates[0]
	if len(ring) < 50 || ring[0] != ring[len(ring)-1] {
		t.Fatalf("ring of %d points", len(ring))
	}
	for _, c := range ring {
		if !(Point{c[1], c[0]}).InEngland() {
			t.Fatalf("%v outside England", c)
		}
	}
}
