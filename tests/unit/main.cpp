// The Catch2 runner for every tests/unit/**/*_test.cpp; run from the repository root.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
