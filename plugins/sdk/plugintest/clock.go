package plugintest

import "time"

// SetClock sets the time every later request, job, event and subject call
// of the harness carries (Actor.clock_unix_micro): the plugin's sdk.Now
// returns t, and sdk.Today its date in London, until the clock is moved
// again. A zero t goes back to the real clock, which is where Start and Run
// leave it.
func (h *Harness) SetClock(t time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.clock = t
}

// AdvanceClock moves the harness's clock by d (negative: back). On the
// real clock it first sets the clock to the real time, so the clock then
// stands still between calls until moved again.
func (h *Harness) AdvanceClock(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.clock.IsZero() {
		h.clock = time.Now()
	}
	h.clock = h.clock.Add(d)
}

// Clock returns the time the harness sets on calls, or the zero time when
// they run on the real clock.
func (h *Harness) Clock() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.clock
}
