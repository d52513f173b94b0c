package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/challengepartners/upwards/plugins/gettingahead/internal/match"
)

// parse reads an instance in the coaching-match format into a Problem. It
// refuses anything the format does not describe: an unknown or missing field,
// a value of the wrong type, an empty school. Every such fault is returned at
// once in a *match.InvalidError, each naming the coach or participant (by id,
// or by position when the id is missing). Faults of the problem itself
// (unknown or repeated ids, negative capacities) are left to match.Solve.
func parse(data []byte) (match.Problem, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return match.Problem{}, errors.New("the instance is empty: give a JSON object with coaches and participants")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return match.Problem{}, jsonError(data, err)
	}
	var fs []match.Fault
	in := object{"instance", top, &fs}
	in.only("name", "coaches", "participants")
	if _, ok := top["name"]; ok {
		in.str("name", false)
	}
	var pb match.Problem
	for _, o := range in.objects("coaches") {
		c := match.Coach{ID: o.id("coach")}
		o.only("id", "school", "capacity", "prefs")
		c.School, c.Capacity, c.Prefs = o.str("school", true), o.whole("capacity"), o.ids("prefs")
		pb.Coaches = append(pb.Coaches, c)
	}
	for _, o := range in.objects("participants") {
		p := match.Participant{ID: o.id("participant")}
		o.only("id", "school", "prefs")
		p.School, p.Prefs = o.str("school", true), o.ids("prefs")
		pb.Participants = append(pb.Participants, p)
	}
	if len(fs) > 0 {
		return match.Problem{}, &match.InvalidError{Faults: fs}
	}
	return pb, nil
}

// object is one JSON object of the instance being read, and the faults found
// so far. who names it in a fault.
type object struct {
	who    string
	fields map[string]json.RawMessage
	faults *[]match.Fault
}

func (o object) fault(format string, args ...any) {
	*o.faults = append(*o.faults, match.Fault{Who: o.who, Message: fmt.Sprintf(format, args...)})
}

// only refuses fields other than names, which a typo would otherwise hide.
func (o object) only(names ...string) {
	var unknown []string
	for k := range o.fields {
		if !slices.Contains(names, k) {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	for _, k := range unknown {
		o.fault("unknown field %q: the fields are %s", k, strings.Join(names, ", "))
	}
}

// get returns the field's JSON, or nil with a fault when it is missing or null.
func (o object) get(name string) json.RawMessage {
	raw, ok := o.fields[name]
	if !ok || string(raw) == "null" {
		o.fault("%s is missing", name)
		return nil
	}
	return raw
}

// str reads a string field; nonEmpty refuses "".
func (o object) str(name string, nonEmpty bool) string {
	raw := o.get(name)
	if raw == nil {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		o.fault("%s must be a string", name)
	} else if nonEmpty && strings.TrimSpace(s) == "" {
		o.fault("%s is empty: the same-school rule needs every school", name)
	}
	return s
}

// whole reads a whole-number field, written as 3, 3.0 or 3e0.
func (o object) whole(name string) int {
	raw := o.get(name)
	if raw == nil {
		return 0
	}
	var num json.Number // which also takes a number in quotes: refused below
	if raw[0] != '"' && json.Unmarshal(raw, &num) == nil {
		if n, err := strconv.Atoi(num.String()); err == nil {
			return n
		}
		if f, err := num.Float64(); err == nil && f == math.Trunc(f) && math.Abs(f) <= 1<<53 {
			return int(f)
		}
	}
	o.fault("%s must be a whole number", name)
	return 0
}

// ids reads a list of ids (strings).
func (o object) ids(name string) []string {
	raw := o.get(name)
	if raw == nil {
		return nil
	}
	var s []string
	if json.Unmarshal(raw, &s) != nil {
		o.fault("%s must be a list of ids (strings), best first", name)
	}
	return s
}

// objects reads a list of objects, each named by its position until its id
// is read (object.id).
func (o object) objects(name string) []object {
	raw := o.get(name)
	if raw == nil {
		return nil
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		o.fault("%s must be a list of objects", name)
		return nil
	}
	out := make([]object, 0, len(list))
	for k, item := range list {
		el := object{fmt.Sprintf("%s[%d]", name, k), nil, o.faults}
		if json.Unmarshal(item, &el.fields) != nil || el.fields == nil {
			el.fault("must be an object with an id")
			continue
		}
		out = append(out, el)
	}
	return out
}

// id reads the object's id and from then on names the object by it
// ("coach C01"); side is "coach" or "participant".
func (o *object) id(side string) string {
	id := o.str("id", false)
	if id != "" {
		o.who = side + " " + id
	} else if _, ok := o.fields["id"]; ok {
		o.fault("id is empty: give every %s an id", side)
	}
	return id
}

// jsonError says where JSON that does not parse goes wrong, by line and column.
func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		line, col := position(data, syn.Offset)
		return fmt.Errorf("the instance is not valid JSON: line %d, column %d: %w", line, col, err)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return errors.New("the instance must be a JSON object with coaches and participants")
	}
	return fmt.Errorf("the instance is not valid JSON: %w", err)
}

// position is the line and column (from 1) of the byte at offset.
func position(data []byte, offset int64) (line, col int) {
	offset = min(offset, int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1)
	return line, max(col, 1)
}
