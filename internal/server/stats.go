package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/newsarc/newsarc/store"
)

// Stats is what `newsarc stats --format json` prints and /api/v1/stats
// serves: what the scheduled revisits found, by site and age bucket, and
// the revisit plans of each site.
type Stats struct {
	Revisits []RevisitLine `json:"revisits"`
	Plans    []PlanLine    `json:"plans"`
}

// RevisitLine is what the revisits of one site at one age found.
type RevisitLine struct {
	Site        string `json:"site"`
	Age         string `json:"age"`         // as in site files: "15m", "6h", "3d"
	AgeSeconds  int64  `json:"age_seconds"` // the same, whole seconds (ages are at least 1s)
	Revisits    int64  `json:"revisits"`    // stored: a new version, the same content, or a 304
	Changed     int64  `json:"changed"`     // of which found a new version
	NotModified int64  `json:"not_modified"`
	Failed      int64  `json:"failed"` // nothing stored: not in revisits
}

// PlanLine counts one site's revisit plans.
type PlanLine struct {
	Site   string `json:"site"`
	Active int64  `json:"active"` // with a revisit to come
	Due    int64  `json:"due"`    // of which due now
	Ended  int64  `json:"ended"`
}

// NewStats is r as stats.
func NewStats(r store.RevisitReport) Stats {
	out := Stats{Revisits: []RevisitLine{}, Plans: []PlanLine{}}
	for _, s := range r.Stats {
		out.Revisits = append(out.Revisits, RevisitLine{Site: s.Site, Age: store.AgeLabel(s.Age), AgeSeconds: int64(s.Age / time.Second),
			Revisits: s.Revisits, Changed: s.Changed, NotModified: s.NotModified, Failed: s.Failed})
	}
	for _, p := range r.Plans {
		out.Plans = append(out.Plans, PlanLine(p))
	}
	return out
}

// Report is s as the store reports it (ages back to durations).
func (s Stats) Report() (store.RevisitReport, error) {
	var r store.RevisitReport
	for _, l := range s.Revisits {
		if l.AgeSeconds <= 0 || l.AgeSeconds > int64(store.MaxRevisitAge/time.Second) {
			return r, fmt.Errorf("revisit age of %s: %d seconds", l.Site, l.AgeSeconds)
		}
		age := time.Duration(l.AgeSeconds) * time.Second
		r.Stats = append(r.Stats, store.RevisitStat{Site: l.Site, Age: age, Revisits: l.Revisits, Changed: l.Changed,
			NotModified: l.NotModified, Failed: l.Failed})
	}
	for _, p := range s.Plans {
		r.Plans = append(r.Plans, store.PlanCount(p))
	}
	return r, nil
}

func (s *server) stats(w http.ResponseWriter, r *http.Request) {
	if _, err := query(r); err != nil {
		s.fail(w, err)
		return
	}
	rep, err := s.Archive.Revisits(r.Context(), time.Now())
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, "application/json", func(enc *json.Encoder) error { return enc.Encode(NewStats(rep)) }, false)
}

// Stats returns /api/v1/stats.
func (c *Client) Stats(ctx context.Context) (store.RevisitReport, error) {
	resp, err := c.get(ctx, "/api/v1/stats", nil)
	if err != nil {
		return store.RevisitReport{}, fmt.Errorf("stats from %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	var s Stats
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		return store.RevisitReport{}, fmt.Errorf("stats from %s: %w", c.base, err)
	}
	return s.Report()
}
