# SPDX-License-Identifier: MIT
# Run at build time (cmake -P): the Debian version of this build and the changelog that goes
# with it, written to OUTPUT_DIR only when they change.
#   version.txt           the upstream version: 0.1.0 on a tag v0.1.0, else
#                         0.1.0+git<N>.g<hash> (N commits since the last v* tag, or since the
#                         first commit); the project version alone outside a git checkout.
#                         The packages add the Debian revision -1.
#   changelog.Debian.gz   one entry for <version>-1, dated with the commit.
# Inputs: SOURCE_DIR, PROJECT_VERSION, OUTPUT_DIR.
cmake_minimum_required(VERSION 3.22)

set(upstream "${PROJECT_VERSION}")
set(date "")
set(describe "")
find_program(GIT git)
if(GIT AND EXISTS "${SOURCE_DIR}/.git")
    execute_process(COMMAND "${GIT}" -C "${SOURCE_DIR}" describe --tags --long --match "v[0-9]*"
                    OUTPUT_VARIABLE describe RESULT_VARIABLE failed ERROR_QUIET
                    OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(NOT failed AND describe MATCHES "-([0-9]+)-g([0-9a-f]+)$")
        set(count "${CMAKE_MATCH_1}")
        set(hash "${CMAKE_MATCH_2}")
    else()
        # No release tag yet: count from the first commit.
        execute_process(COMMAND "${GIT}" -C "${SOURCE_DIR}" rev-list --count HEAD
                        OUTPUT_VARIABLE count RESULT_VARIABLE failed ERROR_QUIET
                        OUTPUT_STRIP_TRAILING_WHITESPACE)
        execute_process(COMMAND "${GIT}" -C "${SOURCE_DIR}" rev-parse --short=7 HEAD
                        OUTPUT_VARIABLE hash ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
        set(describe "${hash}")
    endif()
    if(NOT failed AND count MATCHES "^[0-9]+$" AND hash MATCHES "^[0-9a-f]+$")
        if(NOT count EQUAL 0)
            string(APPEND upstream "+git${count}.g${hash}")
        endif()
        execute_process(COMMAND "${GIT}" -C "${SOURCE_DIR}" log -1 --format=%cD
                        OUTPUT_VARIABLE date ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
    endif()
endif()
if(date STREQUAL "")
    string(TIMESTAMP date "%a, %d %b %Y %H:%M:%S +0000" UTC)
endif()
set(version "${upstream}-1")

set(changes "  * Built from the Fast-Chat sources")
if(NOT describe STREQUAL "")
    string(APPEND changes " at git ${describe}")
endif()
set(changelog "fastchat (${version}) unstable; urgency=medium

${changes}.

 -- The Fast-Chat developers <fastchat@example.invalid>  ${date}
")

file(MAKE_DIRECTORY "${OUTPUT_DIR}")
file(WRITE "${OUTPUT_DIR}/version.txt.new" "${upstream}\n")
file(COPY_FILE "${OUTPUT_DIR}/version.txt.new" "${OUTPUT_DIR}/version.txt" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT_DIR}/version.txt.new")
file(WRITE "${OUTPUT_DIR}/changelog.Debian.new" "${changelog}")
if(NOT EXISTS "${OUTPUT_DIR}/changelog.Debian.gz" OR NOT EXISTS "${OUTPUT_DIR}/changelog.Debian")
    set(changed TRUE)
else()
    file(READ "${OUTPUT_DIR}/changelog.Debian" old)
    if(old STREQUAL changelog)
        set(changed FALSE)
    else()
        set(changed TRUE)
    endif()
endif()
if(changed)
    file(RENAME "${OUTPUT_DIR}/changelog.Debian.new" "${OUTPUT_DIR}/changelog.Debian")
    # -n: no name or time stamp in the gzip header (lintian, reproducible builds).
    execute_process(COMMAND gzip -9nc "${OUTPUT_DIR}/changelog.Debian"
                    OUTPUT_FILE "${OUTPUT_DIR}/changelog.Debian.gz" COMMAND_ERROR_IS_FATAL ANY)
else()
    file(REMOVE "${OUTPUT_DIR}/changelog.Debian.new")
endif()
