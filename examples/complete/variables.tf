variable "region" {
  description = "AWS Region to deploy to, for example us-east-1 (tenant isolation is available in every commercial Region except Asia Pacific (New Zealand))."
  type        = string
  default     = "us-east-1"
  nullable    = false
}

variable "name" {
  description = "Prefix of every resource name: 1-32 letters, digits, hyphens or underscores."
  type        = string
  default     = "tenant-isolation-complete"
  nullable    = false
}

variable "architecture" {
  description = "Instruction set of the functions: \"arm64\" (default) or \"x86_64\"; the zips come from dist_dir/arm64 or dist_dir/amd64."
  type        = string
  default     = "arm64"
  nullable    = false

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "Set architecture to \"arm64\" or \"x86_64\" (make build ARCH=arm64 or ARCH=amd64)."
  }
}

variable "worker_runtime" {
  description = "Runtime of the evidence worker: \"go\" (default; provided.al2023), \"python\" (python3.12) or \"node\" (nodejs22.x)."
  type        = string
  default     = "go"
  nullable    = false

  validation {
    condition     = contains(["go", "python", "node"], var.worker_runtime)
    error_message = "Set worker_runtime to \"go\", \"python\" or \"node\"."
  }
}

variable "dist_dir" {
  description = "Directory that make build writes to, holding <goarch>/router.zip and the worker zips <goarch>/tenant-worker.zip, tenant-worker-python.zip and tenant-worker-node.zip."
  type        = string
  default     = "../../dist"
  nullable    = false
}

variable "invocation_mode" {
  description = "How the router invokes the backend: \"async\" (default) or \"sync\"."
  type        = string
  default     = "async"
  nullable    = false
}

variable "tenant_pattern" {
  description = "Anchored RE2 regular expression that tenant IDs must match."
  type        = string
  default     = "^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$"
  nullable    = false
}

variable "known_tenants" {
  description = "Tenant IDs the router accepts; empty (default) accepts every tenant that matches tenant_pattern."
  type        = list(string)
  default     = []
  nullable    = false
}

variable "tenant_id_case" {
  description = "How the router treats letter case in tenant IDs: \"lower\" (default) or \"preserve\"."
  type        = string
  default     = "lower"
  nullable    = false
}

variable "create_tenant_registry" {
  description = "Whether to create the tenant registry (\"<name>-tenants\" and \"<name>-held\"); then only tenants added with tenantctl, or listed in known_tenants, are routed. Default false."
  type        = bool
  default     = false
  nullable    = false
}

variable "tenant_registry_cache_ttl_seconds" {
  description = "How long the router caches a tenant's status, in seconds, 1-3600 (default 60)."
  type        = number
  default     = 60
  nullable    = false
}

variable "create_tenant_data_table" {
  description = "Whether to create the tenant-access role and the tenant data table \"<name>-tenant-data\"; the worker then writes an item per invocation with credentials scoped to its tenant. Default false."
  type        = bool
  default     = false
  nullable    = false
}

variable "batch_size" {
  description = "Largest number of messages per router invocation from each source queue, 1-10000."
  type        = number
  default     = 10
  nullable    = false
}

variable "router_timeout" {
  description = "Maximum run time of one router batch in seconds, 1-900; the source and buffer queues hide a received message for six times it, so a failed batch comes back after that long."
  type        = number
  default     = 60
  nullable    = false

  validation {
    condition     = var.router_timeout >= 1 && var.router_timeout <= 900 && floor(var.router_timeout) == var.router_timeout
    error_message = "Set router_timeout to a whole number of seconds from 1 to 900."
  }
}

variable "event_source" {
  description = "Value of the source field that the EventBridge rule matches; producers put events with it."
  type        = string
  default     = "tenant-isolation.example"
  nullable    = false
}
