package allocate

import "math"

// graph is a flow network in compressed sparse rows: the arcs leaving node u are
// start[u]..start[u+1]-1, each with its reverse arc rev[a]. capa is the residual
// capacity.
type graph struct {
	start []int32
	to    []int32
	rev   []int32
	capa  []int32
	cost  []int64
}

// builder collects arcs in order before they are laid out as a graph.
type builder struct {
	from, to []int32
	capa     []int32
	cost     []int64
}

// reserve makes room for m arcs.
func (b *builder) reserve(m int) {
	b.from = make([]int32, 0, m)
	b.to = make([]int32, 0, m)
	b.capa = make([]int32, 0, m)
	b.cost = make([]int64, 0, m)
}

// add adds the arc u → v and returns its number.
func (b *builder) add(u, v int32, capa int32, cost int64) int32 {
	b.from = append(b.from, u)
	b.to = append(b.to, v)
	b.capa = append(b.capa, capa)
	b.cost = append(b.cost, cost)
	return int32(len(b.from) - 1)
}

// build lays out the n nodes' arcs and their reverses; pos[e] is where arc e went.
// The arcs leaving a node keep the order they were added in.
func (b *builder) build(n int) (g *graph, pos []int32) {
	m := len(b.from)
	g = &graph{
		start: make([]int32, n+1),
		to:    make([]int32, 2*m),
		rev:   make([]int32, 2*m),
		capa:  make([]int32, 2*m),
		cost:  make([]int64, 2*m),
	}
	for e := range m {
		g.start[b.from[e]+1]++
		g.start[b.to[e]+1]++
	}
	for u := range n {
		g.start[u+1] += g.start[u]
	}
	next := make([]int32, n)
	copy(next, g.start[:n])
	pos = make([]int32, m)
	for e := range m {
		u, v := b.from[e], b.to[e]
		a, r := next[u], next[v]
		next[u]++
		next[v]++
		pos[e] = a
		g.to[a], g.rev[a], g.capa[a], g.cost[a] = v, r, b.capa[e], b.cost[e]
		g.to[r], g.rev[r], g.capa[r], g.cost[r] = u, a, 0, -b.cost[e]
	}
	return g, pos
}

// flowStats counts a run's work.
type flowStats struct {
	units  int // units of flow sent
	phases int // Dijkstra searches that moved the potentials
	passes int // depth-first passes over the admissible arcs
}

func (g *graph) nodes() int { return len(g.start) - 1 }

// minCostMaxFlow sends a maximum flow from s to t of least cost, by the primal-dual
// method: each phase moves the potentials by a Dijkstra search on reduced costs
// (stopped when t is settled), then saturates the residual arcs of zero reduced cost
// with depth-first augmentations, pass after pass until none is left. Every arc cost
// must be non-negative.
func (g *graph) minCostMaxFlow(s, t int32) flowStats {
	n := g.nodes()
	pot := make([]int64, n)
	dist := make([]int64, n)
	mark := make([]uint8, n) // 1 on the path, 2 dead end
	iter := make([]int32, n)
	var path []int32
	h := &minHeap{}
	var st flowStats
	for {
		d := g.shortest(s, t, pot, dist, h)
		if d == math.MaxInt64 {
			return st
		}
		for u := range pot {
			pot[u] += min(dist[u], d)
		}
		st.phases++
		for {
			st.passes++
			copy(iter, g.start[:n])
			clear(mark)
			pushed := 0
			for {
				f := g.augment(s, t, pot, mark, iter, &path)
				if f == 0 {
					break
				}
				pushed += f
			}
			if pushed == 0 {
				break
			}
			st.units += pushed
		}
	}
}

// admissible says whether arc a from u has residual capacity and zero reduced cost.
func (g *graph) admissible(u int32, a int32, pot []int64) bool {
	return g.capa[a] > 0 && g.cost[a]+pot[u]-pot[g.to[a]] == 0
}

// shortest runs Dijkstra from s on reduced costs over residual arcs, stopping when t is
// settled; it returns t's distance (MaxInt64 when t is unreachable). Every node with a
// distance below t's has its exact distance in dist.
func (g *graph) shortest(s, t int32, pot, dist []int64, h *minHeap) int64 {
	for i := range dist {
		dist[i] = math.MaxInt64
	}
	h.reset()
	dist[s] = 0
	h.push(0, s)
	for h.len() > 0 {
		d, u := h.pop()
		if d > dist[u] {
			continue
		}
		if u == t {
			return d
		}
		for a := g.start[u]; a < g.start[u+1]; a++ {
			if g.capa[a] == 0 {
				continue
			}
			v := g.to[a]
			if nd := d + g.cost[a] + pot[u] - pot[v]; nd < dist[v] {
				dist[v] = nd
				h.push(nd, v)
			}
		}
	}
	return math.MaxInt64
}

// augment finds one path s → t along admissible arcs, depth first from each node's
// current arc on, and pushes its bottleneck; it returns 0 when there is none. A node
// found to lead nowhere is marked dead for the rest of the pass.
func (g *graph) augment(s, t int32, pot []int64, mark []uint8, iter []int32, path *[]int32) int {
	p := (*path)[:0]
	defer func() { *path = p }()
	u := s
	mark[s] = 1
	for {
		if u == t {
			f := int32(math.MaxInt32)
			for _, a := range p {
				f = min(f, g.capa[a])
			}
			for _, a := range p {
				g.capa[a] -= f
				g.capa[g.rev[a]] += f
				mark[g.to[a]] = 0
			}
			mark[s] = 0
			return int(f)
		}
		advanced := false
		for ; iter[u] < g.start[u+1]; iter[u]++ {
			a := iter[u]
			if v := g.to[a]; mark[v] == 0 && g.admissible(u, a, pot) {
				p = append(p, a)
				mark[v] = 1
				u = v
				advanced = true
				break
			}
		}
		if advanced {
			continue
		}
		mark[u] = 2
		if u == s {
			return 0
		}
		last := p[len(p)-1]
		p = p[:len(p)-1]
		u = g.to[g.rev[last]]
		iter[u]++
	}
}

// minHeap is a binary heap of (key, node).
type minHeap struct {
	key  []int64
	node []int32
}

func (h *minHeap) reset()   { h.key, h.node = h.key[:0], h.node[:0] }
func (h *minHeap) len() int { return len(h.key) }

func (h *minHeap) push(k int64, v int32) {
	h.key = append(h.key, k)
	h.node = append(h.node, v)
	i := len(h.key) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h.key[p] <= k {
			break
		}
		h.key[i], h.node[i] = h.key[p], h.node[p]
		i = p
	}
	h.key[i], h.node[i] = k, v
}

func (h *minHeap) pop() (int64, int32) {
	k, v := h.key[0], h.node[0]
	last := len(h.key) - 1
	lk, lv := h.key[last], h.node[last]
	h.key, h.node = h.key[:last], h.node[:last]
	if last == 0 {
		return k, v
	}
	i := 0
	for {
		c := 2*i + 1
		if c >= last {
			break
		}
		if c+1 < last && h.key[c+1] < h.key[c] {
			c++
		}
		if lk <= h.key[c] {
			break
		}
		h.key[i], h.node[i] = h.key[c], h.node[c]
		i = c
	}
	h.key[i], h.node[i] = lk, lv
	return k, v
}
