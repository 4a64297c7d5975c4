// Checks of a study's described options (study/option_info.hpp), shared by the study tests: the
// names are unique, an entry's setter parses into its member, a bad text names the option.
#pragma once

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "attune/core/error.hpp"
#include "attune/study/option_info.hpp"

namespace attune::test {

/// Every name of `lists` once, over all of them (a command shows them together).
inline void expect_unique_names(const std::vector<const option_list*>& lists) {
  std::set<std::string> names;
  for (const option_list* list : lists) {
    for (const option_info& o : *list) EXPECT_TRUE(names.insert(o.name).second) << "named twice: " << o.name;
  }
}

/// Sets the entry `name` of `list` from `texts` (a failure when there is none).
inline void set_option(const option_list& list, const std::string& name, const std::vector<std::string>& texts) {
  for (const option_info& o : list) {
    if (o.name == name) return o.set(texts);
  }
  ADD_FAILURE() << "no option " << name;
}

/// The entry `name` refuses `texts`: an attune::error whose option() is the entry's field and
/// whose message starts with the name ("NAME 'TEXT': ..." or "NAME: ...").
inline void expect_refused(const option_list& list, const std::string& name, const std::vector<std::string>& texts) {
  for (const option_info& o : list) {
    if (o.name != name) continue;
    try {
      o.set(texts);
      ADD_FAILURE() << name << " accepted " << (texts.empty() ? std::string() : texts.front());
    } catch (const attune::error& e) {
      EXPECT_EQ(e.option(), o.field) << e.what();
      const std::string head = std::string(e.what()).substr(0, name.size() + 1);
      EXPECT_TRUE(head == name + " " || head == name + ":") << e.what();
    }
    return;
  }
  ADD_FAILURE() << "no option " << name;
}

}  // namespace attune::test
