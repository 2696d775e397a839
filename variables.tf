################################################################################
# General
################################################################################

variable "name" {
  description = "Prefix of every resource name (functions \"<name>-router\" and \"<name>-backend\", queues, rules, roles): 1-32 letters, digits, hyphens or underscores."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-zA-Z0-9_-]{1,32}$", var.name))
    error_message = "Use 1-32 letters, digits, hyphens or underscores for name."
  }
}

variable "tags" {
  description = "Tags for every resource the module creates."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "architectures" {
  description = "Instruction set of both functions, as a one-element list: [\"arm64\"] (default) or [\"x86_64\"]; the zips must be built for it (GOARCH arm64 or amd64)."
  type        = list(string)
  default     = ["arm64"]
  nullable    = false

  validation {
    condition     = length(var.architectures) == 1 && alltrue([for a in var.architectures : contains(["arm64", "x86_64"], a)])
    error_message = "Set architectures to [\"arm64\"] or [\"x86_64\"], and build the zips for the same architecture (arm64 or amd64)."
  }
}

################################################################################
# Backend: the tenant-isolated (PER_TENANT) function
################################################################################

variable "backend_package" {
  description = "Deployment package of the backend when backend_package_type is \"Zip\" (required then, null for an image): a local zip (filename; source_code_hash defaults to its filebase64sha256, so a new build is always deployed) or an S3 object (s3_bucket, s3_key, and s3_object_version or source_code_hash so that a new upload is deployed)."
  type = object({
    filename          = optional(string)
    source_code_hash  = optional(string)
    s3_bucket         = optional(string)
    s3_key            = optional(string)
    s3_object_version = optional(string)
  })
  default = null

  validation {
    condition     = var.backend_package == null ? true : var.backend_package.filename != null ? alltrue([for v in [var.backend_package.s3_bucket, var.backend_package.s3_key, var.backend_package.s3_object_version] : v == null]) : var.backend_package.s3_bucket != null && var.backend_package.s3_key != null
    error_message = "Give backend_package either filename (source_code_hash defaults to filebase64sha256 of it) or s3_bucket with s3_key (and optional s3_object_version), not a mix and not neither."
  }
}

variable "backend_package_type" {
  description = "Kind of backend package: \"Zip\" (default; backend_package, run by backend_runtime and backend_handler) or \"Image\" (a container image in ECR, backend_image_uri; localaws cannot run images)."
  type        = string
  default     = "Zip"
  nullable    = false

  validation {
    condition     = contains(["Zip", "Image"], var.backend_package_type)
    error_message = "Set backend_package_type to \"Zip\" or \"Image\"."
  }
}

variable "backend_runtime" {
  description = "Lambda runtime of the backend's Zip package: null (default) for provided.al2023, or provided.al2023, provided.al2, python3.10-python3.14, nodejs20.x, nodejs22.x, nodejs24.x, java11, java17, java21, java25, dotnet8, dotnet10, ruby3.3 or ruby3.4; null for an Image package."
  type        = string
  default     = null

  validation {
    condition     = var.backend_runtime == null ? true : contains(["provided.al2023", "provided.al2", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14", "nodejs20.x", "nodejs22.x", "nodejs24.x", "java11", "java17", "java21", "java25", "dotnet8", "dotnet10", "ruby3.3", "ruby3.4"], var.backend_runtime)
    error_message = "Set backend_runtime to provided.al2023, provided.al2, python3.10-python3.14, nodejs20.x, nodejs22.x, nodejs24.x, java11, java17, java21, java25, dotnet8, dotnet10, ruby3.3 or ruby3.4, or to null for provided.al2023 (and for an Image package)."
  }
}

variable "backend_handler" {
  description = "Entry point of the backend's Zip package in the runtime's form: null (default) for \"bootstrap\" with provided.*, \"file.function\" for Python, Node.js and Ruby (\"app.handler\", \"src/app.handler\"), \"package.Class::method\" for Java, \"Assembly::Namespace.Class::Method\" for .NET; null for an Image package."
  type        = string
  default     = null

  validation {
    condition     = var.backend_handler == null ? true : can(regex("^[^\\s]{1,128}$", var.backend_handler))
    error_message = "Set backend_handler to at most 128 characters without spaces, in the runtime's form (bootstrap, file.function, package.Class::method), or to null."
  }
}

variable "backend_layers" {
  description = "ARNs of up to 5 Lambda layer versions for the backend's Zip package (arn:aws:lambda:<region>:<account>:layer:<name>:<version>), unpacked under /opt in order; empty (default) for none."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = length(var.backend_layers) <= 5 && alltrue([for l in var.backend_layers : can(regex("^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[a-zA-Z0-9_-]{1,140}:[0-9]+$", l))])
    error_message = "Set backend_layers to at most 5 layer version ARNs (arn:aws:lambda:<region>:<account>:layer:<name>:<version>)."
  }
}

variable "backend_image_uri" {
  description = "ECR image of the backend when backend_package_type is \"Image\" (<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> or @sha256:<digest>), built for architectures; null (default) for a Zip package."
  type        = string
  default     = null

  validation {
    condition     = var.backend_image_uri == null ? true : can(regex("^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[a-z0-9._/-]+(:[a-zA-Z0-9._-]{1,128}|@sha256:[a-f0-9]{64})$", var.backend_image_uri))
    error_message = "Set backend_image_uri to an ECR image URI, <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag> or @sha256:<digest>, or to null."
  }
}

variable "backend_memory_size" {
  description = "Memory of each backend execution environment in MB, 128-10240."
  type        = number
  default     = 128
  nullable    = false

  validation {
    condition     = var.backend_memory_size >= 128 && var.backend_memory_size <= 10240 && floor(var.backend_memory_size) == var.backend_memory_size
    error_message = "Set backend_memory_size to a whole number of MB from 128 to 10240."
  }
}

variable "backend_timeout" {
  description = "Maximum run time of one backend invocation in seconds, 1-900; in sync mode router_timeout must cover the slowest batch of them (see router_timeout)."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = var.backend_timeout >= 1 && var.backend_timeout <= 900 && floor(var.backend_timeout) == var.backend_timeout
    error_message = "Set backend_timeout to a whole number of seconds from 1 to 900."
  }
}

variable "backend_reserved_concurrent_executions" {
  description = "Concurrency reserved for the backend: -1 for none, 0 to stop it, or a positive number; AWS allows 2,500 tenant environments per 1,000 concurrency."
  type        = number
  default     = -1
  nullable    = false

  validation {
    condition     = var.backend_reserved_concurrent_executions >= -1 && floor(var.backend_reserved_concurrent_executions) == var.backend_reserved_concurrent_executions
    error_message = "Set backend_reserved_concurrent_executions to -1 (no reservation), 0, or a positive whole number."
  }
}

variable "backend_environment_variables" {
  description = "Environment variables of the backend, as a map of names (letters, digits and underscores, starting with a letter) to values."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for k in keys(var.backend_environment_variables) : can(regex("^[a-zA-Z][a-zA-Z0-9_]*$", k))])
    error_message = "Name backend_environment_variables with letters, digits and underscores, starting with a letter."
  }

  # A variable validation, not a check on the data source that holds the others:
  # values unknown at plan (a queue URL) would make that data source wait for apply.
  validation {
    condition     = length(setintersection(keys(var.backend_environment_variables), ["TENANT_ACCESS_ROLE_ARN", "TENANT_DATA_TABLE"])) == 0
    error_message = "Leave TENANT_ACCESS_ROLE_ARN and TENANT_DATA_TABLE out of backend_environment_variables: the module sets them for the tenant-access role."
  }
}

