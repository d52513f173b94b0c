// Command qaallocate solves one QA Review allocation instance exactly: the most
// seats filled, then the least cost (see internal/allocate for the model).
//
//	qaallocate [-explain] [instance.json] > result.json
//
// It reads the instance from the file named, or from standard input, and writes
// the result JSON of ../shared/data/qa-allocation/README.md on standard output:
// the assignments, the unfilled seats with count and why, seats filled and cost.
// With -explain each assignment also carries its cost and why. The shortfall, when
// seats are left empty, goes to standard error with its remedies. A malformed
// instance exits with status 1 and a message naming the entry at fault; nothing is
// written on standard output then.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/allocate"
	"github.com/challengepartners/upwards/plugins/networkexcellence/internal/instance"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "qaallocate:", err)
		os.Exit(1)
	}
}

// run is the command with its arguments and streams.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("qaallocate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	explain := fs.Bool("explain", false, "give each assignment's cost and why")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: qaallocate [-explain] [instance.json] > result.json")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	in := stdin
	switch fs.NArg() {
	case 0:
	case 1:
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return fmt.Errorf("opening the instance: %w", err)
		}
		defer f.Close()
		in = f
	default:
		return errors.New("give at most one instance file (or none, to read standard input)")
	}
	p, err := instance.Parse(bufio.NewReader(in))
	if err != nil {
		return err
	}
	a, err := allocate.Solve(p)
	if err != nil {
		return err
	}
	for _, s := range a.Shortfall {
		fmt.Fprintln(stderr, "qaallocate:", s)
	}
	return instance.Write(stdout, instance.NewResult(a, *explain))
}
