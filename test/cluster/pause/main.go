// The real node's sandbox (pause) process: holds a pod's namespaces open and exits on SIGTERM or SIGINT. A stand-in for
// registry.k8s.io/pause, which cannot be pulled here; built from this file by provision-binaries.sh.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	<-signals
}
