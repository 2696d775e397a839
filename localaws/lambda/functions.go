package lambda

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
)

const (
	latestVersion = "$LATEST"
	// maxInlineRequest is AWS's request limit for an inline (ZipFile) deployment package.
	maxInlineRequest = 69905067
	maxZipped        = 50 << 20
	maxUnzipped      = 262144000
	// accountConcurrency is the default account quota; 100 of it always stays unreserved.
	accountConcurrency = 1000
	minUnreserved      = 100
	lastModifiedLayout = "2006-01-02T15:04:05.000-0700"
)

// runtimes is every Runtime value of the API; deprecatedRuntimes can no longer be used
// to create or update a function.
var (
	runtimes = []string{"nodejs", "nodejs4.3", "nodejs6.10", "nodejs8.10", "nodejs10.x", "nodejs12.x", "nodejs14.x",
		"nodejs16.x", "nodejs18.x", "nodejs20.x", "nodejs22.x", "nodejs24.x", "nodejs26.x", "java8", "java8.al2", "java11",
		"java17", "java21", "java25", "java8.al2023", "java11.al2023", "java17.al2023", "python2.7", "python3.6",
		"python3.7", "python3.8", "python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14",
		"python3.15", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1", "dotnetcore3.1", "dotnet6", "dotnet8",
		"dotnet10", "nodejs4.3-edge", "go1.x", "ruby2.5", "ruby2.7", "ruby3.2", "ruby3.3", "ruby3.4", "ruby4.0",
		"provided", "provided.al2", "provided.al2023"}
	deprecatedRuntimes = []string{"nodejs", "nodejs4.3", "nodejs4.3-edge", "nodejs6.10", "nodejs8.10", "nodejs10.x",
		"nodejs12.x", "python2.7", "python3.6", "python3.7", "dotnetcore1.0", "dotnetcore2.0", "dotnetcore2.1",
		"dotnetcore3.1", "ruby2.5", "go1.x"}
	// reservedEnvKeys are set by Lambda itself and refused in a function's configuration.
	reservedEnvKeys = []string{"_HANDLER", "_X_AMZN_TRACE_ID", "AWS_DEFAULT_REGION", "AWS_REGION", "AWS_EXECUTION_ENV",
		"AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
		"AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY",
		"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT",
		"LAMBDA_RUNTIME_DIR"}
)

