################################################################################
# Function
################################################################################

variable "function_name" {
  description = "Name of the tenant-isolated function: 1-64 letters, digits, hyphens or underscores."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,64}$", var.function_name))
    error_message = "Use 1-64 letters, digits, hyphens or underscores for function_name."
  }
}

variable "description" {
  description = "Description of the function, up to 256 characters."
  type        = string
  default     = "Tenant-isolated backend (PER_TENANT): one execution environment per tenant."
  nullable    = false

  validation {
    condition     = length(var.description) <= 256
    error_message = "Shorten description to at most 256 characters."
  }
}

variable "architectures" {
  description = "Instruction set of the function, as a one-element list: [\"arm64\"] or [\"x86_64\"]."
  type        = list(string)
  default     = ["arm64"]
  nullable    = false

  validation {
    condition     = length(var.architectures) == 1 && alltrue([for a in var.architectures : contains(["arm64", "x86_64"], a)])
    error_message = "Set architectures to [\"arm64\"] or [\"x86_64\"]; build the zip for the same architecture (arm64 or amd64)."
  }
}

variable "memory_size" {
  description = "Memory of each execution environment in MB, 128-10240."
  type        = number
  default     = 128
  nullable    = false

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "Set memory_size to a whole number of MB from 128 to 10240."
  }
}

variable "timeout" {
  description = "Maximum run time of one invocation in seconds, 1-900."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "Set timeout to a whole number of seconds from 1 to 900."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for the function: -1 for none (unreserved account concurrency), 0 to stop all invocations, or a positive number; AWS allows 2,500 tenant environments per 1,000 concurrency."
  type        = number
  default     = -1
  nullable    = false

  validation {
    condition     = var.reserved_concurrent_executions >= -1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions
    error_message = "Set reserved_concurrent_executions to -1 (no reservation), 0, or a positive whole number."
  }
}

variable "environment_variables" {
  description = "Environment variables of the function, as a map of names (letters, digits and underscores, starting with a letter) to values."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k in keys(var.environment_variables) : can(regex("^[a-zA-Z][a-zA-Z0-9_]*$", k))])
    error_message = "Name environment_variables with letters, digits and underscores, starting with a letter."
  }
}

################################################################################
# Deployment package
################################################################################

variable "filename" {
  description = "Path of a local zip (the bootstrap binary, or the code the runtime's handler names), or null when the package comes from S3 (s3_bucket and s3_key) or is an image."
  type        = string
  default     = null
}

variable "source_code_hash" {
  description = "Base64 SHA-256 of the zip (filebase64sha256), so that a new build updates the code; null computes it from filename, or leaves change detection to s3_object_version for an S3 package."
  type        = string
  default     = null
}

variable "s3_bucket" {
  description = "S3 bucket that holds the zip, or null when filename is used."
  type        = string
  default     = null
}

variable "s3_key" {
  description = "S3 key of the zip, or null when filename is used."
  type        = string
  default     = null
}

variable "s3_object_version" {
  description = "Version of the S3 object, or null for the current version."
  type        = string
  default     = null
}

################################################################################
# Runtime
################################################################################

variable "package_type" {
  description = "Kind of deployment package: \"Zip\" (default; filename or s3_bucket and s3_key, run by runtime and handler) or \"Image\" (a container image in ECR, image_uri)."
  type        = string
  default     = "Zip"
  nullable    = false

  validation {
    condition     = contains(["Zip", "Image"], var.package_type)
    error_message = "Set package_type to \"Zip\" or \"Image\"."
  }
}

