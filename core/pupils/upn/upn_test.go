package upn

import (
	"errors"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	cases := []struct {
		in   string
		want error
	}{
		{"B801200005001", nil},            // worked example of a permanent UPN
		{"P207000016049", nil},            // 2·2+4·7+9·1+10·6+12·4+13·9 = 266 ≡ 13 (P)
		{"B207000016049", ErrCheckLetter}, // the census guidance's example of a wrong letter
		{"Q207000016049", ErrCheckLetter}, // its "corrected" letter miscounts the sum as 267
		{"A801200005001", ErrCheckLetter}, // wrong check letter
		{"X80120000A001", ErrFormat},      // a letter in the middle
		{"E000200005001", ErrLACode},      // LA 000 is not issued
		{"B80120000500", ErrLength},       // 12 characters
		{"B8012000050011", ErrLength},     // 14 characters
		{"", ErrEmpty},                    // nothing
		{"I801200005001", ErrFormat},      // I is never a check letter
		{"1801200005001", ErrFormat},      // a digit first
		{"B80120000500S", ErrFormat},      // S never ends a temporary UPN
		{"B80120000500é", ErrLength},      // multi-byte: 14 bytes
	}
	for _, c := range cases {
		if got := Validate(c.in); !errors.Is(got, c.want) {
			t.Errorf("Validate(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestTemporaryUPN(t *testing.T) {
	// A temporary UPN: the final letter counts as its check-alphabet value.
	rest := "80120000500A" // A = 0, so the sum equals that of ...5000
	u := string(CheckLetter(rest)) + rest
	if err := Validate(u); err != nil {
		t.Fatalf("temporary UPN %s: %v", u, err)
	}
	if !IsTemporary(u) {
		t.Fatal("IsTemporary = false for a UPN ending in a letter")
	}
	if CheckLetter(rest) != CheckLetter("801200005000") {
		t.Fatal("final letter A must weigh like the digit 0")
	}
	restZ := "80120000500Z" // Z = 22
	if got, want := CheckLetter(restZ), letters[(int(strings.IndexByte(letters, CheckLetter(rest)))+22*13)%23]; got != want {
		t.Fatalf("final Z: check letter %c, want %c", got, want)
	}
}

func TestBuildMakesValidUPNs(t *testing.T) {
	for _, la := range LACodes() {
		u, err := Build(la, 2001, 17, la%1000)
		if err != nil {
			t.Fatal(err)
		}
		if err := Validate(u); err != nil {
			t.Fatalf("Build(%d) = %s: %v", la, u, err)
		}
	}
	if _, err := Build(0, 1, 1, 1); err == nil {
		t.Fatal("Build accepted LA 000")
	}
}

func TestEveryWrongCheckLetterIsRefused(t *testing.T) {
	good := "B801200005001"
	for i := 0; i < len(letters); i++ {
		u := string(letters[i]) + good[1:]
		err := Validate(u)
		if (letters[i] == 'B') != (err == nil) {
			t.Errorf("check letter %c: err %v", letters[i], err)
		}
	}
}

func TestParseNormalises(t *testing.T) {
	got, err := Parse("  b801 2000 05001 ")
	if err != nil || got != "B801200005001" {
		t.Fatalf("Parse = %q, %v", got, err)
	}
}

func TestErrorsNeverContainTheUPN(t *testing.T) {
	for _, in := range []string{"A801200005001", "E000200005001", "X80120000A001"} {
		if err := Validate(in); err == nil || strings.Contains(err.Error(), in) || strings.Contains(err.Error(), in[1:]) {
			t.Fatalf("error %v leaks the UPN", err)
		}
	}
}

func FuzzValidate(f *testing.F) {
	for _, s := range []string{"B801200005001", "P207000016049", "X80120000A001", "", "B80120000500A", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := Validate(s)
		if err != nil {
			if strings.Contains(err.Error(), s) && len(s) > 3 {
				t.Fatalf("error leaks input")
			}
			return
		}
		// Whatever passes is 13 ASCII characters whose check letter recomputes.
		if len(s) != Length || CheckLetter(s[1:]) != s[0] || !KnownLA(int(s[1]-'0')*100+int(s[2]-'0')*10+int(s[3]-'0')) {
			t.Fatalf("accepted an invalid UPN %q", s)
		}
		if Normalize(s) != s {
			t.Fatalf("accepted a non-normalised UPN %q", s)
		}
	})
}
