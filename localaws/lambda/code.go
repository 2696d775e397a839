package lambda

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

const (
	// maxInlineRequest is AWS's request limit for an inline (ZipFile) deployment package.
	maxInlineRequest = protocol.MaxRESTBody
	maxZipped        = 50 << 20
	maxUnzipped      = 262144000
)

// deploymentPackage is a stored zip.
type deploymentPackage struct {
	path   string
	sha256 string // base64, as CodeSha256
	size   int64
}

// acceptCode checks and stores an inline deployment package.
func (s *Service) acceptCode(zipFile []byte, s3Bucket, s3Key, imageURI string) (deploymentPackage, error) {
	switch {
	case s3Bucket != "" || s3Key != "":
		return deploymentPackage{}, invalidParameter("Code from S3 (S3Bucket/S3Key) is not emulated by localaws: S3 is not served. Pass the deployment package inline in ZipFile.")
	case imageURI != "":
		return deploymentPackage{}, invalidParameter("Container images (ImageUri) are not emulated by localaws. Use a zip deployment package.")
	case len(zipFile) == 0:
		return deploymentPackage{}, invalidParameter("Please provide a source for function code: ZipFile is empty.")
	case len(zipFile) > maxZipped:
		return deploymentPackage{}, invalidParameter("Zipped size must be smaller than %d bytes", maxZipped)
	}
	zr, err := zip.NewReader(bytes.NewReader(zipFile), int64(len(zipFile)))
	if err != nil {
		return deploymentPackage{}, invalidParameter("Could not unzip uploaded file. Please check your file, then try to upload again.")
	}
	var unzipped uint64
	for _, f := range zr.File {
		unzipped += f.UncompressedSize64
	}
	if unzipped > maxUnzipped {
		return deploymentPackage{}, invalidParameter("Unzipped size must be smaller than %d bytes", maxUnzipped)
	}
	sum := sha256.Sum256(zipFile)
	path, err := s.storePackage(hex.EncodeToString(sum[:]), zipFile)
	if err != nil {
		return deploymentPackage{}, protocol.Internal(err)
	}
	return deploymentPackage{path: path, sha256: base64.StdEncoding.EncodeToString(sum[:]), size: int64(len(zipFile))}, nil
}

// decodeCodeRequest decodes a request that may carry an inline package, with AWS's limit.
func decodeCodeRequest(r *http.Request, v any, op string) error {
	err := protocol.DecodeJSONLimit(r, v, maxInlineRequest)
	var pe *protocol.Error
	if errors.As(err, &pe) && pe.Code == "RequestEntityTooLargeException" {
		pe.Message = "Request must be smaller than " + strconv.Itoa(maxInlineRequest) + " bytes for the " + op + " operation"
	}
	return err
}

func validateArchitectures(errs *shape.Violations, archs []string) {
	if archs == nil {
		return
	}
	if len(archs) != 1 {
		errs.Add("["+strings.Join(archs, ", ")+"]", "architectures", "Member must have length less than or equal to 1")
	}
	for _, a := range archs {
		errs.Enum("architectures", a, "x86_64", "arm64")
	}
}

// UpdateFunctionCode replaces $LATEST's package, optionally publishing it.
func (s *Service) UpdateFunctionCode(r *http.Request) (int, any, error) {
	ref, err := requestRef(r)
	if err != nil {
		return 0, nil, err
	}
	var in UpdateFunctionCodeInput
	if err := decodeCodeRequest(r, &in, "UpdateFunctionCode"); err != nil {
		return 0, nil, err
	}
	var errs shape.Violations
	validateArchitectures(&errs, in.Architectures)
	if err := errs.Err(protocol.Validation); err != nil {
		return 0, nil, err
	}
	if err := onlyLatest(ref); err != nil {
		return 0, nil, err
	}
	pkg, err := s.acceptCode(in.ZipFile, in.S3Bucket, in.S3Key, in.ImageURI)
	if err != nil {
		return 0, nil, err
	}
	return s.updateLatest(ref, in.RevisionID, in.DryRun, func(f *function) (FunctionConfiguration, error) {
		cfg := f.latest.cfg
		cfg.CodeSha256, cfg.CodeSize = pkg.sha256, pkg.size
		if len(in.Architectures) > 0 {
			cfg.Architectures = in.Architectures
		}
		if in.DryRun {
			return f.view(&version{cfg: cfg}, ""), nil
		}
		s.startUpdate(&cfg)
		f.latest.cfg, f.latest.zipPath = cfg, pkg.path
		if in.Publish {
			v := s.publish(f, nil)
			return f.view(v, v.cfg.Version), nil
		}
		return f.view(f.latest, ""), nil
	})
}
