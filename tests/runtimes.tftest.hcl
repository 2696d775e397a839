# The backend's runtime, handler, layers and package type as the root passes
# them on, and the root's own checks of each input. Whether the handler fits the
# runtime, and an image mixed with zip inputs, are checked by the backend module
# (modules/isolated-function/tests), with messages that name the root inputs too.
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

run "default_backend_is_a_bootstrap_on_provided_al2023" {
  command = plan

  assert {
    condition     = module.backend.runtime == "provided.al2023" && module.backend.handler == "bootstrap" && module.backend.package_type == "Zip"
    error_message = "Without backend_runtime and backend_handler the backend must stay provided.al2023 running bootstrap."
  }
}

run "python_backend_with_a_nested_module_handler_plans" {
  command = plan

  variables {
    backend_runtime = "python3.12"
    backend_handler = "src/worker.handler"
    backend_layers  = ["arn:aws:lambda:eu-west-1:123456789012:layer:deps:3"]
  }

  assert {
    condition     = module.backend.runtime == "python3.12" && module.backend.handler == "src/worker.handler" && module.backend.layers == tolist(["arn:aws:lambda:eu-west-1:123456789012:layer:deps:3"])
    error_message = "The backend must get the runtime, handler and layers it was given."
  }

  assert {
    condition     = module.backend.tenant_isolation_mode == "PER_TENANT"
    error_message = "Tenancy does not depend on the runtime."
  }
}

run "node_backend_plans" {
  command = plan

  variables {
    backend_runtime = "nodejs22.x"
    backend_handler = "index.handler"
  }
}

run "java_handler_in_class_method_form_plans" {
  command = plan

  variables {
    backend_runtime = "java21"
    backend_handler = "example.Worker::handleRequest"
  }
}

run "unknown_runtime_is_refused" {
  command = plan

  variables {
    backend_runtime = "python2.7"
    backend_handler = "app.handler"
  }

  expect_failures = [var.backend_runtime]
}

run "handler_with_a_space_is_refused" {
  command = plan

  variables {
    backend_runtime = "python3.12"
    backend_handler = "app handler"
  }

  expect_failures = [var.backend_handler]
}

run "six_layers_are_refused" {
  command = plan

  variables {
    backend_layers = [for i in range(6) : "arn:aws:lambda:eu-west-1:123456789012:layer:l${i}:1"]
  }

  expect_failures = [var.backend_layers]
}

run "layer_name_without_a_version_is_refused" {
  command = plan

  variables {
    backend_layers = ["arn:aws:lambda:eu-west-1:123456789012:layer:deps"]
  }

  expect_failures = [var.backend_layers]
}

################################################################################
# Container images
################################################################################

run "image_backend_plans_without_runtime_or_handler" {
  command = plan

  variables {
    backend_package_type = "Image"
    backend_package      = null
    backend_image_uri    = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/worker@sha256:${join("", [for i in range(64) : "a"])}"
  }

  assert {
    condition     = module.backend.package_type == "Image" && module.backend.runtime == null && module.backend.handler == null
    error_message = "An Image backend takes its runtime and entry point from the image."
  }
}

run "image_uri_outside_ecr_is_refused" {
  command = plan

  variables {
    backend_package_type = "Image"
    backend_package      = null
    backend_image_uri    = "docker.io/library/worker:latest"
  }

  expect_failures = [var.backend_image_uri]
}
