package rules

import "sort"

// Credits shares a hub's credit pool (in pence) among its schools by pupils
// on roll, as London West does: each school gets pool × roll / Σ roll,
// rounded down, and the pence left over go one each to the schools with the
// largest remainders (ties to the earlier school), so the credits add up to
// the pool exactly. A school with no pupils recorded gets nothing; with no
// pupils at all, nobody does.
func Credits(pool int64, rolls []int) []int64 {
	out := make([]int64, len(rolls))
	var total int64
	for _, r := range rolls {
		if r > 0 {
			total += int64(r)
		}
	}
	if pool <= 0 || total == 0 {
		return out
	}
	type rem struct {
		i int
		r int64
	}
	var rems []rem
	var given int64
	for i, r := range rolls {
		if r <= 0 {
			continue
		}
		share := pool * int64(r)
		out[i] = share / total
		given += out[i]
		rems = append(rems, rem{i, share % total})
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for k := 0; given < pool; k++ {
		out[rems[k].i]++
		given++
	}
	return out
}
