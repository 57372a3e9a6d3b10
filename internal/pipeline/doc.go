// Package pipeline joins the three parts of newsarc: it is the
// crawler.Handler that runs each fetched article page through extract and
// puts the record and the raw capture into a store.Archive. It is the one
// package below cmd that knows crawler, extract and store together.
package pipeline
