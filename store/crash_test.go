package store_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/newsarc/newsarc/store"
)

// crashEnv, set to an archive path, turns TestCrash into the child that
// writes to it until it is killed.
const crashEnv = "NEWSARC_STORE_CRASH_CHILD"

func crashRecord(url, hash string) []byte {
	return fmt.Appendf(nil, `{"url":%q,"content_hash":%q}`, url, hash)
}

// crashHead is the head of every capture of the crash test, crash304 its
// 304 response.
const (
	crashHead = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
	crash304  = "HTTP/1.1 304 Not Modified\r\n\r\n"
)

func crashCapture(url, hash string) []byte {
	return append([]byte(crashHead), bytes.Repeat(fmt.Appendf(nil, "<p>%s %s</p>\n", url, hash), 1000)...)
}

// TestCrash kills a process that is writing with SIGKILL, three times over
// one archive, and checks after each kill that the archive is consistent,
// that every Put and Revisit the child saw return is there, that every
// version has its record and its capture, and that each version's Seen
// counts its fetch and the revisits logged against it.
func TestCrash(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		crashChild(path)
		return
	}
	if testing.Short() {
		t.Skip("crash test re-runs the test binary")
	}
	path := filepath.Join(t.TempDir(), "newsarc.db")
	committed := map[string]string{} // "url vN" -> hash, as the child reported
	revisits := map[string]int{}     // url -> Revisits the child reported
	for round := range 3 {
		n := crashRound(t, path, 100+round*150, committed, revisits)
		t.Logf("round %d: killed after %d reported Puts", round, n)

		db := open(t, path, &store.Options{ReadOnly: true})
		if err := db.Check(context.Background()); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		verifyCrash(t, db, committed, revisits)
		db.Close()
	}
}

// crashRound runs the child until it has reported at least puts Puts, kills
// it, and adds what it reported to committed.
func crashRound(t *testing.T, path string, puts int, committed map[string]string, revisits map[string]int) int {
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrash$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	n := 0
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 3 && f[0] == "revisit" {
			revisits[f[1]]++
			continue
		}
		if len(f) != 4 || f[0] != "put" {
			continue // test framework output
		}
		committed[f[1]+" v"+f[2]] = f[3]
		if n++; n == puts {
			// Kill at a random moment of a batch, not just after a report.
			time.Sleep(time.Duration(rand.IntN(5000)) * time.Microsecond)
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Lines still in the pipe were written after a Put returned: they count.
	err = cmd.Wait()
	if n < puts {
		t.Fatalf("child ended after %d Puts: %v", n, err)
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child ended with %v, not by SIGKILL", err)
	}
	return n
}

func verifyCrash(t *testing.T, db *store.DB, committed map[string]string, revisits map[string]int) {
	t.Helper()
	ctx := context.Background()
	for key, hash := range committed {
		url, vs, _ := strings.Cut(key, " v")
		v, _ := strconv.Atoi(vs)
		hist, err := db.History(ctx, url)
		if err != nil || len(hist) < v || hist[v-1].ContentHash != hash {
			t.Errorf("reported Put %s (%s) lost: history %+v, %v", key, hash, hist, err)
		}
	}
	versions := 0
	err := db.Scan(ctx, store.Filter{AllVersions: true}, func(v store.Version, rec []byte) error {
		versions++
		if !bytes.Equal(rec, crashRecord(v.URL, v.ContentHash)) {
			t.Errorf("%s v%d: record %q", v.URL, v.Version, rec)
		}
		c, err := db.Capture(ctx, v.URL, v.Version)
		if err != nil || !bytes.Equal(c, crashCapture(v.URL, v.ContentHash)) {
			t.Errorf("%s v%d: capture of %d bytes, %v", v.URL, v.Version, len(c), err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d versions, all with record and capture", versions)

	fetches := map[string]int{} // "url vN" -> fetches
	notModified := map[string]int{}
	kinds := map[store.FetchKind]int{}
	err = db.Fetches(ctx, store.Filter{}, func(f store.Fetch) error {
		fetches[fmt.Sprintf("%s v%d", f.URL, f.Version)]++
		kinds[f.Kind]++
		want := crashCapture(f.URL, f.Original.ContentHash) // different: whole
		switch f.Kind {
		case store.FetchNotModified:
			notModified[f.URL]++
			want = []byte(crash304)
		case store.FetchIdentical:
			want = []byte(crashHead)
		}
		if f.Kind != store.FetchVersion && !bytes.Equal(f.Capture, want) {
			t.Errorf("%s v%d %s at %s: capture %.40q", f.URL, f.Version, f.Kind, f.FetchedAt, f.Capture)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Scan(ctx, store.Filter{AllVersions: true}, func(v store.Version, _ []byte) error {
		if n := fetches[fmt.Sprintf("%s v%d", v.URL, v.Version)]; n != v.Seen {
			t.Errorf("%s v%d: Seen %d, but %d fetches", v.URL, v.Version, v.Seen, n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for url, n := range revisits {
		if notModified[url] < n {
			t.Errorf("%s: %d reported Revisits, %d in the log", url, n, notModified[url])
		}
	}
	t.Logf("fetches by kind: %v", kinds)
}

// crashChild writes with 8 workers, as a crawl does, and prints each Put
// once it has returned (so committed), until it is killed.
func crashChild(path string) {
	db, err := store.Open(path, &store.Options{Timeout: 5 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	var mu sync.Mutex
	deadline := time.Now().Add(30 * time.Second) // in case the parent is gone
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for i := 0; time.Now().Before(deadline); i++ {
				url := fmt.Sprintf("https://crash.example/news/%d", rand.IntN(40))
				hash := fmt.Sprintf("sha256:%d", rand.IntN(2)) // often the same as before
				out, err := db.Put(context.Background(), store.Snapshot{
					URL: url, Site: "crash", FetchedAt: time.Now(), ContentHash: hash,
					Record: crashRecord(url, hash), Capture: crashCapture(url, hash),
					// Seen again: identical or different, half and half.
					PayloadDigest: fmt.Sprintf("sha1:%d", rand.IntN(2)), ETag: hash,
				})
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(4)
				}
				mu.Lock()
				fmt.Fprintf(os.Stdout, "put %s %d %s\n", url, out.Version, hash) // one write
				mu.Unlock()
				if rand.IntN(3) > 0 {
					continue
				}
				_, err = db.Revisit(context.Background(), store.Revisit{URL: url, Version: out.Version, FetchedAt: time.Now(),
					Kind: store.FetchNotModified, Capture: []byte(crash304)})
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(4)
				}
				mu.Lock()
				fmt.Fprintf(os.Stdout, "revisit %s %d\n", url, out.Version)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	os.Exit(5)
}
