package booking

import (
	"errors"
	"slices"
	"testing"
)

func TestDecide(t *testing.T) {
	ldd := Day{HostSchool: 1, Date: "2026-03-10", Capacity: 2, PerPair: true}
	two := []Booking{{ID: 1, School: 2, People: []uint64{20, 21}, State: Booked}, {ID: 2, School: 3, People: []uint64{30, 31}, State: Booked}}
	one := two[:1]
	cancelledOne := []Booking{{ID: 1, School: 2, People: []uint64{20, 21}, State: Cancelled}}
	closed := ldd
	closed.ClosesOn = "2026-02-01"
	gone := ldd
	gone.Cancelled = true
	event := Day{Date: "2026-03-10", Capacity: 1}
	cases := []struct {
		name   string
		d      Day
		req    Request
		bs     []Booking
		today  string
		state  string
		reason Reason
		field  string
	}{
		{"a free place is booked", ldd, Request{School: 4, People: []uint64{40, 41}}, one, "2026-03-01", Booked, "", ""},
		{"full is refused", ldd, Request{School: 4, People: []uint64{40, 41}}, two, "2026-03-01", "", Full, ""},
		{"full joins the waiting list when asked", ldd, Request{School: 4, People: []uint64{40, 41}, Wait: true}, two, "2026-03-01", Waiting, "", ""},
		{"own school", ldd, Request{School: 1, People: []uint64{10, 11}}, nil, "2026-03-01", "", OwnSchool, "school"},
		{"date passed", ldd, Request{School: 4, People: []uint64{40, 41}}, nil, "2026-03-11", "", DatePassed, ""},
		{"the day itself has passed", ldd, Request{School: 4, People: []uint64{40, 41}}, nil, "2026-03-10", "", DatePassed, ""},
		{"closed by default the day before", ldd, Request{School: 4, People: []uint64{40, 41}}, nil, "2026-03-09", Booked, "", ""},
		{"booking closed", closed, Request{School: 4, People: []uint64{40, 41}}, nil, "2026-02-02", "", Closed, ""},
		{"cancelled day", gone, Request{School: 4, People: []uint64{40, 41}}, nil, "2026-02-02", "", Closed, ""},
		{"same person twice in the pair", ldd, Request{School: 4, People: []uint64{40, 40}}, nil, "2026-03-01", "", SamePerson, "leader_2"},
		{"same person already booked", ldd, Request{School: 2, People: []uint64{22, 21}}, one, "2026-03-01", "", SamePerson, "leader_2"},
		{"a cancelled booking frees its people", ldd, Request{School: 2, People: []uint64{20, 21}}, cancelledOne, "2026-03-01", Booked, "", ""},
		{"a pair needs two", ldd, Request{School: 4, People: []uint64{40}}, nil, "2026-03-01", "", NoLeader, "leader_2"},
		{"no first leader", ldd, Request{School: 4, People: []uint64{0, 41}}, nil, "2026-03-01", "", NoLeader, "leader_1"},
		{"an event books one person", event, Request{School: 1, People: []uint64{10}}, nil, "2026-03-01", Booked, "", ""},
		{"an event has no own school", event, Request{School: 1, People: []uint64{10}}, []Booking{{People: []uint64{99}, State: Booked}}, "2026-03-01", "", Full, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, err := Decide(c.d, c.req, c.bs, c.today)
			if c.reason == "" {
				if err != nil || st != c.state {
					t.Fatalf("= %q, %v; want %q", st, err, c.state)
				}
				return
			}
			var r *Refusal
			if !errors.As(err, &r) || r.Reason != c.reason || r.Field != c.field || r.Message == "" {
				t.Fatalf("= %q, %#v; want refusal %s on %q", st, err, c.reason, c.field)
			}
		})
	}
}

func TestPromoteMovesTheWaitingListUpInOrder(t *testing.T) {
	bs := []Booking{
		{ID: 1, State: Booked}, {ID: 2, State: Cancelled},
		{ID: 5, State: Waiting, Position: 5}, {ID: 3, State: Waiting, Position: 3}, {ID: 4, State: Waiting, Position: 4},
	}
	cases := []struct {
		cap  int
		want []uint64
	}{{1, nil}, {2, []uint64{3}}, {3, []uint64{3, 4}}, {9, []uint64{3, 4, 5}}}
	for _, c := range cases {
		if got := Promote(c.cap, bs); !slices.Equal(got, c.want) {
			t.Errorf("capacity %d: %v, want %v", c.cap, got, c.want)
		}
	}
}

func TestRatings(t *testing.T) {
	d := Day{Date: "2026-03-10"}
	bs := []Booking{{People: []uint64{1, 2}, State: Booked}, {People: []uint64{3, 4}, State: Waiting}}
	cases := []struct {
		person uint64
		today  string
		ok     bool
	}{{1, "2026-03-10", true}, {2, "2026-04-01", true}, {1, "2026-03-09", false}, {3, "2026-03-11", false}, {9, "2026-03-11", false}}
	for _, c := range cases {
		if err := CanRate(d, c.person, bs, c.today); (err == nil) != c.ok {
			t.Errorf("person %d on %s: %v", c.person, c.today, err)
		}
	}
	for _, n := range []int{0, 11, -1} {
		if CheckScore(n) == nil {
			t.Errorf("score %d accepted", n)
		}
	}
	if got := Mean([]int{9, 10, 9, 8, 10, 9, 9, 9, 10, 8}, 10).String(); got != "9.1/10" {
		t.Errorf("mean %s", got)
	}
	if got := Mean(nil, 10).String(); got != "no ratings yet" {
		t.Errorf("empty mean %s", got)
	}
	for _, c := range []struct {
		p, w int
		s    string
	}{{11, 25, "44%"}, {1, 3, "33%"}, {1, 2, "50%"}, {0, 0, "—"}} {
		if got := Percent(c.p, c.w); got != c.s {
			t.Errorf("Percent(%d,%d) = %s", c.p, c.w, got)
		}
	}
}
