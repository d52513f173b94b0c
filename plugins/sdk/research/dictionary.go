package research

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// dictionaryHeader is the dictionary's columns, in the CSV and the Markdown.
var dictionaryHeader = []string{"column", "type", "description", "allowed values", "pseudonymised"}

func dictionaryRow(c Column) []string {
	allowed := strings.Join(c.Allowed, ", ")
	if allowed == "" {
		allowed = "any " + string(c.Type)
		if c.Pseudonym != "" {
			allowed = "32 hex digits"
		}
	}
	if c.Optional {
		allowed += " (or blank)"
	}
	pseudo := "no"
	if c.Pseudonym != "" {
		pseudo = "yes: keyed pseudonym of the " + c.Pseudonym + " identifier"
	}
	return []string{c.Name, string(c.Type), c.Description, allowed, pseudo}
}

// WriteDictionaryCSV writes ds's data dictionary as CSV: one row per column.
func WriteDictionaryCSV(w io.Writer, ds Dataset) error {
	if err := ds.Validate(); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(dictionaryHeader); err != nil {
		return fmt.Errorf("research: write dictionary of %s: %w", ds.Name, err)
	}
	for _, c := range ds.Columns {
		row := dictionaryRow(c)
		for i := range row {
			row[i] = formulaSafe(row[i])
		}
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("research: write dictionary of %s: %w", ds.Name, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("research: write dictionary of %s: %w", ds.Name, err)
	}
	return nil
}

// WriteDictionaryMarkdown writes ds's data dictionary as a Markdown document.
func WriteDictionaryMarkdown(w io.Writer, ds Dataset) error {
	if err := ds.Validate(); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Data dictionary: %s.csv\n\n", ds.Name)
	if ds.Description != "" {
		fmt.Fprintf(&b, "%s\n\n", ds.Description)
	}
	fmt.Fprintf(&b, "| %s |\n|%s\n", strings.Join(dictionaryHeader, " | "), strings.Repeat("---|", len(dictionaryHeader)))
	for _, c := range ds.Columns {
		row := dictionaryRow(c)
		for i := range row {
			row[i] = mdCell(row[i])
		}
		fmt.Fprintf(&b, "| %s |\n", strings.Join(row, " | "))
	}
	if ds.usesPseudonyms() {
		b.WriteString("\nPseudonymised columns hold the HMAC-SHA-256 of the identifier under a key derived from the research project's secret and id (first 128 bits, hex): the same identifier has the same pseudonym across this project's files and an unrelated one in any other project's.\n")
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("research: write dictionary of %s: %w", ds.Name, err)
	}
	return nil
}

// mdCell keeps a table cell on one line and its pipes literal.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.Join(strings.Fields(s), " ")
}
