package web

// Permissions of the QA Review part. Each route requires exactly one; the
// manifest (manifest.go) gives each its default roles. The School Support
// Directory part declares its own beside its routes.
const (
	// PermRead: see the programme's home: the years, the actor's hubs,
	// schools and reviews.
	PermRead = "networkexcellence.programme.read"
	// PermManage: run the programme: years and members, the review
	// schedule, the reviewer register and trainings, the allocation, report
	// publication, news. Held at the tenant's root.
	PermManage = "networkexcellence.programme.manage"
	// PermBoard: read the year board, the register, allocation runs and
	// every review's state across the network (the central team).
	PermBoard = "networkexcellence.board.read"
	// PermHubRead: see a hub's page (schools, plan, funding, reviews this
	// year), at the hub.
	PermHubRead = "networkexcellence.hub.read"
	// PermHubPlan: edit a hub's action plan and funding, at the hub.
	PermHubPlan = "networkexcellence.hub.plan"
	// PermReviewRead: see a school's review history and its reports (as
	// their state allows), at the school: its own leaders, its hub manager,
	// its trust leader and the central team; never another school.
	PermReviewRead = "networkexcellence.review.read"
	// PermReviewHost: act as the host of a review at the school: the
	// self-evaluation, the host's feedback.
	PermReviewHost = "networkexcellence.review.host"
	// PermReportAgree: agree the school's report, or return it to the team
	// (the host headteacher).
	PermReportAgree = "networkexcellence.report.agree"
	// PermReviewerSelf: a reviewer's own page: trainings, upcoming reviews,
	// reports to write and feedback to give; the team membership that lets
	// them write is checked by the plugin.
	PermReviewerSelf = "networkexcellence.reviewer.self"
	// PermTrustRead: a trust's view across its schools' reviews, at the trust.
	PermTrustRead = "networkexcellence.trust.read"
)
