# SPDX-License-Identifier: Apache-2.0
# The Debian packages, built by CPack: `cmake --build build --target package` writes
# eightsync_VERSION_ARCH.deb (the service) and, with the tests built, eightsync-emulator_VERSION_ARCH.deb.
#
# Install components:
#   service   everything `cmake --install` installs for eightsync (the default component);
#   conffile  /etc/eightsync/eightsync.yaml, packaged only (EXCLUDE_FROM_ALL: `cmake --install`
#             never writes to /etc);
#   emulator  eightsync-emulator (tests/emulator).
# service and conffile make the package eightsync, emulator the package eightsync-emulator.
# Each package also gets /usr/share/doc/PACKAGE/copyright and changelog.gz, and, when
# debian/PACKAGE.lintian-overrides exists, /usr/share/lintian/overrides/PACKAGE: each override
# there says why, in a comment above it.

set(EIGHTSYNC_DEBIAN_DIR "${CMAKE_CURRENT_LIST_DIR}")
set(EIGHTSYNC_DEBIAN_OUT "${CMAKE_BINARY_DIR}/debian")
file(MAKE_DIRECTORY "${EIGHTSYNC_DEBIAN_OUT}")

# The conffile: the example config with every setting commented out where it stands ("  #type: csv";
# its comments stay "# ..."), under a header of its own
# (the example's own header, which describes the example, is left out).
set(example "${PROJECT_SOURCE_DIR}/config/eightsync.example.yaml")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${example}" "${EIGHTSYNC_DEBIAN_DIR}/conffile_head.yaml")
file(READ "${example}" body)
string(FIND "${body}" "# Rules for every key:" rules_at)
if(rules_at EQUAL -1)
  message(FATAL_ERROR "${example}: no \"# Rules for every key:\" line to start the conffile at")
endif()
string(SUBSTRING "${body}" ${rules_at} -1 body)
string(REGEX REPLACE "\n( *)([^ #\n])" "\n\\1#\\2" body "\n${body}")
string(SUBSTRING "${body}" 1 -1 body)
file(READ "${EIGHTSYNC_DEBIAN_DIR}/conffile_head.yaml" head)
file(WRITE "${EIGHTSYNC_DEBIAN_OUT}/eightsync.yaml" "${head}${body}")
# Absolute: the file belongs to /etc whatever the prefix. The component is only ever installed
# by name (CPack names it), into CPack's staging directory.
install(FILES "${EIGHTSYNC_DEBIAN_OUT}/eightsync.yaml" DESTINATION "../etc/eightsync"
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ COMPONENT conffile EXCLUDE_FROM_ALL)

# changelog.gz, as Debian wants it (gzip -9n: no name or time stamp, so builds are reproducible).
add_custom_command(OUTPUT "${EIGHTSYNC_DEBIAN_OUT}/changelog.gz"
  COMMAND gzip -9n -c "${EIGHTSYNC_DEBIAN_DIR}/changelog" > "${EIGHTSYNC_DEBIAN_OUT}/changelog.gz"
  DEPENDS "${EIGHTSYNC_DEBIAN_DIR}/changelog" VERBATIM)
add_custom_target(eightsync_debian_changelog ALL DEPENDS "${EIGHTSYNC_DEBIAN_OUT}/changelog.gz")

set(packages eightsync)
set(components service conffile)
if(TARGET eightsync-emulator)
  list(APPEND packages eightsync-emulator)
  list(APPEND components emulator)
endif()
foreach(pkg IN LISTS packages)
  if(pkg STREQUAL "eightsync")
    set(comp service)
  else()
    set(comp emulator)
  endif()
  install(FILES "${EIGHTSYNC_DEBIAN_DIR}/copyright" "${EIGHTSYNC_DEBIAN_OUT}/changelog.gz"
          DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/doc/${pkg}" COMPONENT ${comp})
  # None today: lintian (it.package_deb) finds no warning to override.
  if(EXISTS "${EIGHTSYNC_DEBIAN_DIR}/${pkg}.lintian-overrides")
    install(FILES "${EIGHTSYNC_DEBIAN_DIR}/${pkg}.lintian-overrides"
            DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/lintian/overrides" RENAME ${pkg} COMPONENT ${comp})
  endif()
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME eightsync)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "eightsync developers <dev@eightsync.invalid>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL ${components})
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)
set(CPACK_COMPONENT_SERVICE_GROUP eightsync)
set(CPACK_COMPONENT_CONFFILE_GROUP eightsync)
set(CPACK_COMPONENT_EMULATOR_GROUP emulator)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_EIGHTSYNC_PACKAGE_NAME eightsync)
# dpkg-shlibdeps adds the shared libraries; tzdata is read at run time (the date library's
# time zones), and the postinst runs systemd-sysusers and systemd-tmpfiles.
set(CPACK_DEBIAN_EIGHTSYNC_PACKAGE_DEPENDS
    "tzdata, systemd | systemd-standalone-sysusers, systemd | systemd-standalone-tmpfiles")
set(CPACK_DEBIAN_EIGHTSYNC_DESCRIPTION
    "HR export to 8x8 X Series user provisioning over SCIM
eightsync reads an HR export (CSV or JSON) and creates, updates and
deactivates the matching users in 8x8 X Series over SCIM 2.0. It never
deletes: leavers are deactivated, and what SCIM cannot do becomes a
manual action for an admin. Every write is recorded in an audit database.
.
This package installs the service eightsync.service, disabled, with the
user and group eightsync; /etc/eightsync/eightsync.yaml must be filled
in before it is started.")
set(CPACK_DEBIAN_EIGHTSYNC_PACKAGE_CONTROL_EXTRA
    "${EIGHTSYNC_DEBIAN_DIR}/postinst;${EIGHTSYNC_DEBIAN_DIR}/prerm;${EIGHTSYNC_DEBIAN_DIR}/postrm;${EIGHTSYNC_DEBIAN_DIR}/conffiles")

set(CPACK_DEBIAN_EMULATOR_PACKAGE_NAME eightsync-emulator)
set(CPACK_DEBIAN_EMULATOR_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_EMULATOR_DESCRIPTION
    "8x8 X Series SCIM emulator for testing eightsync
eightsync-emulator serves the subset of 8x8's SCIM 2.0 API that eightsync
uses, on a local port, with fault injection (rate limits, errors, slow
answers). It is for trying eightsync's config and for tests, not for
production.")

include(CPack)
