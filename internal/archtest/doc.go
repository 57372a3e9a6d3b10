// Package archtest holds the test that keeps newsarc's imports pointing one
// way; it has no code of its own.
package archtest
