# Generates eddyop/version.hpp with the version and the git sha of the source tree.
# The sha is read at build time, so a rebuild after a commit records the new one.
set(EDDYOP_GENERATED_DIR ${CMAKE_BINARY_DIR}/generated)
file(MAKE_DIRECTORY ${EDDYOP_GENERATED_DIR}/eddyop)
add_custom_target(eddyop_version_header
  COMMAND ${CMAKE_COMMAND}
          -DSRC=${CMAKE_SOURCE_DIR}
          -DIN=${CMAKE_SOURCE_DIR}/cmake/version.hpp.in
          -DOUT=${EDDYOP_GENERATED_DIR}/eddyop/version.hpp
          -DVERSION=${PROJECT_VERSION}
          -P ${CMAKE_SOURCE_DIR}/cmake/EddyopGitSha.cmake
  BYPRODUCTS ${EDDYOP_GENERATED_DIR}/eddyop/version.hpp
  COMMENT "eddyop: recording version and git sha")
