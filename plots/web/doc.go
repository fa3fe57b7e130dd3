// Package web is the local web page of alliance ('alliance serve'): a page a
// student opens in a browser, uploads a CSV/TSV/XLSX (or picks an embedded
// dataset), sees the detected column roles and edits them, chooses the
// report's options, runs, and reads the report in the page — the same
// report, byte for byte, that 'alliance report' writes for the same files
// and options.
//
// The page is a third front end, not a third copy of the analysis: it knows
// no analysis. Its Options carry the report's option fields (the command
// line's flag names, usage and defaults), an Inspect function that reads the
// data and resolves the column roles, and a Run function that makes the
// report's files. The page renders; the caller decides.
//
// It works without JavaScript (plain forms; a running report refreshes its
// progress with a meta refresh) and sends no request anywhere but to itself.
//
// Security, for a web server on a clinician's laptop:
//
//   - every value from the data is escaped by html/template;
//   - Content-Security-Policy default-src 'self' (inline styles allowed), no
//     external requests of any kind, no analytics;
//   - a CSRF token on every POST (form field csrf, or header
//     X-Alliance-Token for scripts; GET /api/token returns it), and a
//     cross-site Origin refused;
//   - the Host header checked against the served addresses (DNS rebinding);
//   - uploads bounded (Options.MaxUpload) and kept in memory only, in at most
//     Options.MaxWorkspaces workspaces (the oldest idle one is dropped);
//   - a panic in one request is answered 500 and never stops the server.
//
// HTTP API: POST /api/report with multipart fields studies and/or sessions
// (files) and the report's flags as fields of the same names returns
// application/zip with index.html, results.json and figures/; errors are
// 4xx with a JSON body {"error": "..."} for input, 5xx for an analysis
// failure.
package web
