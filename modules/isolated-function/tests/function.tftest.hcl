# The tenant-isolated function's plan: tenancy, package, role and on-failure
# destination. Offline: `make test-module`.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  function_name    = "ti-backend"
  filename         = "../../tests/fixtures/package.zip"
  source_code_hash = "YmFja2VuZA=="
}

run "function_is_tenant_isolated" {
  command = plan

  assert {
    condition     = aws_lambda_function.this.tenancy_config[0].tenant_isolation_mode == "PER_TENANT"
    error_message = "The backend must be created with tenant_isolation_mode PER_TENANT."
  }

  assert {
    condition     = aws_lambda_function.this.logging_config[0].log_format == "JSON"
    error_message = "JSON logs carry tenantId on every platform event."
  }
}
