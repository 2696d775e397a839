// Package lambdazip writes Lambda deployment packages that are byte-for-byte
// reproducible: one entry, a fixed timestamp and mode, and no host metadata (owner,
// umask, mtime), so two builds of the same binary on different machines have the same
// SHA-256 and Terraform's source_code_hash does not drift.
package lambdazip

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"os"
	"time"
)

// Epoch is the timestamp of every entry: the earliest time a zip can hold.
var Epoch = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// EntryName is the file the provided.al2023 runtime executes.
const EntryName = "bootstrap"

// Write zips content as a single executable entry named bootstrap.
func Write(w io.Writer, content []byte) error {
	zw := zip.NewWriter(w)
	// Pin the level so the bytes do not depend on the library's default.
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestCompression)
	})
	hdr := &zip.FileHeader{Name: EntryName, Method: zip.Deflate, Modified: Epoch}
	hdr.SetMode(0o755)
	f, err := zw.CreateHeader(hdr)
	if err != nil {
		return fmt.Errorf("lambdazip: %w", err)
	}
	if _, err := f.Write(content); err != nil {
		return fmt.Errorf("lambdazip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("lambdazip: %w", err)
	}
	return nil
}

// WriteFile zips the file at src into dst, replacing dst atomically.
func WriteFile(dst, src string) error {
	content, err := os.ReadFile(src)
	if err != nil {
		return fmt.Errorf("lambdazip: %w", err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, content); err != nil {
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
