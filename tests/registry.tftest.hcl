# The tenant registry at the root: created or brought, wired into the router, and the outputs tenantctl reads.
# Offline: `make test-module`.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name            = "ti"
  router_package  = { filename = "tests/fixtures/package.txt", source_code_hash = "cm91dGVy" }
  backend_package = { filename = "tests/fixtures/package.txt", source_code_hash = "YmFja2VuZA==" }
  sqs_sources     = { orders = {} }
}

run "no_registry_by_default" {
  command = plan

  assert {
    condition     = length(module.tenant_registry) == 0 && output.tenantctl == null && output.tenant_registry_table_arn == null
    error_message = "Without create_tenant_registry or tenant_registry_table_arn there is no registry."
  }
}

run "created_registry_is_named_after_the_stack_and_wired_into_the_router" {
  command = plan

  variables {
    create_tenant_registry            = true
    tenant_registry_cache_ttl_seconds = 5
  }

  assert {
    condition     = module.tenant_registry[0].table_name == "ti-tenants" && module.tenant_registry[0].held_queue_name == "ti-held"
    error_message = "The module creates \"<name>-tenants\" and \"<name>-held\"."
  }

  assert {
    condition     = module.router.environment_variables.ROUTER_REGISTRY_TABLE == "ti-tenants" && module.router.environment_variables.ROUTER_REGISTRY_CACHE_TTL_SECONDS == "5"
    error_message = "The router must read the created table with the configured TTL."
  }

  assert {
    condition     = output.tenantctl.table_name == "ti-tenants" && output.tenantctl.cache_ttl_seconds == 5 && output.tenantctl.sources.orders.kind == "sqs"
    error_message = "The tenantctl output must name the table, the TTL and every source."
  }
}

run "brought_table_is_used_and_none_created" {
  command = plan

  variables {
    tenant_registry_table_arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/platform-tenants"
  }

  assert {
    condition     = length(module.tenant_registry[0].table_name) > 0 && module.router.environment_variables.ROUTER_REGISTRY_TABLE == "platform-tenants"
    error_message = "A table brought by ARN must be the one the router reads."
  }

  assert {
    condition     = output.tenant_registry_table_arn == "arn:aws:dynamodb:eu-west-1:123456789012:table/platform-tenants"
    error_message = "The output must be the brought table's ARN."
  }
}

run "both_a_created_and_a_brought_table_is_refused" {
  command = plan

  variables {
    create_tenant_registry    = true
    tenant_registry_table_arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/platform-tenants"
  }

  expect_failures = [data.aws_partition.current]
}

run "a_table_name_is_not_a_table_arn" {
  command = plan

  variables {
    tenant_registry_table_arn = "platform-tenants"
  }

  expect_failures = [var.tenant_registry_table_arn]
}

run "registry_and_known_tenants_together_are_allowed" {
  command = plan

  variables {
    create_tenant_registry = true
    known_tenants          = ["acme"]
  }

  assert {
    condition     = module.router.environment_variables.ROUTER_KNOWN_TENANTS == "[\"acme\"]" && module.router.environment_variables.ROUTER_REGISTRY_TABLE == "ti-tenants"
    error_message = "known_tenants and a registry may be used together."
  }
}

run "cache_ttl_over_an_hour_is_refused" {
  command = plan

  variables {
    create_tenant_registry            = true
    tenant_registry_cache_ttl_seconds = 3601
  }

  expect_failures = [var.tenant_registry_cache_ttl_seconds]
}
