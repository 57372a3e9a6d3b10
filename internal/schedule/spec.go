package schedule

import (
	"errors"
	"fmt"
	"time"

	"github.com/robfig/cron/v3"
)

// parser accepts five standard fields, or six with a leading seconds field,
// and the @ descriptors.
var parser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour |
	cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ValidateSpec reports whether spec is a schedule that Set accepts: five
// standard cron fields ("*/30 * * * *"), six with a leading seconds field
// ("*/10 * * * * *"), or a descriptor ("@hourly", "@every 30s"), optionally
// prefixed with "CRON_TZ=Area/City ". A spec that never fires (such as
// "0 0 30 2 *") is an error too.
func ValidateSpec(spec string) error {
	_, err := parse(spec)
	return err
}

func parse(spec string) (sched cron.Schedule, err error) {
	// robfig/cron v3.0.1 panics on a "CRON_TZ=Zone" prefix with nothing
	// after it.
	defer func() {
		if r := recover(); r != nil {
			sched, err = nil, fmt.Errorf("malformed spec: %v", r)
		}
	}()
	sched, err = parser.Parse(spec)
	if err != nil {
		return nil, err
	}
	// SpecSchedule.Next gives up (returns the zero time) after five years.
	if sched.Next(time.Now()).IsZero() {
		return nil, errors.New("never fires")
	}
	return sched, nil
}
