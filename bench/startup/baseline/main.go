// Command baseline is the smallest Go HTTP server with a /readyz, the
// yardstick that bench/startup measures upwards serve against.
package main

import (
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok")) })
	_ = http.ListenAndServe(os.Args[1], nil)
}
