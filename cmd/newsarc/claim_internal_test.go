package main

import (
	"context"
	"testing"
	"time"
)

// TestClaimStopsRevisitPass: a run of a site stops the site's revisit pass
// and waits for it; a pass never starts beside a run; the scheduler sees a
// site as busy only while a run holds it.
func TestClaimStopsRevisitPass(t *testing.T) {
	d := &daemon{busy: map[string]*holder{}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if !d.claimRevisit("cairo", cancel) {
		t.Fatal("first revisit pass refused")
	}
	if d.claimRevisit("cairo", func() {}) {
		t.Error("a second revisit pass of the same site was let in")
	}
	if d.claimed("cairo") {
		t.Error("a revisit pass makes the scheduler skip the site's run")
	}
	passEnded := make(chan time.Time, 1)
	go func() { // the pass: ends once stopped
		<-ctx.Done()
		time.Sleep(50 * time.Millisecond) // storing what it fetched
		passEnded <- time.Now()
		d.unclaim("cairo")
	}()
	if !d.claim("cairo") {
		t.Fatal("the run did not get the site")
	}
	claimed := time.Now()
	select {
	case ended := <-passEnded:
		if claimed.Before(ended) {
			t.Error("the run started before the pass had ended")
		}
	default:
		t.Error("the run started while the pass was still going")
	}
	if !d.claimed("cairo") || d.claim("cairo") || d.claimRevisit("cairo", func() {}) {
		t.Error("a run's claim does not keep others out")
	}
	d.unclaim("cairo")
	if d.claimed("cairo") || !d.claimRevisit("cairo", func() {}) {
		t.Error("the site stayed busy after the run")
	}
}

// TestBackoff: passes that fail only for transient reasons space out, up to
// the maximum; one that stores something ends the back-off; sites are
// apart.
func TestBackoff(t *testing.T) {
	b := newBackoff(2*time.Minute, 5*time.Minute)
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	for i, want := range []time.Duration{2 * time.Minute, 4 * time.Minute, 5 * time.Minute, 5 * time.Minute} {
		b.record("cairo", passTransient, now)
		if b.ready("cairo", now.Add(want-time.Second)) || !b.ready("cairo", now.Add(want)) {
			t.Errorf("after %d transient passes: not a %s wait", i+1, want)
		}
	}
	if !b.ready("giza", now) {
		t.Error("another site backs off too")
	}
	b.record("cairo", passNothing, now)
	if b.ready("cairo", now) {
		t.Error("a pass with nothing due ended the back-off")
	}
	b.record("cairo", passOK, now)
	if !b.ready("cairo", now) {
		t.Error("a pass that stored something did not end the back-off")
	}
	b.record("cairo", passTransient, now)
	if b.ready("cairo", now.Add(time.Minute)) {
		t.Error("after a success, the back-off does not start again from its minimum")
	}
}
