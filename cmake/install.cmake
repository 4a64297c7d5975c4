include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS attune EXPORT attuneTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/attune DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.hpp" PATTERN "attune.h")
install(FILES ${PROJECT_BINARY_DIR}/include/attune/export.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/attune)
install(FILES ${PROJECT_BINARY_DIR}/include/attune/core/version.hpp DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/attune/core)
if(TARGET attune_cli)
  # A shared build's command line finds libattune next to it (bin/../lib), wherever the prefix is.
  if(BUILD_SHARED_LIBS)
    file(RELATIVE_PATH ATTUNE_BIN_TO_LIB /x/${CMAKE_INSTALL_BINDIR} /x/${CMAKE_INSTALL_LIBDIR})
    set_target_properties(attune_cli PROPERTIES INSTALL_RPATH "$ORIGIN/${ATTUNE_BIN_TO_LIB}")
  endif()
  install(TARGETS attune_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

set(ATTUNE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/attune)
install(EXPORT attuneTargets NAMESPACE attune:: DESTINATION ${ATTUNE_CMAKE_DIR})
export(EXPORT attuneTargets NAMESPACE attune::
       FILE ${PROJECT_BINARY_DIR}/attuneTargets.cmake)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/attuneConfig.cmake.in
  ${PROJECT_BINARY_DIR}/attuneConfig.cmake INSTALL_DESTINATION ${ATTUNE_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/attuneConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/attuneConfig.cmake ${PROJECT_BINARY_DIR}/attuneConfigVersion.cmake
        DESTINATION ${ATTUNE_CMAKE_DIR})

# pkg-config. The prefix is found relative to the .pc file (${pcfiledir}), so the file is right
# for `cmake --install --prefix DIR` and for a moved prefix. A static library needs
# ATTUNE_STATIC_DEFINE (empty ATTUNE_EXPORT) and its own dependencies (threads) on the consumer's
# link line; a shared one carries them itself.
file(RELATIVE_PATH ATTUNE_PC_RELATIVE_PREFIX /x/${CMAKE_INSTALL_LIBDIR}/pkgconfig /x)
string(REGEX REPLACE "/$" "" ATTUNE_PC_RELATIVE_PREFIX "${ATTUNE_PC_RELATIVE_PREFIX}")
if(BUILD_SHARED_LIBS)
  set(ATTUNE_PC_CFLAGS "")
  set(ATTUNE_PC_LIBS "")
  set(ATTUNE_PC_LIBS_PRIVATE "-pthread")
else()
  set(ATTUNE_PC_CFLAGS "-DATTUNE_STATIC_DEFINE")
  set(ATTUNE_PC_LIBS "-pthread")
  set(ATTUNE_PC_LIBS_PRIVATE "")
endif()
configure_file(${PROJECT_SOURCE_DIR}/cmake/attune.pc.in ${PROJECT_BINARY_DIR}/attune.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/attune.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
