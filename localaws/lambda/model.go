package lambda

import "github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/localaws/protocol"

// Wire shapes of the Lambda API. Field names are the REST-JSON member names.

// FunctionConfiguration is a function version's configuration as every read returns it.
type FunctionConfiguration struct {
	FunctionName               string
	FunctionArn                string
	Runtime                    string `json:",omitempty"`
	Role                       string
	Handler                    string `json:",omitempty"`
	CodeSize                   int64
	Description                string
	Timeout                    int
	MemorySize                 int
	LastModified               string
	CodeSha256                 string
	Version                    string
	Environment                *EnvironmentResponse `json:",omitempty"`
	KMSKeyArn                  string               `json:",omitempty"`
	TracingConfig              TracingConfig
	DeadLetterConfig           *DeadLetterConfig `json:",omitempty"`
	RevisionID                 string            `json:"RevisionId"`
	State                      string
	StateReason                string `json:",omitempty"`
	StateReasonCode            string `json:",omitempty"`
	LastUpdateStatus           string
	LastUpdateStatusReason     string `json:",omitempty"`
	LastUpdateStatusReasonCode string `json:",omitempty"`
	PackageType                string
	Architectures              []string
	EphemeralStorage           EphemeralStorage
	SnapStart                  SnapStartResponse
	LoggingConfig              LoggingConfig
	TenancyConfig              *TenancyConfig `json:",omitempty"`
}

// Environment is the request shape of a function's variables.
type Environment struct {
	Variables map[string]string
}

// EnvironmentResponse is the response shape of a function's variables.
type EnvironmentResponse struct {
	Variables map[string]string
}

// TracingConfig is X-Ray tracing: Active or PassThrough. Stored only.
type TracingConfig struct {
	Mode string `json:",omitempty"`
}

// DeadLetterConfig is the async dead-letter target. It is stored and echoed; async
// failures go to the on-failure destination only (async.Config has no DLQ).
type DeadLetterConfig struct {
	TargetArn string `json:",omitempty"`
}

// EphemeralStorage is the /tmp size in MB.
type EphemeralStorage struct {
	Size int
}

// SnapStartResponse is always "off": SnapStart is not emulated.
type SnapStartResponse struct {
	ApplyOn            string
	OptimizationStatus string
}

// SnapStart is the request shape.
type SnapStart struct {
	ApplyOn string
}

// LoggingConfig is the function's log format and destination.
type LoggingConfig struct {
	LogFormat           string `json:",omitempty"`
	ApplicationLogLevel string `json:",omitempty"`
	SystemLogLevel      string `json:",omitempty"`
	LogGroup            string `json:",omitempty"`
}

// TenancyConfig turns on tenant isolation; PER_TENANT is the only mode.
type TenancyConfig struct {
	TenantIsolationMode string
}

// FunctionCode is CreateFunction's Code member.
type FunctionCode struct {
	ZipFile         []byte
	S3Bucket        string
	S3Key           string
	S3ObjectVersion string
	ImageURI        string `json:"ImageUri"`
}

// VpcConfig is accepted only when empty: VPCs are not emulated.
type VpcConfig struct {
	SubnetIDs        []string `json:"SubnetIds"`
	SecurityGroupIDs []string `json:"SecurityGroupIds"`
}

// CreateFunctionInput is the CreateFunction request body.
type CreateFunctionInput struct {
	FunctionName      string
	Runtime           string
	Role              string
	Handler           string
	Code              *FunctionCode
	Description       *string
	Timeout           *int
	MemorySize        *int
	Publish           bool
	PackageType       string
	DeadLetterConfig  *DeadLetterConfig
	Environment       *Environment
	KMSKeyArn         string
	TracingConfig     *TracingConfig
	Tags              map[string]string
	Layers            []string
	FileSystemConfigs []any
	VpcConfig         *VpcConfig
	Architectures     []string
	EphemeralStorage  *EphemeralStorage
	SnapStart         *SnapStart
	LoggingConfig     *LoggingConfig
	TenancyConfig     *TenancyConfig
	ImageConfig       any
	// CodeSigningConfigArn is refused: code signing is not emulated.
	CodeSigningConfigArn string
}

