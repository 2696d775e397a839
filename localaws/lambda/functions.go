package lambda

import (
	"net/http"
	"path/filepath"
	"slices"
	"sort"

	"github.com/aws/aws-sdk-go-v2/aws/arn"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
)

const (
	latestVersion      = "$LATEST"
	lastModifiedLayout = "2006-01-02T15:04:05.000-0700"
)

// function is one function with its versions.
type function struct {
	name      string
	arn       string
	latest    *version
	published []*version // ascending
	// lastVersion numbers versions: AWS never reuses a deleted version's number.
	lastVersion int
	tags        shape.TagSet
	reserved    *int
}

// version is $LATEST or a published version.
type version struct {
	cfg          FunctionConfiguration
	zipPath      string
	policy       []PolicyStatement
	invokeConfig *EventInvokeConfig
}

func (f *function) version(qualifier string) *version {
	if qualifier == "" || qualifier == latestVersion {
		return f.latest
	}
	for _, v := range f.published {
		if v.cfg.Version == qualifier {
			return v
		}
	}
	return nil
}

// settle completes the transitions started by the previous change.
func (f *function) settle() {
	c := &f.latest.cfg
	if c.State == "Pending" {
		c.State, c.StateReason, c.StateReasonCode = "Active", "", ""
	}
	if c.LastUpdateStatus == "InProgress" {
		c.LastUpdateStatus, c.LastUpdateStatusReason, c.LastUpdateStatusReasonCode = "Successful", "", ""
	}
}

// view is the configuration as returned for a request that named qualifier.
func (f *function) view(v *version, qualifier string) FunctionConfiguration {
	c := v.cfg
	switch {
	case v != f.latest:
		c.FunctionArn = f.arn + ":" + c.Version
	case qualifier != "":
		c.FunctionArn = f.arn + ":" + latestVersion
	default:
		c.FunctionArn = f.arn
	}
	return c
}

func (s *Service) functionARN(name string) string {
	return s.env.ARN("lambda", s.env.Region, "function:"+name)
}

func (s *Service) now() string { return s.env.Clock.Now().UTC().Format(lastModifiedLayout) }

// requestRef parses the {FunctionName} path label and the ?Qualifier parameter.
func requestRef(r *http.Request) (functionRef, error) {
	return parseFunctionRef(r.PathValue("FunctionName"), r.URL.Query().Get("Qualifier"))
}

// lookup finds a function and the version ref names; the caller holds s.mu.
func (s *Service) lookup(ref functionRef) (*function, *version, error) {
	region, account := s.env.Region, s.env.Account
	if ref.Region != "" {
		region = ref.Region
	}
	if ref.Account != "" {
		account = ref.Account
	}
	resource := "function:" + ref.Name
	if ref.Qualifier != "" {
		resource += ":" + ref.Qualifier
	}
	arn := arn.ARN{Partition: core.Partition, Service: "lambda", Region: region, AccountID: account,
		Resource: resource}.String()
	f := s.functions[ref.Name]
	if f == nil || region != s.env.Region || account != s.env.Account {
		return nil, nil, functionNotFound(arn)
	}
	f.settle()
	v := f.version(ref.Qualifier)
	if v == nil {
		return nil, nil, functionNotFound(arn)
	}
	return f, v, nil
}

// lookupRequest parses the request's function reference and looks it up; the caller holds s.mu.
func (s *Service) lookupRequest(r *http.Request) (*function, *version, functionRef, error) {
	ref, err := requestRef(r)
	if err != nil {
		return nil, nil, ref, err
	}
	f, v, err := s.lookup(ref)
	return f, v, ref, err
}

// withFunction runs fn under s.mu on the function and version that the request names.
func (s *Service) withFunction(r *http.Request,
	fn func(f *function, v *version, ref functionRef) (int, any, error)) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, v, ref, err := s.lookupRequest(r)
	if err != nil {
		return 0, nil, err
	}
	return fn(f, v, ref)
}

// checkRevision enforces the RevisionId a caller expects, when it names one.
func checkRevision(want, have string) error {
	if want != "" && want != have {
		return preconditionFailed()
	}
	return nil
}

// onlyLatest refuses a qualifier on operations that change $LATEST.
func onlyLatest(ref functionRef) error {
	if ref.Qualifier != "" && ref.Qualifier != latestVersion {
		return invalidParameter("Only the $LATEST version of a function can be modified; got qualifier %s.", ref.Qualifier)
	}
	return nil
}

