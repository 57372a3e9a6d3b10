// Command newsarc crawls news sites, extracts their articles and keeps
// deduplicated, timestamped snapshots of them. See README.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second signal kills the process
	}()
	err := newRootCmd(os.Stdout, os.Stderr).ExecuteContext(ctx)
	stop()
	if isUnknownCommand(err) {
		err = &usageError{err}
	}
	switch {
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(os.Stderr, "newsarc: interrupted; what was fetched before the signal is stored")
	case err != nil:
		fmt.Fprintln(os.Stderr, "newsarc:", err)
	}
	os.Exit(exitCode(err))
}
