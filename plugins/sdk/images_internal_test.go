package sdk

import (
	"net/http"
	"slices"
	"testing"
)

// AllowImagesFrom's origins travel in the answer's image_origins, never as
// a header; a bad origin or a fifth one is an error and changes nothing.
func TestAllowImagesFrom(t *testing.T) {
	w := &recorder{header: http.Header{}}
	MarkPage(w, "Map")
	if err := AllowImagesFrom(w, "https://tiles.example.org"); err != nil {
		t.Fatal(err)
	}
	if err := AllowImagesFrom(w, "https://tiles.example.org", "https://b.example:8443"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]string{{"http://tiles.example.org"}, {"https://*.example.org"}, {"https://tiles.example.org/{z}"},
		{"https://c.example", "https://d.example", "https://e.example"}} {
		if err := AllowImagesFrom(w, bad...); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	_, _ = w.Write([]byte("<p>map</p>"))
	out := w.response()
	if want := []string{"https://tiles.example.org", "https://b.example:8443"}; !slices.Equal(out.GetImageOrigins(), want) || !out.GetFragment() {
		t.Fatalf("image origins %q, fragment %v", out.GetImageOrigins(), out.GetFragment())
	}
	for _, h := range out.GetHeaders() {
		if h.GetName() == imagesHeader {
			t.Fatalf("the origins went out as a header: %v", h)
		}
	}
}
