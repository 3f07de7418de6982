# Kokkos and KokkosKernels, exposed as eddyop::kokkos and eddyop::kokkoskernels.
#
# A user's own Kokkos (OpenMP, CUDA, ...) is taken when Kokkos_ROOT is given. Otherwise
# Debian's Trilinos Kokkos 3.4 (libtrilinos-kokkos-dev) is used: its exported Kokkos::kokkos
# target names <prefix>/lib/include, which does not exist, as its include directory, so the
# directories that do not exist are replaced by the ones the package config reports.
set(EDDYOP_USER_KOKKOS OFF)
if(DEFINED Kokkos_ROOT OR DEFINED ENV{Kokkos_ROOT})
  set(EDDYOP_USER_KOKKOS ON)
  find_package(Kokkos REQUIRED CONFIG)
  message(STATUS "eddyop: Kokkos ${Kokkos_VERSION} from Kokkos_ROOT")
else()
  find_package(Kokkos REQUIRED CONFIG HINTS /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/cmake/Kokkos)
  message(STATUS "eddyop: Kokkos from ${Kokkos_DIR}")
endif()

function(_eddyop_repair_includes target fallback)
  get_target_property(_dirs ${target} INTERFACE_INCLUDE_DIRECTORIES)
  set(_good "")
  if(_dirs)
    foreach(_d IN LISTS _dirs)
      if(_d MATCHES "^\\$<" OR EXISTS "${_d}")
        list(APPEND _good "${_d}")
      else()
        message(STATUS "eddyop: dropping non-existent include directory ${_d} of ${target}")
      endif()
    endforeach()
  endif()
  foreach(_d IN LISTS fallback)
    if(EXISTS "${_d}")
      list(APPEND _good "${_d}")
    endif()
  endforeach()
  list(REMOVE_DUPLICATES _good)
  set_target_properties(${target} PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "${_good}")
endfunction()

add_library(eddyop_kokkos INTERFACE)
target_link_libraries(eddyop_kokkos INTERFACE Kokkos::kokkos)
if(NOT EDDYOP_USER_KOKKOS)
  # Only Debian's Trilinos export needs the repair. A user's Kokkos is taken as it is: adding
  # /usr/include/trilinos beside it would mix two Kokkos versions' headers.
  _eddyop_repair_includes(Kokkos::kokkos "${Kokkos_INCLUDE_DIRS}")
  find_path(EDDYOP_KOKKOS_CORE_HPP Kokkos_Core.hpp
            HINTS ${Kokkos_INCLUDE_DIRS} /usr/include/trilinos NO_CACHE)
  if(NOT EDDYOP_KOKKOS_CORE_HPP)
    message(FATAL_ERROR "eddyop: Kokkos was found at ${Kokkos_DIR} but Kokkos_Core.hpp was not. "
                        "Install libtrilinos-kokkos-dev or pass -DKokkos_ROOT=<your Kokkos install>.")
  endif()
  target_include_directories(eddyop_kokkos SYSTEM INTERFACE ${EDDYOP_KOKKOS_CORE_HPP})
endif()
add_library(eddyop::kokkos ALIAS eddyop_kokkos)
# KokkosKernels: 4.x exports KokkosKernels::kokkoskernels, 3.x Kokkos::kokkoskernels, and
# Trilinos' build the plain imported library trilinos_kokkoskernels.
if(DEFINED KokkosKernels_ROOT OR DEFINED ENV{KokkosKernels_ROOT} OR DEFINED Kokkos_ROOT)
  find_package(KokkosKernels REQUIRED CONFIG)
else()
  find_package(KokkosKernels REQUIRED CONFIG
               HINTS /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/cmake/KokkosKernels)
endif()
add_library(eddyop_kokkoskernels INTERFACE)
if(TARGET KokkosKernels::kokkoskernels)
  target_link_libraries(eddyop_kokkoskernels INTERFACE KokkosKernels::kokkoskernels)
elseif(TARGET Kokkos::kokkoskernels)
  target_link_libraries(eddyop_kokkoskernels INTERFACE Kokkos::kokkoskernels)
elseif(TARGET trilinos_kokkoskernels)
  target_link_libraries(eddyop_kokkoskernels INTERFACE trilinos_kokkoskernels)
  target_include_directories(eddyop_kokkoskernels SYSTEM INTERFACE ${KokkosKernels_INCLUDE_DIRS})
else()
  message(FATAL_ERROR "eddyop: KokkosKernels found at ${KokkosKernels_DIR} exports no known target")
endif()
# BLAS underneath KokkosKernels on the host: OpenBLAS, first on the link line.
target_link_libraries(eddyop_kokkoskernels INTERFACE PkgConfig::OPENBLAS eddyop_kokkos)
add_library(eddyop::kokkoskernels ALIAS eddyop_kokkoskernels)
