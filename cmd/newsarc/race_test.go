//go:build race

package main_test

// raceBuild: tests run with -race build the binary they drive with -race
// too, so that the crawl, import and export code is race-checked end to end.
const raceBuild = true
