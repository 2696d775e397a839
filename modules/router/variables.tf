################################################################################
# Function
################################################################################

variable "function_name" {
  description = "Name of the router function: 1-64 letters, digits, hyphens or underscores."
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
  default     = "Routes queued messages and events to the tenant-isolated backend with their tenant ID."
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
  description = "Memory of the router in MB, 128-10240; more memory also gives more CPU for the parallel fan-out."
  type        = number
  default     = 256
  nullable    = false

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240 && floor(var.memory_size) == var.memory_size
    error_message = "Set memory_size to a whole number of MB from 128 to 10240."
  }
}

variable "timeout" {
  description = "Maximum run time of one batch in seconds, 1-900; in sync mode it must cover the backend's timeout, and source queues need a visibility timeout of at least this."
  type        = number
  default     = 60
  nullable    = false

  validation {
    condition     = var.timeout >= 1 && var.timeout <= 900 && floor(var.timeout) == var.timeout
    error_message = "Set timeout to a whole number of seconds from 1 to 900."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for the router: -1 for none (unreserved account concurrency), 0 to stop routing, or a positive number."
  type        = number
  default     = -1
  nullable    = false

  validation {
    condition     = var.reserved_concurrent_executions >= -1 && floor(var.reserved_concurrent_executions) == var.reserved_concurrent_executions
    error_message = "Set reserved_concurrent_executions to -1 (no reservation), 0, or a positive whole number."
  }
}

################################################################################
# Deployment package
################################################################################

variable "filename" {
  description = "Path of a local zip that holds the bootstrap binary, or null when the package comes from S3 (s3_bucket and s3_key)."
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
# Routing (rendered into the router's environment variables)
################################################################################

variable "backend_function_arn" {
  description = "Unqualified ARN of the tenant-isolated backend function (ROUTER_BACKEND_FUNCTION); the router's role may invoke only this function and its versions and aliases."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[a-zA-Z0-9_-]{1,64}$", var.backend_function_arn))
    error_message = "Set backend_function_arn to an unqualified Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>), without a version or alias."
  }
}

variable "sources" {
  description = "Sources the router serves (ROUTER_SOURCES), each with a unique name, kind \"sqs\" or \"eventbridge\", queue_arn (the queue its mapping reads; \"\" for an EventBridge rule that invokes the router directly) and tenant rules of type message_attribute (name), message_group_id, body_pointer (pointer) or event_pointer (pointer), each optionally required."
  type = list(object({
    name      = string
    kind      = string
    queue_arn = optional(string, "")
    rules = list(object({
      type     = string
      name     = optional(string)
      pointer  = optional(string)
      required = optional(bool, false)
    }))
  }))
  nullable = false

  validation {
    condition     = length(var.sources) > 0
    error_message = "Give at least one source in sources: the router has nothing to route without one."
  }

  validation {
    condition     = length(distinct([for s in var.sources : s.name])) == length(var.sources) && alltrue([for s in var.sources : can(regex("^[a-zA-Z0-9_-]{1,64}$", s.name))])
    error_message = "Give every source a unique name of 1-64 letters, digits, hyphens or underscores; SQS and EventBridge sources share one set of names."
  }

  validation {
    condition     = alltrue([for s in var.sources : contains(["sqs", "eventbridge"], s.kind)])
    error_message = "Set each source's kind to \"sqs\" or \"eventbridge\"."
  }

  validation {
    condition     = alltrue([for s in var.sources : s.kind != "sqs" || can(regex("^arn:aws[a-zA-Z-]*:sqs:", s.queue_arn))])
    error_message = "Give every source of kind \"sqs\" the queue_arn of the queue its event source mapping reads."
  }

  validation {
    condition     = length([for s in var.sources : s if s.kind == "eventbridge" && s.queue_arn == ""]) <= 1
    error_message = "Route at most one EventBridge source directly (queue_arn = \"\"): the router cannot tell direct events of two sources apart; give the others a buffer queue."
  }

  validation {
    condition     = alltrue([for s in var.sources : length(s.rules) > 0])
    error_message = "Give every source at least one tenant rule, for example {type = \"message_attribute\", name = \"tenantId\"}."
  }

  validation {
    condition = alltrue(flatten([for s in var.sources : [for r in s.rules : contains(
      s.kind == "sqs" ? ["message_attribute", "message_group_id", "body_pointer"] : ["event_pointer"], r.type
    )]]))
    error_message = "Use tenant rules of type message_attribute, message_group_id or body_pointer for sqs sources, and event_pointer for eventbridge sources."
  }

  validation {
    condition     = alltrue(flatten([for s in var.sources : [for r in s.rules : r.type != "message_attribute" || try(length(r.name) > 0, false)]]))
    error_message = "Give every message_attribute rule the attribute's name, for example name = \"tenantId\"."
  }

  validation {
    condition     = alltrue(flatten([for s in var.sources : [for r in s.rules : !contains(["body_pointer", "event_pointer"], r.type) || can(regex("^/", r.pointer))]]))
    error_message = "Give every body_pointer and event_pointer rule an RFC 6901 JSON pointer that starts with a slash, for example pointer = \"/tenantId\" or \"/detail/tenantId\"."
  }
}

variable "tenant_pattern" {
  description = "RE2 regular expression, anchored with ^ and $, that a tenant ID must match after AWS's own rule (ROUTER_TENANT_PATTERN)."
  type        = string
  default     = "^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$"
  nullable    = false

  validation {
    condition     = can(regexall(var.tenant_pattern, ""))
    error_message = "Set tenant_pattern to a valid RE2 regular expression, for example \"^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$\"."
  }

  validation {
    condition     = startswith(var.tenant_pattern, "^") && endswith(var.tenant_pattern, "$")
    error_message = "Anchor tenant_pattern with ^ at the start and $ at the end, so that it matches whole tenant IDs and not substrings."
  }
}

variable "known_tenants" {
  description = "Tenant IDs the router accepts (ROUTER_KNOWN_TENANTS); empty accepts every tenant that passes the pattern."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for t in var.known_tenants : can(regex("^[a-zA-Z0-9._:/=+@ -]{1,256}$", t))])
    error_message = "Use tenant IDs of 1-256 characters from a-z, A-Z, 0-9 and ._:/=+-@ or space in known_tenants (AWS's rule)."
  }
}

