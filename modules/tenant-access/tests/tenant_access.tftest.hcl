# The tenant-access role's plan: who may assume it and with which session tag,
# what each tenant may reach, and the tenant data table. Offline: `make test-module`.

mock_provider "aws" {
  source = "../../tests/mocks"
}

variables {
  role_name        = "ti-tenant-access-eu-west-1"
  trusted_role_arn = "arn:aws:iam::123456789012:role/ti-backend-eu-west-1"
  policy_statements = {
    OwnPrefix = {
      actions   = ["s3:GetObject", "s3:PutObject"]
      resources = ["arn:aws:s3:::ti-data/tenants/$${aws:PrincipalTag/TenantId}/*"]
    }
  }
}

run "only_the_backend_role_assumes_with_one_non_empty_tenant_tag" {
  command = plan

  assert {
    condition = (
      length(data.aws_iam_policy_document.trust.statement) == 1 &&
      toset(one(data.aws_iam_policy_document.trust.statement).actions) == toset(["sts:AssumeRole", "sts:TagSession"]) &&
      one(one(data.aws_iam_policy_document.trust.statement).principals).type == "AWS" &&
      one(one(data.aws_iam_policy_document.trust.statement).principals).identifiers == toset(["arn:aws:iam::123456789012:role/ti-backend-eu-west-1"])
    )
    error_message = "Only the backend's role may assume the role, and it must tag the session (sts:TagSession) to do so."
  }

  assert {
    condition = contains([
      for c in one(data.aws_iam_policy_document.trust.statement).condition : "${c.test} ${c.variable} ${join(",", c.values)}"
    ], "StringLike aws:RequestTag/TenantId ?*")
    error_message = "Without known_tenants the trust policy must require a non-empty TenantId session tag."
  }

  assert {
    condition = contains([
      for c in one(data.aws_iam_policy_document.trust.statement).condition : "${c.test} ${c.variable} ${join(",", c.values)}"
    ], "ForAllValues:StringEquals aws:TagKeys TenantId")
    error_message = "The trust policy must refuse every session tag but TenantId."
  }
}

run "known_tenants_are_matched_exactly_in_the_trust_policy" {
  command = plan

  variables {
    known_tenants = ["acme", "globex"]
  }

  assert {
    condition = contains([
      for c in one(data.aws_iam_policy_document.trust.statement).condition : "${c.test} ${c.variable} ${join(",", c.values)}"
    ], "StringEquals aws:RequestTag/TenantId acme,globex")
    error_message = "With known_tenants, the trust policy must admit exactly those TenantId values."
  }
}

run "an_allow_statement_that_never_names_the_tenant_tag_is_refused" {
  command = plan

  variables {
    policy_statements = {
      WholeBucket = {
        actions   = ["s3:GetObject"]
        resources = ["arn:aws:s3:::ti-data/*"]
      }
    }
  }

  expect_failures = [var.policy_statements]
}

run "a_statement_scoped_by_condition_or_marked_shared_plans" {
  command = plan

  variables {
    policy_statements = {
      OwnQueue = {
        actions   = ["sqs:SendMessage"]
        resources = ["arn:aws:sqs:eu-west-1:123456789012:ti-tenant-*"]
        conditions = [{
          test     = "StringEquals"
          variable = "aws:ResourceTag/TenantId"
          values   = ["&{aws:PrincipalTag/TenantId}"]
        }]
      }
      SharedKey = {
        actions       = ["kms:Decrypt"]
        resources     = ["arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
        tenant_scoped = false
      }
    }
  }

  assert {
    condition     = toset([for s in data.aws_iam_policy_document.this.statement : s.sid]) == toset(["OwnQueue", "SharedKey"])
    error_message = "The caller's statements must reach the role's policy under their keys as statement IDs."
  }
}

run "a_role_with_nothing_to_do_is_refused" {
  command = plan

  variables {
    policy_statements = {}
  }

  expect_failures = [aws_iam_role.this]
}

run "a_tenant_id_tag_never_reaches_the_role" {
  command = plan

  variables {
    tags = { TenantId = "acme", tenantid = "acme", Team = "orders" }
  }

  assert {
    condition     = aws_iam_role.this.tags == tomap({ Team = "orders" })
    error_message = "A TenantId role tag would name a tenant for sessions without the session tag; it must be left off the role."
  }
}

run "data_table_keys_by_tenant_and_its_items_are_reached_by_leading_key_only" {
  command = plan

  variables {
    create_data_table = true
    data_table_name   = "ti-tenant-data"
  }

  assert {
    condition = (
      aws_dynamodb_table.this[0].hash_key == "tenant_id" &&
      aws_dynamodb_table.this[0].range_key == "sk" &&
      aws_dynamodb_table.this[0].billing_mode == "PAY_PER_REQUEST" &&
      aws_dynamodb_table.this[0].point_in_time_recovery[0].enabled &&
      aws_dynamodb_table.this[0].server_side_encryption[0].enabled
    )
    error_message = "The table must be keyed by tenant_id (so that LeadingKeys is the tenant), on demand, with point-in-time recovery and KMS encryption."
  }

  assert {
    condition = one([
      for s in data.aws_iam_policy_document.this.statement : [for c in s.condition : "${c.test} ${c.variable} ${join(",", c.values)}"]
      if s.sid == "OwnTenantItemsOnly"
    ]) == ["ForAllValues:StringEquals dynamodb:LeadingKeys $${aws:PrincipalTag/TenantId}", "Null dynamodb:LeadingKeys false"]
    error_message = "Table access must require every leading key to be the session's tenant, and refuse requests without leading keys."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.this.statement : !contains(s.actions, "dynamodb:Scan") && !anytrue([for a in s.actions : strcontains(a, "*")])
      if s.sid == "OwnTenantItemsOnly"
    ])
    error_message = "A Scan reads every tenant's items whatever the leading keys: it must never be allowed, not even through a wildcard."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.this.statement : s.resources if s.sid == "OwnTenantItemsOnly"]) == toset(["arn:aws:dynamodb:eu-west-1:123456789012:table/ti-tenant-data"])
    error_message = "Table access must name the table, and only it."
  }
}

run "data_table_without_a_name_is_refused" {
  command = plan

  variables {
    create_data_table = true
  }

  expect_failures = [aws_dynamodb_table.this]
}
