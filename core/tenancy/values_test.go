package tenancy_test

import (
	"errors"
	"testing"

	"github.com/challengepartners/upwards/core/tenancy"
)

func TestValidateURN(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"100000", true},
		{"143782", true},
		{"000001", true},
		{"", false},
		{"12345", false},
		{"1234567", false},
		{"12345a", false},
		{" 123456", false},
		{"123456 ", false},
		{"12 456", false},
		{"-12345", false},
		{"١٢٣٤٥٦", false}, // Arabic-Indic digits are not ASCII digits
		{"12.456", false},
	} {
		err := tenancy.ValidateURN(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ValidateURN(%q) = %v, want ok=%v", tc.in, err, tc.ok)
		}
		var ve *tenancy.ValidationError
		if err != nil && (!errors.As(err, &ve) || ve.Field != "urn") {
			t.Errorf("ValidateURN(%q) error %v is not a ValidationError on urn", tc.in, err)
		}
	}
}

func TestParsePhase(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want tenancy.Phase // "" = error
	}{
		{"primary", tenancy.PhasePrimary},
		{"  Primary ", tenancy.PhasePrimary},
		{"SECONDARY", tenancy.PhaseSecondary},
		{"special", tenancy.PhaseSpecial},
		{"AP", tenancy.PhaseAlternativeProvision},
		{"ap", tenancy.PhaseAlternativeProvision},
		{"Alternative provision", tenancy.PhaseAlternativeProvision},
		{"alternative_provision", tenancy.PhaseAlternativeProvision},
		{"middle", tenancy.PhaseMiddle},
		{"Middle deemed secondary", tenancy.PhaseMiddle},
		{"all-through", tenancy.PhaseAllThrough},
		{"All Through", tenancy.PhaseAllThrough},
		{"all_through", tenancy.PhaseAllThrough},
		{"16+", tenancy.PhaseSixteenPlus},
		{"16 plus", tenancy.PhaseSixteenPlus},
		{"post-16", tenancy.PhaseSixteenPlus},
		{"sixteen_plus", tenancy.PhaseSixteenPlus},
		{"", ""},
		{"nursery", ""},
		{"prim", ""},
		{"primary school x", ""},
	} {
		got, err := tenancy.ParsePhase(tc.in)
		if tc.want == "" {
			var ve *tenancy.ValidationError
			if err == nil || !errors.As(err, &ve) || ve.Field != "phase" {
				t.Errorf("ParsePhase(%q) = %q, %v; want a validation error on phase", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParsePhase(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	// Every value and label reads back as itself.
	for _, p := range tenancy.Phases() {
		for _, s := range []string{string(p), p.Label()} {
			if got, err := tenancy.ParsePhase(s); err != nil || got != p {
				t.Errorf("ParsePhase(%q) = %q, %v; want %q", s, got, err, p)
			}
		}
	}
	if len(tenancy.Phases()) != 7 || tenancy.PhaseAllThrough.Label() != "All-through" {
		t.Errorf("phases %v, label %q", tenancy.Phases(), tenancy.PhaseAllThrough.Label())
	}
}

func TestParseOfsted(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want tenancy.OfstedGrade
		ok   bool
	}{
		{"", tenancy.OfstedNone, true},
		{"none", tenancy.OfstedNone, true},
		{"None yet", tenancy.OfstedNone, true},
		{"Outstanding", tenancy.OfstedOutstanding, true},
		{"1", tenancy.OfstedOutstanding, true},
		{"good", tenancy.OfstedGood, true},
		{"GOOD", tenancy.OfstedGood, true},
		{"RI", tenancy.OfstedRequiresImprovement, true},
		{"requires improvement", tenancy.OfstedRequiresImprovement, true},
		{"requires-improvement", tenancy.OfstedRequiresImprovement, true},
		{"3", tenancy.OfstedRequiresImprovement, true},
		{"inadequate", tenancy.OfstedInadequate, true},
		{"4", tenancy.OfstedInadequate, true},
		{"5", "", false},
		{"satisfactoryish", "", false},
	} {
		got, err := tenancy.ParseOfsted(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseOfsted(%q) = %q, %v; want %q ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
	if len(tenancy.OfstedGrades()) != 4 || tenancy.OfstedNone.Label() != "None yet" {
		t.Errorf("OfstedGrades() = %v", tenancy.OfstedGrades())
	}
	for _, g := range append(tenancy.OfstedGrades(), tenancy.OfstedNone) {
		if got, err := tenancy.ParseOfsted(g.Label()); err != nil || got != g {
			t.Errorf("ParseOfsted(%q) = %q, %v; want %q", g.Label(), got, err, g)
		}
	}
}

func TestKinds(t *testing.T) {
	ks := tenancy.Kinds()
	if len(ks) != 7 {
		t.Fatalf("Kinds() = %v", ks)
	}
	for _, k := range ks {
		if k == tenancy.KindTenant {
			t.Fatal("Kinds() lists the tenant root")
		}
		if got, err := tenancy.ParseKind(k.Label()); err != nil || got != k {
			t.Errorf("ParseKind(%q) = %q, %v", k.Label(), got, err)
		}
	}
	if tenancy.KindDeliveryCentre.Label() != "Delivery centre" {
		t.Errorf("label %q", tenancy.KindDeliveryCentre.Label())
	}
	if _, err := tenancy.ParseKind("tenant"); err == nil {
		t.Error("ParseKind accepted the root kind")
	}
	allowed := map[[2]tenancy.Kind]bool{}
	for _, p := range []tenancy.Kind{tenancy.KindTrust, tenancy.KindHub, tenancy.KindCluster, tenancy.KindTrio, tenancy.KindDeliveryCentre, tenancy.KindCohort} {
		allowed[[2]tenancy.Kind{p, tenancy.KindSchool}] = true
	}
	allowed[[2]tenancy.Kind{tenancy.KindCluster, tenancy.KindTrio}] = true
	allowed[[2]tenancy.Kind{tenancy.KindCluster, tenancy.KindCluster}] = true
	all := append(ks, tenancy.KindTenant)
	for _, p := range all {
		for _, c := range all {
			if got := tenancy.CanContain(p, c); got != allowed[[2]tenancy.Kind{p, c}] {
				t.Errorf("CanContain(%s, %s) = %v", p, c, got)
			}
		}
	}
	if got := tenancy.AllowedParents(tenancy.KindTrio); len(got) != 1 || got[0] != tenancy.KindCluster {
		t.Errorf("AllowedParents(trio) = %v", got)
	}
}

func TestFieldErrors(t *testing.T) {
	var err error = tenancy.FieldErrors{{Field: "name", Message: "enter a name"}, {Field: "urn", Message: "bad"}}
	var fe tenancy.FieldErrors
	if !errors.As(err, &fe) || len(fe) != 2 || fe.For("urn") != "bad" || fe.For("phase") != "" {
		t.Fatalf("FieldErrors via errors.As: %v", fe)
	}
	var ve *tenancy.ValidationError
	if !errors.As(err, &ve) || ve.Field != "name" {
		t.Fatalf("first ValidationError via errors.As: %v", ve)
	}
	if err.Error() != "name: enter a name; urn: bad" {
		t.Fatalf("Error() = %q", err.Error())
	}
}

func TestNormalizeHost(t *testing.T) {
	for in, want := range map[string]string{
		"Example.ORG":         "example.org",
		"example.org:8080":    "example.org",
		" example.org. ":      "example.org",
		"[::1]:8080":          "::1",
		"127.0.0.1:80":        "127.0.0.1",
		"localhost":           "localhost",
		"upwards.example.org": "upwards.example.org",
	} {
		if got := tenancy.NormalizeHost(in); got != want {
			t.Errorf("NormalizeHost(%q) = %q, want %q", in, got, want)
		}
	}
}
