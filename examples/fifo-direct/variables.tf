variable "region" {
  description = "AWS Region to deploy to, for example us-east-1 (tenant isolation is available in every commercial Region except Asia Pacific (New Zealand))."
  type        = string
  default     = "us-east-1"
  nullable    = false
}

variable "name" {
  description = "Prefix of every resource name: 1-32 letters, digits, hyphens or underscores."
  type        = string
  default     = "tenant-isolation-fifo"
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

variable "dist_dir" {
  description = "Directory that make build writes to, holding <goarch>/router.zip and <goarch>/tenant-worker.zip, which this example uploads to S3."
  type        = string
  default     = "../../dist"
  nullable    = false
}

variable "backend_timeout" {
  description = "Maximum run time of one backend invocation in seconds."
  type        = number
  default     = 10
  nullable    = false
}

variable "router_timeout" {
  description = "Maximum run time of one router batch in seconds; in sync mode with a FIFO batch of 10 it must be at least 10 x backend_timeout + 5."
  type        = number
  default     = 120
  nullable    = false
}

variable "event_source" {
  description = "Value of the source field that the EventBridge rule on the default bus matches; producers put events with it."
  type        = string
  default     = "tenant-isolation.fifo-direct"
  nullable    = false
}
