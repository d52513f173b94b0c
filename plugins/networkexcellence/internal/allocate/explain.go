package allocate

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// result turns the pinned and the chosen triples into the Allocation with its
// explanations.
func (in *instance) result(chosen []triple) Allocation {
	var a Allocation
	load := make([]int, len(in.reviewers))
	busy := map[[2]int]bool{}    // (reviewer, week)
	onReview := map[int64]bool{} // pair
	filled := make([][2]int, len(in.reviews))
	eligible := in.eligible()
	leadsInTeams := 0
	add := func(t triple, pinned bool) {
		r, v := int(t.r), int(t.v)
		p := Placed{
			Assignment: Assignment{Review: in.reviews[v].ID, Reviewer: in.reviewers[r].ID, Seat: t.s},
			Cost:       in.cost(r, v),
			Pinned:     pinned,
			Kept:       in.previous[t],
			Eligible:   eligible[v][kind(t.s)],
		}
		if i := in.costRef[in.pair(r, v)]; i >= 0 {
			p.Parts = slices.Clone(in.p.Costs[i].Parts)
		}
		a.Assignments = append(a.Assignments, p)
		a.Cost += p.Cost
		if p.Kept {
			a.Kept++
		}
		load[r]++
		busy[[2]int{r, in.reviews[v].Week}] = true
		onReview[in.pair(r, v)] = true
		filled[v][kind(t.s)]++
		if t.s == Team && in.reviewers[r].Lead {
			leadsInTeams++
		}
	}
	for _, t := range in.pinned {
		add(t, true)
	}
	for _, t := range chosen {
		add(t, false)
	}
	sortAssignments(a.Assignments)
	a.Filled = len(a.Assignments)
	a.Changed = len(in.previous) + in.prevGone - a.Kept
	var empty [2]int
	for v, rv := range in.reviews {
		for k, s := range []Seat{Lead, Team} {
			c := capacity(rv, s)
			a.Seats += c
			if filled[v][k] >= c {
				continue
			}
			empty[k] += c - filled[v][k]
			u := Unfilled{Review: rv.ID, Seat: s, Week: rv.Week, Count: c - filled[v][k]}
			u.Blockers = in.blockers(v, s, load, busy, onReview)
			a.Unfilled = append(a.Unfilled, u)
		}
	}
	a.Shortfall = in.shortfall(empty, leadsInTeams)
	return a
}

// eligible counts, for each review and seat kind, the reviewers the pair rules allow.
func (in *instance) eligible() [][2]int {
	out := make([][2]int, len(in.reviews))
	for v := range in.reviews {
		for r, pr := range in.reviewers {
			if in.allowed(r, v) {
				out[v][1]++
				if pr.Lead {
					out[v][0]++
				}
			}
		}
	}
	return out
}

// blockers counts why each reviewer who might take a seat of kind s at review v does
// not, given the allocation's loads, busy weeks and seats.
func (in *instance) blockers(v int, s Seat, load []int, busy map[[2]int]bool, onReview map[int64]bool) Blockers {
	b := Blockers{ConflictWhy: map[string]int{}}
	week := in.reviews[v].Week
	for r, pr := range in.reviewers {
		if s == Lead && !pr.Lead {
			continue
		}
		b.Population++
		switch in.block(r, v) {
		case "own school":
			b.OwnSchool++
		case "unavailable":
			b.Unavailable++
		case "conflicted":
			b.Conflicted++
			b.ConflictWhy[in.why[in.pair(r, v)]]++
		case "forbidden":
			b.Forbidden++
		default:
			switch {
			case onReview[in.pair(r, v)]:
				b.OnTeam++
			case load[r] >= pr.MaxReviews:
				b.AtLimit++
			case busy[[2]int{r, week}]:
				b.Busy++
			default:
				b.Free++
			}
		}
	}
	return b
}

