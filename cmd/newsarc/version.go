package main

import "runtime/debug"

// version is newsarc's release; builds from a checkout add the commit.
const version = "0.1.0-dev"

// fullVersion is version plus the VCS revision the binary was built from,
// when Go recorded one.
func fullVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return version
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "-dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev == "" {
		return version
	}
	return version + "+" + rev + dirty
}
