package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

// badRequest is a 400 whose message names the parameter at fault.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func badParam(format string, a ...any) error { return &badRequest{fmt.Sprintf(format, a...)} }

// query reads r's query: a parameter outside allowed, or given twice, is an
// error, as an unknown key is in a config file.
func query(r *http.Request, allowed ...string) (url.Values, error) {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, badParam("bad query string: %v", err)
	}
	for k, vs := range q {
		if !slices.Contains(allowed, k) {
			return nil, badParam("unknown parameter %q (known: %v)", k, allowed)
		}
		if len(vs) > 1 {
			return nil, badParam("parameter %q given %d times", k, len(vs))
		}
	}
	return q, nil
}

// boolParam reads a boolean parameter; absent or empty is false.
func boolParam(q url.Values, name string) (bool, error) {
	v := q.Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, badParam("%s: %q is not true or false", name, v)
	}
	return b, nil
}

// writeError answers msg as text with code, dropping the headers an export
// set for its stream.
func writeError(w http.ResponseWriter, code int, msg string) {
	h := w.Header()
	h.Del("Trailer")
	h.Del("Content-Disposition")
	http.Error(w, msg, code)
}