variable "tenant_id_case" {
  description = "How the router treats letter case in tenant IDs (ROUTER_TENANT_ID_CASE): \"lower\" (default; IDs with capitals are invalid_tenant) or \"preserve\" (\"ACME\" and \"acme\" are two tenants)."
  type        = string
  default     = "lower"
  nullable    = false

  validation {
    condition     = contains(["lower", "preserve"], var.tenant_id_case)
    error_message = "Set tenant_id_case to \"lower\" or \"preserve\"."
  }
}

variable "invocation_mode" {
  description = "How the router invokes the backend (ROUTER_INVOCATION_MODE): \"async\" (Event; failures go to the backend's on-failure destination) or \"sync\" (RequestResponse; a function error fails the record back to its queue)."
  type        = string
  default     = "async"
  nullable    = false

  validation {
    condition     = contains(["async", "sync"], var.invocation_mode)
    error_message = "Set invocation_mode to \"async\" or \"sync\"."
  }
}

variable "max_parallel_invokes" {
  description = "Bound on concurrent backend invocations per batch (ROUTER_MAX_PARALLEL), 1-100."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.max_parallel_invokes >= 1 && var.max_parallel_invokes <= 100 && floor(var.max_parallel_invokes) == var.max_parallel_invokes
    error_message = "Set max_parallel_invokes to a whole number from 1 to 100."
  }
}

################################################################################
# Quarantine queue (rejected messages, with the reason as message attributes)
################################################################################