variable "backend_policy_json" {
  description = "IAM policy document (JSON) for what the backend handler itself calls, added to its role; null adds nothing."
  type        = string
  default     = null
}

variable "backend_policy_arns" {
  description = "Managed policies to attach to the backend's role, as a map from a static key of your choice to the policy ARN (which may be unknown until apply); keys keep attachments stable when the map changes. Empty attaches none."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for arn in values(var.backend_policy_arns) : can(regex("^arn:aws[a-zA-Z-]*:iam::([0-9]{12}|aws):policy/", arn))])
    error_message = "Set each value of backend_policy_arns to a managed policy ARN (arn:aws:iam::<account>:policy/... or arn:aws:iam::aws:policy/...)."
  }
}

variable "backend_maximum_retry_attempts" {
  description = "How many times Lambda retries a failed asynchronous backend invocation before it sends the event to the on-failure queue, 0-2."
  type        = number
  default     = 2
  nullable    = false

  validation {
    condition     = contains([0, 1, 2], var.backend_maximum_retry_attempts)
    error_message = "Set backend_maximum_retry_attempts to 0, 1 or 2."
  }
}

variable "backend_maximum_event_age_in_seconds" {
  description = "How long Lambda keeps an asynchronous backend event before it sends it to the on-failure queue, in seconds, 60-21600."
  type        = number
  default     = 21600
  nullable    = false

  validation {
    condition     = var.backend_maximum_event_age_in_seconds >= 60 && var.backend_maximum_event_age_in_seconds <= 21600 && floor(var.backend_maximum_event_age_in_seconds) == var.backend_maximum_event_age_in_seconds
    error_message = "Set backend_maximum_event_age_in_seconds to a whole number from 60 to 21600."
  }
}

