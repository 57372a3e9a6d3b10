package warc_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsarc/newsarc/internal/warc"
)

// runWarcio runs the npm warcio CLI and returns its output lines.
func runWarcio(t *testing.T, bin string, args ...string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("warcio %v: %v\n%s", args, err, stderr.String())
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if l := sc.Text(); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// TestWarcioIndex checks with npm warcio's indexer that every record we
// write is where Writer says, with our type, target URI and date.
func TestWarcioIndex(t *testing.T) {
	bin := needTool(t, "warcio")
	for _, gz := range []bool{true, false} {
		f := writeFixture(t, gz)
		path := filepath.Join(t.TempDir(), "test.warc")
		if gz {
			path += ".gz"
		}
		if err := os.WriteFile(path, f.data, 0o644); err != nil {
			t.Fatal(err)
		}
		lines := runWarcio(t, bin, "index", path, "--fields=offset,length,warc-type,warc-target-uri,warc-date,warc-record-id,warc-concurrent-to,warc-refers-to")
		if len(lines) != len(f.written) {
			t.Fatalf("gzip=%v: warcio index printed %d records, we wrote %d:\n%s", gz, len(lines), len(f.written), strings.Join(lines, "\n"))
		}
		for i, l := range lines {
			var got struct {
				Offset     int64  `json:"offset"`
				Length     int64  `json:"length"`
				Type       string `json:"warc-type"`
				URI        string `json:"warc-target-uri"`
				Date       string `json:"warc-date"`
				ID         string `json:"warc-record-id"`
				Concurrent string `json:"warc-concurrent-to"`
				RefersTo   string `json:"warc-refers-to"`
			}
			if err := json.Unmarshal([]byte(l), &got); err != nil {
				t.Fatalf("warcio line %q: %v", l, err)
			}
			w, want := f.written[i], f.want[i]
			if got.Offset != w.Offset || got.Length != w.Length {
				t.Errorf("gzip=%v record %d: warcio sees %d+%d, Writer said %d+%d", gz, i, got.Offset, got.Length, w.Offset, w.Length)
			}
			if got.Type != w.Type || got.URI != want.uri || got.ID != "<"+w.ID+">" {
				t.Errorf("gzip=%v record %d: warcio sees %s %q %s, want %s %q <%s>", gz, i, got.Type, got.URI, got.ID, w.Type, want.uri, w.ID)
			}
			if got.Date != want.date.UTC().Format(time.RFC3339Nano) {
				t.Errorf("gzip=%v record %d: warcio date %q, want %q", gz, i, got.Date, want.date.UTC().Format(time.RFC3339Nano))
			}
			switch w.Type {
			case "request":
				if got.Concurrent != "<"+f.written[i+1].ID+">" {
					t.Errorf("gzip=%v record %d: request Concurrent-To %q", gz, i, got.Concurrent)
				}
			case "response", "revisit":
				wantConc := ""
				if i > 0 && f.written[i-1].Type == "request" {
					wantConc = "<" + f.written[i-1].ID + ">"
				}
				if got.Concurrent != wantConc {
					t.Errorf("gzip=%v record %d: %s Concurrent-To %q, want %q", gz, i, w.Type, got.Concurrent, wantConc)
				}
			}
			if w.Type == "revisit" || w.Type == "metadata" {
				if got.RefersTo != "<"+f.written[2].ID+">" {
					t.Errorf("gzip=%v record %d: Refers-To %q", gz, i, got.RefersTo)
				}
			}
		}
	}
}

// TestWarcioCDXJ compares our CDXJ with `warcio cdx-index`. The JSON part of
// every response and revisit line must be byte-identical. Known, explained
// differences:
//   - warcio.js indexes metadata records too (all but request, warcinfo and
//     application/warc-fields records); we index responses and revisits only.
//   - warcio.js keeps a trailing slash in the SURT key ("com,example)/section/");
//     the Python surt package, which pywb uses and SURT follows, drops it.
//   - warcio.js prints in file order; WriteCDXJ sorts.
func TestWarcioCDXJ(t *testing.T) {
	bin := needTool(t, "warcio")
	for _, gz := range []bool{true, false} {
		f := writeFixture(t, gz)
		name := "test.warc"
		if gz {
			name += ".gz"
		}
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, f.data, 0o644); err != nil {
			t.Fatal(err)
		}
		theirs := map[string]string{} // offset -> line
		metadata := 0
		for _, l := range runWarcio(t, bin, "cdx-index", path) {
			var m map[string]string
			parts := strings.SplitN(l, " ", 3)
			if len(parts) != 3 || json.Unmarshal([]byte(parts[2]), &m) != nil {
				t.Fatalf("warcio cdx line %q", l)
			}
			if m["mime"] == "application/json" {
				metadata++
				continue
			}
			theirs[m["offset"]] = l
		}
		if metadata != 2 {
			t.Errorf("gzip=%v: warcio indexed %d metadata records, want 2", gz, metadata)
		}

		var entries []warc.IndexEntry
		for _, w := range f.written {
			if w.Index != nil {
				entries = append(entries, *w.Index)
			}
		}
		var buf bytes.Buffer
		if err := warc.WriteCDXJ(&buf, entries, name); err != nil {
			t.Fatal(err)
		}
		ours := strings.Split(strings.TrimSpace(buf.String()), "\n")
		if len(ours) != 6 || len(theirs) != len(ours) {
			t.Fatalf("gzip=%v: %d lines of ours, %d of warcio's:\n%s\n--\n%v", gz, len(ours), len(theirs), buf.String(), theirs)
		}
		prev := ""
		for _, l := range ours {
			if l < prev {
				t.Errorf("not sorted: %q after %q", l, prev)
			}
			prev = l
			parts := strings.SplitN(l, " ", 3)
			var m map[string]string
			if err := json.Unmarshal([]byte(parts[2]), &m); err != nil {
				t.Fatalf("our line %q: %v", l, err)
			}
			their := theirs[m["offset"]]
			tp := strings.SplitN(their, " ", 3)
			if their == "" {
				t.Errorf("warcio has no line at offset %s (ours: %s)", m["offset"], l)
				continue
			}
			wantKey := tp[0]
			if m["url"] == "https://example.com/section/" {
				wantKey = strings.TrimSuffix(wantKey, "/")
			}
			if parts[0] != wantKey || parts[1] != tp[1] || parts[2] != tp[2] {
				t.Errorf("gzip=%v:\nours:   %s\nwarcio: %s", gz, l, their)
			}
		}
	}
}
