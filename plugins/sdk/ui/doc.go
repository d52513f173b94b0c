// Package ui holds the server-rendered components every programme plugin's
// pages are built from, so that the programmes look like one product: a page
// header with breadcrumbs, data tables (sortable by link, with an empty
// state), form fields with inline errors that keep what the user typed and an
// error summary, the flash confirmation after a save, status badges, stat
// cards, a danger-zone confirm, pagination, and SVG charts (bar, line and
// scatter) that carry their data as a table too.
//
// Each component is a plain struct whose HTML method returns template.HTML,
// for a handler or, through FuncMap, for an html/template. Every string a
// component is given is escaped; only values already typed template.HTML
// (say a link built by html/template) pass through as they are. Output is
// deterministic: the same values give the same bytes, so tests can compare.
//
// The markup needs no JavaScript and no inline style (the core's
// Content-Security-Policy forbids both): the look comes from the classes of
// CSS, the stylesheet the core serves in its shell (/static/ui.css), and SVG
// presentation attributes. Colours meet WCAG 2.2 AA (text 4.5:1, chart marks
// and other non-text 3:1 against white), and meaning is never carried by
// colour alone: badges say it in words, chart groups also differ by marker
// shape and line dash.
//
// What it does not do: it reads no storage and calls no Host; it never
// decides access. ParseSort, ParsePage and Confirmed read a request's query
// or form and refuse what they do not know, but the handler decides what a
// refusal means. The package imports nothing from the core.
//
// docs/plugins/ui.md shows every component with an example; the running
// core shows them all at /admin/ui (install operators).
package ui