variable "backend_on_failure_destination_arn" {
  description = "ARN of an existing SQS queue (same account) for backend invocations that failed after Lambda's async retries, instead of the queue \"<name>-backend-on-failure\" the module creates; null (default) creates that queue."
  type        = string
  default     = null

  validation {
    condition     = var.backend_on_failure_destination_arn == null || can(regex("^arn:aws[a-zA-Z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[a-zA-Z0-9_.-]{1,80}$", var.backend_on_failure_destination_arn))
    error_message = "Set backend_on_failure_destination_arn to an SQS queue ARN (arn:aws:sqs:<region>:<account>:<name>), or to null."
  }
}

variable "backend_on_failure_destination_kms_key_arn" {
  description = "ARN of the customer managed KMS key that encrypts backend_on_failure_destination_arn, or null when it uses SQS-managed encryption; the backend's role gets kms:GenerateDataKey and kms:Decrypt on it, because Lambda sends failure records with that role."
  type        = string
  default     = null

  validation {
    condition     = var.backend_on_failure_destination_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.backend_on_failure_destination_kms_key_arn))
    error_message = "Set backend_on_failure_destination_kms_key_arn to a customer managed KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>; an alias ARN does not let IAM grant the key), or to null."
  }
}

################################################################################
# Tenant-scoped data access (ABAC): a role the backend assumes per tenant
################################################################################

variable "create_tenant_access_role" {
  description = "Whether to create a tenant-access role \"<name>-tenant-access-<region>\" that only the backend's role may assume, with its tenant as session tag TenantId; the backend gets its ARN in TENANT_ACCESS_ROLE_ARN."
  type        = bool
  default     = false
  nullable    = false
}

variable "tenant_access_policy_statements" {
  description = "Permissions of the tenant-access role, keyed by statement ID (letters and digits): each Allow statement must name $${aws:PrincipalTag/TenantId} (or &{aws:PrincipalTag/TenantId}) in a resource or condition value, unless tenant_scoped = false says every tenant may share it."
  type = map(object({
    effect    = optional(string, "Allow")
    actions   = list(string)
    resources = list(string)
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
    tenant_scoped = optional(bool, true)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k in keys(var.tenant_access_policy_statements) : can(regex("^[a-zA-Z0-9]{1,100}$", k))])
    error_message = "Key tenant_access_policy_statements by statement IDs of 1-100 letters and digits."
  }

  validation {
    condition     = alltrue([for s in values(var.tenant_access_policy_statements) : contains(["Allow", "Deny"], s.effect) && length(s.actions) > 0 && length(s.resources) > 0])
    error_message = "Give each statement in tenant_access_policy_statements effect \"Allow\" or \"Deny\", at least one action and at least one resource."
  }

  # A tenant-scoped Allow that never names the tag grants every tenant the same
  # data, which is the bug the role exists to prevent.
  validation {
    condition = alltrue([
      for s in values(var.tenant_access_policy_statements) :
      s.effect == "Deny" || !s.tenant_scoped || anytrue([for v in concat(s.resources, flatten([for c in s.conditions : c.values])) : can(regex("(?i)[$&]\\{aws:PrincipalTag/TenantId\\}", v))])
    ])
    error_message = "Scope every Allow statement in tenant_access_policy_statements by tenant: name $${aws:PrincipalTag/TenantId} in a resource (for example \"arn:aws:s3:::bucket/tenants/$${aws:PrincipalTag/TenantId}/*\") or a condition value, or set tenant_scoped = false for a statement every tenant may share."
  }
}

