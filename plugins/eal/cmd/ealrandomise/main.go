// Command ealrandomise allocates the schools of the EAL trial to its arms
// from a seed, or checks an allocation against its commitment: the
// standalone form of the plugin's randomisation, for the evaluator to
// re-derive an allocation from the revealed seed and the frozen list.
//
//	ealrandomise --seed HEX [--wave N] FILE.csv                  allocate
//	ealrandomise --seed HEX [--wave N] --commit FILE.csv         print the commitment
//	ealrandomise --seed HEX [--wave N] --verify 'LINE' FILE.csv  check against a commitment
//
// FILE.csv (or - for standard input) has the header school,stratum and one
// school per line. Allocating writes CSV school,stratum,arm (arm is
// intervention or control) to standard output, a line per school in the
// file's order, with the names normalised; the same seed, wave and file
// give the same bytes every time. --verify takes the commitment's line, as
// --commit prints it, and a list or an allocation (school,stratum,arm): it
// checks the list and the seed against the commitment and, for an
// allocation, every school's arm, and says what differs. The procedure is
// that of package randomise (plugins/eal/README.md).
//
// Exit status: 0 when done or verified, 1 for a file refused or a failed
// verification (naming the line or the school), 2 for a usage error (a
// seed that is not 64 hexadecimal digits among them).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/challengepartners/upwards/plugins/eal/internal/randomise"
	"github.com/challengepartners/upwards/plugins/eal/internal/trialcsv"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

const usage = `usage: ealrandomise --seed HEX [--wave N] [--commit | --verify COMMITMENT] FILE.csv

Allocates the schools of FILE.csv (header school,stratum; - for standard input) to
intervention and control, stratified, from the 32-byte seed HEX (64 hexadecimal digits),
and writes CSV school,stratum,arm to standard output in the file's order.
`

// run is the command with its arguments and streams, returning the exit
// status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ealrandomise", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage, "\nFlags:\n"); fs.PrintDefaults() }
	seedHex := fs.String("seed", "", "the seed: 64 hexadecimal digits (required)")
	wave := fs.Uint("wave", 1, "the wave of randomisation: 1, or 2, 3, … for schools recruited later")
	commit := fs.Bool("commit", false, "print the commitment to the list and the seed instead of the allocation")
	verify := fs.String("verify", "", "check the list (or the allocation, with an arm column) and the seed against this commitment")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	fail := func(status int, format string, a ...any) int {
		fmt.Fprintf(stderr, "ealrandomise: "+format+"\n", a...)
		return status
	}
	switch {
	case fs.NArg() != 1:
		return fail(exitUsage, "give one FILE.csv after the flags (flags go first); -h for help")
	case *seedHex == "":
		return fail(exitUsage, "--seed HEX is required")
	case *wave < 1 || *wave > 1<<32-1:
		return fail(exitUsage, "--wave %d: waves are numbered from 1", *wave)
	case *commit && *verify != "":
		return fail(exitUsage, "give --commit or --verify, not both")
	}
	seed, err := randomise.ParseSeed(*seedHex)
	if err != nil {
		return fail(exitUsage, "--seed: %v", err)
	}
	name := fs.Arg(0)
	file, err := readFile(name, stdin)
	if err != nil {
		return fail(exitFail, "%s: %v", name, err)
	}
	list := file.List(uint32(*wave))
	switch {
	case *commit:
		c, err := randomise.Commit(list, seed)
		if err != nil {
			return fail(exitFail, "%s: %v", name, err)
		}
		fmt.Fprintln(stdout, c)
	case *verify != "":
		return verifyFile(*verify, name, file, list, seed, stdout, stderr)
	default:
		if file.Arms != nil {
			return fail(exitFail, "%s: line 1: the file has an arm column, so it is an allocation; check it with --verify", name)
		}
		a, err := randomise.Randomise(list, seed)
		if err != nil {
			return fail(exitFail, "%s: %v", name, err)
		}
		if err := trialcsv.WriteAllocation(stdout, a); err != nil {
			return fail(exitFail, "%v", err)
		}
	}
	return exitOK
}

// readFile parses the named file, or standard input for "-".
func readFile(name string, stdin io.Reader) (trialcsv.File, error) {
	if name == "-" {
		return trialcsv.Parse(stdin)
	}
	f, err := os.Open(name)
	if err != nil {
		return trialcsv.File{}, err
	}
	defer f.Close()
	return trialcsv.Parse(f)
}

// verifyFile checks a list, or an allocation, and the seed against a
// commitment, and says what differs, one line each.
func verifyFile(line, name string, file trialcsv.File, list randomise.List, seed randomise.Seed, stdout, stderr io.Writer) int {
	com, err := randomise.ParseCommitment(line)
	if err != nil {
		fmt.Fprintf(stderr, "ealrandomise: --verify: %v\n", err)
		return exitUsage
	}
	what := "the list and the seed match the commitment"
	if file.Arms == nil {
		err = randomise.CheckCommitment(list, seed, com)
	} else {
		err = randomise.Verify(list, seed, com, file.Allocation())
		what += fmt.Sprintf("; all %d schools' arms are the ones the seed gives", len(file.Arms))
	}
	if err != nil {
		var joined interface{ Unwrap() []error }
		errs := []error{err}
		if errors.As(err, &joined) {
			errs = joined.Unwrap()
		}
		for _, e := range errs {
			fmt.Fprintf(stderr, "ealrandomise: %s: %v\n", name, e)
		}
		plural := map[bool]string{true: "s"}[len(errs) > 1]
		fmt.Fprintf(stderr, "ealrandomise: %s: not verified (%d problem%s)\n", name, len(errs), plural)
		return exitFail
	}
	fmt.Fprintf(stdout, "verified: wave %d, %d schools: %s\n", com.Wave, com.Schools, what)
	return exitOK
}