variable "runtime" {
  description = "Lambda runtime of a Zip package: provided.al2023 (default), provided.al2, python3.10-python3.14, nodejs20.x, nodejs22.x, nodejs24.x, java11, java17, java21, java25, dotnet8, dotnet10, ruby3.3 or ruby3.4; null for an Image package."
  type        = string
  default     = "provided.al2023"

  validation {
    condition     = var.runtime == null ? true : contains(["provided.al2023", "provided.al2", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14", "nodejs20.x", "nodejs22.x", "nodejs24.x", "java11", "java17", "java21", "java25", "dotnet8", "dotnet10", "ruby3.3", "ruby3.4"], var.runtime)
    error_message = "Set runtime to provided.al2023, provided.al2, python3.10-python3.14, nodejs20.x, nodejs22.x, nodejs24.x, java11, java17, java21, java25, dotnet8, dotnet10, ruby3.3 or ruby3.4 (or null for an Image package)."
  }
}

variable "handler" {
  description = "Entry point of a Zip package, in the runtime's form: \"bootstrap\" (default) for provided.*, \"file.function\" for Python, Node.js and Ruby (\"app.handler\", \"src/app.handler\"), \"package.Class::method\" for Java, \"Assembly::Namespace.Class::Method\" for .NET; null for an Image package."
  type        = string
  default     = "bootstrap"

  validation {
    condition     = var.handler == null ? true : can(regex("^[^\\s]{1,128}$", var.handler))
    error_message = "Set handler to at most 128 characters without spaces, in the runtime's form (bootstrap, file.function, package.Class::method), or null for an Image package."
  }
}

variable "layers" {
  description = "ARNs of up to 5 Lambda layer versions (arn:aws:lambda:<region>:<account>:layer:<name>:<version>) unpacked under /opt, in order; empty (default) for none. Zip packages only."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = length(var.layers) <= 5 && alltrue([for l in var.layers : can(regex("^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[a-zA-Z0-9_-]{1,140}:[0-9]+$", l))])
    error_message = "Set layers to at most 5 layer version ARNs (arn:aws:lambda:<region>:<account>:layer:<name>:<version>)."
  }
}

variable "image_uri" {
  description = "URI of the container image in ECR (<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> or @sha256:<digest>) when package_type is \"Image\"; null otherwise."
  type        = string
  default     = null

  validation {
    condition     = var.image_uri == null ? true : can(regex("^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[a-z0-9._/-]+(:[a-zA-Z0-9._-]{1,128}|@sha256:[a-f0-9]{64})$", var.image_uri))
    error_message = "Set image_uri to an ECR image URI, <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> or @sha256:<digest>, or to null."
  }
}

################################################################################
# Execution role
################################################################################

variable "role_name" {
  description = "Name of the execution role, or null to use function_name."
  type        = string
  default     = null

  validation {
    condition     = var.role_name == null || can(regex("^[a-zA-Z0-9+=,.@_-]{1,64}$", var.role_name))
    error_message = "Use 1-64 characters of letters, digits and +=,.@_- for role_name, or null."
  }
}

variable "role_path" {
  description = "IAM path of the execution role, starting and ending with a slash (default \"/\")."
  type        = string
  default     = "/"
  nullable    = false

  validation {
    condition     = can(regex("^/([\\x21-\\x7e]*/)?$", var.role_path))
    error_message = "Start and end role_path with a slash, for example \"/\" or \"/tenant-isolation/\"."
  }
}

variable "role_permissions_boundary" {
  description = "ARN of a managed policy used as the permissions boundary of the execution role, or null for none."
  type        = string
  default     = null
}

variable "policy_json" {
  description = "Further IAM policy document (JSON) for what the handler itself calls, merged into the role's inline policy; null adds nothing."
  type        = string
  default     = null
}

variable "tenant_access_role_arn" {
  description = "ARN of a tenant-access role (modules/tenant-access) that the handler may assume, with sts:TagSession for its TenantId session tag; null (default) allows no role."
  type        = string
  default     = null

  validation {
    condition     = var.tenant_access_role_arn == null || can(regex("^arn:aws[a-zA-Z-]*:iam::[0-9]{12}:role/", var.tenant_access_role_arn))
    error_message = "Set tenant_access_role_arn to an IAM role ARN (arn:aws:iam::<account>:role/<name>), or to null."
  }
}

variable "policy_arns" {
  description = "Managed policies to attach to the execution role, as a map from a static key to the policy ARN (which may be unknown until apply); the keys name the attachments, so adding or removing one leaves the others alone. Empty attaches none."
  type        = map(string)
  default     = {}
  nullable    = false
}

################################################################################
# Logs
################################################################################

variable "log_retention_in_days" {
  description = "Retention of the function's log group in days: 0 (never expire), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "Set log_retention_in_days to one of 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "log_kms_key_arn" {
  description = "ARN of a KMS key that encrypts the log group, or null for CloudWatch Logs' default encryption; the key policy must allow the logs service."
  type        = string
  default     = null

  validation {
    condition     = var.log_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.log_kms_key_arn))
    error_message = "Set log_kms_key_arn to a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>; an alias ARN does not let IAM grant the key), or to null."
  }
}

