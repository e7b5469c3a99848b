pytest_plugins = ["tests.fixtures.temporal", "tests.fixtures.postgres"]
