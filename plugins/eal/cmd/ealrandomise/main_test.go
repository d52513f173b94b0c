package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const (
	seedA    = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	seedB    = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
	realList = "../../testdata/evaluation-schools-2017-18.csv"
)

// runCmd runs the command with a file of the given content (when not "")
// named last in args as FILE.
func runCmd(t *testing.T, content string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	if content != "" {
		name := filepath.Join(t.TempDir(), "list.csv")
		if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, name)
	}
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestRunRefusesBadInputSayingWhatIsWrong(t *testing.T) {
	good := "school,stratum\nA,North\nB,North\n"
	for _, tc := range []struct {
		name    string
		content string
		args    []string
		code    int
		want    string
	}{
		{"no seed", good, nil, exitUsage, "--seed HEX is required"},
		{"short seed", good, []string{"--seed", seedA[:62]}, exitUsage, "64 hexadecimal digits (32 bytes), this one has 62"},
		{"long seed", good, []string{"--seed", seedA + "00"}, exitUsage, "this one has 66"},
		{"seed not hex", good, []string{"--seed", "x" + seedA[1:]}, exitUsage, "invalid byte"},
		{"no file", "", []string{"--seed", seedA}, exitUsage, "give one FILE.csv"},
		{"flags after the file", "", []string{"--seed", seedA, realList, "--wave", "2"}, exitUsage, "flags go first"},
		{"wave 0", good, []string{"--seed", seedA, "--wave", "0"}, exitUsage, "waves are numbered from 1"},
		{"commit and verify", good, []string{"--seed", seedA, "--commit", "--verify", "x"}, exitUsage, "not both"},
		{"unknown flag", good, []string{"--seed", seedA, "--arms", "3"}, exitUsage, "flag provided but not defined"},
		{"missing file", "", []string{"--seed", seedA, "/nonexistent/list.csv"}, exitFail, "no such file"},
		{"empty school", "school,stratum\nA,North\n,North\n", []string{"--seed", seedA}, exitFail, "line 3: school is empty"},
		{"duplicate school", "school,stratum\nA,North\nB,South\nA,South\n", []string{"--seed", seedA}, exitFail, `line 4: school "A" is already listed, on line 2`},
		{"missing stratum", "school,stratum\nA,North\nB, \n", []string{"--seed", seedA}, exitFail, `line 3: school "B": stratum is empty`},
		{"wrong columns", "name,centre\nA,North\n", []string{"--seed", seedA}, exitFail, `line 1: column "name" is not one of school, stratum`},
		{"wrong number of fields", "school,stratum\nA,North,extra\n", []string{"--seed", seedA}, exitFail, "line 2: 3 fields, the header has 2"},
		{"an allocation to allocate", "school,stratum,arm\nA,North,control\n", []string{"--seed", seedA}, exitFail, "line 1: the file has an arm column"},
		{"bad commitment", good, []string{"--seed", seedA, "--verify", "eal-randomise v1 wave=1"}, exitUsage, "not a commitment"},
	} {
		code, out, errs := runCmd(t, tc.content, tc.args...)
		if code != tc.code || !strings.Contains(errs, tc.want) || (code != exitOK && out != "") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d saying %q", tc.name, code, out, errs, tc.code, tc.want)
		}
	}
}

func TestRunWritesTheSameBytesForTheSameSeedAndFile(t *testing.T) {
	list, err := os.ReadFile(realList)
	if err != nil {
		t.Fatal(err)
	}
	code, a1, errs := runCmd(t, "", "--seed", seedA, realList)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	_, a2, _ := runCmd(t, "", "--seed", strings.ToUpper(seedA), realList)
	var fromStdin bytes.Buffer
	run([]string{"--seed", seedA, "-"}, bytes.NewReader(list), &fromStdin, &bytes.Buffer{})
	if a1 != a2 || a1 != fromStdin.String() {
		t.Errorf("one seed, three outputs:\n%s\n%s\n%s", a1, a2, fromStdin.String())
	}
	_, b, _ := runCmd(t, "", "--seed", seedB, realList)
	_, w2, _ := runCmd(t, "", "--seed", seedA, "--wave", "2", realList)
	if b == a1 || w2 == a1 {
		t.Error("another seed, or another wave, gave the same allocation")
	}
	// The file's order and its names, arms added.
	lines, out := strings.Split(string(list), "\n"), strings.Split(a1, "\n")
	if len(out) != 73 || out[0] != "school,stratum,arm" {
		t.Fatalf("output has %d lines, header %q", len(out), out[0])
	}
	for i := 1; i < 72; i++ {
		if !strings.HasPrefix(out[i], lines[i]+",") {
			t.Errorf("line %d is %q; the file's is %q", i+1, out[i], lines[i])
		}
	}
}