// function is one function with its versions.
type function struct {
	name      string
	arn       string
	latest    *version
	published []*version // ascending
	// lastVersion numbers versions: AWS never reuses a deleted version's number.
	lastVersion int
	tags        map[string]string
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
	arn := "arn:" + core.Partition + ":lambda:" + region + ":" + account + ":function:" + ref.Name
	if ref.Qualifier != "" {
		arn += ":" + ref.Qualifier
	}
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

// configFields are the members CreateFunction and UpdateFunctionConfiguration share.
type configFields struct {
	Role, Handler, Runtime, Description, KMSKeyArn *string
	Timeout, MemorySize                            *int
	Environment                                    *Environment
	TracingConfig                                  *TracingConfig
	DeadLetterConfig                               *DeadLetterConfig
	EphemeralStorage                               *EphemeralStorage
	LoggingConfig                                  *LoggingConfig
	SnapStart                                      *SnapStart
	Layers                                         []string
	FileSystemConfigs                              []any
	VpcConfig                                      *VpcConfig
}

// validate checks the API model's constraints (ValidationException).
func (c configFields) validate(errs *fieldErrors) {
	if c.Role != nil {
		errs.pattern("role", *c.Role, roleARNPattern)
	}
	if c.Handler != nil {
		errs.length("handler", *c.Handler, 0, 128)
	}
	if c.Runtime != nil {
		errs.enum("runtime", *c.Runtime, runtimes...)
	}
	if c.Description != nil {
		errs.length("description", *c.Description, 0, 256)
	}
	errs.intRange("timeout", c.Timeout, 1, 900)
	errs.intRange("memorySize", c.MemorySize, 128, 10240)
	if c.EphemeralStorage != nil {
		errs.intRange("ephemeralStorage.size", &c.EphemeralStorage.Size, 512, 10240)
	}
	if c.TracingConfig != nil {
		errs.enum("tracingConfig.mode", c.TracingConfig.Mode, "Active", "PassThrough")
	}
	if c.Environment != nil {
		for k := range c.Environment.Variables {
			errs.pattern("environment.variables", k, envKeyPattern)
		}
	}
	if l := c.LoggingConfig; l != nil {
		errs.enum("loggingConfig.logFormat", l.LogFormat, "JSON", "Text")
		errs.enum("loggingConfig.applicationLogLevel", l.ApplicationLogLevel, "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")
		errs.enum("loggingConfig.systemLogLevel", l.SystemLogLevel, "DEBUG", "INFO", "WARN")
		if l.LogGroup != "" {
			errs.length("loggingConfig.logGroup", l.LogGroup, 1, 512)
			errs.pattern("loggingConfig.logGroup", l.LogGroup, logGroupPattern)
		}
	}
	if c.SnapStart != nil {
		errs.enum("snapStart.applyOn", c.SnapStart.ApplyOn, "PublishedVersions", "None")
	}
}

// apply checks the semantic rules (InvalidParameterValueException) and writes the
// fields into cfg.
func (c configFields) apply(cfg *FunctionConfiguration) error {
	switch {
	case len(c.Layers) > 0:
		return invalidParameter("Layers are not emulated by localaws; bundle dependencies in the deployment package.")
	case len(c.FileSystemConfigs) > 0:
		return invalidParameter("File system configurations are not emulated by localaws.")
	case c.VpcConfig != nil && (len(c.VpcConfig.SubnetIDs) > 0 || len(c.VpcConfig.SecurityGroupIDs) > 0):
		return invalidParameter("VPC configuration is not emulated by localaws.")
	}
	if c.Runtime != nil && slices.Contains(deprecatedRuntimes, *c.Runtime) {
		return invalidParameter("The runtime parameter of %s is no longer supported for creating or updating AWS Lambda functions. We recommend you use a supported runtime while creating or updating functions.", *c.Runtime)
	}
	if c.SnapStart != nil && c.SnapStart.ApplyOn == "PublishedVersions" {
		if cfg.TenancyConfig != nil {
			return invalidParameter("SnapStart is not supported for functions with tenancy configuration.")
		}
		return invalidParameter("SnapStart is not emulated by localaws.")
	}
	if c.DeadLetterConfig != nil && c.DeadLetterConfig.TargetArn != "" &&
		!strings.HasPrefix(c.DeadLetterConfig.TargetArn, "arn:aws:sqs:") && !strings.HasPrefix(c.DeadLetterConfig.TargetArn, "arn:aws:sns:") {
		return invalidParameter("The DeadLetterConfig TargetArn %s is not an SQS queue or SNS topic ARN.", c.DeadLetterConfig.TargetArn)
	}
	if c.Environment != nil {
		if err := checkEnvironment(c.Environment.Variables); err != nil {
			return err
		}
	}
	logging := cfg.LoggingConfig
	if c.LoggingConfig != nil {
		var err error
		if logging, err = mergeLogging(logging, *c.LoggingConfig); err != nil {
			return err
		}
	}

	setString(&cfg.Role, c.Role)
	setString(&cfg.Handler, c.Handler)
	setString(&cfg.Runtime, c.Runtime)
	setString(&cfg.Description, c.Description)
	setString(&cfg.KMSKeyArn, c.KMSKeyArn)
	if c.Timeout != nil {
		cfg.Timeout = *c.Timeout
	}
	if c.MemorySize != nil {
		cfg.MemorySize = *c.MemorySize
	}
	if c.Environment != nil {
		cfg.Environment = nil
		if len(c.Environment.Variables) > 0 {
			cfg.Environment = &EnvironmentResponse{Variables: c.Environment.Variables}
		}
	}
	if c.TracingConfig != nil && c.TracingConfig.Mode != "" {
		cfg.TracingConfig = *c.TracingConfig
	}
	if c.DeadLetterConfig != nil {
		cfg.DeadLetterConfig = nil
		if c.DeadLetterConfig.TargetArn != "" {
			cfg.DeadLetterConfig = c.DeadLetterConfig
		}
	}
	if c.EphemeralStorage != nil {
		cfg.EphemeralStorage = *c.EphemeralStorage
	}
	cfg.LoggingConfig = logging
	return nil
}

func setString(dst *string, v *string) {
	if v != nil {
		*dst = *v
	}
}

// checkEnvironment applies Lambda's reserved-key and 4 KB rules.
func checkEnvironment(vars map[string]string) error {
	var reserved []string
	for k := range vars {
		if slices.Contains(reservedEnvKeys, k) {
			reserved = append(reserved, k)
		}
	}
	if len(reserved) > 0 {
		sort.Strings(reserved)
		return invalidParameter("Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: %s", strings.Join(reserved, ", "))
	}
	if b, _ := json.Marshal(vars); len(b) > 4096 {
		return invalidParameter("Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: %s", b)
	}
	return nil
}

// mergeLogging applies a LoggingConfig request onto the current one. Log levels belong to
// the JSON format only; JSON without levels means INFO for both.
func mergeLogging(cur, in LoggingConfig) (LoggingConfig, error) {
	next := cur
	if in.LogFormat != "" {
		next.LogFormat = in.LogFormat
	}
	if in.LogGroup != "" {
		next.LogGroup = in.LogGroup
	}
	if next.LogFormat != "JSON" {
		if in.ApplicationLogLevel != "" || in.SystemLogLevel != "" {
			return cur, invalidParameter("ApplicationLogLevel and SystemLogLevel can only be set when LogFormat is JSON.")
		}
		next.ApplicationLogLevel, next.SystemLogLevel = "", ""
		return next, nil
	}
	if in.ApplicationLogLevel != "" {
		next.ApplicationLogLevel = in.ApplicationLogLevel
	}
	if in.SystemLogLevel != "" {
		next.SystemLogLevel = in.SystemLogLevel
	}
	if next.ApplicationLogLevel == "" {
		next.ApplicationLogLevel = "INFO"
	}
	if next.SystemLogLevel == "" {
		next.SystemLogLevel = "INFO"
	}
	return next, nil
}

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

func validateArchitectures(errs *fieldErrors, archs []string) {
	if archs == nil {
		return
	}
	if len(archs) != 1 {
		errs.add("["+strings.Join(archs, ", ")+"]", "architectures", "have length less than or equal to 1")
	}
	for _, a := range archs {
		errs.enum("architectures", a, "x86_64", "arm64")
	}
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
	var errs fieldErrors
	var ref functionRef
	switch {
	case in.FunctionName == "":
		errs.add("null", "functionName", "not be null")
	default:
		var err error
		if ref, err = parseFunctionRef(in.FunctionName, ""); err != nil {
			return 0, nil, err
		}
		if ref.Qualifier != "" {
			errs.add(in.FunctionName, "functionName", "not carry a qualifier when creating a function")
		}
	}
	if in.Role == "" {
		errs.add("null", "role", "not be null")
		fields.Role = nil
	}
	if in.Code == nil {
		errs.add("null", "code", "not be null")
	}
	fields.validate(&errs)
	validateArchitectures(&errs, in.Architectures)
	errs.enum("packageType", in.PackageType, "Zip", "Image")
	if in.TenancyConfig != nil {
		if in.TenancyConfig.TenantIsolationMode == "" {
			errs.add("null", "tenancyConfig.tenantIsolationMode", "not be null")
		}
		errs.enum("tenancyConfig.tenantIsolationMode", in.TenancyConfig.TenantIsolationMode, "PER_TENANT")
	}
	if err := errs.err(); err != nil {
		return 0, nil, err
	}
	switch {
	case in.PackageType == "Image":
		return 0, nil, invalidParameter("Container images (PackageType Image) are not emulated by localaws. Use a zip deployment package.")
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
	f := &function{name: ref.Name, arn: s.functionARN(ref.Name), tags: map[string]string{},
		latest: &version{cfg: cfg, zipPath: pkg.path}}
	maps.Copy(f.tags, in.Tags)
	s.functions[ref.Name] = f
	if in.Publish {
		v := s.publish(f, nil)
		return http.StatusCreated, f.view(v, v.cfg.Version), nil
	}
	return http.StatusCreated, f.view(f.latest, ""), nil
}

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

// GetFunction returns the configuration, the code location and the tags.
func (s *Service) GetFunction(r *http.Request) (int, any, error) {
	return s.withFunction(r, func(f *function, v *version, ref functionRef) (int, any, error) {
		out := GetFunctionOutput{
			Configuration: f.view(v, ref.Qualifier),
			Code:          FunctionCodeLocation{RepositoryType: "S3", Location: s.env.BaseURL() + packagesURLPath + filepath.Base(v.zipPath)},
			Tags:          maps.Clone(f.tags),
		}
		if ref.Qualifier == "" && f.reserved != nil {
			out.Concurrency = &Concurrency{ReservedConcurrentExecutions: intPtr(*f.reserved)}
		}
		return http.StatusOK, out, nil
	})
}

// GetFunctionConfiguration returns one version's configuration.
func (s *Service) GetFunctionConfiguration(r *http.Request) (int, any, error) {
	return s.withFunction(r, func(f *function, v *version, ref functionRef) (int, any, error) {
		return http.StatusOK, f.view(v, ref.Qualifier), nil
	})
}

// UpdateFunctionConfiguration changes $LATEST; TenancyConfig is immutable.
func (s *Service) UpdateFunctionConfiguration(r *http.Request) (int, any, error) {
	ref, err := requestRef(r)
	if err != nil {
		return 0, nil, err
	}
	var in UpdateFunctionConfigurationInput
	if err := protocol.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	fields := configFields{
		Role: in.Role, Handler: in.Handler, Runtime: in.Runtime, Description: in.Description, KMSKeyArn: in.KMSKeyArn,
		Timeout: in.Timeout, MemorySize: in.MemorySize, Environment: in.Environment, TracingConfig: in.TracingConfig,
		DeadLetterConfig: in.DeadLetterConfig, EphemeralStorage: in.EphemeralStorage, LoggingConfig: in.LoggingConfig,
		SnapStart: in.SnapStart, Layers: in.Layers, FileSystemConfigs: in.FileSystemConfigs, VpcConfig: in.VpcConfig,
	}
	var errs fieldErrors
	fields.validate(&errs)
	if err := errs.err(); err != nil {
		return 0, nil, err
	}
	if in.TenancyConfig != nil {
		return 0, nil, invalidParameter("TenancyConfig cannot be modified after function creation. Create a new function to change the tenant isolation mode.")
	}
	if err := onlyLatest(ref); err != nil {
		return 0, nil, err
	}

	return s.updateLatest(ref, in.RevisionID, false, func(f *function) (FunctionConfiguration, error) {
		cfg := f.latest.cfg
		if err := fields.apply(&cfg); err != nil {
			return FunctionConfiguration{}, err
		}
		s.startUpdate(&cfg)
		f.latest.cfg = cfg
		return f.view(f.latest, ""), nil
	})
}

// updateLatest runs update on the function under s.mu once the caller's expected RevisionId
// matches $LATEST, then drains the function's execution environments so that the next
// invoke sees the change; a dry run changes nothing and keeps them.
func (s *Service) updateLatest(ref functionRef, revisionID string, dryRun bool,
	update func(*function) (FunctionConfiguration, error)) (int, any, error) {
	out, err := func() (FunctionConfiguration, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		f, _, err := s.lookup(ref)
		if err != nil {
			return FunctionConfiguration{}, err
		}
		if err := checkRevision(revisionID, f.latest.cfg.RevisionID); err != nil {
			return FunctionConfiguration{}, err
		}
		return update(f)
	}()
	if err != nil {
		return 0, nil, err
	}
	if !dryRun {
		s.pool.Drain(ref.Name)
	}
	return http.StatusOK, out, nil
}

// startUpdate marks a $LATEST change that settles on the next read.
func (s *Service) startUpdate(cfg *FunctionConfiguration) {
	cfg.LastModified = s.now()
	cfg.RevisionID = core.NewUUID()
	cfg.LastUpdateStatus = "InProgress"
	cfg.LastUpdateStatusReason = "The function is being created."
	cfg.LastUpdateStatusReasonCode = "Creating"
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
	var errs fieldErrors
	validateArchitectures(&errs, in.Architectures)
	if err := errs.err(); err != nil {
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
	var errs fieldErrors
	errs.enum("functionVersion", q.Get("FunctionVersion"), "ALL")
	if err := errs.err(); err != nil {
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

// reservedTotal sums the reserved concurrency of every function but except; the caller holds s.mu.
func (s *Service) reservedTotal(except *function) int {
	total := 0
	for _, f := range s.functions {
		if f != except && f.reserved != nil {
			total += *f.reserved
		}
	}
	return total
}

// PutFunctionConcurrency reserves concurrency, keeping 100 of the account unreserved.
func (s *Service) PutFunctionConcurrency(r *http.Request) (int, any, error) {
	var in PutConcurrencyInput
	if err := protocol.DecodeJSON(r, &in); err != nil {
		return 0, nil, err
	}
	var errs fieldErrors
	if in.ReservedConcurrentExecutions == nil {
		errs.add("null", "reservedConcurrentExecutions", "not be null")
	}
	errs.intRange("reservedConcurrentExecutions", in.ReservedConcurrentExecutions, 0, accountConcurrency)
	if err := errs.err(); err != nil {
		return 0, nil, err
	}
	return s.withFunction(r, func(f *function, _ *version, ref functionRef) (int, any, error) {
		if ref.Qualifier != "" {
			return 0, nil, invalidParameter("Reserved concurrency applies to the function, not to a version or alias.")
		}
		if s.reservedTotal(f)+*in.ReservedConcurrentExecutions > accountConcurrency-minUnreserved {
			return 0, nil, invalidParameter("Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [%d].", minUnreserved)
		}
		f.reserved = intPtr(*in.ReservedConcurrentExecutions)
		return http.StatusOK, Concurrency{ReservedConcurrentExecutions: intPtr(*f.reserved)}, nil
	})
}

// GetFunctionConcurrency returns the reservation, or an empty body when there is none.
func (s *Service) GetFunctionConcurrency(r *http.Request) (int, any, error) {
	return s.withFunction(r, func(f *function, _ *version, _ functionRef) (int, any, error) {
		out := Concurrency{}
		if f.reserved != nil {
			out.ReservedConcurrentExecutions = intPtr(*f.reserved)
		}
		return http.StatusOK, out, nil
	})
}

// DeleteFunctionConcurrency removes the reservation.
func (s *Service) DeleteFunctionConcurrency(r *http.Request) (int, any, error) {
	return s.withFunction(r, func(f *function, _ *version, _ functionRef) (int, any, error) {
		f.reserved = nil
		return http.StatusNoContent, nil, nil
	})
}

// GetAccountSettings reports the default quotas and this account's usage.
func (s *Service) GetAccountSettings(*http.Request) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	usage := AccountUsage{FunctionCount: len(s.functions)}
	for _, f := range s.functions {
		usage.TotalCodeSize += f.latest.cfg.CodeSize
		for _, v := range f.published {
			usage.TotalCodeSize += v.cfg.CodeSize
		}
	}
	return http.StatusOK, AccountSettingsOutput{
		AccountLimit: AccountLimit{TotalCodeSize: 80530636800, CodeSizeUnzipped: maxUnzipped, CodeSizeZipped: maxZipped,
			ConcurrentExecutions: accountConcurrency, UnreservedConcurrentExecutions: accountConcurrency - s.reservedTotal(nil)},
		AccountUsage: usage,
	}, nil
}

func intPtr(v int) *int { return &v }
