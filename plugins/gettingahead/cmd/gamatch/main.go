// Command gamatch solves one Getting Ahead London coaching match from the
// command line, outside the running system, so that a match can be reproduced
// and checked.
//
//	go run ./plugins/gettingahead/cmd/gamatch < instance.json > result.json
//	go run ./plugins/gettingahead/cmd/gamatch -explain < instance.json
//
// It reads an instance (coaches and participants with schools, capacities and
// ranked lists) in the format of shared/data/coaching-match/README.md on
// standard input, and writes the participant-optimal stable match on standard
// output: {"pairs": [[participant, coach], ...], "unmatched": [...]}, pairs
// sorted by participant, unmatched sorted. The solver is package match
// (internal/match), the one the plugin uses.
//
// With -explain it writes instead one line per participant saying why they
// have their coach or none.
//
// A malformed instance is refused on standard error, every fault on its own
// line naming the coach or participant at fault, with exit status 1; a wrong
// flag exits with 2. Faults of the format (a missing or misspelt field, a
// value of the wrong type) are reported first; once the format is right,
// faults of the problem (an unknown or repeated id, a negative capacity). The format has schools only: the plugin's trust and
// forbidden-pair rules and fixed pairs are not part of it.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/match"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run is the command with its arguments and streams; it returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("gamatch", flag.ContinueOnError)
	fl.SetOutput(stderr)
	explain := fl.Bool("explain", false, "write why each participant has their coach or none, instead of the result JSON")
	fl.Usage = func() {
		fmt.Fprintln(stderr, "usage: gamatch [-explain] < instance.json > result.json")
		fl.PrintDefaults()
	}
	if err := fl.Parse(args); err != nil {
		return 2
	}
	if fl.NArg() > 0 {
		fl.Usage()
		return 2
	}
	data, err := io.ReadAll(stdin)
	if err != nil {
		fmt.Fprintf(stderr, "gamatch: reading the instance: %v\n", err)
		return 1
	}
	res, err := solve(data)
	if err != nil {
		refuse(stderr, err)
		return 1
	}
	if *explain {
		err = writeExplanations(stdout, res)
	} else {
		err = writeResult(stdout, res)
	}
	if err != nil {
		fmt.Fprintf(stderr, "gamatch: writing the result: %v\n", err)
		return 1
	}
	return 0
}

func solve(data []byte) (match.Result, error) {
	pb, err := parse(data)
	if err != nil {
		return match.Result{}, err
	}
	return match.Solve(pb)
}

// refuse writes why the instance was refused, one fault a line.
func refuse(w io.Writer, err error) {
	var inv *match.InvalidError
	if !errors.As(err, &inv) {
		fmt.Fprintf(w, "gamatch: %v\n", err)
		return
	}
	fmt.Fprintf(w, "gamatch: the instance is refused (%d %s):\n", len(inv.Faults), plural(len(inv.Faults), "fault"))
	for _, f := range inv.Faults {
		fmt.Fprintf(w, "  %s\n", f.Error())
	}
}

func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}

// result is the format's result: pairs [participant, coach] sorted, and the
// participants without a coach, sorted. Neither list is ever null.
type result struct {
	Pairs     [][2]string `json:"pairs"`
	Unmatched []string    `json:"unmatched"`
}

func writeResult(w io.Writer, res match.Result) error {
	out := result{Pairs: [][2]string{}, Unmatched: []string{}}
	for _, p := range res.Pairs {
		out.Pairs = append(out.Pairs, [2]string{p.Participant, p.Coach})
	}
	out.Unmatched = append(out.Unmatched, res.Unmatched...)
	b, err := json.MarshalIndent(out, "", " ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

func writeExplanations(w io.Writer, res match.Result) error {
	for _, e := range res.Explanations {
		line := e.String() // "P09 has no coach: ..."
		if e.Coach != "" {
			line = e.Participant + " with " + e.Coach + ": " + line
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	return nil
}