func TestCommitThenVerifyNamesWhatDiffers(t *testing.T) {
	_, com, _ := runCmd(t, "", "--seed", seedA, "--commit", realList)
	com = strings.TrimSpace(com)
	_, alloc, _ := runCmd(t, "", "--seed", seedA, realList)
	list, err := os.ReadFile(realList)
	if err != nil {
		t.Fatal(err)
	}
	// The first school's arm, flipped.
	first := strings.SplitN(alloc, "\n", 3)[1]
	flip := strings.NewReplacer(",intervention", ",control", ",control", ",intervention").Replace(first)
	school := strings.Split(first, ",")[0]
	for _, tc := range []struct {
		name, content string
		args          []string
		code          int
		want          string
	}{
		{"the list", string(list), []string{"--seed", seedA}, exitOK, "verified: wave 1, 71 schools: the list and the seed match the commitment\n"},
		{"the allocation", alloc, []string{"--seed", seedA}, exitOK, "all 71 schools' arms are the ones the seed gives"},
		{"an arm changed", strings.Replace(alloc, first, flip, 1), []string{"--seed", seedA}, exitFail,
			fmt.Sprintf("school %q is %s there, the seed gives %s", school, strings.Split(flip, ",")[2], strings.Split(first, ",")[2])},
		{"another seed", alloc, []string{"--seed", seedB}, exitFail, "the seed is not the committed one"},
		{"another wave", alloc, []string{"--seed", seedA, "--wave", "2"}, exitFail, "it is wave 2, the commitment is for wave 1"},
		{"a school left out", strings.Replace(string(list), "Ipswich Academy,Challney Delivery Centre\n", "", 1), []string{"--seed", seedA}, exitFail, "it has 70 schools, the committed list 71"},
		{"a school moved", strings.Replace(string(list), "Ipswich Academy,Challney", "Ipswich Academy,Swindon", 1), []string{"--seed", seedA}, exitFail, "the list is not the committed one: a school, a stratum"},
	} {
		code, out, errs := runCmd(t, tc.content, append(tc.args, "--verify", com)...)
		if code != tc.code || !strings.Contains(out+errs, tc.want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit %d saying %q", tc.name, code, out, errs, tc.code, tc.want)
		}
	}
}

// TestAnIndependentImplementationAgrees runs rederive.py, the procedure
// written again in Python from the README alone, against the command: on
// the real list and on awkward lists (names in NFD, odd spaces, commas and
// quotes, one-school strata), over seeds and waves. It needs python3.
func TestAnIndependentImplementationAgrees(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Fatalf("python3 is needed to run the independent implementation: %v", err)
	}
	dir := t.TempDir()
	awkward := filepath.Join(dir, "awkward.csv")
	r := rand.New(rand.NewPCG(5, 6))
	var b strings.Builder
	b.WriteString("school,stratum\n")
	for i := range 40 {
		fmt.Fprintf(&b, "\"  Ecole  Saint-Jose\u0301 %d, \"\"the\"\"\u00a0\",Centre\u2003%d\n", i, r.IntN(9))
	}
	b.WriteString("Alone,Centre of one\n")
	if err := os.WriteFile(awkward, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, file := range []string{realList, awkward} {
		for i := range 3 {
			seed := fmt.Sprintf("%016x%016x%016x%016x", r.Uint64(), r.Uint64(), r.Uint64(), r.Uint64())
			wave := fmt.Sprint(1 + i%3)
			for _, mode := range [][]string{nil, {"--commit"}} {
				args := append([]string{"--seed", seed, "--wave", wave}, mode...)
				var goOut, goErr bytes.Buffer
				if code := run(append(args, file), nil, &goOut, &goErr); code != exitOK {
					t.Fatalf("%s %v: exit %d: %s", file, args, code, goErr.String())
				}
				pyArgs := append([]string{"../../rederive.py", "--wave", wave}, mode...)
				pyOut, err := exec.Command(python, append(pyArgs, seed, file)...).Output()
				if err != nil {
					t.Fatalf("rederive.py: %v", err)
				}
				if !bytes.Equal(pyOut, goOut.Bytes()) {
					t.Fatalf("%s %v: the two implementations differ:\nGo:\n%s\nPython:\n%s", file, args, goOut.String(), pyOut)
				}
			}
		}
	}
}

// TestThePluginImportsNothingFromTheCore keeps the module buildable on its
// own, as every programme plugin is: no package of it, tests included,
// depends on the core.
func TestThePluginImportsNothingFromTheCore(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-test", "github.com/challengepartners/upwards/plugins/eal/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "github.com/challengepartners/upwards/core/") {
			t.Errorf("the eal plugin depends on %s", p)
		}
	}
	if !strings.Contains(string(out), "github.com/challengepartners/upwards/plugins/eal/internal/randomise") {
		t.Errorf("go list did not list the module's packages:\n%s", out)
	}
}
