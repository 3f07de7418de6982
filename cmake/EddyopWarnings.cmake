# Warnings for eddyop's own targets only (third-party headers are included as SYSTEM).
add_library(eddyop_warnings INTERFACE)
target_compile_options(eddyop_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
    -Wcast-align -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion>)
