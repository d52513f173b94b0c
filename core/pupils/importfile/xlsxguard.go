package importfile

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// maxTagBytes bounds one XML tag (its name and attributes) of a workbook.
const maxTagBytes = 16 << 10

// What checkXLSX says of a part it cannot follow, and of a text too long
// that is in no cell of the first sheet.
var (
	errXLSXDamaged = fileErrorf("the file looks like an XLSX workbook but cannot be opened (is it damaged or cut short?)")
	errXLSXText    = fileErrorf("the workbook holds a text longer than %s, more than any pupil list needs (is this the right file?)", humanBytes(MaxCellBytes))
)

// checkXLSX reads, before excelize parses anything, the first sheet of the
// workbook and its shared strings, and refuses the file when a cell is longer
// than MaxCellBytes or a row than MaxRowBytes (naming the row and column), or
// when a shared string, a text between tags or a tag is too long. It streams
// each part through a small buffer, so its memory does not grow with what the
// parts hold; excelize's XML decoder holds a whole cell several times over
// (one 45 MB cell in a 52 KB workbook cost 263 MB). A workbook it cannot
// follow at all is left to excelize, which reports it damaged.
func checkXLSX(ra io.ReaderAt, size int64) error {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil // not a zip: excelize refuses it
	}
	parts := map[string]*zip.File{}
	for _, f := range zr.File {
		parts[strings.TrimPrefix(f.Name, "/")] = f
	}
	sheet, strs := workbookParts(parts)
	long := map[int]bool{}
	if f := parts[strs]; f != nil {
		if long, err = longSharedStrings(f); err != nil {
			return err
		}
	}
	if f := parts[sheet]; f != nil {
		if err := checkSheet(f, long); err != nil {
			return err
		}
	}
	if len(long) > 0 {
		return errXLSXText
	}
	return nil
}