// UpdateFunctionConfigurationInput is the UpdateFunctionConfiguration request body.
type UpdateFunctionConfigurationInput struct {
	Role              *string
	Handler           *string
	Description       *string
	Timeout           *int
	MemorySize        *int
	Runtime           *string
	DeadLetterConfig  *DeadLetterConfig
	Environment       *Environment
	KMSKeyArn         *string
	TracingConfig     *TracingConfig
	RevisionID        string `json:"RevisionId"`
	Layers            []string
	FileSystemConfigs []any
	VpcConfig         *VpcConfig
	EphemeralStorage  *EphemeralStorage
	SnapStart         *SnapStart
	LoggingConfig     *LoggingConfig
	// TenancyConfig is not in the API's update shape; it is decoded only to refuse it.
	TenancyConfig *TenancyConfig
}

// UpdateFunctionCodeInput is the UpdateFunctionCode request body.
type UpdateFunctionCodeInput struct {
	ZipFile         []byte
	S3Bucket        string
	S3Key           string
	S3ObjectVersion string
	ImageURI        string `json:"ImageUri"`
	Publish         bool
	DryRun          bool
	RevisionID      string `json:"RevisionId"`
	Architectures   []string
}

// GetFunctionOutput is GetFunction's response.
type GetFunctionOutput struct {
	Configuration FunctionConfiguration
	Code          FunctionCodeLocation
	Tags          map[string]string `json:",omitempty"`
	Concurrency   *Concurrency      `json:",omitempty"`
}

// FunctionCodeLocation is where GetFunction says the package can be downloaded.
type FunctionCodeLocation struct {
	RepositoryType string
	Location       string
}

// Concurrency is a function's reserved concurrency.
type Concurrency struct {
	ReservedConcurrentExecutions *int `json:",omitempty"`
}

// ListFunctionsOutput is ListFunctions' response.
type ListFunctionsOutput struct {
	Functions  []FunctionConfiguration
	NextMarker *string `json:",omitempty"`
}

// ListVersionsByFunctionOutput is ListVersionsByFunction's response.
type ListVersionsByFunctionOutput struct {
	Versions   []FunctionConfiguration
	NextMarker *string `json:",omitempty"`
}

// PublishVersionInput is PublishVersion's request body.
type PublishVersionInput struct {
	CodeSha256  string
	Description *string
	RevisionID  string `json:"RevisionId"`
}

// CodeSigningConfigOutput is GetFunctionCodeSigningConfig's response: never configured here.
type CodeSigningConfigOutput struct {
	CodeSigningConfigArn string
	FunctionName         string
}

// AddPermissionInput is AddPermission's request body.
type AddPermissionInput struct {
	StatementID           string `json:"StatementId"`
	Action                string
	Principal             string
	SourceArn             string
	SourceAccount         string
	EventSourceToken      string
	PrincipalOrgID        string
	FunctionURLAuthType   string `json:"FunctionUrlAuthType"`
	InvokedViaFunctionURL *bool  `json:"InvokedViaFunctionUrl"`
	RevisionID            string `json:"RevisionId"`
}

// AddPermissionOutput carries the new statement as a JSON string.
type AddPermissionOutput struct {
	Statement string
}

// GetPolicyOutput carries the resource policy as a JSON string.
type GetPolicyOutput struct {
	Policy     string
	RevisionID string `json:"RevisionId"`
}

// PolicyDocument is the resource-based policy of a function (or a version).
type PolicyDocument struct {
	Version   string
	ID        string `json:"Id"`
	Statement []PolicyStatement
}

// PolicyStatement is one AddPermission grant, in the shape AWS renders it.
type PolicyStatement struct {
	Sid       string
	Effect    string
	Principal any
	Action    string
	Resource  string
	Condition map[string]map[string]string `json:",omitempty"`
}

// EventInvokeConfigInput is the Put/UpdateFunctionEventInvokeConfig request body.
type EventInvokeConfigInput struct {
	MaximumRetryAttempts     *int
	MaximumEventAgeInSeconds *int
	DestinationConfig        *DestinationConfig
}