variable "tenant_access_max_session_duration" {
  description = "Longest session of the tenant-access role in seconds, 3600-43200; isolation.TenantAccess asks for one hour and renews it before it expires."
  type        = number
  default     = 3600
  nullable    = false

  validation {
    condition     = var.tenant_access_max_session_duration >= 3600 && var.tenant_access_max_session_duration <= 43200 && floor(var.tenant_access_max_session_duration) == var.tenant_access_max_session_duration
    error_message = "Set tenant_access_max_session_duration to a whole number of seconds from 3600 to 43200."
  }
}

variable "create_tenant_data_table" {
  description = "Whether to create a DynamoDB table \"<name>-tenant-data\" (partition key tenant_id, sort key sk, on demand) in which the tenant-access role may touch only its tenant's items; needs create_tenant_access_role, and the backend gets its name in TENANT_DATA_TABLE."
  type        = bool
  default     = false
  nullable    = false
}

variable "tenant_data_table_point_in_time_recovery" {
  description = "Whether the tenant data table keeps point-in-time recovery backups (35 days)."
  type        = bool
  default     = true
  nullable    = false
}

variable "tenant_data_table_deletion_protection" {
  description = "Whether DynamoDB refuses to delete the tenant data table until this is turned off again."
  type        = bool
  default     = false
  nullable    = false
}

variable "tenant_data_table_kms_key_arn" {
  description = "ARN of a customer managed KMS key that encrypts the tenant data table, or null for the AWS managed key aws/dynamodb."
  type        = string
  default     = null

  validation {
    condition     = var.tenant_data_table_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.tenant_data_table_kms_key_arn))
    error_message = "Set tenant_data_table_kms_key_arn to a customer managed KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>), or to null."
  }
}

################################################################################
# Router
################################################################################

variable "router_package" {
  description = "Deployment package of the router: a local zip (filename; source_code_hash defaults to its filebase64sha256, so a new build is always deployed) or an S3 object (s3_bucket, s3_key, and s3_object_version or source_code_hash so that a new upload is deployed)."
  type = object({
    filename          = optional(string)
    source_code_hash  = optional(string)
    s3_bucket         = optional(string)
    s3_key            = optional(string)
    s3_object_version = optional(string)
  })
  nullable = false

  validation {
    condition     = var.router_package.filename != null ? alltrue([for v in [var.router_package.s3_bucket, var.router_package.s3_key, var.router_package.s3_object_version] : v == null]) : var.router_package.s3_bucket != null && var.router_package.s3_key != null
    error_message = "Give router_package either filename (source_code_hash defaults to filebase64sha256 of it) or s3_bucket with s3_key (and optional s3_object_version), not a mix and not neither."
  }
}

variable "router_memory_size" {
  description = "Memory of the router in MB, 128-10240."
  type        = number
  default     = 256
  nullable    = false

  validation {
    condition     = var.router_memory_size >= 128 && var.router_memory_size <= 10240 && floor(var.router_memory_size) == var.router_memory_size
    error_message = "Set router_memory_size to a whole number of MB from 128 to 10240."
  }
}

variable "router_reserved_concurrent_executions" {
  description = "Concurrency reserved for the router: -1 (default) for none, 0 to stop routing (messages wait in their queues), or a positive number that also caps the router; a cap throttles the event source mappings, so prefer each source's maximum_concurrency."
  type        = number
  default     = -1
  nullable    = false

  validation {
    condition     = var.router_reserved_concurrent_executions >= -1 && floor(var.router_reserved_concurrent_executions) == var.router_reserved_concurrent_executions
    error_message = "Set router_reserved_concurrent_executions to -1 (no reservation), 0, or a positive whole number."
  }
}