// Why says in words why the seats are empty.
func (u Unfilled) Why() string {
	b := u.Blockers
	who, whom := "reviewer", "reviewers"
	if u.Seat == Lead {
		who, whom = "Lead Reviewer", "Lead Reviewers"
	}
	if b.Population == 0 {
		return fmt.Sprintf("there is no %s in the instance", who)
	}
	var parts []string
	count := func(n int, what string) {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, what))
		}
	}
	count(b.OwnSchool, "from the host school")
	count(b.Unavailable, fmt.Sprintf("unavailable in week %d", u.Week))
	if b.Conflicted > 0 {
		var why []string
		for _, k := range slices.Sorted(maps.Keys(b.ConflictWhy)) {
			label := k
			if label == "" {
				label = "no reason given"
			}
			why = append(why, fmt.Sprintf("%d %s", b.ConflictWhy[k], label))
		}
		parts = append(parts, fmt.Sprintf("%d conflicted (%s)", b.Conflicted, strings.Join(why, ", ")))
	}
	count(b.Forbidden, "forbidden by the central team")
	count(b.OnTeam, "already on this review's team")
	count(b.AtLimit, "at their limit of reviews")
	count(b.Busy, fmt.Sprintf("reviewing another school in week %d", u.Week))
	count(b.Free, "free (a fault of the solver: please report it)")
	s := fmt.Sprintf("no %s could take it: of the %d %s, %s", who, b.Population, plural(b.Population, who, whom), strings.Join(parts, ", "))
	if b.OnTeam+b.AtLimit+b.Busy > 0 {
		s += "; none of those busy can move here without leaving another seat empty"
	}
	return s
}

// shortfall gives the totals and remedies for the empty seats of each kind;
// leadsInTeams is the team seats Lead Reviewers fill.
func (in *instance) shortfall(empty [2]int, leadsInTeams int) []string {
	if empty[0]+empty[1] == 0 {
		return nil
	}
	var offer [2]int
	for _, rv := range in.reviews {
		offer[0] += capacity(rv, Lead)
		offer[1] += capacity(rv, Team)
	}
	// reach: the most seats a reviewer could take: their limit, and one per week in
	// which some review is open to them.
	var leads, leadReach, reach int
	for r, pr := range in.reviewers {
		weeks, leadWeeks := map[int]bool{}, map[int]bool{}
		for v, rv := range in.reviews {
			if in.allowed(r, v) {
				weeks[rv.Week] = true
				if pr.Lead && rv.NeedsLead {
					leadWeeks[rv.Week] = true
				}
			}
		}
		reach += min(pr.MaxReviews, len(weeks))
		if pr.Lead {
			leads++
			leadReach += min(pr.MaxReviews, len(leadWeeks))
		}
	}
	var out []string
	if empty[0] > 0 {
		s := fmt.Sprintf("%d of %d lead seats are empty: the %d Lead Reviewers can lead at most %d reviews (each within max_reviews and one a week, in weeks free of their own school, unavailability and conflicts), and the lead seats of one week need as many Lead Reviewers free that week.",
			empty[0], offer[0], leads, leadReach)
		if leadsInTeams > 0 {
			s += fmt.Sprintf(" Lead Reviewers also fill %d team %s: a team seat counts as much as a lead seat, so pin Lead Reviewers to lead seats where a lead matters more.", leadsInTeams, plural(leadsInTeams, "seat", "seats"))
		}
		out = append(out, s+" Remedies: (1) raise Lead Reviewers' max_reviews, (2) train more Lead Reviewers, (3) move reviews to weeks with Lead Reviewers free, (4) review the conflicts and forbidden pairs that rule them out")
	}
	if empty[1] > 0 {
		out = append(out, fmt.Sprintf("%d of %d team seats are empty: the %d reviewers can take at most %d seats in all, lead and team (each within max_reviews and one a week). Remedies: (1) raise reviewers' max_reviews, (2) recruit and train more reviewers, (3) spread the reviews over more weeks, (4) review the conflicts and unavailable weeks",
			empty[1], offer[1], len(in.reviewers), reach))
	}
	return out
}
