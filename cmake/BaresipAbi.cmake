# Which baresip the modules are built for (issue 17).
#
# OctaSIP supports three ABI families, each with its own declarations in
# modules/common/abi/ and its own adapter source there:
#
#   1.0  baresip 1.0.0 + libre 1.1.x   Debian 12 (our declarations)
#   1.1  baresip 1.1.0 + libre 2.0.x   Debian 13 (our declarations)
#   4    baresip 4.x   + re 4.x        upstream (its installed baresip.h)
#
# The family is detected from the baresip executable's own version
# ("baresip -h" prints "baresip vX.Y.Z") and cross-checked with the libre
# version pkg-config reports; OCTASIP_ABI_FAMILY overrides the detection.
# Results: OCTASIP_ABI_FAMILY, OCTASIP_BARESIP_VERSION, OCTASIP_ABI_HEADER,
# OCTASIP_ABI_ADAPTER (the adapter sources, a list),
# OCTASIP_ABI_INCLUDE_DIRS (family 4: where the installed baresip.h is,
# from libbaresip's pkg-config file).

set(OCTASIP_ABI_FAMILY "" CACHE STRING
    "baresip ABI family: 1.0, 1.1 or 4 (empty: detect from BARESIP_BINARY)")

if(NOT EXISTS "${BARESIP_BINARY}")
  message(FATAL_ERROR "OctaSIP: no baresip at ${BARESIP_BINARY}; install "
      "baresip-core or set -DBARESIP_BINARY=/path/to/baresip")
endif()

execute_process(COMMAND ${BARESIP_BINARY} -h
    OUTPUT_VARIABLE _bh ERROR_VARIABLE _bh TIMEOUT 10)
string(REGEX MATCH "baresip v([0-9]+)\\.([0-9]+)\\.([0-9]+)" _m "${_bh}")
if(NOT _m)
  message(FATAL_ERROR "OctaSIP: '${BARESIP_BINARY} -h' printed no "
      "'baresip vX.Y.Z' line; is it baresip?")
endif()
set(OCTASIP_BARESIP_VERSION
    "${CMAKE_MATCH_1}.${CMAKE_MATCH_2}.${CMAKE_MATCH_3}")

if(CMAKE_MATCH_1 EQUAL 1 AND CMAKE_MATCH_2 EQUAL 0)
  set(_fam "1.0")
  set(_re "^1\\.1\\.")
elseif(CMAKE_MATCH_1 EQUAL 1 AND CMAKE_MATCH_2 EQUAL 1)
  set(_fam "1.1")
  set(_re "^2\\.0\\.")
elseif(CMAKE_MATCH_1 EQUAL 4)
  set(_fam "4")
  set(_re "^4\\.")
else()
  message(FATAL_ERROR "OctaSIP: baresip ${OCTASIP_BARESIP_VERSION} is not "
      "supported (supported: 1.0.x Debian 12, 1.1.x Debian 13, 4.x)")
endif()

if(OCTASIP_ABI_FAMILY AND NOT OCTASIP_ABI_FAMILY STREQUAL _fam)
  message(WARNING "OctaSIP: building for ABI ${OCTASIP_ABI_FAMILY} as "
      "asked, but ${BARESIP_BINARY} is ${OCTASIP_BARESIP_VERSION} "
      "(ABI ${_fam}): the modules will refuse to load into it")
  # the stamp names the family's baresip, not the one found here
  set(OCTASIP_BARESIP_VERSION "${OCTASIP_ABI_FAMILY}.x")
else()
  set(OCTASIP_ABI_FAMILY ${_fam})
endif()

if(NOT RE_VERSION MATCHES "${_re}")
  message(FATAL_ERROR "OctaSIP: libre ${RE_VERSION} (pkg-config) does not "
      "go with baresip ${OCTASIP_BARESIP_VERSION}; point PKG_CONFIG_PATH "
      "at the libre that baresip was built with")
endif()

set(OCTASIP_ABI_HEADER "common/abi/baresip-${OCTASIP_ABI_FAMILY}.h")
set(OCTASIP_ABI_INCLUDE_DIRS "")
if(OCTASIP_ABI_FAMILY STREQUAL "4")
  set(OCTASIP_ABI_ADAPTER ${CMAKE_SOURCE_DIR}/modules/common/abi/adapt_4.c)
  # 4.x installs baresip.h and libbaresip.pc beside re's; the modules
  # take only the header (core symbols resolve from the executable's
  # libbaresip.so at load time, as on 1.x from the executable itself)
  pkg_check_modules(BARESIP REQUIRED libbaresip)
  if(NOT BARESIP_VERSION STREQUAL OCTASIP_BARESIP_VERSION)
    message(FATAL_ERROR "OctaSIP: libbaresip ${BARESIP_VERSION} "
        "(pkg-config) is not ${BARESIP_BINARY}'s "
        "${OCTASIP_BARESIP_VERSION}; point PKG_CONFIG_PATH at "
        "<prefix>/lib/pkgconfig of that baresip")
  endif()
  set(OCTASIP_ABI_INCLUDE_DIRS ${BARESIP_INCLUDE_DIRS})
  # everything that includes common/bsip.h (modules, the octasip tool for
  # the version, benches); -iquote keeps our own headers first
  include_directories(${OCTASIP_ABI_INCLUDE_DIRS})
else()
  # adapt_1.c: what 1.0 and 1.1 do alike; adapt_1_0.c or adapt_1_1.c:
  # what only that family does (the family's name with '_' for '.')
  string(REPLACE "." "_" _f_ "${OCTASIP_ABI_FAMILY}")
  set(OCTASIP_ABI_ADAPTER ${CMAKE_SOURCE_DIR}/modules/common/abi/adapt_1.c
      ${CMAKE_SOURCE_DIR}/modules/common/abi/adapt_${_f_}.c)
endif()
if(NOT EXISTS ${CMAKE_SOURCE_DIR}/modules/${OCTASIP_ABI_HEADER})
  message(FATAL_ERROR "OctaSIP: no declarations for ABI family "
      "${OCTASIP_ABI_FAMILY} (modules/${OCTASIP_ABI_HEADER})")
endif()
message(STATUS "OctaSIP: baresip ${OCTASIP_BARESIP_VERSION}, libre "
    "${RE_VERSION}: ABI family ${OCTASIP_ABI_FAMILY}")
