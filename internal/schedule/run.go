package schedule

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime/debug"
	"time"
)

// cronJob is what a cron entry runs when its slot fires.
type cronJob struct {
	s *Scheduler
	j *job
}

func (c cronJob) Run() { c.s.fire(c.j) }

// fire handles one slot of j: skip it if j is still held, else hold j, wait
// out the jitter and a MaxConcurrent token, and run.
func (s *Scheduler) fire(j *job) {
	// Specs have whole-second resolution and the slot fired just now.
	slot := time.Now().Truncate(time.Second)
	s.mu.Lock()
	if s.jobs[j.name] != j || j.entry == 0 {
		s.mu.Unlock() // removed by Set as the slot fired
		return
	}
	if j.running || (j.busy != nil && j.busy()) {
		j.skipped++
		s.mu.Unlock()
		s.log.Warn("previous run still in progress: slot skipped", keyJob, j.name, keySlot, slot)
		if s.onSkip != nil {
			s.onSkip(j.name)
		}
		return
	}
	j.running = true
	ctx := s.runCtx
	s.mu.Unlock()
	defer s.release(j)

	fired := time.Now()
	if !s.acquire(ctx) {
		s.log.Debug("run not started: scheduler stopping", keyJob, j.name, keySlot, slot)
		return
	}
	defer func() { <-s.sem }()

	start := time.Now()
	s.mu.Lock()
	run := j.run
	j.runs++
	j.lastStart = start
	s.mu.Unlock()
	s.log.Info("run started", keyJob, j.name, keySlot, slot, keyWait, start.Sub(fired))

	stack, err := call(ctx, run)
	panicked := stack != nil
	end := time.Now()
	took := end.Sub(start)
	cancelled := !panicked && err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled)

	s.mu.Lock()
	j.lastErr = err
	switch {
	case err == nil:
		j.lastSuccess = end
	case !cancelled:
		j.failures++
	}
	s.mu.Unlock()

	switch {
	case err == nil:
		s.log.Info("run finished", keyJob, j.name, keySlot, slot, keyTook, took)
	case panicked:
		s.log.Error("run panicked", keyJob, j.name, keySlot, slot, keyTook, took, keyErr, err,
			keyStack, string(stack))
	case cancelled:
		s.log.Info("run cancelled", keyJob, j.name, keySlot, slot, keyTook, took, keyErr, err)
	default:
		s.log.Error("run failed", keyJob, j.name, keySlot, slot, keyTook, took, keyErr, err)
	}
}

// acquire waits out a random jitter, then for a MaxConcurrent token. It
// reports false, holding no token, if ctx ends first.
func (s *Scheduler) acquire(ctx context.Context) bool {
	if s.jitter > 0 {
		t := time.NewTimer(rand.N(s.jitter))
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return false
		}
	}
	if ctx.Err() != nil {
		return false
	}
	select {
	case s.sem <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

// release lets j's next slot run, and forgets j if Set removed it meanwhile.
func (s *Scheduler) release(j *job) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j.running = false
	if j.entry == 0 && s.jobs[j.name] == j {
		delete(s.jobs, j.name)
	}
}

// call runs run, turning a panic into an error and the panicking
// goroutine's stack.
func call(ctx context.Context, run func(context.Context) error) (stack []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			stack, err = debug.Stack(), fmt.Errorf("panic: %v", r)
		}
	}()
	return nil, run(ctx)
}
