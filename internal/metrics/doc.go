// Package metrics counts what a long-running newsarc does and serves it at
// /metrics in the Prometheus text format.
//
// A Registry holds its own prometheus.Registry (never the global one, so
// that tests and several registries in one process do not collide). The
// crawler, the pipeline and the scheduler call its plain Go methods (Fetch,
// Snapshot, Selector, RunFinished, ...); no Prometheus type appears in its
// API. A nil *Registry is valid and does nothing, so that a component can
// take an optional one.
//
// The metrics, all prefixed newsarc_ (labels in braces):
//
//	pages_fetched_total{site,code}          counter: responses by status code; code "error" when none came
//	response_bytes_total{site}              counter: response body bytes
//	fetch_duration_seconds{site}            histogram: time per fetch as the caller measured it, buckets 10ms..30s
//	not_modified_total{site}                counter: 304 answers to conditional requests
//	snapshots_total{site,outcome}           counter: outcome "new" (a new version) or "unchanged"
//	extraction_failures_total{site}         counter: article pages the extractor could not read
//	selector_misses_total{site,field}       counter: a site selector that matched nothing
//	selector_hit_ratio{site,field}          gauge: share of the last finished run's article pages where the field's selector matched
//	frontier_queue_depth                    gauge: URLs queued in the frontier
//	runs_total{site,result}                 counter: result "ok", "failed" or "skipped"
//	last_successful_run_timestamp_seconds{site}  gauge: unix time of the site's last run that ended ok
//	revisits_total{site,age}                counter: revisits of known articles, by age bucket
//	revisits_changed_total{site,age}        counter: those that found a new version
//
// The age bucket is the caller's label ("15m", "1h", ... as in the site's
// revisit schedule): revisits_changed_total / revisits_total per bucket is
// the figure an archivist tunes the schedule with. The Go runtime and
// process collectors are registered too (go_*, process_*).
package metrics
