package schedule_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsarc/newsarc/internal/schedule"
)

const everySecond = "* * * * * *"

// lockedBuffer is a log sink that can be read while the scheduler writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func newLogger() (*slog.Logger, *lockedBuffer) {
	buf := &lockedBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelInfo})), buf
}

// start runs s in the background; stop cancels it and returns Run's error.
func start(t *testing.T, s *schedule.Scheduler) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { errc <- s.Run(ctx) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-errc:
			case <-time.After(30 * time.Second):
				t.Fatal("Run did not return")
			}
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

// waitFor polls cond until it holds, failing the test after a generous
// timeout (only a hang should ever reach it).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(12 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func status(s *schedule.Scheduler, name string) (schedule.JobStatus, bool) {
	for _, st := range s.Status() {
		if st.Name == name {
			return st, true
		}
	}
	return schedule.JobStatus{}, false
}

func names(s *schedule.Scheduler) string {
	var n []string
	for _, st := range s.Status() {
		n = append(n, st.Name)
	}
	return strings.Join(n, ",")
}

// inflight tracks how many runs are in progress and the most ever seen.
type inflight struct{ now, max atomic.Int32 }

func (f *inflight) enter() {
	n := f.now.Add(1)
	for {
		m := f.max.Load()
		if n <= m || f.max.CompareAndSwap(m, n) {
			return
		}
	}
}

func (f *inflight) leave() { f.now.Add(-1) }

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// The "done when": a seconds-granularity schedule shows two runs of
// one site and no overlap; the overrun slots are skipped and logged.
func TestTwoRunsNoOverlap(t *testing.T) {
	t.Parallel()
	log, buf := newLogger()
	var onSkip sync.Map // job -> *atomic.Int64
	s := schedule.New(schedule.Options{MaxConcurrent: 4, Logger: log, OnSkip: func(job string) {
		n, _ := onSkip.LoadOrStore(job, new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
	}})
	var f inflight
	err := s.Set([]schedule.Job{{Name: "cairo", Schedule: everySecond, Run: func(ctx context.Context) error {
		f.enter()
		defer f.leave()
		return sleep(ctx, 1500*time.Millisecond)
	}}})
	if err != nil {
		t.Fatal(err)
	}
	stop := start(t, s)
	waitFor(t, "two runs and a skipped slot", func() bool {
		st, _ := status(s, "cairo")
		return st.Runs >= 2 && st.Skipped >= 1 && !st.LastSuccess.IsZero()
	})
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	st, _ := status(s, "cairo")
	if got := f.max.Load(); got != 1 {
		t.Errorf("max runs in flight = %d, want 1", got)
	}
	if st.Failures != 0 {
		t.Errorf("Failures = %d, want 0 (a run cut short by shutdown is no failure): %v", st.Failures, st.LastError)
	}
	if st.Running || f.now.Load() != 0 {
		t.Errorf("a run still in flight after Run returned")
	}
	if logs := buf.String(); !strings.Contains(logs, "slot skipped") || !strings.Contains(logs, "job=cairo") {
		t.Errorf("no skip logged with the job name:\n%s", logs)
	}
	if n, ok := onSkip.Load("cairo"); !ok || n.(*atomic.Int64).Load() != int64(st.Skipped) {
		t.Errorf("OnSkip calls do not match Skipped = %d", st.Skipped)
	}
	t.Logf("runs=%d skipped=%d", st.Runs, st.Skipped)
}

func TestMaxConcurrent(t *testing.T) {
	t.Parallel()
	s := schedule.New(schedule.Options{MaxConcurrent: 1})
	var f inflight
	run := func(ctx context.Context) error {
		f.enter()
		defer f.leave()
		return sleep(ctx, 1200*time.Millisecond)
	}
	if err := s.Set([]schedule.Job{
		{Name: "a", Schedule: everySecond, Run: run},
		{Name: "b", Schedule: everySecond, Run: run},
	}); err != nil {
		t.Fatal(err)
	}
	stop := start(t, s)
	waitFor(t, "both jobs to run", func() bool {
		a, _ := status(s, "a")
		b, _ := status(s, "b")
		return !a.LastSuccess.IsZero() && !b.LastSuccess.IsZero()
	})
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got := f.max.Load(); got != 1 {
		t.Errorf("max runs in flight = %d, want 1", got)
	}
}

// Cancelling Run's context cancels the runs and waits for them to return.
func TestStopWaitsForRuns(t *testing.T) {
	t.Parallel()
	s := schedule.New(schedule.Options{})
	started := make(chan struct{})
	var returned atomic.Bool
	if err := s.Set([]schedule.Job{{Name: "slow", Schedule: everySecond, Run: func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		time.Sleep(300 * time.Millisecond) // wind down: flush, say
		returned.Store(true)
		return ctx.Err()
	}}}); err != nil {
		t.Fatal(err)
	}
	stop := start(t, s)
	<-started
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if !returned.Load() {
		t.Error("Run returned before the run did")
	}
	st, _ := status(s, "slow")
	if st.Runs != 1 || st.Failures != 0 || !errors.Is(st.LastError, context.Canceled) {
		t.Errorf("status = %+v, want one cancelled run and no failure", st)
	}
}