variable "router_timeout" {
  description = "Maximum run time of one router batch in seconds, 1-900. Source queues default to a visibility timeout of 6 x router_timeout + their batching window (AWS's advice) and may not go below router_timeout. In sync mode it must be at least ceil(batch_size / max_parallel_invokes) x backend_timeout + 5 s for every source (batch_size x backend_timeout for a FIFO source, whose message groups run in order)."
  type        = number
  default     = 60
  nullable    = false

  validation {
    condition     = var.router_timeout >= 1 && var.router_timeout <= 900 && floor(var.router_timeout) == var.router_timeout
    error_message = "Set router_timeout to a whole number of seconds from 1 to 900."
  }
}

variable "tenant_pattern" {
  description = "RE2 regular expression, anchored with ^ and $, that a tenant ID must match after AWS's own rule (1-256 of a-zA-Z0-9._:/=+-@ and space)."
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
  description = "Tenant IDs the router accepts; empty (default) accepts every tenant that matches tenant_pattern, others are quarantined as unknown_tenant. With a tenant registry, the registry's status wins and known_tenants only admits tenants the registry has no item for."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for t in var.known_tenants : can(regex("^[a-zA-Z0-9._:/=+@ -]{1,256}$", t))])
    error_message = "Use tenant IDs of 1-256 characters from a-z, A-Z, 0-9 and ._:/=+-@ or space in known_tenants (AWS's rule)."
  }
}

variable "tenant_id_case" {
  description = "How the router treats letter case in tenant IDs: \"lower\" (default; an ID with a capital letter is quarantined as invalid_tenant, so each tenant has one spelling) or \"preserve\" (\"ACME\" and \"acme\" are two tenants)."
  type        = string
  default     = "lower"
  nullable    = false

  validation {
    condition     = contains(["lower", "preserve"], var.tenant_id_case)
    error_message = "Set tenant_id_case to \"lower\" or \"preserve\"."
  }
}

variable "invocation_mode" {
  description = "How the router invokes the backend: \"async\" (default; Event, failures go to the on-failure queue) or \"sync\" (RequestResponse, a backend error sends the record back to its queue and, in the end, its DLQ)."
  type        = string
  default     = "async"
  nullable    = false

  validation {
    condition     = contains(["async", "sync"], var.invocation_mode)
    error_message = "Set invocation_mode to \"async\" or \"sync\"."
  }
}

