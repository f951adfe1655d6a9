# Run by `cmake --install` (see CMakeLists.txt): installs eightsync.service with ExecStart= and
# Documentation= naming where this install puts the binary and the docs. CMAKE_INSTALL_PREFIX
# here is the install-time prefix; file(INSTALL) adds $DESTDIR and records the file in
# install_manifest.txt.
foreach(var IN ITEMS EIGHTSYNC_UNIT_DIR EIGHTSYNC_BINDIR EIGHTSYNC_DOCDIR)
  if(NOT IS_ABSOLUTE "${${var}}")
    set(${var} "${CMAKE_INSTALL_PREFIX}/${${var}}")
  endif()
endforeach()

file(READ "${EIGHTSYNC_UNIT_SOURCE}" unit)
string(REPLACE "ExecStart=/usr/bin/eightsync " "ExecStart=${EIGHTSYNC_BINDIR}/eightsync " unit "${unit}")
string(REPLACE "file:///usr/share/doc/eightsync/" "file://${EIGHTSYNC_DOCDIR}/" unit "${unit}")
string(FIND "${unit}" "ExecStart=${EIGHTSYNC_BINDIR}/eightsync run " found)
if(found EQUAL -1)
  message(FATAL_ERROR "eightsync.service: no `ExecStart=/usr/bin/eightsync run` line to point at ${EIGHTSYNC_BINDIR}")
endif()
# Staged in a directory of this install's own (DESTDIR and prefix), so that two installs at once
# (`cmake --install` and CPack, as the tests run them in parallel) never install each other's.
string(MD5 install_key "$ENV{DESTDIR}|${CMAKE_INSTALL_PREFIX}")
get_filename_component(staged_dir "${EIGHTSYNC_UNIT_STAGED}" DIRECTORY)
set(staged "${staged_dir}/staged-${install_key}/eightsync.service")
# file(WRITE), not configure_file(): "@privileged @resources" must stay as it is.
file(WRITE "${staged}" "${unit}")
file(INSTALL DESTINATION "${EIGHTSYNC_UNIT_DIR}" TYPE FILE PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
     FILES "${staged}")
file(REMOVE_RECURSE "${staged_dir}/staged-${install_key}")
