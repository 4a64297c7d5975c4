/// @file config.hpp
/// The namespace and export macros every public header uses.
///
/// Everything public lives in `attune`, inside the versioned inline namespace `attune::v1`
/// (as fmt does with `fmt::v12`): code says `attune::score`, while the linker sees
/// `attune::v1::score`, so two incompatible builds of the library cannot be mixed silently in one
/// program. `ATTUNE_ABI_VERSION` is that number; `attune_abi_version()` in the C API returns it.
/// Private helpers live in `attune::detail` (inside the same inline namespace) and in `src/`.
#pragma once

#include "attune/export.hpp"

/// The ABI version: the name of the inline namespace (`v1`), bumped with every incompatible change.
#define ATTUNE_ABI_VERSION 1
#define ATTUNE_BEGIN_NAMESPACE \
  namespace attune {           \
  inline namespace v1 {
#define ATTUNE_END_NAMESPACE \
  }                          \
  }
