package allocate

import (
	"container/heap"
	"math"
)

// sspOptimum is an independent solver for the oracle tests and the benchmark: it
// builds its own network straight from the Problem's lists (not from the package's
// instance or network) and runs plain successive shortest paths, one augmentation per
// Dijkstra search (stopped at the sink), with Bellman-Ford potentials first so that
// negative costs need no shift. It returns the seats filled and their cost. Pinned
// and Previous are not supported (the enumeration oracle covers them); Forbidden
// pairs are.
func sspOptimum(p Problem) (filled int, cost int64) {
	type edge struct {
		to, rev int
		capa    int
		cost    int64
	}
	var adj [][]edge
	node := func() int { adj = append(adj, nil); return len(adj) - 1 }
	link := func(u, v, c int, w int64) {
		adj[u] = append(adj[u], edge{v, len(adj[v]), c, w})
		adj[v] = append(adj[v], edge{u, len(adj[u]) - 1, 0, -w})
	}
	src, snk := node(), node()
	banned := map[[2]string]bool{}
	for _, c := range p.Conflicts {
		banned[[2]string{c.Reviewer, c.Review}] = true
	}
	for _, c := range p.Forbidden {
		banned[[2]string{c.Reviewer, c.Review}] = true
	}
	price := map[[2]string]int64{}
	for _, c := range p.Costs {
		price[[2]string{c.Reviewer, c.Review}] = c.Cost
	}
	leadNode, teamNode := map[string]int{}, map[string]int{}
	for _, v := range p.Reviews {
		if v.NeedsLead {
			leadNode[v.ID] = node()
			link(leadNode[v.ID], snk, 1, 0)
		}
		teamNode[v.ID] = node()
		link(teamNode[v.ID], snk, v.TeamSize, 0)
	}
	for _, r := range p.Reviewers {
		off := map[int]bool{}
		for _, w := range r.UnavailableWeeks {
			off[w] = true
		}
		rn := node()
		link(src, rn, r.MaxReviews, 0)
		weekNode := map[int]int{}
		for _, v := range p.Reviews {
			if off[v.Week] || r.School == v.School || banned[[2]string{r.ID, v.ID}] {
				continue
			}
			wn, ok := weekNode[v.Week]
			if !ok {
				wn = node()
				weekNode[v.Week] = wn
				link(rn, wn, 1, 0)
			}
			c := price[[2]string{r.ID, v.ID}]
			link(wn, teamNode[v.ID], 1, c)
			if r.Lead && v.NeedsLead {
				link(wn, leadNode[v.ID], 1, c)
			}
		}
	}
	n := len(adj)
	// Bellman-Ford from the source for the first potentials (the network has no cycle).
	pot := make([]int64, n)
	for i := range pot {
		pot[i] = math.MaxInt64
	}
	pot[src] = 0
	for changed := true; changed; {
		changed = false
		for u := range n {
			if pot[u] == math.MaxInt64 {
				continue
			}
			for _, e := range adj[u] {
				if e.capa > 0 && pot[u]+e.cost < pot[e.to] {
					pot[e.to] = pot[u] + e.cost
					changed = true
				}
			}
		}
	}
	for i := range pot {
		if pot[i] == math.MaxInt64 {
			pot[i] = 0
		}
	}
	dist := make([]int64, n)
	prevNode, prevEdge := make([]int, n), make([]int, n)
	for {
		for i := range dist {
			dist[i] = math.MaxInt64
		}
		dist[src] = 0
		q := &pq{{0, src}}
		for q.Len() > 0 {
			it := heap.Pop(q).(item)
			if it.d > dist[it.u] {
				continue
			}
			if it.u == snk {
				break
			}
			for i, e := range adj[it.u] {
				if e.capa == 0 {
					continue
				}
				nd := it.d + e.cost + pot[it.u] - pot[e.to]
				if nd < dist[e.to] {
					dist[e.to], prevNode[e.to], prevEdge[e.to] = nd, it.u, i
					heap.Push(q, item{nd, e.to})
				}
			}
		}
		if dist[snk] == math.MaxInt64 {
			return filled, cost
		}
		// Nodes not settled before the sink move as far as the sink: reduced costs stay
		// non-negative, and the search could stop at the sink.
		for i := range pot {
			pot[i] += min(dist[i], dist[snk])
		}
		for v := snk; v != src; v = prevNode[v] {
			e := &adj[prevNode[v]][prevEdge[v]]
			e.capa--
			adj[v][e.rev].capa++
			cost += e.cost
		}
		filled++
	}
}

type item struct {
	d int64
	u int
}

type pq []item

func (q pq) Len() int           { return len(q) }
func (q pq) Less(i, j int) bool { return q[i].d < q[j].d }
func (q pq) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *pq) Push(x any)        { *q = append(*q, x.(item)) }
func (q *pq) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}
