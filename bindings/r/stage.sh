#!/bin/sh
# Copies the package with the library's sources staged into src/libattune/, so that
# `R CMD build DEST/attune` makes a self-contained tarball (for a machine without the checkout):
# configure compiles the staged sources (no ATTUNE_SOURCE_DIR needed).
# usage: sh bindings/r/stage.sh DEST   (then: R CMD build DEST/attune)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
dest=$1
rm -rf "$dest/attune"
mkdir -p "$dest"
cp -R "$here" "$dest/attune"
cd "$dest/attune"
sh ./cleanup
rm -rf src/libattune check.sh stage.sh bench
mkdir -p src/libattune
cp -R "$src/include" "$src/src" src/libattune/
echo "staged $dest/attune: R CMD build $dest/attune"
