package lambda

import (
	"encoding/json"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/core"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"
	"github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/shape"
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
func (c configFields) validate(errs *shape.Violations) {
	if c.Role != nil {
		errs.Pattern("role", *c.Role, roleARNPattern)
	}
	if c.Handler != nil {
		errs.Length("handler", *c.Handler, 0, 128)
	}
	if c.Runtime != nil {
		errs.Enum("runtime", *c.Runtime, runtimes...)
	}
	if c.Description != nil {
		errs.Length("description", *c.Description, 0, 256)
	}
	errs.OptionalRange("timeout", c.Timeout, 1, 900)
	errs.OptionalRange("memorySize", c.MemorySize, 128, 10240)
	if c.EphemeralStorage != nil {
		errs.OptionalRange("ephemeralStorage.size", &c.EphemeralStorage.Size, 512, 10240)
	}
	if c.TracingConfig != nil {
		errs.Enum("tracingConfig.mode", c.TracingConfig.Mode, "Active", "PassThrough")
	}
	if c.Environment != nil {
		for k := range c.Environment.Variables {
			errs.Pattern("environment.variables", k, envKeyPattern)
		}
	}
	if l := c.LoggingConfig; l != nil {
		errs.Enum("loggingConfig.logFormat", l.LogFormat, "JSON", "Text")
		errs.Enum("loggingConfig.applicationLogLevel", l.ApplicationLogLevel, "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL")
		errs.Enum("loggingConfig.systemLogLevel", l.SystemLogLevel, "DEBUG", "INFO", "WARN")
		if l.LogGroup != "" {
			errs.Length("loggingConfig.logGroup", l.LogGroup, 1, 512)
			errs.Pattern("loggingConfig.logGroup", l.LogGroup, logGroupPattern)
		}
	}
	if c.SnapStart != nil {
		errs.Enum("snapStart.applyOn", c.SnapStart.ApplyOn, "PublishedVersions", "None")
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
	var errs shape.Violations
	fields.validate(&errs)
	if err := errs.Err(protocol.Validation); err != nil {
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
