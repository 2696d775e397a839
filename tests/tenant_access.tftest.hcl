# Tenant-scoped data access: the tenant-access role, the data table, and what the
# backend gets to use them. Offline: `make test-module`.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name            = "ti"
  router_package  = { filename = "tests/fixtures/package.txt", source_code_hash = "cm91dGVy" }
  backend_package = { filename = "tests/fixtures/package.txt", source_code_hash = "YmFja2VuZA==" }
  sqs_sources     = { orders = {} }
}

run "without_tenant_access_the_backend_may_assume_nothing" {
  command = plan

  assert {
    condition     = length(module.tenant_access) == 0 && output.tenant_access_role_arn == null && output.tenant_data_table_name == null
    error_message = "Tenant access is optional and off by default."
  }

  assert {
    condition     = local.tenant_access_role_arn == null && length(local.tenant_access_environment) == 0
    error_message = "Without a tenant-access role, the backend must get no role to assume and no variables for it."
  }
}

# What the backend's role may do with the ARN is checked in modules/isolated-function.
run "the_backend_learns_the_tenant_access_role_and_table" {
  command = plan

  variables {
    create_tenant_access_role = true
    create_tenant_data_table  = true
    known_tenants             = ["acme", "globex"]
    backend_environment_variables = {
      LOG_SAMPLE = "1"
    }
  }

  assert {
    condition = merge(var.backend_environment_variables, local.tenant_access_environment) == tomap({
      LOG_SAMPLE             = "1"
      TENANT_ACCESS_ROLE_ARN = "arn:aws:iam::123456789012:role/ti-tenant-access-eu-west-1"
      TENANT_DATA_TABLE      = "ti-tenant-data"
    })
    error_message = "The backend must get the role's ARN and the table's name next to its own variables, so that a backend in any language can use them."
  }

  assert {
    condition     = module.tenant_access[0].role_name == "ti-tenant-access-eu-west-1"
    error_message = "The tenant-access role's name must carry the region, like the execution roles."
  }
}

run "a_data_table_without_the_role_is_refused" {
  command = plan

  variables {
    create_tenant_data_table = true
  }

  expect_failures = [data.aws_partition.current]
}

run "a_tenant_access_role_with_nothing_to_do_is_refused" {
  command = plan

  variables {
    create_tenant_access_role = true
  }

  expect_failures = [data.aws_partition.current]
}

run "backend_variables_may_not_shadow_the_tenant_access_variables" {
  command = plan

  variables {
    create_tenant_access_role     = true
    create_tenant_data_table      = true
    backend_environment_variables = { TENANT_DATA_TABLE = "other" }
  }

  expect_failures = [var.backend_environment_variables]
}

run "an_allow_statement_that_never_names_the_tenant_tag_is_refused" {
  command = plan

  variables {
    create_tenant_access_role = true
    tenant_access_policy_statements = {
      EveryTenantsQueue = {
        actions   = ["sqs:ReceiveMessage"]
        resources = ["arn:aws:sqs:eu-west-1:123456789012:ti-tenant-*"]
      }
    }
  }

  expect_failures = [var.tenant_access_policy_statements]
}