// EventInvokeConfig is a function's async invocation settings.
type EventInvokeConfig struct {
	FunctionArn              string
	LastModified             protocol.EpochSeconds
	MaximumRetryAttempts     *int `json:",omitempty"`
	MaximumEventAgeInSeconds *int `json:",omitempty"`
	DestinationConfig        DestinationConfig
}

// DestinationConfig holds the async on-success and on-failure destinations.
type DestinationConfig struct {
	OnSuccess *Destination `json:",omitempty"`
	OnFailure *Destination `json:",omitempty"`
}

// Destination is one destination ARN.
type Destination struct {
	Destination string `json:",omitempty"`
}

// ListEventInvokeConfigsOutput is ListFunctionEventInvokeConfigs' response.
type ListEventInvokeConfigsOutput struct {
	FunctionEventInvokeConfigs []EventInvokeConfig
	NextMarker                 *string `json:",omitempty"`
}

// PutConcurrencyInput is PutFunctionConcurrency's request body.
type PutConcurrencyInput struct {
	ReservedConcurrentExecutions *int
}

// TagsInput is TagResource's request body; TagsOutput is ListTags' response.
type TagsInput struct {
	Tags map[string]string
}

// TagsOutput is ListTags' response.
type TagsOutput struct {
	Tags map[string]string
}

// AccountSettingsOutput is GetAccountSettings' response.
type AccountSettingsOutput struct {
	AccountLimit AccountLimit
	AccountUsage AccountUsage
}

// AccountLimit holds Lambda's default quotas.
type AccountLimit struct {
	TotalCodeSize                  int64
	CodeSizeUnzipped               int64
	CodeSizeZipped                 int64
	ConcurrentExecutions           int
	UnreservedConcurrentExecutions int
}

// AccountUsage is what the account uses.
type AccountUsage struct {
	TotalCodeSize int64
	FunctionCount int
}

// EventSourceMappingInput is the Create/UpdateEventSourceMapping request body.
type EventSourceMappingInput struct {
	EventSourceArn                 string
	FunctionName                   *string
	Enabled                        *bool
	BatchSize                      *int
	MaximumBatchingWindowInSeconds *int
	FunctionResponseTypes          *[]string
	ScalingConfig                  *ScalingConfig
	FilterCriteria                 *FilterCriteria
	Tags                           map[string]string
	// Members of stream and Kafka sources: refused for SQS, as AWS does.
	StartingPosition           string
	StartingPositionTimestamp  any
	ParallelizationFactor      *int
	BisectBatchOnFunctionError *bool
	MaximumRetryAttempts       *int
	MaximumRecordAgeInSeconds  *int
	TumblingWindowInSeconds    *int
	DestinationConfig          *DestinationConfig
	Topics                     []string
	Queues                     []string
}

// ScalingConfig caps the concurrent invocations of an SQS mapping.
type ScalingConfig struct {
	MaximumConcurrency *int `json:",omitempty"`
}

// FilterCriteria is stored and echoed; records are not filtered (see Service doc).
type FilterCriteria struct {
	Filters []Filter
}

// Filter is one event pattern.
type Filter struct {
	Pattern string `json:",omitempty"`
}

// EventSourceMappingConfiguration is an event source mapping as every read returns it.
type EventSourceMappingConfiguration struct {
	UUID                           string
	EventSourceMappingArn          string
	EventSourceArn                 string
	FunctionArn                    string
	BatchSize                      int
	MaximumBatchingWindowInSeconds int
	FunctionResponseTypes          []string
	ScalingConfig                  *ScalingConfig  `json:",omitempty"`
	FilterCriteria                 *FilterCriteria `json:",omitempty"`
	State                          string
	StateTransitionReason          string
	LastModified                   protocol.EpochSeconds
}

// ListEventSourceMappingsOutput is ListEventSourceMappings' response.
type ListEventSourceMappingsOutput struct {
	EventSourceMappings []EventSourceMappingConfiguration
	NextMarker          *string `json:",omitempty"`
}
