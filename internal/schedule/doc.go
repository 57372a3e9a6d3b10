// Package schedule runs named jobs (one per site) on cron schedules for
// `newsarc run`.
//
// Timing comes from github.com/robfig/cron/v3; this package adds what a
// long-running crawler needs on top of it:
//
//   - Specs: the standard five fields ("*/30 * * * *"), six with a leading
//     seconds field ("*/10 * * * * *"), the descriptors (@hourly, @daily,
//     @every 30s, ...) and an optional CRON_TZ=Zone prefix. ValidateSpec is
//     the one check, for config loading and Set alike. A spec that never fires
//     (Feb 30) is rejected.
//   - No overlap: a job is held from the moment its slot fires until its run
//     returns, including the jitter delay and the wait for a MaxConcurrent
//     slot. A slot that fires while the job is held is skipped, counted and
//     logged; it does not queue.
//   - Jitter: each run starts a random delay in [0, Jitter) after its slot.
//   - MaxConcurrent: at most that many runs execute at once, all jobs
//     together.
//   - Failures: a run that returns an error or panics is counted and logged;
//     a panic is recovered and does not stop the scheduler. A run that returns
//     context.Canceled because Run's context ended is not a failure.
//   - Reload: Set replaces the job set atomically, validating every spec
//     first. A removed job is unscheduled; a run of it in progress finishes.
//   - Shutdown: when Run's context is done, no slot fires any more, the runs'
//     contexts (derived from Run's) are cancelled, and Run waits up to Grace
//     for them to return.
//
// robfig/cron has no clock hook, so tests use six-field schedules that fire
// every second.
package schedule