// workbookParts returns the paths of the first sheet and of the shared
// strings, as xl/workbook.xml and its relationships name them ("" when absent).
func workbookParts(parts map[string]*zip.File) (sheet, sharedStrings string) {
	var wb struct {
		Sheets []struct {
			ID string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if decodeSmall(parts["xl/workbook.xml"], &wb) != nil || decodeSmall(parts["xl/_rels/workbook.xml.rels"], &rels) != nil {
		return "", ""
	}
	target := func(t string) string {
		if strings.HasPrefix(t, "/") {
			return strings.TrimPrefix(t, "/")
		}
		return path.Join("xl", t)
	}
	for _, r := range rels.Rel {
		if len(wb.Sheets) > 0 && r.ID == wb.Sheets[0].ID {
			sheet = target(r.Target)
		}
		if strings.HasSuffix(r.Type, "/sharedStrings") {
			sharedStrings = target(r.Target)
		}
	}
	return sheet, sharedStrings
}

// decodeSmall decodes a part of at most 1 MB (the workbook and its
// relationships are a few KB).
func decodeSmall(f *zip.File, v any) error {
	if f == nil {
		return errors.New("missing")
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return xml.NewDecoder(io.LimitReader(rc, 1<<20)).Decode(v)
}

// longSharedStrings returns the indexes of the shared strings longer than
// MaxCellBytes (at most 1,000 of them).
func longSharedStrings(f *zip.File) (map[int]bool, error) {
	long := map[int]bool{}
	index, n, inItem := -1, 0, false
	err := scanPart(f, func(name string, tag []byte, end bool) error {
		if name == "si" {
			inItem = !end && !bytes.HasSuffix(tag, []byte("/"))
			if !end {
				index, n = index+1, 0
			}
		}
		return nil
	}, func(text []byte, run int) error {
		if !inItem {
			return boundRun(run)
		}
		n += len(text)
		if n > MaxCellBytes && len(long) < 1000 {
			long[index] = true
		}
		return nil
	})
	return long, err
}

var (
	attrR = regexp.MustCompile(`\sr\s*=\s*["']([^"']*)["']`)
	attrT = regexp.MustCompile(`\st\s*=\s*["']([^"']*)["']`)
)

// checkSheet follows a worksheet's rows and cells and fails at the first
// cell or row past its bound, or at a cell that shows one of the long shared
// strings.
func checkSheet(f *zip.File, long map[int]bool) error {
	var (
		row, col, cell, rowBytes int
		inCell, inValue, shared  bool
		index                    []byte
	)
	return scanPart(f, func(name string, tag []byte, end bool) error {
		switch {
		case name == "row" && !end:
			row, col, rowBytes = row+1, 0, 0
			if m := attrR.FindSubmatch(tag); m != nil {
				if n, err := strconv.Atoi(string(m[1])); err == nil {
					row = n
				}
			}
		case name == "c" && !end:
			col, cell, inCell = col+1, 0, !bytes.HasSuffix(tag, []byte("/"))
			if m := attrR.FindSubmatch(tag); m != nil {
				if c, _, err := excelize.CellNameToCoordinates(string(m[1])); err == nil {
					col = c
				}
			}
			m := attrT.FindSubmatch(tag)
			shared, index = m != nil && string(m[1]) == "s", index[:0]
		case name == "c":
			inCell = false
			if n, err := strconv.Atoi(string(index)); shared && err == nil && long[n] {
				return cellTooLong(row, col)
			}
		case name == "v":
			inValue = !end && !bytes.HasSuffix(tag, []byte("/"))
		}
		return nil
	}, func(text []byte, run int) error {
		if !inCell {
			return boundRun(run)
		}
		cell += len(text)
		rowBytes += len(text)
		if inValue && shared && len(index) < 12 {
			index = append(index, text[:min(len(text), 12)]...)
		}
		switch {
		case cell > MaxCellBytes:
			return cellTooLong(row, col)
		case rowBytes > MaxRowBytes:
			return rowTooLong(row)
		}
		return nil
	})
}

// boundRun fails a run of text outside the cells longer than MaxCellBytes
// (excelize's decoder would hold it whole).
func boundRun(run int) error {
	if run > MaxCellBytes {
		return errXLSXText
	}
	return nil
}

// scanPart streams one XML part: tag gets each tag's local name (without a
// namespace prefix), its bytes between < and > and whether it is an end tag;
// text gets the text between tags, and CDATA sections, in pieces, with the
// length of the run so far. Comments are skipped, and bounded like text.
// Nothing is kept but one tag, and a tag of more than maxTagBytes fails the scan.
func scanPart(f *zip.File, tag func(name string, tag []byte, end bool) error, text func(chunk []byte, run int) error) error {
	rc, err := f.Open()
	if err != nil {
		return errXLSXDamaged
	}
	defer rc.Close()
	br := bufio.NewReaderSize(rc, 32<<10)
	var buf []byte
	for {
		run := 0
		for {
			chunk, err := br.ReadSlice('<')
			t := chunk
			if err == nil {
				t = chunk[:len(chunk)-1]
			}
			if run += len(t); len(t) > 0 {
				if err := text(t, run); err != nil {
					return err
				}
			}
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err == nil {
				break
			}
			if !errors.Is(err, bufio.ErrBufferFull) {
				return errXLSXDamaged
			}
		}
		head, _ := br.Peek(8)
		switch {
		case bytes.HasPrefix(head, []byte("![CDATA[")):
			if err := skipUntil(br, []byte("]]>"), text); err != nil {
				return err
			}
			continue
		case bytes.HasPrefix(head, []byte("!--")):
			if err := skipUntil(br, []byte("-->"), func(_ []byte, run int) error { return boundRun(run) }); err != nil {
				return err
			}
			continue
		}
		buf = buf[:0]
		for {
			chunk, err := br.ReadSlice('>')
			buf = append(buf, chunk...)
			if len(buf) > maxTagBytes {
				return errXLSXDamaged
			}
			if err == nil {
				break
			}
			if !errors.Is(err, bufio.ErrBufferFull) {
				return errXLSXDamaged
			}
		}
		buf = buf[:len(buf)-1]
		end := bytes.HasPrefix(buf, []byte("/"))
		name := bytes.TrimPrefix(buf, []byte("/"))
		if i := bytes.IndexAny(name, " \t\r\n/"); i >= 0 {
			name = name[:i]
		}
		if i := bytes.IndexByte(name, ':'); i >= 0 {
			name = name[i+1:]
		}
		if err := tag(string(name), buf, end); err != nil {
			return err
		}
	}
}

// skipUntil reads past the next end (a CDATA section's "]]>" or a comment's
// "-->"), handing what it reads to text, and fails when the part ends first.
func skipUntil(br *bufio.Reader, end []byte, text func(chunk []byte, run int) error) error {
	run := 0
	var tail []byte
	for {
		chunk, err := br.ReadSlice(end[len(end)-1])
		run += len(chunk)
		if err := text(chunk, run); err != nil {
			return err
		}
		tail = append(tail, chunk...)
		if len(tail) > len(end) {
			tail = append(tail[:0], tail[len(tail)-len(end):]...)
		}
		if err == nil && bytes.HasSuffix(tail, end) {
			return nil
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return errXLSXDamaged
		}
	}
}