variable "max_parallel_invokes" {
  description = "Bound on concurrent backend invocations per router batch, 1-100."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.max_parallel_invokes >= 1 && var.max_parallel_invokes <= 100 && floor(var.max_parallel_invokes) == var.max_parallel_invokes
    error_message = "Set max_parallel_invokes to a whole number from 1 to 100."
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

variable "create_tenant_registry" {
  description = "Whether to create the tenant registry: a DynamoDB table \"<name>-tenants\" (ACTIVE, SUSPENDED or OFFBOARDED per tenant, read by the router) and a held queue \"<name>-held\" for suspended tenants' messages; false (default) creates neither unless tenant_registry_table_arn is set."
  type        = bool
  default     = false
  nullable    = false
}

variable "tenant_registry_table_arn" {
  description = "ARN of an existing tenant registry table (string partition key tenant_id) to use instead of creating one, with create_tenant_registry = false; the module still creates the held queue. Null (default) for none."
  type        = string
  default     = null

  validation {
    condition     = var.tenant_registry_table_arn == null || can(regex("^arn:aws[a-zA-Z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[a-zA-Z0-9_.-]{3,255}$", var.tenant_registry_table_arn))
    error_message = "Set tenant_registry_table_arn to a DynamoDB table ARN, arn:aws:dynamodb:<region>:<account>:table/<name> (not a stream or index ARN), or to null and create_tenant_registry = true to have the module create the table."
  }
}

variable "tenant_registry_cache_ttl_seconds" {
  description = "How long the router trusts a tenant's status (or its absence) before reading the registry again, in seconds, 1-3600; a tenant added or suspended takes effect within this time."
  type        = number
  default     = 60
  nullable    = false

  validation {
    condition     = var.tenant_registry_cache_ttl_seconds >= 1 && var.tenant_registry_cache_ttl_seconds <= 3600 && floor(var.tenant_registry_cache_ttl_seconds) == var.tenant_registry_cache_ttl_seconds
    error_message = "Set tenant_registry_cache_ttl_seconds to a whole number from 1 to 3600."
  }
}

variable "tenant_registry_stale_seconds" {
  description = "How long past its TTL the router keeps serving a tenant's last known status while the registry fails, in seconds, 0-86400 (0: retry every message of a tenant whose status has expired until the registry answers)."
  type        = number
  default     = 300
  nullable    = false

  validation {
    condition     = var.tenant_registry_stale_seconds >= 0 && var.tenant_registry_stale_seconds <= 86400 && floor(var.tenant_registry_stale_seconds) == var.tenant_registry_stale_seconds
    error_message = "Set tenant_registry_stale_seconds to a whole number from 0 to 86400."
  }
}

variable "held_message_retention_seconds" {
  description = "How long the held queue keeps a suspended tenant's message, in seconds, 60-1209600 (default 14 days, like a dead-letter queue); resume the tenant before then."
  type        = number
  default     = 1209600
  nullable    = false

  validation {
    condition     = var.held_message_retention_seconds >= 60 && var.held_message_retention_seconds <= 1209600 && floor(var.held_message_retention_seconds) == var.held_message_retention_seconds
    error_message = "Set held_message_retention_seconds to a whole number from 60 to 1209600."
  }
}

################################################################################
# SQS sources
################################################################################

variable "sqs_sources" {
  description = "SQS sources keyed by a source name (1-32 letters, digits or underscores; shared with eventbridge_sources): each gets a queue \"<name>-<key>\", a DLQ and a mapping to the router, and lists tenant_rules of type message_attribute (name), message_group_id (FIFO queues, and standard queues used as fair queues) or body_pointer (pointer), each optionally required (a message without its value is quarantined as missing_tenant); enabled = false pauses the mapping, and metrics lists its CloudWatch metrics (EventCount, ErrorCount)."
  type = map(object({
    fifo_queue                  = optional(bool, false)
    content_based_deduplication = optional(bool, false)
    tenant_rules = optional(list(object({
      type     = string
      name     = optional(string)
      pointer  = optional(string)
      required = optional(bool, false)
    })), [{ type = "message_attribute", name = "tenantId" }])
    batch_size                         = optional(number, 10)
    maximum_batching_window_in_seconds = optional(number, 0)
    maximum_concurrency                = optional(number)
    visibility_timeout_seconds         = optional(number)
    message_retention_seconds          = optional(number, 345600)
    dlq_max_receive_count              = optional(number, 5)
    dlq_message_retention_seconds      = optional(number, 1209600)
    enabled                            = optional(bool, true)
    metrics                            = optional(list(string), [])
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k in keys(var.sqs_sources) : can(regex("^[a-zA-Z0-9_]{1,32}$", k)) && k != "quarantine"])
    error_message = "Key each SQS source with 1-32 letters, digits or underscores (no hyphens, and not \"quarantine\"), so that queue names cannot collide."
  }

  validation {
    condition     = alltrue([for s in values(var.sqs_sources) : length(s.tenant_rules) > 0 && alltrue([for r in s.tenant_rules : contains(["message_attribute", "message_group_id", "body_pointer"], r.type)])])
    error_message = "Give each SQS source tenant_rules of type message_attribute, message_group_id or body_pointer (at least one)."
  }

  validation {
    condition     = alltrue(flatten([for s in values(var.sqs_sources) : [for r in s.tenant_rules : r.type == "message_attribute" ? try(length(r.name) > 0, false) : r.type != "body_pointer" || can(regex("^/", r.pointer))]]))
    error_message = "Give each message_attribute tenant rule a name (for example \"tenantId\") and each body_pointer rule a JSON pointer that starts with a slash (for example \"/tenantId\")."
  }

  validation {
    condition     = alltrue([for s in values(var.sqs_sources) : s.batch_size >= 1 && s.batch_size <= (s.fifo_queue ? 10 : 10000)])
    error_message = "Set batch_size from 1 to 10000 for a standard SQS source and from 1 to 10 for a FIFO one."
  }

  validation {
    condition     = alltrue([for s in values(var.sqs_sources) : s.fifo_queue ? s.maximum_batching_window_in_seconds == 0 : (s.batch_size <= 10 || s.maximum_batching_window_in_seconds >= 1)])
    error_message = "Set maximum_batching_window_in_seconds to 0 on FIFO sources, and to at least 1 on standard sources with batch_size above 10."
  }

  validation {
    condition     = alltrue([for s in values(var.sqs_sources) : alltrue([for m in s.metrics : contains(["EventCount", "ErrorCount"], m)])])
    error_message = "List only \"EventCount\" and \"ErrorCount\" in the metrics of an SQS source, or none."
  }
}

################################################################################
# EventBridge sources
################################################################################

variable "eventbridge_sources" {
  description = "EventBridge sources keyed by a source name (1-32 letters, digits or underscores; shared with sqs_sources): each uses a new bus \"<name>-<key>\" (create_bus) or an existing bus_name, has rules with JSON event patterns, delivers to target \"queue\" (buffer queue, default) or \"router\" (at most one source), and lists event_pointer tenant_rules, each optionally required; enabled and metrics apply to the buffer queue's mapping (target \"queue\")."
  type = map(object({
    create_bus = optional(bool, true)
    bus_name   = optional(string)
    rules = map(object({
      event_pattern = string
      description   = optional(string)
      state         = optional(string, "ENABLED")
    }))
    target = optional(string, "queue")
    tenant_rules = optional(list(object({
      type     = string
      name     = optional(string)
      pointer  = optional(string)
      required = optional(bool, false)
    })), [{ type = "event_pointer", pointer = "/detail/tenantId" }])
    batch_size                         = optional(number, 10)
    maximum_batching_window_in_seconds = optional(number, 0)
    maximum_concurrency                = optional(number)
    visibility_timeout_seconds         = optional(number)
    retry_maximum_attempts             = optional(number, 185)
    retry_maximum_event_age_in_seconds = optional(number, 86400)
    dlq_max_receive_count              = optional(number, 5)
    dlq_message_retention_seconds      = optional(number, 1209600)
    enabled                            = optional(bool, true)
    metrics                            = optional(list(string), [])
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for k in keys(var.eventbridge_sources) : can(regex("^[a-zA-Z0-9_]{1,32}$", k)) && k != "quarantine"])
    error_message = "Key each EventBridge source with 1-32 letters, digits or underscores (no hyphens, and not \"quarantine\"), so that queue names cannot collide."
  }

  validation {
    condition     = alltrue([for s in values(var.eventbridge_sources) : contains(["queue", "router"], s.target)])
    error_message = "Set each EventBridge source's target to \"queue\" or \"router\"."
  }

  validation {
    condition     = length([for s in values(var.eventbridge_sources) : s if s.target == "router"]) <= 1
    error_message = "Let at most one EventBridge source target the router directly; give the others target = \"queue\"."
  }

  validation {
    condition     = alltrue([for s in values(var.eventbridge_sources) : s.create_bus || s.bus_name != null])
    error_message = "Give bus_name (for example \"default\") to every EventBridge source with create_bus = false."
  }

  validation {
    condition     = alltrue([for s in values(var.eventbridge_sources) : length(s.tenant_rules) > 0 && alltrue([for r in s.tenant_rules : r.type == "event_pointer"])])
    error_message = "Give each EventBridge source tenant_rules of type event_pointer, for example { type = \"event_pointer\", pointer = \"/detail/tenantId\" }."
  }

  validation {
    condition     = alltrue(flatten([for s in values(var.eventbridge_sources) : [for r in s.tenant_rules : can(regex("^/", r.pointer))]]))
    error_message = "Give each event_pointer tenant rule a JSON pointer into the event that starts with a slash, for example \"/detail/tenantId\"."
  }

  validation {
    condition     = alltrue([for s in values(var.eventbridge_sources) : s.batch_size >= 1 && s.batch_size <= 10000])
    error_message = "Set batch_size of each EventBridge source from 1 to 10000."
  }

  validation {
    condition     = alltrue([for s in values(var.eventbridge_sources) : length(s.rules) > 0 && alltrue([for k in keys(s.rules) : can(regex("^[a-zA-Z0-9_-]{1,40}$", k))])])
    error_message = "Give each EventBridge source at least one rule, keyed with 1-40 letters, digits, hyphens or underscores."
  }

  validation {
    condition     = alltrue(flatten([for s in values(var.eventbridge_sources) : [for r in values(s.rules) : can(keys(jsondecode(r.event_pattern))) && contains(["ENABLED", "DISABLED"], r.state)]]))
    error_message = "Set each EventBridge rule's event_pattern to a JSON object, for example jsonencode({ source = [\"my.app\"] }), and its state to ENABLED or DISABLED."
  }

  validation {
    condition     = alltrue([for s in values(var.eventbridge_sources) : s.bus_name == null || can(regex("^[a-zA-Z0-9._-]{1,256}$", s.bus_name))])
    error_message = "Use 1-256 letters, digits, dots, hyphens or underscores for each EventBridge source's bus_name."
  }

  validation {
    condition     = alltrue([for s in values(var.eventbridge_sources) : alltrue([for m in s.metrics : contains(["EventCount", "ErrorCount"], m)])])
    error_message = "List only \"EventCount\" and \"ErrorCount\" in the metrics of an EventBridge source, or none."
  }
}

################################################################################
# Logs
################################################################################

variable "log_retention_in_days" {
  description = "Retention of both functions' log groups in days: 0 (never expire), 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  type        = number
  default     = 30
  nullable    = false

  validation {
    condition     = contains([0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_in_days)
    error_message = "Set log_retention_in_days to one of 0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }
}

variable "log_kms_key_arn" {
  description = "ARN of a KMS key that encrypts both log groups, or null for CloudWatch Logs' default encryption; the key policy must allow the logs service."
  type        = string
  default     = null

  validation {
    condition     = var.log_kms_key_arn == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.log_kms_key_arn))
    error_message = "Set log_kms_key_arn to a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>; an alias ARN does not let IAM grant the key), or to null."
  }
}

variable "log_application_level" {
  description = "Lowest application log level of both functions (AWS_LAMBDA_LOG_LEVEL): TRACE, DEBUG, INFO, WARN, ERROR or FATAL."
  type        = string
  default     = "INFO"
  nullable    = false

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.log_application_level)
    error_message = "Set log_application_level to TRACE, DEBUG, INFO, WARN, ERROR or FATAL."
  }
}

