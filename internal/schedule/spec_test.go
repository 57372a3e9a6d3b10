package schedule_test

import (
	"testing"

	"github.com/newsarc/newsarc/internal/schedule"
)

func TestValidateSpec(t *testing.T) {
	tests := []struct {
		spec string
		ok   bool
	}{
		{"*/30 * * * *", true},
		{"0 6 * * mon-fri", true},
		{"* * * * * *", true},
		{"*/10 * * * * *", true},
		{"@hourly", true},
		{"@every 30s", true},
		{"@every 1h30m", true},
		{"CRON_TZ=UTC 0 6 * * *", true},
		{"", false},
		{"61 * * * *", false},
		{"* * *", false},
		{"* * * * * * *", false},
		{"@fortnightly", false},
		{"@every soon", false},
		{"CRON_TZ=UTC", false}, // panics inside robfig/cron v3.0.1
		{"CRON_TZ=No/Where 0 6 * * *", false},
		{"0 0 30 2 *", false}, // February 30th never comes
	}
	for _, tt := range tests {
		err := schedule.ValidateSpec(tt.spec)
		if got := err == nil; got != tt.ok {
			t.Errorf("ValidateSpec(%q) = %v, want ok=%v", tt.spec, err, tt.ok)
		}
	}
}