// CreateFunction creates $LATEST (Pending until the next read), optionally publishing version 1.
func (s *Service) CreateFunction(r *http.Request) (int, any, error) {
	var in CreateFunctionInput
	if err := decodeCodeRequest(r, &in, "CreateFunction"); err != nil {
		return 0, nil, err
	}
	fields := configFields{
		Role: &in.Role, Description: in.Description, Timeout: in.Timeout, MemorySize: in.MemorySize,
		Environment: in.Environment, TracingConfig: in.TracingConfig, DeadLetterConfig: in.DeadLetterConfig,
		EphemeralStorage: in.EphemeralStorage, LoggingConfig: in.LoggingConfig, SnapStart: in.SnapStart,
		Layers: in.Layers, FileSystemConfigs: in.FileSystemConfigs, VpcConfig: in.VpcConfig,
	}
	if in.Handler != "" {
		fields.Handler = &in.Handler
	}
	if in.Runtime != "" {
		fields.Runtime = &in.Runtime
	}
	if in.KMSKeyArn != "" {
		fields.KMSKeyArn = &in.KMSKeyArn
	}
	var errs shape.Violations
	var ref functionRef
	switch {
	case in.FunctionName == "":
		errs.Null("functionName")
	default:
		var err error
		if ref, err = parseFunctionRef(in.FunctionName, ""); err != nil {
			return 0, nil, err
		}
		if ref.Qualifier != "" {
			errs.Add(in.FunctionName, "functionName", "Member must not carry a qualifier when creating a function")
		}
	}
	if in.Role == "" {
		errs.Null("role")
		fields.Role = nil
	}
	if in.Code == nil {
		errs.Null("code")
	}
	fields.validate(&errs)
	validateArchitectures(&errs, in.Architectures)
	errs.Enum("packageType", in.PackageType, "Zip", "Image")
	if in.TenancyConfig != nil {
		if in.TenancyConfig.TenantIsolationMode == "" {
			errs.Null("tenancyConfig.tenantIsolationMode")
		}
		errs.Enum("tenancyConfig.tenantIsolationMode", in.TenancyConfig.TenantIsolationMode, "PER_TENANT")
	}
	if err := errs.Err(protocol.Validation); err != nil {
		return 0, nil, err
	}
	switch {
	case in.PackageType == "Image":
		return 0, nil, invalidParameter("localaws cannot run container images (PackageType Image): it has no container engine. Use a Zip deployment package with a provided.*, python3.x or nodejs* runtime.")
	case in.Runtime == "" || in.Handler == "":
		return 0, nil, invalidParameter("Runtime and Handler are mandatory parameters for functions created with deployment packages.")
	case in.CodeSigningConfigArn != "":
		return 0, nil, invalidParameter("Code signing is not emulated by localaws.")
	}
	if ref.Region != "" && ref.Region != s.env.Region || ref.Account != "" && ref.Account != s.env.Account {
		return 0, nil, invalidParameter("The function ARN %s is not in this account and Region (%s, %s).", in.FunctionName, s.env.Account, s.env.Region)
	}

	arch := []string{"x86_64"}
	if len(in.Architectures) > 0 {
		arch = in.Architectures
	}
	cfg := FunctionConfiguration{
		FunctionName: ref.Name, Timeout: 3, MemorySize: 128, Version: latestVersion, PackageType: "Zip",
		Architectures: arch, TracingConfig: TracingConfig{Mode: "PassThrough"}, EphemeralStorage: EphemeralStorage{Size: 512},
		SnapStart:     SnapStartResponse{ApplyOn: "None", OptimizationStatus: "Off"},
		LoggingConfig: LoggingConfig{LogFormat: "Text", LogGroup: "/aws/lambda/" + ref.Name},
		State:         "Pending", StateReason: "The function is being created.", StateReasonCode: "Creating",
		LastUpdateStatus: "Successful", RevisionID: core.NewUUID(),
	}
	if in.TenancyConfig != nil {
		cfg.TenancyConfig = &TenancyConfig{TenantIsolationMode: in.TenancyConfig.TenantIsolationMode}
	}
	if err := fields.apply(&cfg); err != nil {
		return 0, nil, err
	}
	tags := shape.TagsOf(in.Tags)
	if err := tagging.Check(tags); err != nil {
		return 0, nil, err
	}
	pkg, err := s.acceptCode(in.Code.ZipFile, in.Code.S3Bucket, in.Code.S3Key, in.Code.ImageURI)
	if err != nil {
		return 0, nil, err
	}
	cfg.CodeSha256, cfg.CodeSize, cfg.LastModified = pkg.sha256, pkg.size, s.now()

	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.functions[ref.Name]; ok {
		return 0, nil, resourceConflict("Function already exist: %s", ref.Name)
	}
	f := &function{name: ref.Name, arn: s.functionARN(ref.Name),
		latest: &version{cfg: cfg, zipPath: pkg.path}}
	_ = tagging.Merge(&f.tags, tags) // checked before the code was unpacked
	s.functions[ref.Name] = f
	if in.Publish {
		v := s.publish(f, nil)
		return http.StatusCreated, f.view(v, v.cfg.Version), nil
	}
	return http.StatusCreated, f.view(f.latest, ""), nil
}