// A run that ignores cancellation is waited for Grace only, and named.
func TestStopGraceExceeded(t *testing.T) {
	t.Parallel()
	s := schedule.New(schedule.Options{Grace: 100 * time.Millisecond})
	started, release, done := make(chan struct{}), make(chan struct{}), make(chan struct{})
	if err := s.Set([]schedule.Job{{Name: "stuck", Schedule: everySecond, Run: func(ctx context.Context) error {
		defer close(done)
		close(started)
		<-release
		return nil
	}}}); err != nil {
		t.Fatal(err)
	}
	stop := start(t, s)
	<-started
	err := stop()
	close(release)
	<-done
	if err == nil || !strings.Contains(err.Error(), "stuck") {
		t.Errorf("Run = %v, want an error naming the stuck job", err)
	}
}

// A run cancelled during its jitter delay never starts.
func TestJitterCancelled(t *testing.T) {
	t.Parallel()
	s := schedule.New(schedule.Options{Jitter: time.Hour})
	var calls atomic.Int32
	if err := s.Set([]schedule.Job{{Name: "j", Schedule: everySecond, Run: func(context.Context) error {
		calls.Add(1)
		return nil
	}}}); err != nil {
		t.Fatal(err)
	}
	stop := start(t, s)
	waitFor(t, "the slot to fire", func() bool {
		st, _ := status(s, "j")
		return st.Running
	})
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	st, _ := status(s, "j")
	if calls.Load() != 0 || st.Runs != 0 || st.Running {
		t.Errorf("calls=%d status=%+v, want no run", calls.Load(), st)
	}
}

// Panics and errors are failures; the scheduler carries on, and a success
// clears LastError.
func TestFailures(t *testing.T) {
	t.Parallel()
	log, buf := newLogger()
	s := schedule.New(schedule.Options{Logger: log})
	var calls atomic.Int32
	if err := s.Set([]schedule.Job{{Name: "flaky", Schedule: everySecond, Run: func(context.Context) error {
		switch calls.Add(1) {
		case 1:
			panic("selector exploded")
		case 2:
			return errors.New("site down")
		}
		return nil
	}}}); err != nil {
		t.Fatal(err)
	}
	stop := start(t, s)
	var st schedule.JobStatus
	waitFor(t, "a panic, an error, then a success", func() bool {
		st, _ = status(s, "flaky")
		return !st.LastSuccess.IsZero()
	})
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if st.Runs != 3 || st.Failures != 2 || st.LastError != nil {
		t.Errorf("status = %+v, want 3 runs, 2 failures, no last error", st)
	}
	logs := buf.String()
	for _, w := range []string{"run panicked", "selector exploded", "run failed", "site down", "job=flaky"} {
		if !strings.Contains(logs, w) {
			t.Errorf("log lacks %q:\n%s", w, logs)
		}
	}
}

func TestRunTwice(t *testing.T) {
	t.Parallel()
	s := schedule.New(schedule.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.Run(ctx); err != nil {
		t.Fatalf("first Run: %v", err)
	}
	if err := s.Run(ctx); err == nil {
		t.Error("second Run succeeded")
	}
}

// TestBusySkips: a job whose Busy says true (work of the same name started
// outside the scheduler) has its slots skipped, not run; once it is free
// again, the job runs.
func TestBusySkips(t *testing.T) {
	t.Parallel()
	var busy atomic.Bool
	busy.Store(true)
	var runs atomic.Int64
	s := schedule.New(schedule.Options{})
	err := s.Set([]schedule.Job{{Name: "cairo", Schedule: everySecond, Busy: busy.Load,
		Run: func(context.Context) error { runs.Add(1); return nil }}})
	if err != nil {
		t.Fatal(err)
	}
	stop := start(t, s)
	waitFor(t, "a skipped slot", func() bool { st, _ := status(s, "cairo"); return st.Skipped >= 1 })
	if n := runs.Load(); n != 0 {
		t.Errorf("ran %d times while busy", n)
	}
	busy.Store(false)
	waitFor(t, "a run once free", func() bool { return runs.Load() >= 1 })
	if err := stop(); err != nil {
		t.Fatal(err)
	}
}