variable "log_system_level" {
  description = "Lowest level of the Lambda platform logs of both functions: DEBUG, INFO or WARN."
  type        = string
  default     = "INFO"
  nullable    = false

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN"], var.log_system_level)
    error_message = "Set log_system_level to DEBUG, INFO or WARN."
  }
}

################################################################################
# IAM
################################################################################

variable "role_path" {
  description = "IAM path of both execution roles, starting and ending with a slash (default \"/\")."
  type        = string
  default     = "/"
  nullable    = false

  validation {
    condition     = can(regex("^/([\\x21-\\x7e]*/)?$", var.role_path))
    error_message = "Start and end role_path with a slash, for example \"/\" or \"/tenant-isolation/\"."
  }
}

variable "role_permissions_boundary" {
  description = "ARN of a managed policy used as the permissions boundary of both execution roles, or null for none."
  type        = string
  default     = null
}

################################################################################
# Encryption
################################################################################

variable "sqs_kms_master_key_id" {
  description = "ARN of a customer managed KMS key that encrypts every queue the module creates, or null for SQS-managed encryption (SSE-SQS); with a key, its policy must let events.amazonaws.com use it for EventBridge sources."
  type        = string
  default     = null

  validation {
    condition     = var.sqs_kms_master_key_id == null || can(regex("^arn:aws[a-zA-Z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.sqs_kms_master_key_id))
    error_message = "Set sqs_kms_master_key_id to a customer managed KMS key ARN (arn:aws:kms:<region>:<account>:key/<key-id>; an alias ARN does not let IAM grant the key), or to null for SQS-managed encryption."
  }
}
