# The layering rule of design.md, checked on every file: core/ includes nothing from connectors/
# or daemon/ and no Beast; connectors/ and config/ include nothing from daemon/. Run by CTest
# (layering.*) as `cmake -DROOT=<source dir> -DFOLDER=<folder> -DFORBIDDEN=<regex> -P this`;
# an include that also matches -DALLOWED=<regex> (the table of defaults) is fine.
# Fails naming each offending file and line.
if(NOT ROOT OR NOT FOLDER OR NOT FORBIDDEN)
  message(FATAL_ERROR "usage: cmake -DROOT=DIR -DFOLDER=core -DFORBIDDEN=REGEX -P check_layering.cmake")
endif()
file(GLOB_RECURSE files "${ROOT}/${FOLDER}/*.hpp" "${ROOT}/${FOLDER}/*.cpp" "${ROOT}/${FOLDER}/*.h")
set(problems "")
foreach(f IN LISTS files)
  file(STRINGS "${f}" lines)
  set(n 0)
  foreach(line IN LISTS lines)
    math(EXPR n "${n} + 1")
    if(line MATCHES "^[ \t]*#[ \t]*include[ \t]*[<\"](${FORBIDDEN})" AND NOT (ALLOWED AND line MATCHES "[<\"](${ALLOWED})[>\"]"))
      file(RELATIVE_PATH rel "${ROOT}" "${f}")
      string(APPEND problems "\n  ${rel}:${n}: ${line}")
    endif()
  endforeach()
endforeach()
list(LENGTH files count)
if(problems)
  message(FATAL_ERROR "${FOLDER}/ may not include ${FORBIDDEN}:${problems}")
endif()
message(STATUS "${FOLDER}/: ${count} files, none includes ${FORBIDDEN}")
