package ui

import (
	"net/http"
	"net/url"

	"github.com/challengepartners/upwards/plugins/sdk/contract"
)

// Flash asks the core to confirm a save on the next page the user sees:
// call it before redirecting (303) after a successful POST,
//
//	ui.Flash(w, "Review saved")
//	http.Redirect(w, r, sdk.URL(r, "/reviews/7"), http.StatusSeeOther)
//
// The message travels to the core in the response header
// contract.FlashHeader; the core turns it into its own one-time flash cookie
// and shows it, in the shell, as a status message (role="status") above the
// next page's content, as it does for its own pages. When the answer is
// itself a page, the message is shown on it. A later call replaces an
// earlier one. Keep it short, plain text (the core shows at most
// contract.FlashMaxLen characters) and free of personal data.
func Flash(w http.ResponseWriter, msg string) {
	w.Header().Set(contract.FlashHeader, url.PathEscape(msg))
}
