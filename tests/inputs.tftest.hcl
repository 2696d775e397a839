# Inputs that AWS or the provider would refuse at apply, or that would
# misbehave, must fail at plan with a message that names the root input to fix.
# Offline: `make test-module` (mock provider, no credentials, no endpoint).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name            = "ti"
  router_package  = { filename = "tests/fixtures/package.zip", source_code_hash = "cm91dGVy" }
  backend_package = { filename = "tests/fixtures/package.zip", source_code_hash = "YmFja2VuZA==" }
  sqs_sources     = { orders = {} }
}

run "defaults_plan" {
  command = plan
}
