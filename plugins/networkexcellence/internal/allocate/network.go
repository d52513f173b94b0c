package allocate

import (
	"fmt"
	"math"
)

// network is the flow network of an instance (see the package doc).
type network struct {
	g            *graph
	source, sink int32
	seatArcs     []seatArc
}

// seatArc is an arc (r, w) → (v, s) and the triple it stands for.
type seatArc struct {
	pos int32 // the arc in the graph
	t   triple
}

// buildNetwork lays out the network of in, its pinned seats taken out.
func buildNetwork(in *instance) (*network, error) {
	nv, nr := len(in.reviews), len(in.reviewers)
	// What the pins took: each reviewer's load and weeks, each seat kind's room.
	load := make([]int, nr)
	taken := map[[2]int]bool{}
	room := make([][2]int, nv) // [v][0 lead, 1 team]
	for v, rv := range in.reviews {
		room[v] = [2]int{capacity(rv, Lead), capacity(rv, Team)}
	}
	for _, t := range in.pinned {
		load[t.r]++
		taken[[2]int{int(t.r), in.reviews[t.v].Week}] = true
		room[t.v][kind(t.s)]--
	}
	byWeek := make([][]int, in.p.Weeks+1)
	for v, rv := range in.reviews {
		byWeek[rv.Week] = append(byWeek[rv.Week], v)
	}

	const source, sink = 0, 1
	next := int32(2)
	seatNode := make([][2]int32, nv)
	seats := 0
	for v := range in.reviews {
		for k := range 2 {
			seatNode[v][k] = -1
			if room[v][k] > 0 {
				seatNode[v][k] = next
				next++
				seats += room[v][k]
			}
		}
	}
	// The allowed triples, week by week for each reviewer, and the range of their costs.
	type arc struct {
		v int
		k int
	}
	cmin, cmax := int64(math.MaxInt64), int64(math.MinInt64)
	var flat []arc  // the seat arcs of every (reviewer, week) node, in order
	var ends []int  // where each node's arcs end in flat
	var owner []int // its reviewer
	for r, pr := range in.reviewers {
		if pr.MaxReviews-load[r] <= 0 {
			continue
		}
		for w := 1; w <= in.p.Weeks; w++ {
			if in.unavail[r][w] || taken[[2]int{r, w}] {
				continue
			}
			first := len(flat)
			for _, v := range byWeek[w] {
				if !in.allowed(r, v) {
					continue
				}
				for k := range 2 {
					if seatNode[v][k] < 0 || (k == 0 && !pr.Lead) {
						continue
					}
					flat = append(flat, arc{v, k})
					c := in.cost(r, v)
					cmin, cmax = min(cmin, c), max(cmax, c)
				}
			}
			if len(flat) > first {
				ends = append(ends, len(flat))
				owner = append(owner, r)
			}
		}
	}
	var b int64
	if len(in.previous) > 0 && len(flat) > 0 {
		spread := cmax - cmin
		b = int64(seats)*spread + 1
		nodes := int64(next) + int64(nr) + int64(len(ends))
		if spread > 0 && (int64(seats) > math.MaxInt64/8/spread || (b+spread) > math.MaxInt64/8/nodes) {
			return nil, &InputError{[]Fault{{"costs", fmt.Sprintf("the costs spread over %d..%d across %d seats: too wide to weigh keeping the previous allocation exactly; scale the costs down", cmin, cmax, seats)}}}
		}
	}

	var bl builder
	rvNode := func(r int) int32 { return next + int32(r) }
	rwFirst := next + int32(nr)
	n := int(rwFirst) + len(ends)
	net := &network{source: source, sink: sink}
	type pending struct {
		e int32
		t triple
	}
	seatEdges := make([]pending, 0, len(flat))
	bl.reserve(nr + 2*len(ends) + len(flat) + 2*nv)
	// Reviewers' arcs first, then each (reviewer, week) node's seat arcs, in id order.
	lastR := -1
	for i, end := range ends {
		list := flat[start(ends, i):end]
		r := owner[i]
		if r != lastR {
			bl.add(source, rvNode(r), int32(min(in.reviewers[r].MaxReviews-load[r], in.p.Weeks)), 0)
			lastR = r
		}
		rw := rwFirst + int32(i)
		bl.add(rvNode(r), rw, 1, 0)
		for _, a := range list {
			s := Lead
			if a.k == 1 {
				s = Team
			}
			t := triple{int32(r), int32(a.v), s}
			c := in.cost(r, a.v) - cmin
			if b > 0 && !in.previous[t] {
				c += b
			}
			seatEdges = append(seatEdges, pending{bl.add(rw, seatNode[a.v][a.k], 1, c), t})
		}
	}
	for v := range in.reviews {
		for k := range 2 {
			if seatNode[v][k] >= 0 {
				bl.add(seatNode[v][k], sink, int32(room[v][k]), 0)
			}
		}
	}
	g, pos := bl.build(n)
	net.g = g
	net.seatArcs = make([]seatArc, len(seatEdges))
	for i, p := range seatEdges {
		net.seatArcs[i] = seatArc{pos[p.e], p.t}
	}
	return net, nil
}

// start is where the i-th node's arcs begin in the flat list.
func start(ends []int, i int) int {
	if i == 0 {
		return 0
	}
	return ends[i-1]
}

// kind is the index of a seat kind in [lead, team] pairs.
func kind(s Seat) int {
	if s == Lead {
		return 0
	}
	return 1
}

// chosen returns the triples whose arcs carry flow.
func (n *network) chosen() []triple {
	var out []triple
	for _, a := range n.seatArcs {
		if n.g.capa[a.pos] == 0 {
			out = append(out, a.t)
		}
	}
	return out
}
