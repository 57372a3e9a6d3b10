package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// DefaultGrace is how long Run waits for cancelled runs when Options.Grace
// is zero.
const DefaultGrace = 5 * time.Second

// Log attribute keys.
const (
	keyJob   = "job"
	keySpec  = "spec"
	keySlot  = "scheduled"
	keyTook  = "took"
	keyWait  = "waited"
	keyErr   = "err"
	keyStack = "stack"
)

// Job is one scheduled piece of work: for newsarc run, one site's crawl.
type Job struct {
	Name     string // unique within a Set; the site name
	Schedule string // see ValidateSpec
	// Run does the work. Its context is cancelled when the scheduler's Run
	// context ends; it is never called twice at once for the same Name.
	Run func(ctx context.Context) error
	// Busy, when set, is asked as a slot fires: true skips the slot as if
	// the job's previous run were still going (work of the same name
	// started outside the scheduler, such as a resumed run).
	Busy func() bool
}

// Options tune a Scheduler. The zero value is usable.
type Options struct {
	MaxConcurrent int           // runs executing at once, all jobs together; <= 0 = 1
	Jitter        time.Duration // each run starts a random delay in [0, Jitter) after its slot; <= 0 = none
	Grace         time.Duration // how long Run waits for cancelled runs to return; 0 = DefaultGrace, < 0 = no bound
	Logger        *slog.Logger  // nil = discard
	// OnSkip, when set, is called with the job's name for each slot skipped
	// because its previous run was still going (for a metric).
	OnSkip func(job string)
}

// JobStatus is a snapshot of one scheduled job.
type JobStatus struct {
	Name     string
	Schedule string
	Next     time.Time // next slot; zero until Run has started
	// Running is true from the moment a slot fires until its run returns:
	// while it waits out its jitter, waits for a MaxConcurrent slot, or runs.
	Running     bool
	Runs        int       // runs started (Job.Run called)
	Skipped     int       // slots skipped because the job was still running
	Failures    int       // runs that returned an error or panicked
	LastStart   time.Time // when Job.Run was last called
	LastSuccess time.Time // when the last run that returned nil ended
	LastError   error     // of the last run to end; nil if it succeeded
}

// Scheduler runs jobs on their schedules. Its methods are safe for
// concurrent use.
type Scheduler struct {
	log    *slog.Logger
	onSkip func(string)
	jitter time.Duration
	grace  time.Duration
	sem    chan struct{} // MaxConcurrent tokens
	cron   *cron.Cron

	mu     sync.Mutex
	jobs   map[string]*job // scheduled jobs, and removed ones still running
	runCtx context.Context // Run's context; nil until Run is called
}

// job is the state of one job name, kept across Set calls.
type job struct {
	name  string
	spec  string
	run   func(ctx context.Context) error
	busy  func() bool
	entry cron.EntryID // 0 once removed by Set

	running                 bool
	runs, skipped, failures int
	lastStart, lastSuccess  time.Time
	lastErr                 error
}

// New returns a Scheduler with no jobs; give it some with Set and start it
// with Run.
func New(o Options) *Scheduler {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	n := max(o.MaxConcurrent, 1)
	grace := o.Grace
	if grace == 0 {
		grace = DefaultGrace
	}
	return &Scheduler{
		log:    log,
		onSkip: o.OnSkip,
		jitter: max(o.Jitter, 0),
		grace:  grace,
		sem:    make(chan struct{}, n),
		cron:   cron.New(cron.WithParser(parser), cron.WithLogger(cronLogger{log})),
		jobs:   map[string]*job{},
	}
}