// GetFunction returns the configuration, the code location and the tags.
func (s *Service) GetFunction(r *http.Request) (int, any, error) {
	return s.withFunction(r, func(f *function, v *version, ref functionRef) (int, any, error) {
		out := GetFunctionOutput{
			Configuration: f.view(v, ref.Qualifier),
			Code:          FunctionCodeLocation{RepositoryType: "S3", Location: s.env.BaseURL() + packagesURLPath + filepath.Base(v.zipPath)},
			Tags:          f.tags.Map(),
		}
		if ref.Qualifier == "" && f.reserved != nil {
			out.Concurrency = &Concurrency{ReservedConcurrentExecutions: intPtr(*f.reserved)}
		}
		return http.StatusOK, out, nil
	})
}

// DeleteFunction deletes the function, or one published version with ?Qualifier.
func (s *Service) DeleteFunction(r *http.Request) (int, any, error) {
	name, err := func() (string, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		f, v, ref, err := s.lookupRequest(r)
		if err != nil {
			return "", err
		}
		switch {
		case ref.Qualifier == latestVersion:
			return "", invalidParameter("$LATEST version cannot be deleted without deleting the function.")
		case ref.Qualifier != "":
			f.published = slices.DeleteFunc(f.published, func(p *version) bool { return p == v })
		default:
			delete(s.functions, f.name)
		}
		return f.name, nil
	}()
	if err != nil {
		return 0, nil, err
	}
	s.pool.Drain(name)
	return http.StatusNoContent, nil, nil
}

// ListFunctions lists $LATEST of every function, or every version with FunctionVersion=ALL.
func (s *Service) ListFunctions(r *http.Request) (int, any, error) {
	q := r.URL.Query()
	maxItems, err := parseMaxItems(r, 50)
	if err != nil {
		return 0, nil, err
	}
	var errs shape.Violations
	errs.Enum("functionVersion", q.Get("FunctionVersion"), "ALL")
	if err := errs.Err(protocol.Validation); err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	names := make([]string, 0, len(s.functions))
	for name := range s.functions {
		names = append(names, name)
	}
	sort.Strings(names)
	all := []FunctionConfiguration{}
	for _, name := range names {
		f := s.functions[name]
		f.settle()
		all = append(all, f.view(f.latest, ""))
		if q.Get("FunctionVersion") == "ALL" {
			for _, v := range f.published {
				all = append(all, f.view(v, v.cfg.Version))
			}
		}
	}
	s.mu.Unlock()
	return pageOutput(r, all, maxItems, func(items []FunctionConfiguration, next *string) any {
		return ListFunctionsOutput{Functions: items, NextMarker: next}
	})
}

// GetFunctionCodeSigningConfig reports no code signing configuration.
func (s *Service) GetFunctionCodeSigningConfig(r *http.Request) (int, any, error) {
	return s.withFunction(r, func(f *function, _ *version, _ functionRef) (int, any, error) {
		return http.StatusOK, CodeSigningConfigOutput{FunctionName: f.name}, nil
	})
}

// DeleteFunctionCodeSigningConfig has nothing to remove.
func (s *Service) DeleteFunctionCodeSigningConfig(r *http.Request) (int, any, error) {
	return s.withFunction(r, func(*function, *version, functionRef) (int, any, error) {
		return http.StatusNoContent, nil, nil
	})
}

func intPtr(v int) *int { return &v }
