package web

import (
	"os/exec"
	"runtime"
)

// OpenBrowser asks the desktop to open url in the default browser (open on
// macOS, the URL handler on Windows, xdg-open elsewhere) and does not wait.
// A failure is not reported: the caller has printed the address.
func OpenBrowser(url string) {
	var c *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		c = exec.Command("open", url)
	case "windows":
		c = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		c = exec.Command("xdg-open", url)
	}
	if c.Start() == nil {
		go func() { _ = c.Wait() }() // reap it
	}
}
