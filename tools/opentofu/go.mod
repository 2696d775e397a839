// Builds OpenTofu for machines without a Terraform >= 1.5.7 (see scripts/tools.sh).
// OpenTofu's own go.mod has one replace directive, so `go install ...@version` cannot
// build it; this module repeats that directive.
module github.com/tenant-isolation/terraform-aws-lambda-tenant-isolation/tools/opentofu

go 1.26.8

tool github.com/opentofu/opentofu/cmd/tofu

require github.com/opentofu/opentofu v1.10.6

replace github.com/hashicorp/hcl/v2 v2.20.1 => github.com/opentofu/hcl/v2 v2.20.2-0.20250121132637-504036cd70e7
