include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS attune EXPORT attuneTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/attune DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.hpp")
install(FILES ${PROJECT_BINARY_DIR}/include/attune/export.hpp ${PROJECT_BINARY_DIR}/include/attune/version.hpp
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/attune)
if(TARGET attune_cli)
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

# pkg-config: a static build needs the C++ runtime's threads as well.
set(ATTUNE_PC_LIBS_PRIVATE "-pthread")
configure_file(${PROJECT_SOURCE_DIR}/cmake/attune.pc.in ${PROJECT_BINARY_DIR}/attune.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/attune.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
