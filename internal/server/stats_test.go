package server_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/newsarc/newsarc/internal/server"
)

// TestStats serves the revisit report of an archive with plans, and reads
// it back through the client as the store gives it.
func TestStats(t *testing.T) {
	ctx := context.Background()
	db := fill(t)
	ages := []time.Duration{15 * time.Minute, 24 * time.Hour}
	const url = "https://news.example/news/9"
	for i, at := range []time.Duration{0, 20 * time.Minute, 25 * time.Hour} {
		s := snap(url, "cairo", t0.Add(at), "sha256:9"+string(rune('a'+i/2)), "خبر")
		s.Revisits = ages
		if _, err := db.Put(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	srv := serve(t, db, server.Options{})
	code, h, body := get(t, srv, "/api/v1/stats", "")
	if code != 200 || h.Get("Content-Type") != "application/json" {
		t.Fatalf("status %d, Content-Type %q: %s", code, h.Get("Content-Type"), body)
	}
	var got server.Stats
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	want := server.Stats{
		Revisits: []server.RevisitLine{
			{Site: "cairo", Age: "15m", AgeSeconds: 900, Revisits: 1},
			{Site: "cairo", Age: "1d", AgeSeconds: 86400, Revisits: 1, Changed: 1},
		},
		Plans: []server.PlanLine{{Site: "cairo", Ended: 1}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	rep, err := server.NewClient(srv.URL, "", nil).Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	direct, err := db.Revisits(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(direct, rep); diff != "" {
		t.Errorf("client stats differ from the archive's (-archive +client):\n%s", diff)
	}
	if code, _, _ := get(t, srv, "/api/v1/stats?site=x", ""); code != 400 {
		t.Errorf("unknown parameter: status %d, want 400", code)
	}
}
