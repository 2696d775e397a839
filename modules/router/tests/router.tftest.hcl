# The router's plan: package, environment size and the role's scope.
# Offline: `make test-module`.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  function_name        = "ti-router"
  filename             = "../../tests/fixtures/package.txt"
  source_code_hash     = "cm91dGVy"
  backend_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:ti-backend"
  sources = [{
    name      = "orders"
    kind      = "sqs"
    queue_arn = "arn:aws:sqs:eu-west-1:123456789012:ti-orders"
    rules     = [{ type = "message_attribute", name = "tenantId" }]
  }]
}

run "router_is_not_tenant_isolated" {
  command = plan

  assert {
    condition     = length(aws_lambda_function.this.tenancy_config) == 0
    error_message = "An event source mapping cannot invoke a tenant-isolated function, so the router must not be one."
  }
}

run "source_code_hash_defaults_to_the_hash_of_filename" {
  command = plan

  variables {
    source_code_hash = null
  }

  assert {
    condition     = aws_lambda_function.this.source_code_hash == filebase64sha256("../../tests/fixtures/package.txt")
    error_message = "Without source_code_hash, a rebuilt zip would never be deployed: it must default to filebase64sha256(filename)."
  }
}

run "s3_bucket_without_a_key_is_refused" {
  command = plan

  variables {
    filename  = null
    s3_bucket = "builds"
  }

  expect_failures = [aws_lambda_function.this]
}

run "role_may_invoke_only_the_backend" {
  command = plan

  assert {
    condition = one([for st in data.aws_iam_policy_document.this.statement : st.resources if contains(st.actions, "lambda:InvokeFunction")]) == toset([
      "arn:aws:lambda:eu-west-1:123456789012:function:ti-backend",
      "arn:aws:lambda:eu-west-1:123456789012:function:ti-backend:*",
    ])
    error_message = "The router's role may invoke the backend (and its versions and aliases) and nothing else."
  }
}

run "reserved_concurrency_is_passed_on" {
  command = plan

  variables {
    reserved_concurrent_executions = 50
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == 50
    error_message = "reserved_concurrent_executions must reach the function."
  }
}

# 150 tenants of 10 characters take 1,951 bytes as JSON: well under 4 KB.
run "environment_with_150_known_tenants_plans" {
  command = plan

  variables {
    known_tenants = [for i in range(150) : format("tenant-%03d", i)]
  }
}

# 300 of them take 3,901 bytes, and the other variables push it past 4 KB.
run "environment_over_4_kb_is_refused" {
  command = plan

  variables {
    known_tenants = [for i in range(300) : format("tenant-%03d", i)]
  }

  expect_failures = [aws_lambda_function.this]
}

run "registry_gives_the_role_batch_reads_of_its_table_and_sends_to_the_held_queue_only" {
  command = plan

  variables {
    tenant_registry = {
      table_name      = "ti-tenants"
      table_arn       = "arn:aws:dynamodb:eu-west-1:123456789012:table/ti-tenants"
      held_queue_name = "ti-held"
      held_queue_url  = "https://sqs.eu-west-1.amazonaws.com/123456789012/ti-held"
      held_queue_arn  = "arn:aws:sqs:eu-west-1:123456789012:ti-held"
    }
  }

  assert {
    condition = [for st in data.aws_iam_policy_document.this.statement : { actions = st.actions, resources = st.resources } if st.sid == "ReadTenantStatusFromRegistry"] == [{
      actions   = toset(["dynamodb:BatchGetItem"])
      resources = toset(["arn:aws:dynamodb:eu-west-1:123456789012:table/ti-tenants"])
    }]
    error_message = "The router may only BatchGetItem on the registry table: it never writes, scans or reads another table."
  }

  assert {
    condition     = length([for st in data.aws_iam_policy_document.this.statement : st if anytrue([for a in st.actions : startswith(a, "dynamodb:")]) && st.sid != "ReadTenantStatusFromRegistry"]) == 0
    error_message = "No other statement may grant DynamoDB actions."
  }

  assert {
    condition     = one([for st in data.aws_iam_policy_document.this.statement : st.resources if st.sid == "HoldSuspendedTenantsMessages"]) == toset(["arn:aws:sqs:eu-west-1:123456789012:ti-held"])
    error_message = "The router must be able to send to the held queue, and to no other queue for it."
  }

  assert {
    condition     = output.environment_variables.ROUTER_REGISTRY_TABLE == "ti-tenants" && output.environment_variables.ROUTER_REGISTRY_CACHE_TTL_SECONDS == "60" && output.environment_variables.ROUTER_REGISTRY_STALE_SECONDS == "300"
    error_message = "The router's environment must name the table and carry the cache defaults (60 s TTL, 300 s stale)."
  }
}

run "no_registry_no_dynamodb_access" {
  command = plan

  assert {
    condition     = length([for st in data.aws_iam_policy_document.this.statement : st if anytrue([for a in st.actions : startswith(a, "dynamodb:")])]) == 0 && !contains(keys(output.environment_variables), "ROUTER_REGISTRY_TABLE")
    error_message = "Without a registry the router gets no DynamoDB permission and no registry variables."
  }
}

run "registry_cache_ttl_of_zero_is_refused" {
  command = plan

  variables {
    tenant_registry = {
      table_name        = "ti-tenants"
      table_arn         = "arn:aws:dynamodb:eu-west-1:123456789012:table/ti-tenants"
      held_queue_name   = "ti-held"
      held_queue_url    = "https://sqs.eu-west-1.amazonaws.com/123456789012/ti-held"
      held_queue_arn    = "arn:aws:sqs:eu-west-1:123456789012:ti-held"
      cache_ttl_seconds = 0
    }
  }

  expect_failures = [var.tenant_registry]
}
