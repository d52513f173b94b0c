// Command shots logs in to a running demo and saves screenshots (dev aid, not shipped).
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/chromedp/chromedp"
)

func main() {
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath("/usr/bin/chromium"), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.WindowSize(1280, 900))
	a, c1 := chromedp.NewExecAllocator(context.Background(), opts...)
	defer c1()
	ctx, c2 := chromedp.NewContext(a)
	defer c2()
	base := os.Args[1]
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	must(chromedp.Do(ctx, chromedp.Navigate(base+"/login")))
	shot := func(name string) {
		b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		must(err)
		must(os.WriteFile("/tmp/shot-"+name+".png", b, 0o644))
		fmt.Println("/tmp/shot-" + name + ".png")
	}
	shot("login")
	must(chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("email"), os.Args[2]), chromedp.SendKeys(chromedp.ID("password"), "upwards-demo"),
		chromedp.Submit(chromedp.ID("password")), chromedp.WaitVisible(chromedp.CSS("main h1"))))
	shot("dashboard")
	for i, p := range os.Args[3:] {
		must(chromedp.Do(ctx, chromedp.Navigate(base+p), chromedp.WaitVisible(chromedp.CSS("main h1"))))
		shot(fmt.Sprint(i))
	}
}
