package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/challengepartners/upwards/core/browsertest"
	"github.com/challengepartners/upwards/core/pupils/importfile/importtest"
	"github.com/challengepartners/upwards/core/storage"
)

// A tenant admin imports a real-shaped CSV for a school in Chromium: the
// preview flags its two bad rows and refuses "import all"; the fixed file
// is imported; the pupils appear in the school's list; and that view of
// them is in the audit log.
func TestBrowserPupilImport(t *testing.T) {
	w := newWorld(t, storage.SQLite)
	worker := w.app.Worker()
	if err := worker.Start(); err != nil {
		t.Fatal(err)
	}
	defer worker.Shutdown()
	school := w.a.trustSchool
	dir := t.TempDir()
	var good strings.Builder
	if err := importtest.WriteCSV(&good, 500, 40, time.Now()); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(good.String(), "\n")
	first := importtest.Row(500, time.Now()) // row 2 of the file
	bad := append([]string(nil), lines...)
	bad[3] = "Q" + bad[3][1:]                                                             // row 4: a wrong check letter
	bad[7] = strings.Replace(bad[7], importtest.Row(506, time.Now())[3], "31/02/2019", 1) // row 8: no such date
	badPath, goodPath := filepath.Join(dir, "year-groups.csv"), filepath.Join(dir, "year-groups-fixed.csv")
	os.WriteFile(badPath, []byte(strings.Join(bad, "\n")), 0o600)
	os.WriteFile(goodPath, []byte(good.String()), 0o600)

	browser := browsertest.NewBrowser(t)
	base := strings.Replace(w.url, "127.0.0.1", "alpha.localhost", 1)
	if err := chromedp.Do(browser, chromedp.Navigate(fmt.Sprintf("%s/units/%d", base, school.ID))); err != nil {
		t.Fatalf("open: %v", err)
	}
	ctx, cancel := context.WithTimeout(browser, 120*time.Second)
	defer cancel()
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("main")))
			t.Fatalf("%s: %v\n%.2000s", name, err, html)
		}
	}
	step("log in",
		chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), w.a.adminEmail),
		chromedp.SendKeys(chromedp.ID("password"), testPassword),
		chromedp.Submit(chromedp.ID("password")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="import-link"]`)),
	)
	step("open the import", chromedp.Click(chromedp.CSS(`[data-testid="import-link"]`)), chromedp.WaitVisible(chromedp.ID("file")))
	step("upload the file with two bad rows",
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{badPath}),
		chromedp.Submit(chromedp.ID("file")),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="import-errors"]`)), // after the progress page refreshed itself
	)
	if got := text(ctx, t, `[data-testid="count-errors"]`); got != "2" {
		t.Errorf("rows with errors: %q", got)
	}
	errs := text(ctx, t, `[data-testid="import-errors"]`)
	if !strings.Contains(errs, "check letter") || !strings.Contains(errs, "date of birth") || strings.Contains(errs, bad[3][:13]) {
		t.Errorf("errors table: %q", errs)
	}
	disabled, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("import-all").disabled`))
	if err != nil || !disabled {
		t.Error("Import all is enabled while rows have errors")
	}
	step("upload the fixed file",
		chromedp.Navigate(fmt.Sprintf("%s/units/%d/import", base, school.ID)),
		chromedp.WaitVisible(chromedp.ID("file")),
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{goodPath}),
		chromedp.Submit(chromedp.ID("file")),
		chromedp.WaitVisible(chromedp.ID("import-all")),
	)
	if got := text(ctx, t, `[data-testid="count-new"]`); got != "40" {
		t.Errorf("new pupils: %q", got)
	}
	step("import", chromedp.Click(chromedp.ID("import-all")), chromedp.WaitVisible(chromedp.CSS(`[data-testid="import-result"]`)))
	if got := text(ctx, t, `[data-testid="count-created"]`); got != "40" {
		t.Errorf("created: %q", got)
	}
	step("see the pupils",
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href="/units/%d/pupils"]`, school.ID))),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="pupils"]`)),
	)
	list := text(ctx, t, `[data-testid="pupils"]`)
	if !strings.Contains(list, first[1]) || !strings.Contains(list, first[2]) {
		t.Errorf("the pupil list does not show %s %s: %q", first[2], first[1], list)
	}
	step("audit log", chromedp.Navigate(base+"/audit"), chromedp.WaitVisible(chromedp.CSS(`[data-testid="audit"]`)))
	audit := text(ctx, t, `[data-testid="audit"]`)
	for _, action := range []string{"pupil.list", "pupil.import", "pupil.import.create"} {
		if !strings.Contains(audit, action) {
			t.Errorf("the audit log has no %s: %.1500s", action, audit)
		}
	}
}