variable "quarantine_queue_name" {
  description = "Name of the quarantine queue the module creates, or null for \"<function_name>-quarantine\"."
  type        = string
  default     = null

  validation {
    condition     = var.quarantine_queue_name == null || can(regex("^[a-zA-Z0-9_-]{1,80}$", var.quarantine_queue_name))
    error_message = "Use 1-80 letters, digits, hyphens or underscores for quarantine_queue_name, or null for the default name."
  }
}

variable "quarantine_message_retention_seconds" {
  description = "How long the quarantine queue keeps a rejected message, in seconds, 60-1209600."
  type        = number
  default     = 1209600
  nullable    = false

  validation {
    condition     = var.quarantine_message_retention_seconds >= 60 && var.quarantine_message_retention_seconds <= 1209600 && floor(var.quarantine_message_retention_seconds) == var.quarantine_message_retention_seconds
    error_message = "Set quarantine_message_retention_seconds to a whole number from 60 to 1209600."
  }
}

################################################################################
# Tenant registry
################################################################################

variable "tenant_registry" {
  description = "The tenant registry the router reads, or null (default) for none: the table's name and ARN, the held queue's name, URL and ARN, how long a status is cached (cache_ttl_seconds, 1-3600, default 60) and how long past that the last known status is served while the registry fails (stale_seconds, 0-86400, default 300)."
  type = object({
    table_name        = string
    table_arn         = string
    held_queue_name   = string
    held_queue_url    = string
    held_queue_arn    = string
    cache_ttl_seconds = optional(number, 60)
    stale_seconds     = optional(number, 300)
  })
  default = null

  validation {
    condition     = var.tenant_registry == null || try(var.tenant_registry.cache_ttl_seconds >= 1 && var.tenant_registry.cache_ttl_seconds <= 3600 && floor(var.tenant_registry.cache_ttl_seconds) == var.tenant_registry.cache_ttl_seconds, false)
    error_message = "Set tenant_registry.cache_ttl_seconds to a whole number from 1 to 3600."
  }

  validation {
    condition     = var.tenant_registry == null || try(var.tenant_registry.stale_seconds >= 0 && var.tenant_registry.stale_seconds <= 86400 && floor(var.tenant_registry.stale_seconds) == var.tenant_registry.stale_seconds, false)
    error_message = "Set tenant_registry.stale_seconds to a whole number from 0 (never serve a stale status) to 86400."
  }
}

################################################################################
# Asynchronous invocation of the router (EventBridge rules that target it directly)
################################################################################

variable "maximum_retry_attempts" {
  description = "How many times Lambda retries a failed asynchronous invocation of the router, 0-2."
  type        = number
  default     = 2
  nullable    = false

  validation {
    condition     = contains([0, 1, 2], var.maximum_retry_attempts)
    error_message = "Set maximum_retry_attempts to 0, 1 or 2."
  }
}

variable "maximum_event_age_in_seconds" {
  description = "How long Lambda keeps an asynchronous event for the router before it gives up, in seconds, 60-21600."
  type        = number
  default     = 21600
  nullable    = false

  validation {
    condition     = var.maximum_event_age_in_seconds >= 60 && var.maximum_event_age_in_seconds <= 21600 && floor(var.maximum_event_age_in_seconds) == var.maximum_event_age_in_seconds
    error_message = "Set maximum_event_age_in_seconds to a whole number from 60 to 21600."
  }
}

variable "async_on_failure_destination_arn" {
  description = "ARN of an SQS queue that receives events the router failed to handle after its asynchronous retries (direct EventBridge delivery), or null for none."
  type        = string
  default     = null

  validation {
    condition     = var.async_on_failure_destination_arn == null || can(regex("^arn:aws[a-zA-Z-]*:sqs:", var.async_on_failure_destination_arn))
    error_message = "Set async_on_failure_destination_arn to an SQS queue ARN (arn:aws:sqs:...), or to null."
  }
}

################################################################################
# Encryption
################################################################################

variable "sqs_kms_master_key_id" {
  description = "ARN of the customer managed KMS key that encrypts the quarantine queue and the source queues, or null when they use SQS-managed encryption; the role may then use the key."
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
