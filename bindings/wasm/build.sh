#!/usr/bin/env bash
# Builds attune's WebAssembly module with emscripten (Debian: apt-get install emscripten):
#
#   bash bindings/wasm/build.sh [--out DIR] [--jobs N]
#
# writes DIR (default bindings/wasm/dist) as an npm package: attune.mjs (an ES module that imports
# in Node and in browsers), attune.wasm, attune.d.ts, package.json, README.md, and the demo page
# (demo/: serve DIR over HTTP and open demo/index.html). Object files are
# kept in DIR/.obj, so a second run compiles only what changed. docs/web.md describes the result.
#
# Toolchain facts this script works around (Debian emscripten 3.1.6, Node 20; issue 17):
#  - the JS optimizer finds acorn only with NODE_PATH=/usr/share/nodejs;
#  - -sEXPORT_ES6=1 output fails under Node ("__dirname is not defined in ES module scope"), so
#    the emscripten output is a -sMODULARIZE=1 script wrapped into our own ES module (js/attune.mjs.in);
#  - emscripten's own loading of the .wasm from a path fails under Node 20 (ERR_INVALID_URL: Node
#    has a global fetch), so the wrapper reads the .wasm itself and hands over the bytes (wasmBinary);
#  - its libc++ (LLVM 13) lacks floating-point to_chars/from_chars and std::bit_cast:
#    src/libcxx_compat.hpp supplies them, force-included into every source.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$here/dist"
jobs="$(nproc 2>/dev/null || echo 2)"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --jobs|-j) jobs="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "build.sh: unknown argument '$1' (use --out DIR, --jobs N)" >&2; exit 1 ;;
  esac
done

if ! command -v em++ >/dev/null 2>&1; then
  echo "build.sh: em++ not found: install emscripten (Debian: apt-get install emscripten)" >&2
  exit 1
fi
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"

# Header-only dependencies from the system, each found where Debian puts it (override with
# EIGEN_INCLUDE, BOOST_INCLUDE, NLOHMANN_INCLUDE). /usr/include itself cannot be on em++'s path
# (its C library headers would replace emscripten's), so Boost and nlohmann are linked into a
# folder of their own.
eigen="${EIGEN_INCLUDE:-/usr/include/eigen3}"
boost="${BOOST_INCLUDE:-/usr/include}"
nlohmann="${NLOHMANN_INCLUDE:-/usr/include}"
for f in "$eigen/Eigen/Core" "$boost/boost/math/distributions/normal.hpp" "$nlohmann/nlohmann/json.hpp"; do
  [ -f "$f" ] || { echo "build.sh: $f not found (Debian: libeigen3-dev libboost-dev nlohmann-json3-dev)" >&2; exit 1; }
done

write_if_changed() {  # file, content: keeps the file's time when nothing changed
  if [ ! -f "$1" ] || [ "$(cat "$1")" != "$2" ]; then printf '%s\n' "$2" >"$1"; fi
}
mkdir -p "$out"
out="$(cd "$out" && pwd)"
obj="$out/.obj"
gen="$obj/include"
mkdir -p "$obj" "$gen/attune/core" "$gen/sys"
ln -sfn "$boost/boost" "$gen/sys/boost"
ln -sfn "$nlohmann/nlohmann" "$gen/sys/nlohmann"
# Eigen's SSE path includes <mmintrin.h> (MMX), which emscripten does not translate and which it never
# uses: an empty one stands in for clang's x86-only header.
write_if_changed "$gen/sys/mmintrin.h" "#pragma once
/* attune's wasm build (build.sh): Eigen's SSE2 path includes this MMX header but uses none of it. */"

