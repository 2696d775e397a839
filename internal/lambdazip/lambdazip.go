// Package lambdazip writes Lambda deployment packages that are byte-for-byte
// reproducible: entries in a fixed order with a fixed timestamp and mode, and no host
// metadata (owner, umask, mtime), so two builds of the same code on different machines
// have the same SHA-256 and Terraform's source_code_hash does not drift. A bootstrap is
// one entry; a Python or Node.js package is a directory tree.
package lambdazip

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// Epoch is the timestamp of every entry: the earliest time a zip can hold.
var Epoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// EntryName is the file the provided.al2023 runtime executes.
const EntryName = "bootstrap"

// Write zips content as a single executable entry named bootstrap.
func Write(w io.Writer, content []byte) error {
	return writeEntries(w, []entry{{name: EntryName, mode: 0o755, content: content}})
}

// entry is one file of a package.
type entry struct {
	name    string // slash-separated, relative to the package root
	mode    os.FileMode
	content []byte
}

func writeEntries(w io.Writer, entries []entry) error {
	zw := zip.NewWriter(w)
	// Pin the level so the bytes do not depend on the library's default.
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestCompression)
	})
	for _, e := range entries {
		hdr := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: Epoch}
		hdr.SetMode(e.mode)
		f, err := zw.CreateHeader(hdr)
		if err != nil {
			return fmt.Errorf("lambdazip: %w", err)
		}
		if _, err := f.Write(e.content); err != nil {
			return fmt.Errorf("lambdazip: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("lambdazip: %w", err)
	}
	return nil
}

// WriteDir zips every regular file under dir, by path in lexical order, with mode 0755
// for files any execute bit is set on and 0644 for the rest; symbolic links are
// followed, so the package holds what they point to.
func WriteDir(w io.Writer, dir string) error {
	var entries []entry
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := os.Stat(path)
		if err != nil || !info.Mode().IsRegular() {
			return err
		}
		content, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if info.Mode().Perm()&0o111 != 0 {
			mode = 0o755
		}
		entries = append(entries, entry{name: filepath.ToSlash(rel), mode: mode, content: content})
		return nil
	})
	if err != nil {
		return fmt.Errorf("lambdazip: %w", err)
	}
	if len(entries) == 0 {
		return fmt.Errorf("lambdazip: %s holds no files", dir)
	}
	return writeEntries(w, entries) // WalkDir visits in lexical order
}

// WriteFile zips src into dst, replacing dst atomically: a directory as its tree, a
// file as the bootstrap.
func WriteFile(dst, src string) error {
	info, err := os.Stat(src)
	if err != nil {
		return fmt.Errorf("lambdazip: %w", err)
	}
	var buf bytes.Buffer
	if info.IsDir() {
		err = WriteDir(&buf, src)
	} else {
		var content []byte
		if content, err = os.ReadFile(src); err == nil {
			err = Write(&buf, content)
		} else {
			err = fmt.Errorf("lambdazip: %w", err)
		}
	}
	if err != nil {
		return err
	}
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("lambdazip: %w", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("lambdazip: %w", err)
	}
	return nil
}
