#!/usr/bin/env bash
# The reviewer-allocation benchmark of the Network of Excellence (issue 14):
# one school year of the real network's size (450 reviews, 1,000 reviewers of
# whom 40 Lead Reviewers, 38 weeks), solved exactly by
# plugins/networkexcellence/internal/allocate. It prints the solve time (wall
# and CPU), seats filled against seats on offer, the cost against the optimum
# of an independent solver (plain successive shortest paths) in the same run,
# the greedy allocation's seats and cost, allocations per solve and the peak
# live heap; it fails when the solver misses the independent optimum.
#
# The benchmark lives in the plugin's module (the root module cannot import
# another module's internal package); this script runs it from anywhere:
#
#	bench/qaallocation/run.sh            # 3 solves
#	BENCHTIME=10x bench/qaallocation/run.sh
#
# Goal: the optimum in under 5 s on the project's 2-core machine.
set -euo pipefail
cd "$(dirname "$0")/../../plugins/networkexcellence"
exec go test -run '^$' -bench '^BenchmarkSolveYear$' -benchtime "${BENCHTIME:-3x}" ./internal/allocate
