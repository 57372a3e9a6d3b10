// Package config reads newsarc's YAML files: the main config
// (configs/newsarc.yaml) and the per-site files (configs/sites/NAME.yaml).
//
// Decoding is strict: an unknown key is an error. Regular expressions, CSS
// selectors and cron schedules are compiled when the file is loaded, so a bad
// one fails `newsarc sites`, not a crawl three hours in. Every error is an
// *Error naming the file, the line and the field. Nothing here reads flags or
// environment variables: the caller passes paths in and gets structs out.
package config