# The two headers CMake generates: export macros (a static library: empty) and the version.
version="$(sed -n 's/^project(attune VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")"
IFS=. read -r major minor patch <<<"$version"
write_if_changed "$gen/attune/export.hpp" "#pragma once
#define ATTUNE_EXPORT
#define ATTUNE_NO_EXPORT
#define ATTUNE_DEPRECATED [[deprecated]]
#define ATTUNE_DEPRECATED_EXPORT [[deprecated]]
#define ATTUNE_DEPRECATED_NO_EXPORT [[deprecated]]"
write_if_changed "$gen/attune/core/version.hpp" "$(sed -e "s/@PROJECT_VERSION_MAJOR@/$major/" -e "s/@PROJECT_VERSION_MINOR@/$minor/" \
  -e "s/@PROJECT_VERSION_PATCH@/$patch/" -e "s/@PROJECT_VERSION@/$version/" "$root/include/attune/core/version.hpp.in")"

# The library's sources, less the modules the module's functions never reach (the linker would
# drop them anyway; not compiling them saves a third of the build): mixture profiles and
# clustering, APA text, the HTML report and its plots, and the output file (the C API's IRT studies
# and CAT simulation are kept: attune_study_json reaches them; so is the CSV reader, which the
# chunk reader of the streaming studies uses).
excluded='^src/(analyses/(profiles|cluster)|study/profiles|report/(profiles|apa|svg|html)|study/report|io/output_file)\.cpp$'
mapfile -t sources < <(cd "$root" && ls src/*/*.cpp | grep -Ev "$excluded")
sources+=("bindings/wasm/src/attune_wasm.cpp" "bindings/wasm/src/aligned_new.cpp")

# The same numbers as the native library, bit for bit (docs/web.md, "Identical numbers"): Eigen takes
# the code path it takes on x86-64 (SSE2, the x86-64 baseline that the native build compiles for),
# so that every sum is formed in the same order:
#  - -msimd128 -msse2: emscripten's SSE2 headers translate each intrinsic into its WebAssembly SIMD
#    twin (same IEEE operations), and __SSE2__ makes Eigen (and Boost.Math's Lanczos sums) vectorize
#    as on x86-64;
#  - EIGEN_MAX_STATIC_ALIGN_BYTES=16: Eigen disables vectorization on architectures it does not know
#    unless told the alignment it may assume (16, as on x86-64);
#  - EIGEN_ARCH_DEFAULT_NUMBER_OF_REGISTERS=16: x86-64's 16 SSE registers (Eigen guesses 2 sizeof(void*),
#    8 on wasm32), which set the register blocking of matrix products and so their summation order;
#  - EIGEN_DEFAULT_L1/L2/L3_CACHE_SIZE: Eigen's x86-64 defaults; the L1 size sets how a product's
#    inner dimension is cut into blocks (natively Eigen asks the CPU: docs/web.md says when it matters);
#  - -fgnuc-version=5.13: clang claims to be GCC 4.2, and Eigen then uses GCC-6.3 workarounds written
#    in x86 inline assembly (pmin/pmax); GCC >= 6.0 would add x86 register constraints to the product
#    kernel. __GNUC__ 5 with __GNUC_MINOR__ 13 (Eigen's EIGEN_COMP_GNUC = 63) avoids both;
#  - -ffp-contract=off: no fused multiply-add, as on x86-64 without -march (WebAssembly has none
#    today; this keeps it so should a later emscripten gain relaxed SIMD);
#  - src/aligned_new.cpp: operator new returns 16-byte aligned memory, as glibc's malloc does on
#    x86-64 (emscripten's aligns to 8): Eigen starts its vectorized sums at the first 16-byte aligned
#    element, so the alignment of a std::vector's data decides the order of its sum.
cxxflags=(-std=c++20 -Oz -fexceptions -DATTUNE_STATIC_DEFINE -DJSON_DISABLE_ENUM_SERIALIZATION=1
          -msimd128 -msse2 -fgnuc-version=5.13 -ffp-contract=off
          -DEIGEN_MAX_STATIC_ALIGN_BYTES=16 -DEIGEN_ARCH_DEFAULT_NUMBER_OF_REGISTERS=16
          -DEIGEN_DEFAULT_L1_CACHE_SIZE=32768 -DEIGEN_DEFAULT_L2_CACHE_SIZE=262144
          -DEIGEN_DEFAULT_L3_CACHE_SIZE=2097152
          -I"$root/include" -I"$gen" -I"$root/src" -isystem "$eigen" -isystem "$gen/sys"
          -include "$here/src/libcxx_compat.hpp" -Wall -Wextra)

# A source is compiled again when it, or any header of the project, is newer than its object.
newest_header="$(find "$root/include" "$root/src" "$here/src" "$gen" -name '*.hpp' -newer "$obj/.stamp" 2>/dev/null | head -1 || true)"
[ -f "$obj/.stamp" ] || newest_header=all
# ... and every source when the flags changed.
flags_text="$(em++ -dumpversion) ${cxxflags[*]}"
flags_text="${flags_text//$out/DIST}"  # the same flags whatever the output folder
[ -f "$obj/.flags" ] && [ "$(cat "$obj/.flags")" = "$flags_text" ] || newest_header=all
todo=()
for s in "${sources[@]}"; do
  o="$obj/$(echo "$s" | tr / _).o"
  if [ -n "$newest_header" ] || [ ! -f "$o" ] || [ "$root/$s" -nt "$o" ]; then todo+=("$s"); fi
done
start=$(date +%s)
echo "build.sh: compiling ${#todo[@]} of ${#sources[@]} sources with $jobs jobs (em++ $(em++ -dumpversion))"
compile_one() {
  local s="$1" o
  o="$obj/$(echo "$s" | tr / _).o"
  em++ "${cxxflags[@]}" -c "$root/$s" -o "$o.tmp" && mv "$o.tmp" "$o"
}
export -f compile_one
export root obj
export CXXFLAGS_LIST="${cxxflags[*]}"
if [ "${#todo[@]}" -gt 0 ]; then
  printf '%s\n' "${todo[@]}" | xargs -P "$jobs" -I{} bash -c "$(declare -p cxxflags); compile_one {}"
fi
touch "$obj/.stamp"
printf '%s\n' "$flags_text" >"$obj/.flags"

# The link: embind, C++ exceptions caught inside (the layer returns errors as JSON), memory that
# grows, no file system (the module reads no files), and the .wasm as a file of its own that the
# wrapper loads.
em++ -Oz -fexceptions --bind "$obj"/*.o -o "$obj/attune_core.js" \
  -sMODULARIZE=1 -sEXPORT_NAME=createAttuneCore -sENVIRONMENT=web,worker,node \
  -sALLOW_MEMORY_GROWTH=1 -sFILESYSTEM=0 -sNODEJS_CATCH_EXIT=0 -sNODEJS_CATCH_REJECTION=0 \
  -sINCOMING_MODULE_JS_API=wasmBinary,print,printErr

# dist/attune.mjs: the ES module, with the emscripten script inside a function that gives it the
# CommonJS names it expects under Node (require, __dirname, __filename).
sed -e "/@@EMSCRIPTEN_CORE@@/{r $obj/attune_core.js" -e 'd}' -e "s/@@VERSION@@/$version/" "$here/js/attune.mjs.in" >"$out/attune.mjs"
cp "$obj/attune_core.wasm" "$out/attune.wasm"
cp "$here/js/attune.d.ts" "$out/attune.d.ts"
sed -e "s/@@VERSION@@/$version/" "$here/js/package.json.in" >"$out/package.json"
cp "$here/js/README.md" "$out/README.md"
mkdir -p "$out/demo"
cp "$here/demo/index.html" "$here/demo/demo.js" "$out/demo/"

raw=$(wc -c <"$out/attune.wasm")
gz=$(gzip -9c "$out/attune.wasm" | wc -c)
js=$(wc -c <"$out/attune.mjs")
jsgz=$(gzip -9c "$out/attune.mjs" | wc -c)
echo "build.sh: $out: attune.wasm $raw bytes ($gz gzipped), attune.mjs $js bytes ($jsgz gzipped); $(( $(date +%s) - start )) s"
