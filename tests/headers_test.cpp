// The umbrella header includes every public header, and every public header compiles on its own
// (each is included first in some translation unit of the library; here, all together).
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "attune/attune.hpp"
#include "test_support.hpp"

namespace {

TEST(Headers, UmbrellaIncludesEveryPublicHeader) {
  const std::string umbrella = attune::test::read_file(attune::test::source_path("include/attune/attune.hpp"));
  const std::filesystem::path root = attune::test::source_path("include/attune");
  std::size_t n = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
    if (e.path().extension() != ".hpp" || e.path().filename() == "attune.hpp" || e.path().filename() == "config.hpp") continue;
    const std::string rel = std::filesystem::relative(e.path(), root.parent_path()).string();
    EXPECT_NE(umbrella.find("#include \"" + rel + "\""), std::string::npos) << rel;
    ++n;
  }
  EXPECT_GT(n, 20u);
}

}  // namespace
