package schedule_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsarc/newsarc/internal/schedule"
)

func TestSetReplaces(t *testing.T) {
	t.Parallel()
	s := schedule.New(schedule.Options{})
	var ranA, ranB atomic.Int32
	a := schedule.Job{Name: "a", Schedule: "@every 1h", Run: func(context.Context) error { ranA.Add(1); return nil }}
	b := schedule.Job{Name: "b", Schedule: "@every 1h", Run: func(context.Context) error { ranB.Add(1); return nil }}
	c := schedule.Job{Name: "c", Schedule: "0 6 * * *", Run: func(context.Context) error { return nil }}
	if err := s.Set([]schedule.Job{a, b}); err != nil {
		t.Fatal(err)
	}
	if got, want := names(s), "a,b"; got != want {
		t.Errorf("jobs = %s, want %s", got, want)
	}
	start(t, s)
	waitFor(t, "next slots", func() bool {
		st, _ := status(s, "a")
		return !st.Next.IsZero()
	})

	// a removed, b rescheduled to fire every second, c added.
	b.Schedule = everySecond
	if err := s.Set([]schedule.Job{b, c}); err != nil {
		t.Fatal(err)
	}
	if got, want := names(s), "b,c"; got != want {
		t.Errorf("jobs = %s, want %s", got, want)
	}
	waitFor(t, "b on its new schedule", func() bool { return ranB.Load() >= 1 })
	if ranA.Load() != 0 {
		t.Errorf("removed job a ran")
	}
	st, _ := status(s, "b")
	if st.Schedule != everySecond || st.Runs < 1 {
		t.Errorf("b = %+v, want schedule %q and a run", st, everySecond)
	}

	// The same set again: an unchanged schedule keeps its next slot.
	before, _ := status(s, "c")
	if err := s.Set([]schedule.Job{b, c}); err != nil {
		t.Fatal(err)
	}
	after, _ := status(s, "c")
	if before.Next.IsZero() || !after.Next.Equal(before.Next) {
		t.Errorf("c's next slot went from %v to %v, want it kept", before.Next, after.Next)
	}
}

func TestSetInvalid(t *testing.T) {
	t.Parallel()
	noop := func(context.Context) error { return nil }
	s := schedule.New(schedule.Options{})
	good := []schedule.Job{{Name: "a", Schedule: "@hourly", Run: noop}, {Name: "b", Schedule: "*/30 * * * *", Run: noop}}
	if err := s.Set(good); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		jobs []schedule.Job
		want []string // in the error
	}{
		{"bad spec", []schedule.Job{{Name: "a", Schedule: "@hourly", Run: noop}, {Name: "cairo", Schedule: "61 * * * *", Run: noop}},
			[]string{"cairo", "61 * * * *"}},
		{"empty spec", []schedule.Job{{Name: "cairo", Run: noop}}, []string{"cairo", "empty spec"}},
		{"duplicate", []schedule.Job{{Name: "a", Schedule: "@hourly", Run: noop}, {Name: "a", Schedule: "@daily", Run: noop}},
			[]string{"a", "duplicate"}},
		{"nil run", []schedule.Job{{Name: "cairo", Schedule: "@hourly"}}, []string{"cairo", "nil Run"}},
		{"no name", []schedule.Job{{Schedule: "@hourly", Run: noop}}, []string{"empty name"}},
	}
	for _, tt := range tests {
		err := s.Set(tt.jobs)
		if err == nil {
			t.Errorf("%s: Set succeeded", tt.name)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", tt.name, err, w)
			}
		}
		if got, want := names(s), "a,b"; got != want {
			t.Errorf("%s: jobs after a failed Set = %s, want %s", tt.name, got, want)
		}
	}
	st, _ := status(s, "b")
	if st.Schedule != "*/30 * * * *" {
		t.Errorf("b's schedule = %q after failed Sets", st.Schedule)
	}
}

// A job removed while it runs finishes its run, uncancelled, and does not
// run again.
func TestSetRemoveWhileRunning(t *testing.T) {
	t.Parallel()
	s := schedule.New(schedule.Options{})
	release := make(chan struct{})
	returned := make(chan error, 1) // the first run's ctx.Err() as it returns
	var calls atomic.Int32
	r := schedule.Job{Name: "r", Schedule: everySecond, Run: func(ctx context.Context) error {
		if calls.Add(1) > 1 {
			return nil
		}
		<-release
		returned <- ctx.Err()
		return nil
	}}
	if err := s.Set([]schedule.Job{r}); err != nil {
		t.Fatal(err)
	}
	start(t, s)
	waitFor(t, "r to start", func() bool { return calls.Load() == 1 })
	if err := s.Set(nil); err != nil {
		t.Fatal(err)
	}
	if got := names(s); got != "" {
		t.Errorf("jobs after removal = %q, want none", got)
	}
	close(release)
	if err := <-returned; err != nil {
		t.Errorf("removed job's run saw its context cancelled: %v", err)
	}
	time.Sleep(1500 * time.Millisecond) // more than one slot of the old schedule
	if got := calls.Load(); got != 1 {
		t.Errorf("removed job ran %d times, want 1", got)
	}
}
