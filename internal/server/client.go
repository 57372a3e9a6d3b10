package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/newsarc/newsarc/store"
)

// Client talks to the API of a running newsarc, for the CLI when another
// process holds the archive. Its methods are safe for concurrent use.
type Client struct {
	base  string
	token string
	hc    *http.Client
}

// NewClient returns a client of the server at baseURL ("http://127.0.0.1:8080").
// token is sent as a bearer token when not empty; a nil hc means a client
// without an overall timeout (exports stream for as long as they take;
// bound them with the context).
func NewClient(baseURL, token string, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{}
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), token: token, hc: hc}
}

// StatusError is a server's answer other than 200: its status and message.
type StatusError struct {
	Code    int    // HTTP status code
	Message string // the server's message, trimmed
}

func (e *StatusError) Error() string {
	msg := e.Message
	if msg == "" {
		msg = "(no message)"
	}
	return fmt.Sprintf("server answered %d %s: %s", e.Code, http.StatusText(e.Code), msg)
}

// Is makes a 404 match store.ErrNotFound, so that callers branch on a
// missing article as they do with a local archive.
func (e *StatusError) Is(target error) bool {
	return e.Code == http.StatusNotFound && target == store.ErrNotFound
}

// get sends GET path?q and returns the response when it is a 200. The
// caller closes its body.
func (c *Client) get(ctx context.Context, path string, q url.Values) (*http.Response, error) {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		return nil, &StatusError{Code: resp.StatusCode, Message: strings.TrimSpace(string(msg))}
	}
	return resp, nil
}

// Export streams /api/v1/export with params (format, site, since, until,
// all_versions, filename: see the package doc) to w. A transfer cut short
// (the server failed mid-way, or the connection broke) is an error, even
// though part of the export was written to w.
func (c *Client) Export(ctx context.Context, params url.Values, w io.Writer) error {
	resp, err := c.get(ctx, "/api/v1/export", params)
	if err != nil {
		return fmt.Errorf("export from %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return fmt.Errorf("export from %s: cut short after %d bytes: %w", c.base, n, err)
	}
	// The server announces a trailer and sets it only when the export
	// completed: a body that ended without it was cut, whatever its framing.
	if _, announced := resp.Trailer[trailerExport]; announced && resp.Trailer.Get(trailerExport) != "complete" {
		return fmt.Errorf("export from %s: cut short after %d bytes: the server did not mark it complete", c.base, n)
	}
	return nil
}

// History returns every version of the article at rawURL, oldest first, as
// /api/v1/history gives them: URL is the normalised URL, times are to the
// second (as history prints them) and Site is left empty (history lines do
// not carry it). A missing article is a *StatusError that matches
// store.ErrNotFound.
func (c *Client) History(ctx context.Context, rawURL string) ([]store.Version, error) {
	resp, err := c.get(ctx, "/api/v1/history", url.Values{"url": {rawURL}})
	if err != nil {
		return nil, fmt.Errorf("history of %s from %s: %w", rawURL, c.base, err)
	}
	defer resp.Body.Close()
	u := resp.Header.Get(headerURL)
	if u == "" {
		u = rawURL
	}
	var versions []store.Version
	dec := json.NewDecoder(bufio.NewReader(resp.Body))
	for {
		var l HistoryLine
		if err := dec.Decode(&l); err == io.EOF {
			break
		} else if err != nil {
			return nil, fmt.Errorf("history of %s from %s: %w", rawURL, c.base, err)
		}
		v := store.Version{URL: u, Version: l.Version, Seen: l.Seen, ContentHash: l.ContentHash, Origin: store.Origin(l.Origin)}
		for _, t := range []struct {
			s    string
			into *time.Time
		}{{l.FetchedAt, &v.FetchedAt}, {l.FirstSeen, &v.FirstSeen}, {l.LastSeen, &v.LastSeen}} {
			if *t.into, err = time.Parse(time.RFC3339, t.s); err != nil {
				return nil, fmt.Errorf("history of %s from %s: version %d: %w", rawURL, c.base, l.Version, err)
			}
		}
		versions = append(versions, v)
	}
	if len(versions) == 0 {
		return nil, fmt.Errorf("history of %s from %s: no versions in the answer", rawURL, c.base)
	}
	return versions, nil
}

// Record returns the stored record of one version of the article at
// rawURL; version 0 means the latest. A missing article or version is a
// *StatusError that matches store.ErrNotFound.
func (c *Client) Record(ctx context.Context, rawURL string, version int) ([]byte, error) {
	q := url.Values{"url": {rawURL}}
	if version != 0 {
		q.Set("version", strconv.Itoa(version))
	}
	resp, err := c.get(ctx, "/api/v1/record", q)
	if err != nil {
		return nil, fmt.Errorf("record %s v%d from %s: %w", rawURL, version, c.base, err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, resp.Body); err != nil {
		return nil, fmt.Errorf("record %s v%d from %s: %w", rawURL, version, c.base, err)
	}
	return buf.Bytes(), nil
}

// Sites returns the sites the server has in force.
func (c *Client) Sites(ctx context.Context) ([]SiteInfo, error) {
	resp, err := c.get(ctx, "/api/v1/sites", nil)
	if err != nil {
		return nil, fmt.Errorf("sites from %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	var sites []SiteInfo
	if err := json.NewDecoder(resp.Body).Decode(&sites); err != nil {
		return nil, fmt.Errorf("sites from %s: %w", c.base, err)
	}
	return sites, nil
}
