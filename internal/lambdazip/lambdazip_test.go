package lambdazip

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestWrite(t *testing.T) {
	content := bytes.Repeat([]byte("bootstrap binary "), 1000)
	var a, b bytes.Buffer
	if err := Write(&a, content); err != nil {
		t.Fatal(err)
	}
	if err := Write(&b, content); err != nil {
		t.Fatal(err)
	}
	if sha256.Sum256(a.Bytes()) != sha256.Sum256(b.Bytes()) {
		t.Fatal("two writes of the same content differ")
	}

	zr, err := zip.NewReader(bytes.NewReader(a.Bytes()), int64(a.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 1 {
		t.Fatalf("zip has %d entries, want 1", len(zr.File))
	}
	f := zr.File[0]
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"entry is named bootstrap", f.Name, "bootstrap"},
		{"entry is executable", f.Mode().Perm(), os.FileMode(0o755)},
		{"entry is a regular file", f.Mode().IsRegular(), true},
		{"timestamp is fixed", f.Modified.UTC().Equal(Epoch), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, content) {
		t.Fatal("unzipped content differs")
	}
}

func TestWriteFileIgnoresHostMetadata(t *testing.T) {
	dir := t.TempDir()
	content := []byte("#!/bin/sh\necho hi\n")
	var sums [2][32]byte
	for i, mode := range []os.FileMode{0o600, 0o755} {
		src := filepath.Join(dir, "bootstrap")
		if err := os.WriteFile(src, content, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(src, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(src, time.Now(), time.Now().Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, "out.zip")
		if err := WriteFile(dst, src); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(dst)
		if err != nil {
			t.Fatal(err)
		}
		sums[i] = sha256.Sum256(b)
	}
	if sums[0] != sums[1] {
		t.Fatal("the zip depends on the source file's mode or mtime")
	}
}

func TestWriteDirIsReproducibleAndKeepsTheTree(t *testing.T) {
	build := func(stamp time.Time, fileMode os.FileMode) []byte {
		dir := t.TempDir()
		for name, content := range map[string]string{
			"worker.py":                          "def handler(e, c): pass\n",
			"node_modules/pkg/index.js":          "exports.x = 1;\n",
			"node_modules/pkg/bin/cli":           "#!/bin/sh\n",
			"node_modules/.package-lock.json":    "{}\n",
			"node_modules/pkg/lib/deeper/file.c": "int x;\n",
		} {
			path := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			mode := fileMode
			if filepath.Base(name) == "cli" {
				mode = 0o700
			}
			if err := os.WriteFile(path, []byte(content), mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(path, stamp, stamp); err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if err := WriteDir(&buf, dir); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	a := build(time.Now(), 0o600)
	b := build(time.Now().Add(-48*time.Hour), 0o664)
	if sha256.Sum256(a) != sha256.Sum256(b) {
		t.Fatal("two trees with the same files but other times and modes zip differently")
	}
	zr, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	modes := map[string]os.FileMode{}
	for _, f := range zr.File {
		names = append(names, f.Name)
		modes[f.Name] = f.Mode().Perm()
	}
	want := []string{"node_modules/.package-lock.json", "node_modules/pkg/bin/cli", "node_modules/pkg/index.js",
		"node_modules/pkg/lib/deeper/file.c", "worker.py"}
	if !slices.Equal(names, want) {
		t.Fatalf("entries %v, want %v in lexical order", names, want)
	}
	if modes["node_modules/pkg/bin/cli"] != 0o755 || modes["worker.py"] != 0o644 {
		t.Fatalf("modes %v: executables 0755, the rest 0644", modes)
	}
}

func TestWriteDirRefusesAnEmptyDirectory(t *testing.T) {
	if err := WriteDir(io.Discard, t.TempDir()); err == nil {
		t.Fatal("an empty directory must not make an empty package")
	}
}
