package execenv

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeInterpreters is a PATH of scripts that answer the version probe as name would.
func fakeInterpreters(t *testing.T, versions map[string]string) func(string) (string, error) {
	t.Helper()
	dir := t.TempDir()
	for name, version := range versions {
		script := "#!/bin/sh\necho " + version + "\n"
		if version == "broken" {
			script = "#!/bin/sh\necho 'pyenv: " + name + ": command not found' >&2\nexit 127\n"
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755))
	}
	return func(name string) (string, error) {
		path := filepath.Join(dir, name)
		if _, err := os.Stat(path); err != nil {
			return "", errors.New("not found")
		}
		return path, nil
	}
}

func TestInterpreterChoice(t *testing.T) {
	for _, tc := range []struct {
		name     string
		runtime  string
		host     map[string]string
		want     string // the binary chosen
		version  string
		matches  bool
		refusal  string // part of the InvalidRuntimeError's reason
		notFound bool
	}{
		{name: "the interpreter named for the runtime wins", runtime: "python3.12",
			host: map[string]string{"python3.12": "3.12.4", "python3": "3.11.2"}, want: "python3.12", version: "3.12.4", matches: true},
		{name: "without it the generic python3 runs, with another minor version", runtime: "python3.12",
			host: map[string]string{"python3": "3.11.2"}, want: "python3", version: "3.11.2"},
		{name: "a shim that cannot run falls back to the generic interpreter", runtime: "python3.12",
			host: map[string]string{"python3.12": "broken", "python3": "3.11.2"}, want: "python3", version: "3.11.2"},
		{name: "node22 is preferred for nodejs22.x", runtime: "nodejs22.x",
			host: map[string]string{"node22": "v22.11.0", "node": "v20.20.2"}, want: "node22", version: "22.11.0", matches: true},
		{name: "node of another major runs nodejs22.x", runtime: "nodejs22.x",
			host: map[string]string{"node": "v20.20.2"}, want: "node", version: "20.20.2"},
		{name: "node of the same major matches any minor", runtime: "nodejs20.x",
			host: map[string]string{"node": "v20.20.2"}, want: "node", version: "20.20.2", matches: true},
		{name: "no python at all is refused, naming the binaries and the install", runtime: "python3.12",
			host:    map[string]string{"node": "v20.1.0"},
			refusal: "no Python interpreter on this host: neither python3.12 nor python3 runs from PATH; install Python 3.12 (apt-get install python3, or a python3.12 binary on PATH)"},
		{name: "a python older than the client is refused", runtime: "python3.12",
			host:    map[string]string{"python3": "3.6.15"},
			refusal: "is Python 3.6.15, older than the 3.9 localaws's runtime client needs: install Python 3.12 or newer"},
		{name: "no node is refused", runtime: "nodejs22.x", host: map[string]string{},
			refusal: "neither node22 nor node runs from PATH; install Node.js 22 (apt-get install nodejs, or a node22 binary on PATH)"},
		{name: "a node older than the client is refused", runtime: "nodejs20.x",
			host: map[string]string{"node": "v16.20.0"}, refusal: "older than the 18.0 localaws's runtime client needs"},
		{name: "provided runtimes need no interpreter", runtime: "provided.al2023", host: map[string]string{}, notFound: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newInterpreters(t.TempDir())
			s.lookPath = fakeInterpreters(t, tc.host)
			in, err := s.resolve(tc.runtime)
			if tc.refusal != "" {
				var re *InvalidRuntimeError
				require.ErrorAs(t, err, &re)
				assert.Equal(t, tc.runtime, re.Runtime)
				assert.Contains(t, re.Reason, tc.refusal)
				return
			}
			require.NoError(t, err)
			if tc.notFound {
				assert.Nil(t, in)
				return
			}
			assert.Equal(t, tc.want, filepath.Base(in.path))
			assert.Equal(t, tc.version, in.version)
			assert.Equal(t, tc.matches, in.matches())
			assert.FileExists(t, in.client, "the embedded runtime client is on disk")
		})
	}
}

func TestARefusalIsNotCached(t *testing.T) {
	s := newInterpreters(t.TempDir())
	s.lookPath = fakeInterpreters(t, map[string]string{})
	_, err := s.resolve("python3.12")
	require.Error(t, err)
	s.lookPath = fakeInterpreters(t, map[string]string{"python3": "3.11.2"})
	in, err := s.resolve("python3.12")
	require.NoError(t, err, "installing the interpreter fixes the next invoke")
	assert.Equal(t, "3.11.2", in.version)
}

func TestParseManaged(t *testing.T) {
	for runtime, want := range map[string]string{
		"python3.12": "Python 3.12", "python3.9": "Python 3.9", "nodejs22.x": "Node.js 22", "nodejs20.x": "Node.js 20",
		"provided.al2023": "", "java21": "", "nodejs": "", "python3": "",
	} {
		v, ok := parseManaged(runtime)
		assert.Equal(t, want != "", ok, runtime)
		if ok {
			assert.Equal(t, want, v.String(), runtime)
		}
	}
}
