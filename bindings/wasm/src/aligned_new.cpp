// operator new for the WebAssembly build only (build.sh): memory aligned to 16 bytes, as glibc's
// malloc gives it on x86-64, where emscripten's malloc aligns to 8.
//
// Why: Eigen's vectorized reductions (sum, dot, squaredNorm, mean) start their packets at the first
// 16-byte aligned element of a vector and add the elements before it one by one (Eigen 3.4,
// Core/Redux.h: first_default_aligned). So the order in which a sum over a std::vector's data (an
// Eigen::Map) is formed depends on where that data lies; with the same alignment as natively the
// module forms every such sum in the native order and gives the native numbers bit for bit
// (docs/web.md, "Identical numbers"). Eigen's own matrices are 16-byte aligned on both already.
#include <cstddef>
#include <cstdlib>
#include <new>

namespace {

constexpr std::size_t alignment = 16;

void* allocate(std::size_t size) {
  // aligned_alloc wants a multiple of the alignment; 0 bytes still gets a unique pointer.
  const std::size_t rounded = size == 0 ? alignment : (size + alignment - 1) & ~(alignment - 1);
  if (rounded < size) throw std::bad_alloc();
  void* p = ::aligned_alloc(alignment, rounded);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void* allocate(std::size_t size, const std::nothrow_t&) noexcept {
  try {
    return allocate(size);
  } catch (...) {
    return nullptr;
  }
}

}  // namespace

void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void* operator new(std::size_t size, const std::nothrow_t& tag) noexcept { return allocate(size, tag); }
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return allocate(size, tag); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
