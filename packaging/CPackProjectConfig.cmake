# SPDX-License-Identifier: MIT
# Read by cpack before it packages (CPACK_PROJECT_CONFIG_FILE): the packages take the version
# this build computed from git (version.txt, written by packaging/PackageVersion.cmake at
# build time), so that the version, the changelog and the binaries agree.
if(EXISTS "${CPACK_FASTCHAT_VERSION_FILE}")
    file(STRINGS "${CPACK_FASTCHAT_VERSION_FILE}" version LIMIT_COUNT 1)
    if(version MATCHES "^[0-9][A-Za-z0-9.+~]*$")
        set(CPACK_DEBIAN_PACKAGE_VERSION "${version}")
    endif()
endif()
