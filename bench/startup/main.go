// Command startup measures the cold start of `upwards serve` (process start to
// /readyz answering 200 on the embedded default with the demo install) and its
// memory, against a minimal Go HTTP server measured in the same run.
//
//	go run ./bench/startup [-runs 7]
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

func main() {
	runs := flag.Int("runs", 7, "starts of each binary")
	flag.Parse()
	if err := run(*runs); err != nil {
		fmt.Fprintln(os.Stderr, "startup:", err)
		os.Exit(1)
	}
}

func run(runs int) error {
	dir, err := os.MkdirTemp("", "upwards-startup")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	upwards, baseline := filepath.Join(dir, "upwards"), filepath.Join(dir, "baseline")
	for bin, pkg := range map[string]string{upwards: "./core/cmd/upwards", baseline: "./bench/startup/baseline"} {
		if out, err := exec.Command("go", "build", "-o", bin, pkg).CombinedOutput(); err != nil {
			return fmt.Errorf("build %s: %v\n%s", pkg, err, out)
		}
	}
	db := "sqlite:" + filepath.Join(dir, "demo.db")
	if out, err := exec.Command(upwards, "demo", "--database-url", db, "--data-dir", dir).CombinedOutput(); err != nil {
		return fmt.Errorf("build demo: %v\n%s", err, out)
	}
	var up, base []time.Duration
	var rss []int
	for i := 0; i < runs; i++ {
		addr := freeAddr()
		d, kb, err := start(exec.Command(upwards, "serve", "--database-url", db, "--data-dir", dir, "--listen", addr, "--log-level", "error"), addr, true)
		if err != nil {
			return err
		}
		up, rss = append(up, d), append(rss, kb)
		addr = freeAddr()
		d, _, err = start(exec.Command(baseline, addr), addr, false)
		if err != nil {
			return err
		}
		base = append(base, d)
	}
	mu, mb := median(up), median(base)
	sort.Ints(rss)
	fmt.Printf("cold start to /readyz 200, median of %d: upwards serve %.1f ms, minimal Go server %.1f ms, ratio %.1fx\n",
		runs, ms(mu), ms(mb), float64(mu)/float64(mb))
	fmt.Printf("upwards serve RSS after 50 login-page requests: median %.1f MiB\n", float64(rss[len(rss)/2])/1024)
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func freeAddr() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// start runs cmd until /readyz answers 200 and returns how long that took,
// and (with load) the resident memory after some page requests.
func start(cmd *exec.Cmd, addr string, load bool) (time.Duration, int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, 0, err
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	client := &http.Client{Timeout: time.Second}
	for ctx.Err() == nil {
		resp, err := client.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	if ctx.Err() != nil {
		return 0, 0, fmt.Errorf("%s did not become ready", cmd.Path)
	}
	d := time.Since(t0)
	if !load {
		return d, 0, nil
	}
	for i := 0; i < 50; i++ {
		if resp, err := client.Get("http://" + addr + "/login"); err == nil {
			resp.Body.Close()
		}
	}
	return d, rssKB(cmd.Process.Pid), nil
}

func rssKB(pid int) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "VmRSS:") {
			n, _ := strconv.Atoi(strings.Fields(sc.Text())[1])
			return n
		}
	}
	return 0
}
