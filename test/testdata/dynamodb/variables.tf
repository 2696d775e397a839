variable "region" {
  description = "AWS Region to deploy to, for example us-east-1."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Prefix of the table's name."
  type        = string
}

# The test runner passes these to every stack; this one has no functions.
# tflint-ignore: terraform_unused_declarations
variable "architecture" {
  description = "Unused: the runner's instruction set of functions."
  type        = string
  default     = "arm64"
}

# tflint-ignore: terraform_unused_declarations
variable "dist_dir" {
  description = "Unused: the runner's directory of function zips."
  type        = string
  default     = ""
}