variable "log_application_level" {
  description = "Lowest application log level Lambda passes on (AWS_LAMBDA_LOG_LEVEL): TRACE, DEBUG, INFO, WARN, ERROR or FATAL."
  type        = string
  default     = "INFO"
  nullable    = false

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.log_application_level)
    error_message = "Set log_application_level to TRACE, DEBUG, INFO, WARN, ERROR or FATAL."
  }
}

variable "log_system_level" {
  description = "Lowest level of Lambda platform logs: DEBUG, INFO or WARN."
  type        = string
  default     = "INFO"
  nullable    = false

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN"], var.log_system_level)
    error_message = "Set log_system_level to DEBUG, INFO or WARN."
  }
}

################################################################################
# Asynchronous invocation
################################################################################

variable "maximum_retry_attempts" {
  description = "How many times Lambda retries a failed asynchronous invocation, 0-2."
  type        = number
  default     = 2
  nullable    = false

  validation {
    condition     = contains([0, 1, 2], var.maximum_retry_attempts)
    error_message = "Set maximum_retry_attempts to 0, 1 or 2."
  }
}

variable "maximum_event_age_in_seconds" {
  description = "How long Lambda keeps an asynchronous event before it gives up and sends it to the on-failure destination, in seconds, 60-21600."
  type        = number
  default     = 21600
  nullable    = false

  validation {
    condition     = var.maximum_event_age_in_seconds >= 60 && var.maximum_event_age_in_seconds <= 21600 && floor(var.maximum_event_age_in_seconds) == var.maximum_event_age_in_seconds
    error_message = "Set maximum_event_age_in_seconds to a whole number from 60 to 21600."
  }
}

variable "create_on_failure_queue" {
  description = "Whether to create an SQS queue as the on-failure destination of asynchronous invocations (true), or use on_failure_destination_arn (false)."
  type        = bool
  default     = true
  nullable    = false
}

variable "on_failure_queue_name" {
  description = "Name of the on-failure queue to create, or null for \"<function_name>-on-failure\"."
  type        = string
  default     = null

  validation {
    condition     = var.on_failure_queue_name == null || can(regex("^[a-zA-Z0-9_-]{1,80}$", var.on_failure_queue_name))
    error_message = "Use 1-80 letters, digits, hyphens or underscores for on_failure_queue_name, or null for the default name."
  }
}

variable "on_failure_message_retention_seconds" {
  description = "How long the on-failure queue keeps a record, in seconds, 60-1209600."
  type        = number
  default     = 1209600
  nullable    = false

  validation {
    condition     = var.on_failure_message_retention_seconds >= 60 && var.on_failure_message_retention_seconds <= 1209600 && floor(var.on_failure_message_retention_seconds) == var.on_failure_message_retention_seconds
    error_message = "Set on_failure_message_retention_seconds to a whole number from 60 to 1209600."
  }
}

variable "on_failure_destination_arn" {
  description = "ARN of an existing SQS queue for failed asynchronous invocations when create_on_failure_queue is false, or null for no destination."
  type        = string
  default     = null

  validation {
    condition     = var.on_failure_destination_arn == null || can(regex("^arn:aws[a-zA-Z-]*:sqs:", var.on_failure_destination_arn))
    error_message = "Set on_failure_destination_arn to an SQS queue ARN (arn:aws:sqs:...), or to null."
  }
}

variable "on_failure_destination_kms_key_arn" {
  description = "ARN of the customer managed KMS key that encrypts the queue on_failure_destination_arn names, or null when it uses SQS-managed encryption; the role may then use the key, because Lambda sends failure records with the function's role."
  type        = string
  default     = null

  validation {
    condition     = var.on_failure_destination_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.on_failure_destination_kms_key_arn))
    error_message = "Set on_failure_destination_kms_key_arn to a customer managed KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>; an alias ARN does not let IAM grant the key), or to null."
  }
}

################################################################################
# Encryption
################################################################################

variable "sqs_kms_master_key_id" {
  description = "ARN of a customer managed KMS key that encrypts the on-failure queue, or null for SQS-managed encryption."
  type        = string
  default     = null

  validation {
    condition     = var.sqs_kms_master_key_id == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.sqs_kms_master_key_id))
    error_message = "Set sqs_kms_master_key_id to a customer managed KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>; an alias ARN does not let IAM grant the key), or to null for SQS-managed encryption."
  }
}

################################################################################
# Tags
################################################################################

variable "tags" {
  description = "Tags for every resource the module creates."
  type        = map(string)
  default     = {}
  nullable    = false
}
