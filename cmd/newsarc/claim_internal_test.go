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
