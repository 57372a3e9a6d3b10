package warc

// SetSpoolMem sets how much of a gzip member holding several records r
// keeps in memory before it uses a temporary file.
func SetSpoolMem(r *Reader, n int) { r.spoolMem = n }
