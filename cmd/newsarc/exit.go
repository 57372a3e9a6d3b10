package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/newsarc/newsarc/internal/config"
)

// usageError is bad usage: an unknown command or flag, a bad flag value.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return &usageError{fmt.Errorf(format, a...)} }

// exitCode is the one place where errors become exit statuses: 0 success,
// 2 usage or config error, 130 cancelled, 1 anything else.
func exitCode(err error) int {
	var (
		ue *usageError
		ce *config.Error
	)
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue), errors.As(err, &ce):
		return 2
	case errors.Is(err, context.Canceled):
		return 130
	default:
		return 1
	}
}
