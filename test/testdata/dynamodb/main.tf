# A DynamoDB table with every setting the provider reads back, and an item in it: the
# round trip of localaws's DynamoDB against the pinned provider (TestDynamoDBRoundTrip).

provider "aws" {
  region = var.region
}

resource "aws_dynamodb_table" "this" {
  name         = "${var.name}-tenants"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "tenant_id"
  range_key    = "sk"

  attribute {
    name = "tenant_id"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  attribute {
    name = "status"
    type = "S"
  }

  global_secondary_index {
    name            = "by_status"
    hash_key        = "status"
    projection_type = "KEYS_ONLY"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled = true
  }

  stream_enabled   = true
  stream_view_type = "NEW_AND_OLD_IMAGES"

  tags = {
    purpose = "round-trip"
  }
}

resource "aws_dynamodb_table_item" "acme" {
  table_name = aws_dynamodb_table.this.name
  hash_key   = aws_dynamodb_table.this.hash_key
  range_key  = aws_dynamodb_table.this.range_key

  item = jsonencode({
    tenant_id = { S = "acme" }
    sk        = { S = "profile" }
    status    = { S = "ACTIVE" }
    limit     = { N = "10.50" }
  })
}