// Set replaces the job set. Jobs with new names are scheduled; jobs whose
// names are gone are unscheduled (a run in progress finishes, uncancelled);
// a job whose Schedule changed is rescheduled, one whose Schedule is the same
// keeps its next slot. Run functions are replaced, taking effect from the next
// run. Counters in Status are kept per name. Set may be called before and
// while Run runs.
//
// Every job is checked first: an empty or duplicate name, a nil Run or an
// invalid Schedule is an error naming the job, and then nothing changes.
func (s *Scheduler) Set(jobs []Job) error {
	scheds := make([]cron.Schedule, len(jobs))
	seen := make(map[string]bool, len(jobs))
	var errs []error
	for i, jb := range jobs {
		switch {
		case jb.Name == "":
			errs = append(errs, fmt.Errorf("job %d: empty name", i))
			continue
		case seen[jb.Name]:
			errs = append(errs, fmt.Errorf("job %s: duplicate name", jb.Name))
			continue
		case jb.Run == nil:
			errs = append(errs, fmt.Errorf("job %s: nil Run", jb.Name))
		}
		seen[jb.Name] = true
		sched, err := parse(jb.Schedule)
		if err != nil {
			errs = append(errs, fmt.Errorf("job %s: schedule %q: %w", jb.Name, jb.Schedule, err))
		}
		scheds[i] = sched
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	for name, j := range s.jobs {
		if seen[name] || j.entry == 0 {
			continue
		}
		s.cron.Remove(j.entry)
		j.entry = 0
		if !j.running {
			delete(s.jobs, name)
		}
		s.log.Info("job unscheduled", keyJob, name)
	}
	for i, jb := range jobs {
		j := s.jobs[jb.Name]
		if j == nil {
			j = &job{name: jb.Name}
			s.jobs[jb.Name] = j
		}
		j.run, j.busy = jb.Run, jb.Busy
		if j.entry != 0 && j.spec == jb.Schedule {
			continue
		}
		if j.entry != 0 {
			s.cron.Remove(j.entry)
		}
		j.spec = jb.Schedule
		j.entry = s.cron.Schedule(scheds[i], cronJob{s, j})
		s.log.Info("job scheduled", keyJob, jb.Name, keySpec, jb.Schedule)
	}
	return nil
}

// Run fires the jobs' slots until ctx is done. Then no slot fires any more,
// the runs' contexts (derived from ctx) are cancelled, and Run waits for the
// runs to return: it returns nil once they all have, or an error naming
// those still running after Options.Grace. Run may be called only once.
func (s *Scheduler) Run(ctx context.Context) error {
	s.mu.Lock()
	if s.runCtx != nil {
		s.mu.Unlock()
		return errors.New("schedule: Run called twice")
	}
	s.runCtx = ctx
	n := len(s.jobs)
	s.mu.Unlock()

	s.cron.Start()
	s.log.Info("scheduler started", "jobs", n)
	<-ctx.Done()
	done := s.cron.Stop().Done() // no slot fires after Stop returns
	s.log.Info("scheduler stopping: waiting for runs", "grace", s.grace)

	var timeout <-chan time.Time
	if s.grace > 0 {
		t := time.NewTimer(s.grace)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-done:
		s.log.Info("scheduler stopped")
		return nil
	case <-timeout:
	}
	var names []string
	s.mu.Lock()
	for name, j := range s.jobs {
		if j.running {
			names = append(names, name)
		}
	}
	s.mu.Unlock()
	slices.Sort(names)
	return fmt.Errorf("stop scheduler: runs still in progress after %s: %s", s.grace, strings.Join(names, ", "))
}

// Status returns a snapshot of the scheduled jobs, sorted by name.
func (s *Scheduler) Status() []JobStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := map[cron.EntryID]time.Time{}
	for _, e := range s.cron.Entries() {
		next[e.ID] = e.Next
	}
	out := make([]JobStatus, 0, len(s.jobs))
	for _, j := range s.jobs {
		if j.entry == 0 {
			continue
		}
		out = append(out, JobStatus{
			Name:        j.name,
			Schedule:    j.spec,
			Next:        next[j.entry],
			Running:     j.running,
			Runs:        j.runs,
			Skipped:     j.skipped,
			Failures:    j.failures,
			LastStart:   j.lastStart,
			LastSuccess: j.lastSuccess,
			LastError:   j.lastErr,
		})
	}
	slices.SortFunc(out, func(a, b JobStatus) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// cronLogger routes robfig/cron's own logging to slog: its chatter at Debug.
type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, keyErr, err)...)
}
