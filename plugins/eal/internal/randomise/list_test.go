package randomise_test

import (
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/challengepartners/upwards/plugins/eal/internal/randomise"
)

func TestNormaliseMakesOneSpellingOfAName(t *testing.T) {
	for in, want := range map[string]string{
		"Ipswich Academy":                 "Ipswich Academy",
		"  Ipswich \t Academy\r\n":        "Ipswich Academy",
		"Ipswich\u00a0Academy":            "Ipswich Academy",
		"Ipswich\u2003\u3000Academy":      "Ipswich Academy",
		"Ecole Saint-Jose\u0301":          "Ecole Saint-Jos\u00e9", // NFD to NFC
		"St Edmund’s Delivery Centre":     "St Edmund’s Delivery Centre",
		"\u200bZero width is not a space": "\u200bZero width is not a space",
		"":                                "",
	} {
		if got := randomise.Normalise(in); got != want {
			t.Errorf("Normalise(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCheckRefusesABadListNamingTheRow(t *testing.T) {
	row := func(school, stratum string) randomise.Entry { return randomise.Entry{School: school, Stratum: stratum} }
	ok := row("Ipswich Academy", "Challney")
	for name, tc := range map[string]struct {
		list       randomise.List
		row, other int // 0-based; -1 for no EntryError
		want       string
	}{
		"wave 0":               {randomise.List{Schools: []randomise.Entry{ok}}, -1, -1, "wave 0"},
		"no schools":           {randomise.List{Wave: 1}, -1, -1, "no schools"},
		"empty school":         {randomise.List{Wave: 1, Schools: []randomise.Entry{ok, row(" \t", "Challney")}}, 1, -1, "school is empty"},
		"missing stratum":      {randomise.List{Wave: 1, Schools: []randomise.Entry{ok, row("Southgate School", "")}}, 1, -1, `school "Southgate School": stratum is empty`},
		"not UTF-8":            {randomise.List{Wave: 1, Schools: []randomise.Entry{row("Caf\xe9", "Challney")}}, 0, -1, "not valid UTF-8"},
		"control character":    {randomise.List{Wave: 1, Schools: []randomise.Entry{row("A\x00B", "Challney")}}, 0, -1, "control character U+0000"},
		"duplicate":            {randomise.List{Wave: 1, Schools: []randomise.Entry{ok, row("Southgate School", "X"), row("Ipswich  Academy", "Y")}}, 2, 0, `school "Ipswich Academy" is already listed`},
		"duplicate in case":    {randomise.List{Wave: 1, Schools: []randomise.Entry{ok, row("IPSWICH academy", "Challney")}}, 1, 0, `as "Ipswich Academy"`},
		"stratum spelt twice":  {randomise.List{Wave: 1, Schools: []randomise.Entry{ok, row("Southgate School", "challney")}}, 1, 0, `stratum "challney" of school "Southgate School" differs only in case from "Challney"`},
		"the same stratum ok":  {randomise.List{Wave: 1, Schools: []randomise.Entry{ok, row("Southgate School", " Challney ")}}, -2, -2, ""},
		"one school is a list": {randomise.List{Wave: 2, Schools: []randomise.Entry{ok}}, -2, -2, ""},
	} {
		err := tc.list.Check()
		if tc.row == -2 {
			if err != nil {
				t.Errorf("%s: refused: %v", name, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", name, err, tc.want)
			continue
		}
		var ee *randomise.EntryError
		if errors.As(err, &ee) != (tc.row >= 0) || (ee != nil && (ee.Row != tc.row || ee.Other != tc.other)) {
			t.Errorf("%s: error %#v, want rows %d and %d", name, ee, tc.row, tc.other)
		}
		if _, err := randomise.Randomise(tc.list, randomise.Seed{}); err == nil {
			t.Errorf("%s: Randomise allocated the list", name)
		}
		if _, err := randomise.Commit(tc.list, randomise.Seed{}); err == nil {
			t.Errorf("%s: Commit committed to the list", name)
		}
	}
}

func TestSeedsAndCommitmentsReadBackAndRefuseWhatIsNot(t *testing.T) {
	const h = "00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff"
	s, err := randomise.ParseSeed(h)
	if err != nil || s.String() != strings.ToLower(h) {
		t.Fatalf("ParseSeed(%q) = %v, %v", h, s, err)
	}
	for _, bad := range []string{"", h[:63], h + "0", "0x" + h[2:], strings.Replace(h, "0", "g", 1), " " + h[1:]} {
		if _, err := randomise.ParseSeed(bad); err == nil || !strings.Contains(err.Error(), "64 hexadecimal digits") {
			t.Errorf("ParseSeed(%q): %v, want it refused", bad, err)
		}
	}
	drawn, err := randomise.NewSeed(strings.NewReader(strings.Repeat("x", 32)))
	if err != nil || drawn != randomise.Seed([]byte(strings.Repeat("x", 32))) {
		t.Errorf("NewSeed = %v, %v", drawn, err)
	}
	if _, err := randomise.NewSeed(strings.NewReader("short")); err == nil {
		t.Error("NewSeed accepted 5 bytes")
	}

	com, err := randomise.Commit(randomise.List{Wave: 2, Schools: []randomise.Entry{{School: "A", Stratum: "S"}}}, s)
	if err != nil {
		t.Fatal(err)
	}
	back, err := randomise.ParseCommitment("  " + strings.ReplaceAll(com.String(), " ", "\t ") + "\n")
	if err != nil || back != com {
		t.Fatalf("ParseCommitment(String()) = %v, %v; want %v", back, err, com)
	}
	line := com.String()
	for _, bad := range []string{
		"", "eal-randomise", strings.Replace(line, "v1", "v2", 1), strings.Replace(line, "wave=2", "wave=0", 1),
		strings.Replace(line, "wave=2", "wave=x", 1), strings.Replace(line, "schools=1", "schools=-1", 1),
		strings.Replace(line, "list=", "list=0", 1), strings.Replace(line, "seed=", "seed=zz", 1),
		strings.Replace(line, "list=", "lists=", 1), line + " extra", strings.Replace(line, "eal-randomise", "randomise", 1),
	} {
		if _, err := randomise.ParseCommitment(bad); err == nil {
			t.Errorf("ParseCommitment(%q) accepted it", bad)
		}
	}
}

func TestCheckCommitmentSaysWhatDiffers(t *testing.T) {
	seed := randomise.Seed{1}
	list := randomise.List{Wave: 1, Schools: []randomise.Entry{{School: "A", Stratum: "S"}, {School: "B", Stratum: "S"}}}
	com, err := randomise.Commit(list, seed)
	if err != nil {
		t.Fatal(err)
	}
	if err := randomise.CheckCommitment(list, seed, com); err != nil {
		t.Fatalf("the committed list and seed: %v", err)
	}
	// The same rows in another order, spaced differently: the same list.
	same := randomise.List{Wave: 1, Schools: []randomise.Entry{{School: " B", Stratum: "S "}, {School: "A", Stratum: "S"}}}
	if err := randomise.CheckCommitment(same, seed, com); err != nil {
		t.Fatalf("the same list reordered: %v", err)
	}
	more := randomise.List{Wave: 1, Schools: append(list.Schools, randomise.Entry{School: "C", Stratum: "S"})}
	for _, tc := range []struct {
		list randomise.List
		seed randomise.Seed
		want []string
	}{
		{more, seed, []string{"it has 3 schools, the committed list 2"}},
		{randomise.List{Wave: 2, Schools: list.Schools}, seed, []string{"it is wave 2, the commitment is for wave 1"}},
		{randomise.List{Wave: 1, Schools: []randomise.Entry{{School: "A", Stratum: "S"}, {School: "B", Stratum: "T"}}}, seed, []string{"a school, a stratum or a name's spelling differs"}},
		{list, randomise.Seed{2}, []string{"the seed is not the committed one"}},
		{more, randomise.Seed{2}, []string{"3 schools", "the seed is not"}},
	} {
		err := randomise.CheckCommitment(tc.list, tc.seed, com)
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("CheckCommitment: %v, want it to say %q", err, w)
			}
		}
	}
}

// TestRandomiseImportsNoStorageWebOrSDK keeps the randomiser pure, so that
// anyone can build and audit it alone: no database, no web, not the SDK,
// not the core; and no file system, clock or global random source.
func TestRandomiseImportsNoStorageWebOrSDK(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		for _, banned := range []string{"gorm.io/", "net/http", "github.com/challengepartners/upwards/plugins/sdk", "github.com/challengepartners/upwards/core"} {
			if strings.HasPrefix(p, banned) {
				t.Errorf("randomise depends on %s", p)
			}
		}
	}
	out, err = exec.Command("go", "list", "-f", `{{join .Imports "\n"}}`, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		switch p {
		case "os", "time", "math/rand", "math/rand/v2", "crypto/rand", "log", "log/slog":
			t.Errorf("randomise imports %s; it must take its seed and touch nothing", p)
		}
	}
}
