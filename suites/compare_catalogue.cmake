# Fails when `ra2cert list --output yaml` differs from the checked-in golden listing.
# To accept a deliberate change: build/dev/bin/ra2cert list --output yaml > suites/catalogue.golden.yaml
execute_process(COMMAND ${RA2CERT} list --output yaml OUTPUT_VARIABLE actual RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "ra2cert list failed (exit ${rc})")
endif()
file(READ ${GOLDEN} expected)
if(NOT actual STREQUAL expected)
  string(REPLACE ";" "," actual_flat "${actual}")
  message(FATAL_ERROR "The case catalogue changed. If that is deliberate, regenerate the golden file:\n"
                      "  ra2cert list --output yaml > suites/catalogue.golden.yaml\n"
                      "Current listing:\n${actual}")
endif()
