# Fails when a file of an engine layer includes a header of a layer it does
# not depend on (cmake/engine_layers.cmake): the layers' direction is the
# data flow, and this keeps it. Run on every build (CMakeLists.txt):
#
#   cmake -DSOURCE_DIR=<repository> [-DSTAMP=<file to touch>] -P cmake/check_layers.cmake
#
# An include is resolved as the compiler would for the engine: beside the
# including file, then under engine/src, then under engine/include. Includes
# that resolve to no engine file (system and library headers) are not
# checked.

cmake_minimum_required(VERSION 3.22)
if(NOT SOURCE_DIR)
  message(FATAL_ERROR "check_layers.cmake: pass -DSOURCE_DIR=<repository>")
endif()
include(${SOURCE_DIR}/cmake/engine_layers.cmake)

# The layer of every listed file.
foreach(layer ${TRUSTCHECK_LAYERS})
  foreach(file ${TRUSTCHECK_LAYER_${layer}_SOURCES} ${TRUSTCHECK_LAYER_${layer}_HEADERS})
    string(MAKE_C_IDENTIFIER "${file}" key)
    set(layer_of_${key} ${layer})
  endforeach()
endforeach()

# The engine file an include names, relative to SOURCE_DIR, or "".
function(resolve_include including name out)
  get_filename_component(dir "${including}" DIRECTORY)
  foreach(candidate "${dir}/${name}" "engine/src/${name}" "engine/include/${name}")
    string(MAKE_C_IDENTIFIER "${candidate}" key)
    if(DEFINED layer_of_${key})
      set(${out} "${candidate}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  set(${out} "" PARENT_SCOPE)
endfunction()

set(violations "")
foreach(layer ${TRUSTCHECK_LAYERS})
  set(allowed ${layer} ${TRUSTCHECK_LAYER_${layer}_DEPENDS})
  foreach(file ${TRUSTCHECK_LAYER_${layer}_SOURCES} ${TRUSTCHECK_LAYER_${layer}_HEADERS})
    file(STRINGS "${SOURCE_DIR}/${file}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"[^\"]+\"")
    foreach(line ${includes})
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]+)\".*" "\\1" name "${line}")
      resolve_include("${file}" "${name}" target)
      if(target STREQUAL "")
        continue()
      endif()
      string(MAKE_C_IDENTIFIER "${target}" key)
      set(target_layer ${layer_of_${key}})
      if(NOT target_layer IN_LIST allowed)
        string(REPLACE ";" ", " allowed_text "${allowed}")
        string(APPEND violations
               "${file}: includes \"${name}\" of layer `${target_layer}`; layer `${layer}` may include only ${allowed_text}\n")
      endif()
    endforeach()
  endforeach()
endforeach()

if(NOT violations STREQUAL "")
  message(FATAL_ERROR "engine layers: an include against the direction of the data flow "
                      "(cmake/engine_layers.cmake):\n${violations}")
endif()
if(STAMP)
  file(TOUCH "${STAMP}")
endif()
