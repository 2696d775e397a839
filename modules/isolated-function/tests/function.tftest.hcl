# The tenant-isolated function's plan: tenancy, package, role and on-failure
# destination. Offline: `make test-module`.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  function_name    = "ti-backend"
  filename         = "../../tests/fixtures/package.txt"
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

run "filename_with_an_s3_key_is_refused" {
  command = plan

  variables {
    s3_key = "worker.zip"
  }

  expect_failures = [aws_lambda_function.this]
}

run "policy_attachments_are_keyed_by_the_callers_keys" {
  command = plan

  variables {
    policy_arns = {
      xray = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
      read = "arn:aws:iam::123456789012:policy/read-orders"
    }
  }

  assert {
    condition     = toset(keys(aws_iam_role_policy_attachment.this)) == toset(["xray", "read"]) && aws_iam_role_policy_attachment.this["read"].policy_arn == "arn:aws:iam::123456789012:policy/read-orders"
    error_message = "Policy attachments must be keyed by the caller's keys, so that removing one leaves the others in place."
  }
}

run "created_on_failure_queue_with_a_key_gets_a_grant" {
  # The queue's ARN is known once the mock "creates" it.
  command = apply

  variables {
    sqs_kms_master_key_id = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition = one([for st in data.aws_iam_policy_document.this.statement : st.resources if st.sid == "EncryptForOnFailureDestination"]) == toset([
      "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    ])
    error_message = "The role sends failure records to the encrypted queue, so it needs the queue's key."
  }
}

run "given_on_failure_destination_with_a_key_gets_a_grant" {
  command = plan

  variables {
    create_on_failure_queue            = false
    on_failure_destination_arn         = "arn:aws:sqs:eu-west-1:123456789012:shared-failures"
    on_failure_destination_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef"
  }

  assert {
    condition     = one([for st in data.aws_iam_policy_document.this.statement : st.resources if st.sid == "SendFailedAsyncInvocationsToDestination"]) == toset(["arn:aws:sqs:eu-west-1:123456789012:shared-failures"])
    error_message = "The role must be allowed to send to the given destination."
  }

  assert {
    condition     = one([for st in data.aws_iam_policy_document.this.statement : st.resources if st.sid == "EncryptForOnFailureDestination"]) == toset(["arn:aws:kms:eu-west-1:123456789012:key/mrk-0123456789abcdef0123456789abcdef"])
    error_message = "A given destination encrypted with a customer managed key needs a grant on that key."
  }

  assert {
    condition     = aws_lambda_function_event_invoke_config.this.destination_config[0].on_failure[0].destination == "arn:aws:sqs:eu-west-1:123456789012:shared-failures"
    error_message = "Failed async invocations must go to the given destination."
  }
}

run "given_destination_without_a_key_gets_no_grant" {
  command = plan

  variables {
    create_on_failure_queue    = false
    on_failure_destination_arn = "arn:aws:sqs:eu-west-1:123456789012:shared-failures"
    sqs_kms_master_key_id      = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  assert {
    condition     = length([for st in data.aws_iam_policy_document.this.statement : st if st.sid == "EncryptForOnFailureDestination"]) == 0
    error_message = "sqs_kms_master_key_id encrypts only the queue the module creates; a given destination's key comes from on_failure_destination_kms_key_arn."
  }
}

run "destination_key_without_a_given_destination_is_refused" {
  command = plan

  variables {
    on_failure_destination_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  expect_failures = [aws_lambda_function.this]
}

run "alias_arn_for_the_destination_key_is_refused" {
  command = plan

  variables {
    create_on_failure_queue            = false
    on_failure_destination_arn         = "arn:aws:sqs:eu-west-1:123456789012:shared-failures"
    on_failure_destination_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:alias/failures"
  }

  expect_failures = [var.on_failure_destination_kms_key_arn]
}

################################################################################
# Runtime and package type
################################################################################

run "python_runtime_with_a_file_function_handler_plans" {
  command = plan

  variables {
    runtime = "python3.13"
    handler = "app.handler"
  }

  assert {
    condition     = aws_lambda_function.this.runtime == "python3.13" && aws_lambda_function.this.handler == "app.handler"
    error_message = "The function must get the runtime and handler it was given."
  }
}

run "node_handler_naming_no_function_is_refused" {
  command = plan

  variables {
    runtime = "nodejs22.x"
    handler = "index"
  }

  expect_failures = [aws_lambda_function.this]
}

run "image_with_a_zip_file_is_refused" {
  command = plan

  variables {
    package_type = "Image"
    image_uri    = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/worker:v1"
    runtime      = null
    handler      = null
  }

  expect_failures = [aws_lambda_function.this]
}

run "image_plans_with_image_uri_alone" {
  command = plan

  variables {
    package_type     = "Image"
    image_uri        = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/worker:v1"
    runtime          = null
    handler          = null
    filename         = null
    source_code_hash = null
  }

  assert {
    condition     = aws_lambda_function.this.package_type == "Image" && aws_lambda_function.this.image_uri == "123456789012.dkr.ecr.eu-west-1.amazonaws.com/worker:v1"
    error_message = "An Image function must carry its image URI."
  }
}

run "unknown_package_type_is_refused" {
  command = plan

  variables {
    package_type = "Container"
  }

  expect_failures = [var.package_type]
}

run "the_role_may_assume_only_the_tenant_access_role_and_reaches_no_data_itself" {
  command = plan

  variables {
    tenant_access_role_arn = "arn:aws:iam::123456789012:role/ti-tenant-access-eu-west-1"
  }

  assert {
    condition = [for st in data.aws_iam_policy_document.this.statement : {
      actions   = st.actions, resources = st.resources } if anytrue([for a in st.actions : startswith(a, "sts:")])] == [{
      actions   = toset(["sts:AssumeRole", "sts:TagSession"])
      resources = toset(["arn:aws:iam::123456789012:role/ti-tenant-access-eu-west-1"])
    }]
    error_message = "The backend's role may assume the tenant-access role, tagging the session, and no other role."
  }

  assert {
    condition     = alltrue([for st in data.aws_iam_policy_document.this.statement : alltrue([for a in st.actions : contains(["logs", "sqs", "kms", "sts"], split(":", a)[0])])])
    error_message = "The tenant-access role alone reaches tenant data: the backend's own role gets nothing beyond logs, its on-failure queue and the role."
  }
}

run "without_a_tenant_access_role_the_role_may_assume_nothing" {
  command = plan

  assert {
    condition     = length([for st in data.aws_iam_policy_document.this.statement : st if anytrue([for a in st.actions : startswith(a, "sts:")])]) == 0
    error_message = "Without tenant_access_role_arn, the backend's role must not be allowed to assume any role."
  }
}

run "zip_without_a_package_is_refused" {
  command = plan

  variables {
    filename         = null
    source_code_hash = null
  }

  expect_failures = [aws_lambda_function.this]
}

run "python_without_a_handler_is_refused" {
  command = plan

  variables {
    runtime = "python3.12"
    handler = null
  }

  expect_failures = [aws_lambda_function.this]
}

run "bootstrap_handler_on_node_is_refused" {
  command = plan

  variables {
    runtime = "nodejs22.x"
    handler = "bootstrap"
  }

  expect_failures = [aws_lambda_function.this]
}

run "file_function_handler_on_provided_is_refused" {
  command = plan

  variables {
    handler = "app.handler"
  }

  expect_failures = [aws_lambda_function.this]
}

run "image_with_a_runtime_is_refused" {
  command = plan

  variables {
    package_type     = "Image"
    image_uri        = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/worker:v1"
    runtime          = "python3.12"
    handler          = null
    filename         = null
    source_code_hash = null
  }

  expect_failures = [aws_lambda_function.this]
}

run "image_with_layers_is_refused" {
  command = plan

  variables {
    package_type     = "Image"
    image_uri        = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/worker:v1"
    runtime          = null
    handler          = null
    layers           = ["arn:aws:lambda:eu-west-1:123456789012:layer:deps:3"]
    filename         = null
    source_code_hash = null
  }

  expect_failures = [aws_lambda_function.this]
}

run "image_without_an_image_uri_is_refused" {
  command = plan

  variables {
    package_type     = "Image"
    runtime          = null
    handler          = null
    filename         = null
    source_code_hash = null
  }

  expect_failures = [aws_lambda_function.this]
}

run "image_uri_on_a_zip_function_is_refused" {
  command = plan

  variables {
    image_uri = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/worker:v1"
  }

  expect_failures = [aws_lambda_function.this]
}
