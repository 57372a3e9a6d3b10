package pipeline

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"github.com/newsarc/newsarc/crawler"
	"github.com/newsarc/newsarc/store"
)

// Frontier keeps the crawler's frontier in the archive, as newsarc run does:
// the crawler and the store know nothing of each other.
//
// It writes behind: Add and Done queue their change and return, and one
// goroutine applies the queue in order, all the changes waiting in one
// transaction (store.DB.FrontierApply). Waiting for a commit per call held
// each crawl worker for a batch delay per page. The order is what resume
// needs: a page's links are queued before the page is marked done, so a
// page is never on disk as done without its links. After a failed
// transaction every later change of the sites it concerned is dropped (and
// Add and Done report the error) until their run ends (Finish) or a new one
// loads (Load): nothing more of theirs is marked done, so a restart fetches
// again what was not. Other sites go on.
// Changes not yet applied when the process is killed are lost the same way
// a page in flight is: the page was not marked done, and is fetched again.
// At most MaxQueued changes are queued or being applied; Add and Done block
// beyond that.
type Frontier struct {
	db  *store.DB
	log *slog.Logger

	mu      sync.Mutex
	cond    *sync.Cond // signalled when ops, applied or closed change
	ops     []store.FrontierOp
	writing int              // changes taken from ops and being applied
	applied uint64           // changes applied (or dropped) so far
	queued  uint64           // changes queued so far
	failed  map[string]error // by site: the failure after which its changes are dropped
	closed  bool
	done    chan struct{}
}

// MaxQueued bounds the changes a Frontier holds that are not on disk yet
// (queued, or in the transaction being committed).
const MaxQueued = 256

var _ crawler.Frontier = (*Frontier)(nil)

// NewFrontier starts the Frontier of db; Close stops it. log nil discards.
func NewFrontier(db *store.DB, log *slog.Logger) *Frontier {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	f := &Frontier{db: db, log: log, done: make(chan struct{}), failed: map[string]error{}}
	f.cond = sync.NewCond(&f.mu)
	go f.apply()
	return f
}

// The store's flags of a frontier entry.
const frontierArticle = 1

// errClosed is returned by Add and Done after Close.
var errClosed = errors.New("frontier closed")

func (f *Frontier) apply() {
	defer close(f.done)
	f.mu.Lock()
	for {
		for len(f.ops) == 0 && !f.closed {
			f.cond.Wait()
		}
		if len(f.ops) == 0 {
			f.mu.Unlock()
			return
		}
		queued := f.ops
		f.ops = nil
		f.writing = len(queued)
		ops := make([]store.FrontierOp, 0, len(queued))
		for _, op := range queued {
			if f.failed[op.Site] == nil {
				ops = append(ops, op)
			}
		}
		f.mu.Unlock()
		var err error
		if len(ops) > 0 {
			// Not cancelled with a run: what its pages produced is stored,
			// and their marks must follow.
			err = f.db.FrontierApply(context.Background(), ops)
		}
		f.mu.Lock()
		if err != nil {
			for _, op := range ops {
				if f.failed[op.Site] == nil {
					f.failed[op.Site] = err
					f.log.Error("frontier: changes not recorded; the run's pages not marked done will be fetched again",
						"site", op.Site, "err", err)
				}
			}
		}
		f.applied += uint64(len(queued))
		f.writing = 0
		f.cond.Broadcast()
	}
}

// push queues op, waiting while MaxQueued changes are queued or being
// applied. An invalid op is refused here, so that it cannot fail the
// transaction of others.
func (f *Frontier) push(op store.FrontierOp) error {
	if err := op.Check(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for len(f.ops)+f.writing >= MaxQueued && !f.closed {
		f.cond.Wait()
	}
	switch {
	case f.closed:
		return errClosed
	case f.failed[op.Site] != nil:
		return f.failed[op.Site]
	}
	f.ops = append(f.ops, op)
	f.queued++
	f.cond.Broadcast()
	return nil
}

// Flush waits until every change queued so far is applied, and returns
// site's failure, if any.
func (f *Frontier) Flush(site string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	target := f.queued
	for f.applied < target {
		f.cond.Wait()
	}
	return f.failed[site]
}

// reset flushes and forgets site's failure: a run of it ends or starts, and
// what is on disk of it is whole transactions.
func (f *Frontier) reset(site string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	target := f.queued
	for f.applied < target {
		f.cond.Wait()
	}
	err := f.failed[site]
	delete(f.failed, site)
	return err
}

// Close applies what is queued and stops the Frontier. Add and Done fail
// after it.
func (f *Frontier) Close() {
	f.mu.Lock()
	f.closed = true
	f.cond.Broadcast()
	f.mu.Unlock()
	<-f.done
}

// Load reads site's unfinished run, once the changes queued are applied.
// A new run starts with no failure.
func (f *Frontier) Load(ctx context.Context, site string, fn func(crawler.FrontierURL, bool) error) error {
	if err := f.reset(site); err != nil {
		f.log.Warn("frontier: the last run's marks were cut short; its pages not marked done are fetched again", "site", site)
	}
	return f.db.FrontierLoad(ctx, site, func(e store.FrontierEntry) error {
		return fn(crawler.FrontierURL{URL: e.URL, Depth: e.Depth, Article: e.Flags&frontierArticle != 0}, e.Done)
	})
}

// Add queues urls as queued pages of site's run.
func (f *Frontier) Add(_ context.Context, site string, urls []crawler.FrontierURL) error {
	es := make([]store.FrontierEntry, len(urls))
	for i, u := range urls {
		es[i] = store.FrontierEntry{URL: u.URL, Depth: u.Depth}
		if u.Article {
			es[i].Flags = frontierArticle
		}
	}
	return f.push(store.FrontierOp{Site: site, Add: es})
}

// Done queues url's mark as done.
func (f *Frontier) Done(_ context.Context, site, url string) error {
	return f.push(store.FrontierOp{Site: site, Done: true, URL: url})
}

// Finish flushes the queue and deletes site's frontier: its run ended.
func (f *Frontier) Finish(ctx context.Context, site string) error {
	_ = f.reset(site) // the run is over: its marks no longer matter
	return f.db.FrontierFinish(ctx, site)
}
