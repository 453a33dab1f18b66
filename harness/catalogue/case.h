// The one macro a suite uses to declare a test case:
//
//   RA2CERT_CASE(ContainerRuntime, ImplementsCri,
//                {.id = "4.4.001", .title = "The runtime answers CRI Version",
//                 .requirements = {"ra2.crt.002"}, .needs = {"cri"}}) {
//     ... GoogleTest assertions ...
//   }
//
// The body is an ordinary GoogleTest test; it runs in its own process (see
// harness/run/case_child.h), so a crash or a hang is that case's outcome only.
#pragma once

#include <gtest/gtest.h>

#include "harness/catalogue/case_metadata.h"
#include "harness/catalogue/case_registry.h"
#include "harness/run/case_signals.h"

#define RA2CERT_CASE(suite, name, ...)                                            \
  static const ::ra2cert::CaseRegistrar ra2cert_case_registrar_##suite##_##name(  \
      #suite "." #name, __FILE__, __LINE__, ::ra2cert::CaseMetadata __VA_ARGS__); \
  TEST(suite, name)

// Skip because the requirement does not apply to this cluster (e.g. no service mesh is
// offered): the requirement becomes not-applicable, not unverified.
#define RA2CERT_NOT_APPLICABLE(reason)  \
  do {                                  \
    ::ra2cert::MarkSkipNotApplicable(); \
    GTEST_SKIP() << (reason);           \
  } while (false)

// Stop because the harness or the infrastructure broke (not the cluster failing a
// requirement): reported as Error, never as Failed.
#define RA2CERT_INFRA_ERROR(message)      \
  do {                                    \
    ::ra2cert::MarkInfrastructureError(); \
    FAIL() << (message);                  \
  } while (false)
