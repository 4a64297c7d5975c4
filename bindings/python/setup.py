"""Builds attune's extension module with CMake (pyproject.toml has the metadata).

The extension attune._attune is the CMake target `_attune` of the repository two folders up,
configured with only what it needs (no tests, examples or command line). Environment:
  ATTUNE_BUILD_DIR   (an absolute path) reuse this CMake build tree (already configured, e.g. build/ci) instead of a
                     fresh one under build/; its `_attune` target is built and copied.
  CMAKE_BUILD_PARALLEL_LEVEL  jobs for the build (default 2).
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parent.parent


class CMakeExtension(Extension):
    def __init__(self, name: str) -> None:
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext: Extension) -> None:
        build_dir = os.environ.get("ATTUNE_BUILD_DIR")
        if build_dir:
            build = Path(build_dir).resolve()
        else:
            build = Path(self.build_temp).resolve() / "cmake"
            subprocess.run(
                ["cmake", "-S", str(REPOSITORY), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
                 "-DATTUNE_BUILD_TESTS=OFF", "-DATTUNE_BUILD_EXAMPLES=OFF", "-DATTUNE_BUILD_CLI=OFF",
                 "-DATTUNE_INSTALL=OFF", "-DATTUNE_BUILD_PYTHON=ON", f"-DATTUNE_PYTHON_EXECUTABLE={sys.executable}"],
                check=True)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", "2")
        subprocess.run(["cmake", "--build", str(build), "--target", "_attune", "--parallel", jobs], check=True)
        built = sorted((build / "python" / "attune").glob("_attune*.so")) + \
            sorted((build / "python" / "attune").glob("_attune*.pyd"))
        if not built:
            raise RuntimeError(f"the CMake build in {build} made no _attune module")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built[0], target)


setup(packages=["attune"], package_data={"attune": ["*.pyi", "py.typed"]},
      ext_modules=[CMakeExtension("attune._attune")], cmdclass={"build_ext": CMakeBuild})
