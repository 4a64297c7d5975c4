// Checks of a study's described options (study/option_info.hpp), shared by the study tests: the
// names are unique, an entry's setter parses into its member, a bad text names the option.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <stdexcept>
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

/// The entry `name` of `list` (an exception, which fails the test, when there is none).
inline const option_info& option_named(const option_list& list, const std::string& name) {
  for (const option_info& o : list) {
    if (o.name == name) return o;
  }
  throw std::runtime_error("no option " + name);
}

/// Sets the entry `name` of `list` from `texts`.
inline void set_option(const option_list& list, const std::string& name, const std::vector<std::string>& texts) {
  option_named(list, name).set(texts);
}

/// The error with which `o` refuses `texts`, whose option() is the entry's field (none, and a
/// failure, when it takes them).
inline std::optional<attune::error> refusal(const option_info& o, const std::vector<std::string>& texts) {
  try {
    o.set(texts);
  } catch (const attune::error& e) {
    EXPECT_EQ(e.option(), o.field) << e.what();
    return e;
  }
  ADD_FAILURE() << o.name << " accepted " << (texts.empty() ? std::string() : texts.front());
  return std::nullopt;
}

/// The entry `name` refuses `texts`: an attune::error whose option() is the entry's field and
/// whose message starts with the name ("NAME 'TEXT': ..." or "NAME: ...").
inline void expect_refused(const option_list& list, const std::string& name, const std::vector<std::string>& texts) {
  if (const auto e = refusal(option_named(list, name), texts)) {
    const std::string head = std::string(e->what()).substr(0, name.size() + 1);
    EXPECT_TRUE(head == name + " " || head == name + ":") << e->what();
  }
}

/// `o` refuses `texts` as the option builders refuse a text (detail/option_builders.hpp):
/// invalid_argument, option = the field, rule option_text, value = the text (cut to 80
/// characters), message "NAME 'TEXT': ...". Returns the message ("" when it took the text).
inline std::string refused_text(const option_info& o, const std::vector<std::string>& texts) {
  const auto e = refusal(o, texts);
  if (!e) return {};
  EXPECT_EQ(e->code(), attune::errc::invalid_argument) << e->what();
  EXPECT_EQ(e->rule(), std::optional<std::string>("option_text")) << e->what();
  if (!texts.empty()) {
    const std::string& t = texts.front();
    EXPECT_EQ(e->value(), t.size() > 80 ? t.substr(0, 77) + "..." : t);
  }
  EXPECT_EQ(std::string(e->what()).rfind(o.name + " '", 0), 0U) << e->what();
  return e->what();
}

}  // namespace attune::test
