package lambda

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

// publishKey is what makes two versions different: code and configuration, not the
// bookkeeping fields.
func publishKey(cfg FunctionConfiguration) string {
	cfg.Version, cfg.RevisionID, cfg.LastModified, cfg.Description = "", "", "", ""
	cfg.State, cfg.StateReason, cfg.StateReasonCode = "", "", ""
	cfg.LastUpdateStatus, cfg.LastUpdateStatusReason, cfg.LastUpdateStatusReasonCode = "", "", ""
	b, _ := json.Marshal(cfg)
	return string(b)
}

// publish snapshots $LATEST as the next version; like AWS, it returns the last version
// instead when neither code nor configuration changed since.
func (s *Service) publish(f *function, description *string) *version {
	if n := len(f.published); n > 0 && publishKey(f.published[n-1].cfg) == publishKey(f.latest.cfg) {
		return f.published[n-1]
	}
	f.lastVersion++
	cfg := f.latest.cfg
	cfg.Version = strconv.Itoa(f.lastVersion)
	cfg.RevisionID = core.NewUUID()
	cfg.State, cfg.StateReason, cfg.StateReasonCode = "Active", "", ""
	cfg.LastUpdateStatus, cfg.LastUpdateStatusReason, cfg.LastUpdateStatusReasonCode = "Successful", "", ""
	if description != nil {
		cfg.Description = *description
	}
	v := &version{cfg: cfg, zipPath: f.latest.zipPath}
	f.published = append(f.published, v)
	return v
}

// PublishVersion publishes $LATEST.
func (s *Service) PublishVersion(r *http.Request) (int, any, error) {
	var in PublishVersionInput
	if err := protocol.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	return s.withFunction(r, func(f *function, _ *version, ref functionRef) (int, any, error) {
		if err := onlyLatest(ref); err != nil {
			return 0, nil, err
		}
		if err := checkRevision(in.RevisionID, f.latest.cfg.RevisionID); err != nil {
			return 0, nil, err
		}
		if in.CodeSha256 != "" && in.CodeSha256 != f.latest.cfg.CodeSha256 {
			return 0, nil, invalidParameter("CodeSHA256 (%s) is different from current CodeSHA256 in $LATEST (%s). Please try again with the CodeSHA256 in $LATEST.",
				in.CodeSha256, f.latest.cfg.CodeSha256)
		}
		v := s.publish(f, in.Description)
		return http.StatusCreated, f.view(v, v.cfg.Version), nil
	})
}

// ListVersionsByFunction lists $LATEST first, then the published versions in order, so
// the last entry is the newest (the Terraform provider relies on that).
func (s *Service) ListVersionsByFunction(r *http.Request) (int, any, error) {
	maxItems, err := parseMaxItems(r, 50)
	if err != nil {
		return 0, nil, err
	}
	return s.withFunction(r, func(f *function, _ *version, ref functionRef) (int, any, error) {
		if err := onlyLatest(ref); err != nil {
			return 0, nil, err
		}
		all := []FunctionConfiguration{f.view(f.latest, latestVersion)}
		for _, v := range f.published {
			all = append(all, f.view(v, v.cfg.Version))
		}
		return pageOutput(r, all, maxItems, func(items []FunctionConfiguration, next *string) any {
			return ListVersionsByFunctionOutput{Versions: items, NextMarker: next}
		})
	})
}
